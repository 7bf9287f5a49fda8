//! What a network is made of, as `nn.Sequential` would list it, and the
//! spec strings that name it (`12-5-relu-1`).
//!
//! Grammar of a spec: tokens separated by `-`; a number is a `Linear` layer
//! to that width (from the previous width), a name is an activation module
//! (`relu`, `tanh`, `elu:0.5`, ...). A full spec starts with the input width
//! (`12-5-relu-1`); a hidden spec (`16-relu-8-tanh`, for `--arch`) takes the
//! input width from the data and ends with one output logit.

use super::{Activation, ParamLayout};
use crate::error::{Error, Result};
use std::fmt;

/// Splits a spec at its `-` separators. A `-` right after `:` or after the
/// exponent mark of a number is a minus sign (`elu:-0.5`, `leaky_relu:1e-3`).
fn tokens(spec: &str) -> Vec<&str> {
    let bytes = spec.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if b != b'-' {
            continue;
        }
        let prev = if i > 0 { bytes[i - 1] } else { b'-' };
        let in_param = spec[start..i].contains(':');
        let minus = prev == b':'
            || (in_param
                && (prev == b'e' || prev == b'E')
                && i >= 2
                && bytes[i - 2].is_ascii_digit());
        if !minus {
            out.push(spec[start..i].trim());
            start = i + 1;
        }
    }
    out.push(spec[start..].trim());
    out
}

/// One module of the stack.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Layer {
    Linear {
        in_features: usize,
        out_features: usize,
    },
    Activation(Activation),
}

/// A stack of modules ending in one output logit.
#[derive(Debug, Clone, PartialEq)]
pub struct Architecture {
    pub layers: Vec<Layer>,
}

impl Architecture {
    /// An MLP: `Linear(input, h1) → act → … → Linear(hk, 1)`. An identity
    /// activation adds no module, so `mlp(12, &[5], Identity)` is the
    /// tutorial's `model_0` with state-dict keys `0.*` and `1.*`.
    pub fn mlp(input: usize, hidden: &[usize], activation: Activation) -> Architecture {
        Architecture::mlp_outputs(input, hidden, activation, 1)
    }

    /// [`Architecture::mlp`] ending in `Linear(hk, outputs)`: `K` logits for
    /// a K-class net, one output for regression. The state-dict names are
    /// those of `mlp` (only the last weight's and bias's shapes change).
    pub fn mlp_outputs(
        input: usize,
        hidden: &[usize],
        activation: Activation,
        outputs: usize,
    ) -> Architecture {
        let mut layers = Vec::new();
        let mut width = input;
        for &h in hidden {
            layers.push(Layer::Linear {
                in_features: width,
                out_features: h,
            });
            if activation != Activation::Identity {
                layers.push(Layer::Activation(activation));
            }
            width = h;
        }
        layers.push(Layer::Linear {
            in_features: width,
            out_features: outputs,
        });
        Architecture { layers }
    }

    /// Parses a full spec such as `12-5-relu-1` (the form stored in checkpoints).
    pub fn parse(spec: &str) -> Result<Architecture> {
        let arch = Self::parse_full(spec)?;
        if !matches!(
            arch.layers.last(),
            Some(Layer::Linear {
                out_features: 1,
                ..
            })
        ) {
            return Err(Error::Config(format!(
                "architecture '{spec}': it must end with one output logit ('-1')"
            )));
        }
        Ok(arch)
    }

    /// Parses a full spec that ends in any number of outputs, such as
    /// `13-16-tanh-3` (a 3-class net); it must end with a `Linear`.
    pub fn parse_outputs(spec: &str) -> Result<Architecture> {
        let arch = Self::parse_full(spec)?;
        if !matches!(arch.layers.last(), Some(Layer::Linear { .. })) {
            return Err(Error::Config(format!(
                "architecture '{spec}': it must end with the output width (a number)"
            )));
        }
        Ok(arch)
    }

    /// A full spec: the input width, then the layers.
    fn parse_full(spec: &str) -> Result<Architecture> {
        let tokens = tokens(spec);
        let input: usize = tokens[0].parse().ok().filter(|&w| w > 0).ok_or_else(|| {
            Error::Config(format!(
                "architecture '{spec}': token 1 '{}' should be the input width (a number)",
                tokens[0]
            ))
        })?;
        Self::from_tokens(spec, input, &tokens[1..], 2)
    }

    /// Parses a hidden-layer spec such as `16-relu-8-tanh`, adding the input
    /// width and the final `Linear(…, 1)`.
    pub fn parse_hidden(spec: &str, input: usize) -> Result<Architecture> {
        Architecture::parse_hidden_outputs(spec, input, 1)
    }

    /// [`Architecture::parse_hidden`] with a final `Linear(…, outputs)`.
    pub fn parse_hidden_outputs(spec: &str, input: usize, outputs: usize) -> Result<Architecture> {
        let tokens = tokens(spec);
        let mut arch = Self::from_tokens(spec, input, &tokens, 1)?;
        let width = arch.output_width(input);
        arch.layers.push(Layer::Linear {
            in_features: width,
            out_features: outputs,
        });
        Ok(arch)
    }

    /// Outputs per row: the width of the last `Linear` (1 for a binary or
    /// regression net, `K` for a K-class one).
    pub fn outputs(&self) -> usize {
        match self.layers.last() {
            Some(Layer::Linear { out_features, .. }) => *out_features,
            _ => self.output_width(self.input_width()),
        }
    }

    fn from_tokens(
        spec: &str,
        input: usize,
        tokens: &[&str],
        first_pos: usize,
    ) -> Result<Architecture> {
        let mut layers = Vec::new();
        let mut width = input;
        for (k, tok) in tokens.iter().enumerate() {
            let pos = first_pos + k;
            if tok.is_empty() {
                return Err(Error::Config(format!(
                    "architecture '{spec}': token {pos} is empty (two '-' in a row?)"
                )));
            }
            if tok.chars().next().is_some_and(|c| c.is_ascii_digit()) {
                let w: usize = tok.parse().ok().filter(|&w| w > 0).ok_or_else(|| {
                    Error::Config(format!(
                        "architecture '{spec}': token {pos} '{tok}' is not a positive layer width"
                    ))
                })?;
                layers.push(Layer::Linear {
                    in_features: width,
                    out_features: w,
                });
                width = w;
            } else {
                let act = Activation::parse(tok).map_err(|e| {
                    Error::Config(format!("architecture '{spec}': token {pos}: {e}"))
                })?;
                if layers.is_empty() {
                    return Err(Error::Config(format!(
                        "architecture '{spec}': token {pos} '{tok}' comes before any layer; start with a width"
                    )));
                }
                layers.push(Layer::Activation(act));
            }
        }
        if layers.is_empty() && first_pos > 1 {
            return Err(Error::Config(format!(
                "architecture '{spec}': it has no layers"
            )));
        }
        Ok(Architecture { layers })
    }

    fn output_width(&self, input: usize) -> usize {
        self.layers
            .iter()
            .rev()
            .find_map(|l| match l {
                Layer::Linear { out_features, .. } => Some(*out_features),
                _ => None,
            })
            .unwrap_or(input)
    }

    /// Width of the input features.
    pub fn input_width(&self) -> usize {
        match self.layers.first() {
            Some(Layer::Linear { in_features, .. }) => *in_features,
            _ => 0,
        }
    }

    /// Where every parameter lives in the flat block ([`ParamLayout`]).
    pub fn layout(&self) -> ParamLayout {
        ParamLayout::new(self)
    }

    /// Number of trainable parameters.
    pub fn n_params(&self) -> usize {
        self.layout().len()
    }

    /// The `torch.nn.Sequential(...)` that has the same state dict.
    pub fn torch_repr(&self) -> String {
        let parts: Vec<String> = self
            .layers
            .iter()
            .map(|l| match l {
                Layer::Linear {
                    in_features,
                    out_features,
                } => format!("Linear({in_features}, {out_features})"),
                Layer::Activation(a) => a.torch_name(),
            })
            .collect();
        format!("nn.Sequential({})", parts.join(", "))
    }
}

impl fmt::Display for Architecture {
    /// The full spec: input width, then each module (`12-5-relu-1`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.input_width())?;
        for l in &self.layers {
            match l {
                Layer::Linear { out_features, .. } => write!(f, "-{out_features}")?,
                Layer::Activation(a) => write!(f, "-{a}")?,
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tutorial_models_have_their_specs() {
        assert_eq!(
            Architecture::mlp(12, &[5], Activation::Identity).to_string(),
            "12-5-1"
        );
        assert_eq!(
            Architecture::mlp(12, &[20, 20], Activation::Identity).to_string(),
            "12-20-20-1"
        );
        let nl = Architecture::mlp(12, &[5], Activation::Relu);
        assert_eq!(nl.to_string(), "12-5-relu-1");
        assert_eq!(nl.n_params(), 5 * 13 + 6);
        assert_eq!(Architecture::parse("12-5-relu-1").unwrap(), nl);
    }

    #[test]
    fn k_outputs_keep_the_state_dict_names() {
        let a = Architecture::mlp_outputs(13, &[16], Activation::Tanh, 3);
        assert_eq!(a.to_string(), "13-16-tanh-3");
        assert_eq!(a.outputs(), 3);
        assert_eq!(Architecture::parse_outputs("13-16-tanh-3").unwrap(), a);
        assert_eq!(
            Architecture::parse_hidden_outputs("16-tanh", 13, 3).unwrap(),
            a
        );
        let names: Vec<String> = a
            .layout()
            .tensors()
            .iter()
            .map(|t| t.name.clone())
            .collect();
        let binary = Architecture::mlp(13, &[16], Activation::Tanh);
        let binary_names: Vec<String> = binary
            .layout()
            .tensors()
            .iter()
            .map(|t| t.name.clone())
            .collect();
        assert_eq!(names, binary_names);
        assert_eq!(names, ["0.weight", "0.bias", "2.weight", "2.bias"]);
        assert_eq!(a.n_params(), 16 * 14 + 3 * 17);
        assert_eq!(binary.outputs(), 1);
        // `parse` stays the one-logit form; `parse_outputs` takes any width.
        assert!(Architecture::parse("13-5-3").is_err());
        assert_eq!(Architecture::parse_outputs("10-1").unwrap().outputs(), 1);
        assert!(Architecture::parse_outputs("13-5-relu").is_err());
    }

    #[test]
    fn hidden_spec_mixes_activations() {
        let a = Architecture::parse_hidden("16-relu-8-tanh", 12).unwrap();
        assert_eq!(a.to_string(), "12-16-relu-8-tanh-1");
        assert_eq!(
            a.torch_repr(),
            "nn.Sequential(Linear(12, 16), ReLU(), Linear(16, 8), Tanh(), Linear(8, 1))"
        );
    }

    #[test]
    fn negative_and_exponent_parameters_survive_the_spec() {
        let a = Architecture::parse_hidden("5-elu:-0.5-3-leaky_relu:1e-3", 12).unwrap();
        assert_eq!(a.to_string(), "12-5-elu:-0.5-3-leaky_relu:0.001-1");
        assert_eq!(Architecture::parse(&a.to_string()).unwrap(), a);
        let b = Architecture::parse_hidden("4-leaky_relu:-2e-3", 3).unwrap();
        assert_eq!(Architecture::parse(&b.to_string()).unwrap(), b);
    }

    #[test]
    fn bad_tokens_are_pointed_at() {
        let e = Architecture::parse_hidden("16-rleu-8", 12)
            .unwrap_err()
            .to_string();
        assert!(e.contains("token 2") && e.contains("rleu"), "{e}");
        let e = Architecture::parse_hidden("16--8", 12)
            .unwrap_err()
            .to_string();
        assert!(e.contains("token 2 is empty"), "{e}");
        let e = Architecture::parse_hidden("relu-8", 12)
            .unwrap_err()
            .to_string();
        assert!(e.contains("before any layer"), "{e}");
        assert!(Architecture::parse("12-5-relu").is_err());
        assert!(Architecture::parse("x-5-1").is_err());
    }
}
