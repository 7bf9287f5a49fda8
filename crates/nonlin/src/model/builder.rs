//! A fluent builder for [`Architecture`]s: the same models as the spec
//! strings (`--arch 16-relu-8-tanh`), written in code.
//!
//! ```
//! use nonlin::model::{Activation, ArchitectureBuilder, Network};
//!
//! let arch = ArchitectureBuilder::new(12)
//!     .linear(16)
//!     .relu()
//!     .linear(8)
//!     .activation(Activation::Tanh)
//!     .build()?;
//! assert_eq!(arch.to_string(), "12-16-relu-8-tanh-1");
//! assert_eq!(
//!     arch.torch_repr(),
//!     "nn.Sequential(Linear(12, 16), ReLU(), Linear(16, 8), Tanh(), Linear(8, 1))"
//! );
//! let net = Network::new(arch, 0);
//! assert_eq!(net.params.len(), 16 * 13 + 8 * 17 + 9);
//! # Ok::<(), nonlin::Error>(())
//! ```
//!
//! The rules are those of [`Architecture::parse_hidden`]: the builder
//! starts from the input width, each [`linear`](ArchitectureBuilder::linear)
//! adds a `Linear` from the current width, activations may follow one
//! another (as in `nn.Sequential`) but not come before the first `Linear`,
//! and [`build`](ArchitectureBuilder::build) always appends the output layer
//! `Linear(width, 1)` — so `new(12).linear(5).build()` is the tutorial's
//! `12-5-1`, and a trailing `.linear(1)` gives `…-1-1`, exactly as the hidden
//! spec `5-1` would.
//!
//! Mistakes are remembered and reported by `build` (the first one, naming
//! the call), so the chain stays free of `?`.

use super::{Activation, Architecture, Layer};
use crate::error::{Error, Result};

/// Builds an [`Architecture`] module by module; see the [module docs](self).
#[derive(Debug, Clone, PartialEq)]
pub struct ArchitectureBuilder {
    width: usize,
    layers: Vec<Layer>,
    error: Option<String>,
}

impl ArchitectureBuilder {
    /// Starts a model taking `input` features.
    pub fn new(input: usize) -> ArchitectureBuilder {
        ArchitectureBuilder {
            width: input,
            layers: Vec::new(),
            error: (input == 0).then(|| "the input width must be at least 1".to_string()),
        }
    }

    fn fail(mut self, why: String) -> Self {
        if self.error.is_none() {
            self.error = Some(why);
        }
        self
    }

    /// `nn.Linear(current width, width)`.
    pub fn linear(mut self, width: usize) -> Self {
        if width == 0 {
            let k = self.layers.len();
            return self.fail(format!(
                "linear(0) at module {k}: a layer width must be at least 1"
            ));
        }
        self.layers.push(Layer::Linear {
            in_features: self.width,
            out_features: width,
        });
        self.width = width;
        self
    }

    /// Any activation module; the named methods below are shorthands.
    pub fn activation(self, act: Activation) -> Self {
        let k = self.layers.len();
        if self.layers.is_empty() {
            return self.fail(format!(
                "activation {} at module 0 comes before any layer; start with linear(width)",
                act.torch_name()
            ));
        }
        // Finite, as every parameter in a spec string or checkpoint must be
        // (negative values are fine: `12-4-elu:-0.5-1` parses back), and
        // what the activation's table entry refuses (softplus beta 0).
        if let Some(why) = act.invalid() {
            return self.fail(format!(
                "activation {} at module {k}: {why}",
                act.torch_name()
            ));
        }
        let mut s = self;
        s.layers.push(Layer::Activation(act));
        s
    }

    /// `nn.ReLU()`.
    pub fn relu(self) -> Self {
        self.activation(Activation::Relu)
    }

    /// `nn.Tanh()`.
    pub fn tanh(self) -> Self {
        self.activation(Activation::Tanh)
    }

    /// `nn.Sigmoid()`.
    pub fn sigmoid(self) -> Self {
        self.activation(Activation::Sigmoid)
    }

    /// `nn.ELU(alpha)` (PyTorch's default alpha is 1.0).
    pub fn elu(self, alpha: f32) -> Self {
        self.activation(Activation::Elu { alpha })
    }

    /// `nn.LeakyReLU(negative_slope)` (PyTorch's default slope is 0.01).
    pub fn leaky_relu(self, slope: f32) -> Self {
        self.activation(Activation::LeakyRelu { slope })
    }

    /// `nn.GELU()`, the exact erf form.
    pub fn gelu(self) -> Self {
        self.activation(Activation::Gelu)
    }

    /// `nn.GELU(approximate='tanh')`.
    pub fn gelu_tanh(self) -> Self {
        self.activation(Activation::GeluTanh)
    }

    /// `nn.SiLU()`.
    pub fn silu(self) -> Self {
        self.activation(Activation::Silu)
    }

    /// `nn.Softplus(beta, threshold)` (PyTorch's defaults are 1 and 20).
    pub fn softplus(self, beta: f32, threshold: f32) -> Self {
        self.activation(Activation::Softplus { beta, threshold })
    }

    /// The hidden spec built so far, the form `--arch` takes
    /// (`16-relu-8-tanh`; empty before the first module).
    pub fn spec(&self) -> String {
        let parts: Vec<String> = self
            .layers
            .iter()
            .map(|l| match l {
                Layer::Linear { out_features, .. } => out_features.to_string(),
                Layer::Activation(a) => a.to_string(),
            })
            .collect();
        parts.join("-")
    }

    /// The architecture, with the output layer `Linear(width, 1)` appended,
    /// or the first mistake made while building.
    pub fn build(self) -> Result<Architecture> {
        if let Some(why) = self.error {
            return Err(Error::Config(format!("architecture builder: {why}")));
        }
        let mut layers = self.layers;
        layers.push(Layer::Linear {
            in_features: self.width,
            out_features: 1,
        });
        Ok(Architecture { layers })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Network;

    fn every_activation(b: ArchitectureBuilder) -> ArchitectureBuilder {
        b.relu()
            .tanh()
            .sigmoid()
            .elu(1.0)
            .elu(0.5)
            .leaky_relu(0.01)
            .leaky_relu(0.2)
            .gelu()
            .gelu_tanh()
            .silu()
            .softplus(1.0, 20.0)
            .softplus(2.0, 20.0)
            .softplus(2.0, 10.0)
            .activation(Activation::Identity)
    }

    #[test]
    fn builds_what_the_hidden_spec_parses() {
        let b = ArchitectureBuilder::new(12)
            .linear(16)
            .relu()
            .linear(8)
            .activation(Activation::Tanh);
        assert_eq!(b.spec(), "16-relu-8-tanh");
        let arch = b.build().unwrap();
        assert_eq!(
            arch,
            Architecture::parse_hidden("16-relu-8-tanh", 12).unwrap()
        );
        assert_eq!(arch.to_string(), "12-16-relu-8-tanh-1");
        assert_eq!(Architecture::parse(&arch.to_string()).unwrap(), arch);
        assert_eq!(arch.n_params(), 16 * 13 + 8 * 17 + 9);
        // The tutorial's models.
        assert_eq!(
            ArchitectureBuilder::new(12).linear(5).build().unwrap(),
            Architecture::mlp(12, &[5], Activation::Identity)
        );
        assert_eq!(
            ArchitectureBuilder::new(12)
                .linear(5)
                .relu()
                .build()
                .unwrap(),
            Architecture::mlp(12, &[5], Activation::Relu)
        );
        // A model with no hidden layer is logistic regression, as `parse_hidden("", d)` is not
        // (it rejects the empty token), but `parse("12-1")` is.
        assert_eq!(
            ArchitectureBuilder::new(12).build().unwrap(),
            Architecture::parse("12-1").unwrap()
        );
    }

    #[test]
    fn every_activation_round_trips_through_the_spec_grammar() {
        let b = every_activation(ArchitectureBuilder::new(7).linear(3))
            .linear(4)
            .elu(0.25);
        let spec = b.spec();
        assert_eq!(
            spec,
            "3-relu-tanh-sigmoid-elu-elu:0.5-leaky_relu-leaky_relu:0.2-gelu-gelu_tanh-silu-\
             softplus-softplus:2-softplus:2:10-identity-4-elu:0.25"
        );
        let arch = b.clone().build().unwrap();
        assert_eq!(arch.layers.len(), 2 + 14 + 1 + 1);
        assert_eq!(Architecture::parse(&arch.to_string()).unwrap(), arch);
        assert_eq!(Architecture::parse_hidden(&spec, 7).unwrap(), arch);
        // Values that are not short decimals survive the round trip exactly.
        let odd = ArchitectureBuilder::new(2)
            .linear(2)
            .elu(0.1 + 0.2)
            .softplus(1.0 / 3.0, 7.25)
            .build()
            .unwrap();
        assert_eq!(Architecture::parse(&odd.to_string()).unwrap(), odd);
    }

    #[test]
    fn torch_repr_names_every_module() {
        let arch = ArchitectureBuilder::new(4)
            .linear(6)
            .leaky_relu(0.2)
            .linear(3)
            .softplus(2.0, 10.0)
            .gelu_tanh()
            .build()
            .unwrap();
        assert_eq!(
            arch.torch_repr(),
            "nn.Sequential(Linear(4, 6), LeakyReLU(negative_slope=0.2), Linear(6, 3), \
             Softplus(beta=2, threshold=10), GELU(approximate='tanh'), Linear(3, 1))"
        );
        let shapes: Vec<String> = Network::new(arch, 1)
            .tensors()
            .iter()
            .map(|t| format!("{}{:?}", t.name, t.shape))
            .collect();
        assert_eq!(
            shapes,
            [
                "0.weight[6, 4]",
                "0.bias[6]",
                "2.weight[3, 6]",
                "2.bias[3]",
                "5.weight[1, 3]",
                "5.bias[1]"
            ]
        );
    }

    #[test]
    fn mistakes_are_reported_by_build() {
        let e = |b: ArchitectureBuilder| b.build().unwrap_err().to_string();
        let m = e(ArchitectureBuilder::new(12).relu().linear(4));
        assert!(
            m.contains("before any layer") && m.contains("ReLU()"),
            "{m}"
        );
        let m = e(ArchitectureBuilder::new(12).linear(4).linear(0).relu());
        assert!(m.contains("linear(0)") && m.contains("module 1"), "{m}");
        let m = e(ArchitectureBuilder::new(0).linear(4));
        assert!(m.contains("input width"), "{m}");
        let m = e(ArchitectureBuilder::new(3).linear(4).softplus(0.0, 20.0));
        assert!(m.contains("beta must not be 0"), "{m}");
        let m = e(ArchitectureBuilder::new(3).linear(4).elu(f32::NAN));
        assert!(m.contains("alpha"), "{m}");
        let m = e(ArchitectureBuilder::new(3)
            .linear(4)
            .leaky_relu(f32::INFINITY));
        assert!(m.contains("negative_slope"), "{m}");
        // Negative parameters are valid in PyTorch and round-trip through specs.
        let neg = ArchitectureBuilder::new(3)
            .linear(4)
            .elu(-0.5)
            .build()
            .unwrap();
        assert_eq!(Architecture::parse("3-4-elu:-0.5-1").unwrap(), neg);
        let m = e(ArchitectureBuilder::new(3)
            .linear(4)
            .softplus(1.0, f32::NAN));
        assert!(m.contains("threshold"), "{m}");
        // The first mistake wins.
        let m = e(ArchitectureBuilder::new(3).tanh().linear(0));
        assert!(m.contains("Tanh()"), "{m}");
        // The same mistakes are errors in the spec grammar too.
        assert!(Architecture::parse_hidden("relu-4", 12).is_err());
        assert!(Architecture::parse_hidden("4-0", 12).is_err());
        assert!(Architecture::parse_hidden("4-softplus:0", 12).is_err());
        // Two activations in a row are allowed, as in nn.Sequential and the grammar.
        let twice = ArchitectureBuilder::new(3)
            .linear(4)
            .relu()
            .tanh()
            .build()
            .unwrap();
        assert_eq!(twice, Architecture::parse_hidden("4-relu-tanh", 3).unwrap());
    }
}
