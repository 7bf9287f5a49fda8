//! Element-wise activations with PyTorch's definitions, defaults and
//! backward formulas: the [`Activation`] enum, its facts in one table
//! ([`table`]: names, parameters, `torch.nn` class, help), and its forward
//! and backward passes (the loops are in `kernels::activation`).

pub mod table;

use crate::error::{Error, Result};
use crate::kernels;
use std::fmt;
pub use table::{ActivationInfo, Param};

/// An activation module, as in `torch.nn`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Activation {
    Identity,
    Relu,
    Tanh,
    Sigmoid,
    /// `ELU(alpha)`, default alpha 1.0.
    Elu {
        alpha: f32,
    },
    /// `LeakyReLU(negative_slope)`, default 0.01.
    LeakyRelu {
        slope: f32,
    },
    /// `GELU()`, exact erf form.
    Gelu,
    /// `GELU(approximate="tanh")`.
    GeluTanh,
    /// `SiLU()`, x·σ(x).
    Silu,
    /// `Softplus(beta, threshold)`, defaults 1 and 20.
    Softplus {
        beta: f32,
        threshold: f32,
    },
}

/// CLI names, in the order they are listed in help and errors.
pub const ACTIVATION_NAMES: &[&str] = &table::NAMES;

impl Activation {
    /// Parses `relu`, `elu:0.5`, `leaky_relu:0.2`, `softplus:2` or
    /// `softplus:2:10` (beta, threshold), ...: a name from the [`table`],
    /// then up to one number per parameter (missing ones take PyTorch's
    /// defaults).
    pub fn parse(text: &str) -> Result<Activation> {
        let mut parts = text.trim().split(':');
        let name = parts.next().unwrap_or("").to_ascii_lowercase();
        let args: Vec<&str> = parts.collect();
        let entry = table::lookup(&name);
        let max_args = entry.map_or(0, |e| e.params.len());
        if args.len() > max_args {
            return Err(Error::Config(format!(
                "activation '{text}': '{name}' takes at most {max_args} parameter(s)"
            )));
        }
        let Some(entry) = entry else {
            return Err(Error::Config(format!(
                "unknown activation '{text}'; expected one of: {}",
                ACTIVATION_NAMES.join(", ")
            )));
        };
        let mut values = [0.0f32; table::MAX_PARAMS];
        for (i, p) in entry.params.iter().enumerate() {
            values[i] = match args.get(i) {
                None => p.default,
                Some(s) => s
                    .parse::<f32>()
                    .ok()
                    .filter(|v| v.is_finite())
                    .ok_or_else(|| {
                        Error::Config(format!(
                            "activation '{text}': parameter '{s}' is not a number"
                        ))
                    })?,
            };
            if p.nonzero && values[i] == 0.0 {
                return Err(Error::Config(format!(
                    "activation '{text}': {} {} must not be 0",
                    entry.name, p.name
                )));
            }
        }
        Ok((entry.make)(&values[..entry.params.len()]))
    }

    /// This activation's table entry and parameter values (in the order
    /// of [`ActivationInfo::params`]; unused slots are 0).
    pub fn info(&self) -> (&'static ActivationInfo, [f32; table::MAX_PARAMS]) {
        table::describe(self)
    }

    /// Why the parameters are not valid (`alpha must be finite`, `beta must
    /// not be 0`; named as `torch.nn` names them), or `None`.
    pub fn invalid(&self) -> Option<String> {
        let (entry, values) = self.info();
        entry.params.iter().zip(values).find_map(|(p, v)| {
            if !v.is_finite() {
                Some(format!("{} must be finite", p.torch_name))
            } else if p.nonzero && v == 0.0 {
                Some(format!("{} must not be 0", p.torch_name))
            } else {
                None
            }
        })
    }

    /// The `torch.nn` constructor this corresponds to, for reports:
    /// `ELU(alpha=0.5)`, `GELU(approximate='tanh')`.
    pub fn torch_name(&self) -> String {
        let (entry, values) = self.info();
        let args: Vec<String> = entry
            .params
            .iter()
            .zip(values)
            .map(|(p, v)| format!("{}={v}", p.torch_name))
            .chain(entry.torch_fixed.iter().map(|(k, v)| format!("{k}='{v}'")))
            .collect();
        format!("{}({})", entry.torch_class, args.join(", "))
    }

    /// `y = f(x)`.
    pub fn forward(&self, x: &[f32], y: &mut [f32]) {
        kernels::activation::forward(*self, x, y);
    }

    /// `dx = dy · f'(x)`, given the forward input `x` and output `y`.
    pub fn backward(&self, x: &[f32], y: &[f32], dy: &[f32], dx: &mut [f32]) {
        kernels::activation::backward(*self, x, y, dy, dx);
    }

    /// Every activation with its spec form and what it computes, one per
    /// line, for `--help`.
    pub fn help_list() -> String {
        let usages: Vec<String> = table::TABLE.iter().map(|e| e.usage()).collect();
        let width = usages.iter().map(|u| u.len()).max().unwrap_or(0);
        table::TABLE
            .iter()
            .zip(&usages)
            .map(|(e, u)| format!("  {u:width$}  {}", e.help))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

impl fmt::Display for Activation {
    /// The CLI/spec name, with parameters only where they differ from
    /// PyTorch's defaults (trailing defaults are left out).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (entry, values) = self.info();
        let shown = entry
            .params
            .iter()
            .zip(values)
            .rposition(|(p, v)| v != p.default)
            .map_or(0, |i| i + 1);
        f.write_str(entry.name)?;
        for v in &values[..shown] {
            write!(f, ":{v}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for name in ACTIVATION_NAMES {
            let a = Activation::parse(name).unwrap();
            assert_eq!(a.to_string(), *name);
        }
        assert_eq!(
            Activation::parse("elu:0.5").unwrap(),
            Activation::Elu { alpha: 0.5 }
        );
        assert_eq!(
            Activation::parse("leaky_relu:0.2").unwrap().to_string(),
            "leaky_relu:0.2"
        );
        assert_eq!(
            Activation::parse("softplus:2:10").unwrap().to_string(),
            "softplus:2:10"
        );
        assert!(Activation::parse("rleu")
            .unwrap_err()
            .to_string()
            .contains("expected one of"));
        assert!(Activation::parse("relu:3").is_err());
        assert!(Activation::parse("elu:x").is_err());
    }

    #[test]
    fn relu_derivative_at_zero_is_zero() {
        let mut dx = [9.0f32; 3];
        Activation::Relu.backward(&[-1.0, 0.0, 2.0], &[0.0, 0.0, 2.0], &[1.0; 3], &mut dx);
        assert_eq!(dx, [0.0, 0.0, 1.0]);
    }
}
