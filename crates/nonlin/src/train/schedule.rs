//! Learning-rate schedules, as `torch.optim.lr_scheduler` computes them when
//! `scheduler.step()` is called once per epoch.

use crate::error::{Error, Result};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Default)]
#[serde(tag = "name", rename_all = "snake_case")]
pub enum LrSchedule {
    /// The base rate throughout.
    #[default]
    Constant,
    /// `StepLR(step_size, gamma)`: `lr · gamma^⌊epoch / step_size⌋`.
    Step { step_size: usize, gamma: f64 },
    /// `CosineAnnealingLR(T_max, eta_min)` (closed form):
    /// `eta_min + (lr − eta_min)·(1 + cos(π·epoch/T_max))/2`.
    Cosine { t_max: usize, eta_min: f64 },
}

impl LrSchedule {
    /// Checks the values; errors name `lr_schedule`.
    pub fn validate(&self) -> Result<()> {
        match *self {
            LrSchedule::Constant => Ok(()),
            LrSchedule::Step { step_size, gamma } => {
                if step_size == 0 {
                    return Err(Error::invalid(
                        "lr_schedule",
                        "step size must be at least 1",
                    ));
                }
                super::config::check::non_negative("lr_schedule", gamma)
            }
            LrSchedule::Cosine { t_max, eta_min } => {
                if t_max == 0 {
                    return Err(Error::invalid("lr_schedule", "T_max must be at least 1"));
                }
                super::config::check::non_negative("lr_schedule", eta_min)
            }
        }
    }

    /// Parses `constant`, `step:STEP_SIZE[:GAMMA]` (gamma default 0.1) or
    /// `cosine[:T_MAX[:ETA_MIN]]` (T_max default: the number of epochs).
    pub fn parse(text: &str, epochs: usize) -> Result<LrSchedule> {
        let parts: Vec<&str> = text.split(':').collect();
        let bad = |why: &str| Error::invalid("lr_schedule", format!("'{text}': {why}"));
        let num = |i: usize| -> Result<Option<f64>> {
            parts
                .get(i)
                .map(|s| {
                    s.parse::<f64>()
                        .map_err(|_| bad(&format!("'{s}' is not a number")))
                })
                .transpose()
        };
        match parts[0] {
            "constant" if parts.len() == 1 => Ok(LrSchedule::Constant),
            "step" if (2..=3).contains(&parts.len()) => {
                let step_size = num(1)?.unwrap_or(0.0);
                if step_size < 1.0 || step_size.fract() != 0.0 {
                    return Err(bad("step size must be a whole number of epochs ≥ 1"));
                }
                Ok(LrSchedule::Step {
                    step_size: step_size as usize,
                    gamma: num(2)?.unwrap_or(0.1),
                })
            }
            "cosine" if parts.len() <= 3 => {
                let t_max = num(1)?.unwrap_or(epochs as f64);
                if t_max < 1.0 || t_max.fract() != 0.0 {
                    return Err(bad("T_max must be a whole number of epochs ≥ 1"));
                }
                Ok(LrSchedule::Cosine {
                    t_max: t_max as usize,
                    eta_min: num(2)?.unwrap_or(0.0),
                })
            }
            _ => Err(bad(
                "expected constant, step:STEP_SIZE[:GAMMA] or cosine[:T_MAX[:ETA_MIN]]",
            )),
        }
    }

    /// The `torch.optim.lr_scheduler` this follows, for reports.
    pub fn describe(&self) -> String {
        match *self {
            LrSchedule::Constant => "constant".into(),
            LrSchedule::Step { step_size, gamma } => {
                format!("StepLR(step_size={step_size}, gamma={gamma})")
            }
            LrSchedule::Cosine { t_max, eta_min } => {
                format!("CosineAnnealingLR(T_max={t_max}, eta_min={eta_min})")
            }
        }
    }

    /// The rate for `epoch` (0-based) from the base rate.
    pub fn lr(&self, base: f32, epoch: usize) -> f32 {
        let base = base as f64;
        let lr = match *self {
            LrSchedule::Constant => base,
            LrSchedule::Step { step_size, gamma } => base * gamma.powi((epoch / step_size) as i32),
            LrSchedule::Cosine { t_max, eta_min } => {
                eta_min
                    + (base - eta_min)
                        * (1.0 + (std::f64::consts::PI * epoch as f64 / t_max as f64).cos())
                        / 2.0
            }
        };
        lr as f32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedules_follow_torch() {
        let s = LrSchedule::parse("step:10:0.5", 100).unwrap();
        assert_eq!(
            (s.lr(0.1, 9), s.lr(0.1, 10), s.lr(0.1, 25)),
            (0.1, 0.05, 0.025)
        );
        let c = LrSchedule::parse("cosine", 100).unwrap();
        assert_eq!(
            c,
            LrSchedule::Cosine {
                t_max: 100,
                eta_min: 0.0
            }
        );
        assert_eq!(c.lr(0.1, 0), 0.1);
        assert!((c.lr(0.1, 50) - 0.05).abs() < 1e-8);
        assert!(c.lr(0.1, 100).abs() < 1e-9);
        assert!(LrSchedule::parse("step", 10).is_err());
        assert!(LrSchedule::parse("warp", 10).is_err());
    }
}
