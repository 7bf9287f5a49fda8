//! Element-wise activations with PyTorch's definitions, defaults and
//! backward formulas. The enum is matched once per layer per pass; the inner
//! loops are plain slices so they vectorize.

use crate::error::{Error, Result};
use std::fmt;

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
pub const ACTIVATION_NAMES: &[&str] = &[
    "relu",
    "tanh",
    "sigmoid",
    "elu",
    "leaky_relu",
    "gelu",
    "gelu_tanh",
    "silu",
    "softplus",
    "identity",
];

fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + (-x).exp())
}

impl Activation {
    /// Parses `relu`, `elu:0.5`, `leaky_relu:0.2`, `softplus:2` or
    /// `softplus:2:10` (beta, threshold), ...
    pub fn parse(text: &str) -> Result<Activation> {
        let mut parts = text.trim().split(':');
        let name = parts.next().unwrap_or("").to_ascii_lowercase();
        let args: Vec<&str> = parts.collect();
        let num = |i: usize, default: f32| -> Result<f32> {
            match args.get(i) {
                None => Ok(default),
                Some(s) => s
                    .parse::<f32>()
                    .ok()
                    .filter(|v| v.is_finite())
                    .ok_or_else(|| {
                        Error::Config(format!(
                            "activation '{text}': parameter '{s}' is not a number"
                        ))
                    }),
            }
        };
        let max_args = match name.as_str() {
            "elu" | "leaky_relu" => 1,
            "softplus" => 2,
            _ => 0,
        };
        if args.len() > max_args {
            return Err(Error::Config(format!(
                "activation '{text}': '{name}' takes at most {max_args} parameter(s)"
            )));
        }
        let act = match name.as_str() {
            "identity" | "linear" | "none" => Activation::Identity,
            "relu" => Activation::Relu,
            "tanh" => Activation::Tanh,
            "sigmoid" => Activation::Sigmoid,
            "elu" => Activation::Elu {
                alpha: num(0, 1.0)?,
            },
            "leaky_relu" | "leakyrelu" => Activation::LeakyRelu {
                slope: num(0, 0.01)?,
            },
            "gelu" => Activation::Gelu,
            "gelu_tanh" => Activation::GeluTanh,
            "silu" | "swish" => Activation::Silu,
            "softplus" => {
                let beta = num(0, 1.0)?;
                if beta == 0.0 {
                    return Err(Error::Config(format!(
                        "activation '{text}': softplus beta must not be 0"
                    )));
                }
                Activation::Softplus {
                    beta,
                    threshold: num(1, 20.0)?,
                }
            }
            _ => {
                return Err(Error::Config(format!(
                    "unknown activation '{text}'; expected one of: {}",
                    ACTIVATION_NAMES.join(", ")
                )))
            }
        };
        Ok(act)
    }

    /// The `torch.nn` constructor this corresponds to, for reports.
    pub fn torch_name(&self) -> String {
        match *self {
            Activation::Identity => "Identity()".into(),
            Activation::Relu => "ReLU()".into(),
            Activation::Tanh => "Tanh()".into(),
            Activation::Sigmoid => "Sigmoid()".into(),
            Activation::Elu { alpha } => format!("ELU(alpha={alpha})"),
            Activation::LeakyRelu { slope } => format!("LeakyReLU(negative_slope={slope})"),
            Activation::Gelu => "GELU()".into(),
            Activation::GeluTanh => "GELU(approximate='tanh')".into(),
            Activation::Silu => "SiLU()".into(),
            Activation::Softplus { beta, threshold } => {
                format!("Softplus(beta={beta}, threshold={threshold})")
            }
        }
    }

    /// `y = f(x)`.
    pub fn forward(&self, x: &[f32], y: &mut [f32]) {
        let y = &mut y[..x.len()];
        match *self {
            Activation::Identity => y.copy_from_slice(x),
            Activation::Relu => {
                for (y, &x) in y.iter_mut().zip(x) {
                    *y = if x > 0.0 { x } else { 0.0 };
                }
            }
            Activation::Tanh => {
                for (y, &x) in y.iter_mut().zip(x) {
                    *y = x.tanh();
                }
            }
            Activation::Sigmoid => {
                for (y, &x) in y.iter_mut().zip(x) {
                    *y = sigmoid(x);
                }
            }
            Activation::Elu { alpha } => {
                for (y, &x) in y.iter_mut().zip(x) {
                    *y = if x > 0.0 { x } else { x.exp_m1() * alpha };
                }
            }
            Activation::LeakyRelu { slope } => {
                for (y, &x) in y.iter_mut().zip(x) {
                    *y = if x > 0.0 { x } else { x * slope };
                }
            }
            Activation::Gelu => {
                for (y, &x) in y.iter_mut().zip(x) {
                    *y = x * 0.5 * (1.0 + libm::erff(x * std::f32::consts::FRAC_1_SQRT_2));
                }
            }
            Activation::GeluTanh => {
                const BETA: f32 = 0.797_884_6; // sqrt(2/pi)
                const KAPPA: f32 = 0.044715;
                for (y, &x) in y.iter_mut().zip(x) {
                    let inner = BETA * (x + KAPPA * x * x * x);
                    *y = 0.5 * x * (1.0 + inner.tanh());
                }
            }
            Activation::Silu => {
                for (y, &x) in y.iter_mut().zip(x) {
                    *y = x / (1.0 + (-x).exp());
                }
            }
            Activation::Softplus { beta, threshold } => {
                for (y, &x) in y.iter_mut().zip(x) {
                    let bx = x * beta;
                    *y = if bx > threshold {
                        x
                    } else {
                        bx.exp().ln_1p() / beta
                    };
                }
            }
        }
    }

    /// `dx = dy · f'(x)`, given the forward input `x` and output `y`.
    pub fn backward(&self, x: &[f32], y: &[f32], dy: &[f32], dx: &mut [f32]) {
        let n = x.len();
        let (y, dy, dx) = (&y[..n], &dy[..n], &mut dx[..n]);
        match *self {
            Activation::Identity => dx.copy_from_slice(dy),
            Activation::Relu => {
                for ((d, &g), &x) in dx.iter_mut().zip(dy).zip(x) {
                    *d = if x > 0.0 { g } else { 0.0 };
                }
            }
            Activation::Tanh => {
                for i in 0..n {
                    dx[i] = dy[i] * (1.0 - y[i] * y[i]);
                }
            }
            Activation::Sigmoid => {
                for i in 0..n {
                    dx[i] = dy[i] * (1.0 - y[i]) * y[i];
                }
            }
            Activation::Elu { alpha } => {
                for i in 0..n {
                    dx[i] = if x[i] > 0.0 {
                        dy[i]
                    } else {
                        dy[i] * alpha * x[i].exp()
                    };
                }
            }
            Activation::LeakyRelu { slope } => {
                for ((d, &g), &x) in dx.iter_mut().zip(dy).zip(x) {
                    *d = if x > 0.0 { g } else { g * slope };
                }
            }
            Activation::Gelu => {
                const ALPHA: f32 = std::f32::consts::FRAC_1_SQRT_2;
                const BETA: f32 = 0.398_942_3; // 1/sqrt(2*pi)
                for i in 0..n {
                    let x = x[i];
                    let cdf = 0.5 * (1.0 + libm::erff(x * ALPHA));
                    let pdf = BETA * (-0.5 * x * x).exp();
                    dx[i] = dy[i] * (cdf + x * pdf);
                }
            }
            Activation::GeluTanh => {
                const BETA: f32 = 0.797_884_6;
                const KAPPA: f32 = 0.044715;
                for i in 0..n {
                    let x = x[i];
                    let x_sq = x * x;
                    let inner = BETA * (x + KAPPA * x_sq * x);
                    let t = inner.tanh();
                    let left = 0.5 * x;
                    let right = 1.0 + t;
                    let left_d = 0.5 * right;
                    let right_d = left * (1.0 - t * t) * BETA * (1.0 + 3.0 * KAPPA * x_sq);
                    dx[i] = dy[i] * (left_d + right_d);
                }
            }
            Activation::Silu => {
                for i in 0..n {
                    let s = sigmoid(x[i]);
                    dx[i] = dy[i] * s * (1.0 + x[i] * (1.0 - s));
                }
            }
            Activation::Softplus { beta, threshold } => {
                for i in 0..n {
                    let bx = x[i] * beta;
                    dx[i] = if bx > threshold {
                        dy[i]
                    } else {
                        let z = bx.exp();
                        dy[i] * z / (z + 1.0)
                    };
                }
            }
        }
    }
}

impl fmt::Display for Activation {
    /// The CLI/spec name, with parameters only where they differ from PyTorch's defaults.
    #[allow(clippy::redundant_guards)] // float fields: guards read clearer than float patterns
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Activation::Identity => f.write_str("identity"),
            Activation::Relu => f.write_str("relu"),
            Activation::Tanh => f.write_str("tanh"),
            Activation::Sigmoid => f.write_str("sigmoid"),
            Activation::Elu { alpha } if alpha == 1.0 => f.write_str("elu"),
            Activation::Elu { alpha } => write!(f, "elu:{alpha}"),
            Activation::LeakyRelu { slope } if slope == 0.01 => f.write_str("leaky_relu"),
            Activation::LeakyRelu { slope } => write!(f, "leaky_relu:{slope}"),
            Activation::Gelu => f.write_str("gelu"),
            Activation::GeluTanh => f.write_str("gelu_tanh"),
            Activation::Silu => f.write_str("silu"),
            Activation::Softplus { beta, threshold } if beta == 1.0 && threshold == 20.0 => {
                f.write_str("softplus")
            }
            Activation::Softplus { beta, threshold } if threshold == 20.0 => {
                write!(f, "softplus:{beta}")
            }
            Activation::Softplus { beta, threshold } => write!(f, "softplus:{beta}:{threshold}"),
        }
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
