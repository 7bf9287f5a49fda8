//! SGD (momentum, dampening, Nesterov, coupled weight decay), Adam and AdamW
//! with `torch.optim`'s update rules, defaults and ordering. An optimizer
//! sees only the flat parameter and gradient slices plus its own state.

use super::config::check;
use crate::error::{Error, Result};
use serde::Serialize;

/// Which optimizer, by the names every front end uses (`sgd`, `adam`,
/// `adamw`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OptimizerKind {
    Sgd,
    Adam,
    AdamW,
}

impl OptimizerKind {
    pub const NAMES: &'static [&'static str] = &["sgd", "adam", "adamw"];

    pub fn parse(text: &str) -> Result<OptimizerKind> {
        match text {
            "sgd" => Ok(OptimizerKind::Sgd),
            "adam" => Ok(OptimizerKind::Adam),
            "adamw" => Ok(OptimizerKind::AdamW),
            _ => Err(Error::invalid(
                "optimizer",
                format!("must be one of sgd, adam, adamw, got '{text}'"),
            )),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            OptimizerKind::Sgd => "sgd",
            OptimizerKind::Adam => "adam",
            OptimizerKind::AdamW => "adamw",
        }
    }

    /// PyTorch's class name.
    pub fn torch_name(self) -> &'static str {
        match self {
            OptimizerKind::Sgd => "SGD",
            OptimizerKind::Adam => "Adam",
            OptimizerKind::AdamW => "AdamW",
        }
    }
}

/// Hyper-parameters, PyTorch's names and defaults.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(tag = "name", rename_all = "lowercase")]
pub enum OptimizerConfig {
    Sgd {
        lr: f32,
        momentum: f32,
        dampening: f32,
        nesterov: bool,
        weight_decay: f32,
    },
    /// `torch.optim.Adam`: weight decay coupled (added to the gradient).
    Adam(AdamParams),
    /// `torch.optim.AdamW`: weight decay decoupled (applied to the weight).
    AdamW(AdamParams),
}

/// The hyper-parameters Adam and AdamW share, PyTorch's names (`betas` as
/// `beta1`, `beta2`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct AdamParams {
    pub lr: f32,
    pub beta1: f32,
    pub beta2: f32,
    pub eps: f32,
    pub weight_decay: f32,
}

impl AdamParams {
    /// PyTorch's defaults at `lr` with this weight decay.
    pub fn torch(lr: f32, weight_decay: f32) -> AdamParams {
        AdamParams {
            lr,
            beta1: 0.9,
            beta2: 0.999,
            eps: 1e-8,
            weight_decay,
        }
    }
}

impl OptimizerConfig {
    /// Plain SGD, the tutorial's optimizer.
    pub fn sgd(lr: f32) -> Self {
        OptimizerConfig::Sgd {
            lr,
            momentum: 0.0,
            dampening: 0.0,
            nesterov: false,
            weight_decay: 0.0,
        }
    }

    /// `torch.optim.Adam(lr=lr)` defaults.
    pub fn adam(lr: f32) -> Self {
        OptimizerConfig::Adam(AdamParams::torch(lr, 0.0))
    }

    /// `torch.optim.AdamW(lr=lr)` defaults (weight decay 0.01).
    pub fn adamw(lr: f32) -> Self {
        OptimizerConfig::AdamW(AdamParams::torch(lr, 0.01))
    }

    pub fn lr(&self) -> f32 {
        match *self {
            OptimizerConfig::Sgd { lr, .. } => lr,
            OptimizerConfig::Adam(p) | OptimizerConfig::AdamW(p) => p.lr,
        }
    }

    /// The optimizer's name as settings spell it.
    pub fn kind(&self) -> OptimizerKind {
        match self {
            OptimizerConfig::Sgd { .. } => OptimizerKind::Sgd,
            OptimizerConfig::Adam(_) => OptimizerKind::Adam,
            OptimizerConfig::AdamW(_) => OptimizerKind::AdamW,
        }
    }

    /// PyTorch's defaults for `kind` at `lr`.
    pub fn defaults(kind: OptimizerKind, lr: f32) -> OptimizerConfig {
        match kind {
            OptimizerKind::Sgd => OptimizerConfig::sgd(lr),
            OptimizerKind::Adam => OptimizerConfig::adam(lr),
            OptimizerKind::AdamW => OptimizerConfig::adamw(lr),
        }
    }

    /// Checks every value; the error names the field.
    pub fn validate(&self) -> Result<()> {
        match *self {
            OptimizerConfig::Sgd {
                lr,
                momentum,
                dampening,
                nesterov,
                weight_decay,
            } => {
                check::positive("lr", lr as f64)?;
                check::non_negative("momentum", momentum as f64)?;
                if !(0.0..=1.0).contains(&dampening) {
                    return Err(Error::invalid(
                        "dampening",
                        format!("must be between 0 and 1, got {dampening}"),
                    ));
                }
                check::non_negative("weight_decay", weight_decay as f64)?;
                if nesterov && (momentum <= 0.0 || dampening != 0.0) {
                    return Err(Error::invalid(
                        "nesterov",
                        "needs momentum > 0 and dampening 0 (as in PyTorch)",
                    ));
                }
            }
            OptimizerConfig::Adam(AdamParams {
                lr,
                beta1,
                beta2,
                eps,
                weight_decay,
            })
            | OptimizerConfig::AdamW(AdamParams {
                lr,
                beta1,
                beta2,
                eps,
                weight_decay,
            }) => {
                check::positive("lr", lr as f64)?;
                check::unit("beta1", beta1 as f64)?;
                check::unit("beta2", beta2 as f64)?;
                check::positive("eps", eps as f64)?;
                check::non_negative("weight_decay", weight_decay as f64)?;
            }
        }
        Ok(())
    }

    /// A short human description, e.g. `SGD(lr=0.01)`.
    pub fn describe(&self) -> String {
        match *self {
            OptimizerConfig::Sgd {
                lr,
                momentum,
                dampening,
                nesterov,
                weight_decay,
            } => {
                let mut s = format!("SGD(lr={lr}");
                if momentum != 0.0 {
                    s += &format!(", momentum={momentum}");
                }
                if dampening != 0.0 {
                    s += &format!(", dampening={dampening}");
                }
                if nesterov {
                    s += ", nesterov=True";
                }
                if weight_decay != 0.0 {
                    s += &format!(", weight_decay={weight_decay}");
                }
                s + ")"
            }
            OptimizerConfig::Adam(p) | OptimizerConfig::AdamW(p) => {
                let AdamParams {
                    lr,
                    beta1,
                    beta2,
                    eps,
                    weight_decay,
                } = p;
                let name = self.kind().torch_name();
                format!("{name}(lr={lr}, betas=({beta1}, {beta2}), eps={eps}, weight_decay={weight_decay})")
            }
        }
    }
}

/// An optimizer with its state, sized once for `n` parameters.
#[derive(Debug, Clone)]
pub struct Optimizer {
    pub config: OptimizerConfig,
    step: u64,
    /// Momentum buffer (SGD) or first moment (Adam).
    m: Vec<f32>,
    /// Second moment (Adam).
    v: Vec<f32>,
}

impl Optimizer {
    pub fn new(config: OptimizerConfig, n: usize) -> Optimizer {
        let (m, v) = match config {
            OptimizerConfig::Sgd { momentum, .. } if momentum != 0.0 => (vec![0.0; n], Vec::new()),
            OptimizerConfig::Sgd { .. } => (Vec::new(), Vec::new()),
            _ => (vec![0.0; n], vec![0.0; n]),
        };
        Optimizer {
            config,
            step: 0,
            m,
            v,
        }
    }

    /// Steps taken so far.
    pub fn steps(&self) -> u64 {
        self.step
    }

    /// One update of `params` from `grads` at learning rate `lr` (the
    /// scheduled rate; the config's `lr` is the base).
    pub fn step(&mut self, params: &mut [f32], grads: &[f32], lr: f32) {
        self.step += 1;
        let first = self.step == 1;
        match self.config {
            OptimizerConfig::Sgd {
                momentum,
                dampening,
                nesterov,
                weight_decay,
                ..
            } => {
                for i in 0..params.len() {
                    let mut g = grads[i];
                    if weight_decay != 0.0 {
                        g += weight_decay * params[i];
                    }
                    if momentum != 0.0 {
                        let buf = &mut self.m[i];
                        *buf = if first {
                            g
                        } else {
                            momentum * *buf + (1.0 - dampening) * g
                        };
                        g = if nesterov { g + momentum * *buf } else { *buf };
                    }
                    params[i] -= lr * g;
                }
            }
            OptimizerConfig::Adam(AdamParams {
                beta1,
                beta2,
                eps,
                weight_decay,
                ..
            })
            | OptimizerConfig::AdamW(AdamParams {
                beta1,
                beta2,
                eps,
                weight_decay,
                ..
            }) => {
                let decoupled = matches!(self.config, OptimizerConfig::AdamW(_));
                let t = self.step as i32;
                // Bias corrections in f64 on the host, as torch does with Python floats.
                let bc1 = 1.0 - (beta1 as f64).powi(t);
                let bc2 = 1.0 - (beta2 as f64).powi(t);
                let step_size = (lr as f64 / bc1) as f32;
                let bc2_sqrt = bc2.sqrt() as f32;
                let (w1, w2) = (1.0 - beta1, 1.0 - beta2);
                let decay = 1.0 - lr * weight_decay;
                for i in 0..params.len() {
                    let mut g = grads[i];
                    if decoupled {
                        params[i] *= decay;
                    } else if weight_decay != 0.0 {
                        g += weight_decay * params[i];
                    }
                    let m = &mut self.m[i];
                    *m += w1 * (g - *m);
                    let v = &mut self.v[i];
                    *v = beta2 * *v + w2 * g * g;
                    let denom = v.sqrt() / bc2_sqrt + eps;
                    params[i] -= step_size * (*m / denom);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sgd_momentum_skips_dampening_on_the_first_step() {
        let cfg = OptimizerConfig::Sgd {
            lr: 0.1,
            momentum: 0.9,
            dampening: 0.5,
            nesterov: false,
            weight_decay: 0.0,
        };
        let mut opt = Optimizer::new(cfg, 1);
        let mut p = [1.0f32];
        opt.step(&mut p, &[1.0], 0.1);
        assert_eq!(p[0], 1.0 - 0.1); // buf = g
        opt.step(&mut p, &[1.0], 0.1);
        let buf: f32 = 0.9 * 1.0 + 0.5 * 1.0;
        assert_eq!(p[0], 0.9 - 0.1 * buf);
    }

    #[test]
    fn adam_first_step_moves_by_lr() {
        let mut opt = Optimizer::new(OptimizerConfig::adam(0.01), 2);
        let mut p = [1.0f32, -1.0];
        opt.step(&mut p, &[0.5, -2.0], 0.01);
        // m̂ = g, v̂ = g², so the step is lr·sign(g) (up to eps).
        assert!(
            (p[0] - 0.99).abs() < 1e-6 && (p[1] + 0.99).abs() < 1e-6,
            "{p:?}"
        );
    }

    #[test]
    fn adamw_decays_before_the_update() {
        let mut opt = Optimizer::new(OptimizerConfig::adamw(0.1), 1);
        let mut p = [2.0f32];
        opt.step(&mut p, &[0.0], 0.1);
        assert_eq!(p[0], 2.0 * (1.0 - 0.1 * 0.01));
    }
}
