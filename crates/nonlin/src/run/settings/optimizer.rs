//! The optimizer by name plus the values given, over a base (the preset's
//! optimizer); a value that belongs to another optimizer is refused.

use crate::error::{setting, Error, Result};
#[cfg(test)]
use crate::train::optimizer::AdamParams;
use crate::train::{OptimizerConfig, OptimizerKind};

/// Optimizer settings, PyTorch's names; `None`: the base's value (or, when
/// `kind` changes the optimizer, PyTorch's default).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OptimizerSettings {
    pub kind: Option<OptimizerKind>,
    pub lr: Option<f32>,
    /// SGD only.
    pub momentum: Option<f32>,
    pub dampening: Option<f32>,
    pub nesterov: Option<bool>,
    /// Coupled L2 for SGD and Adam, decoupled for AdamW.
    pub weight_decay: Option<f32>,
    /// Adam and AdamW only.
    pub beta1: Option<f32>,
    pub beta2: Option<f32>,
    pub eps: Option<f32>,
}

impl OptimizerSettings {
    /// The optimizer: `base`, or PyTorch's defaults for another `kind` (at
    /// the base's learning rate unless `lr` is given), with every value
    /// given applied and checked. A value of another optimizer (momentum
    /// with Adam, beta1 with SGD) is refused, naming it.
    pub fn build(&self, base: &OptimizerConfig) -> Result<OptimizerConfig> {
        let lr = self.lr.unwrap_or(base.lr());
        let mut opt = match self.kind {
            Some(kind) if kind != base.kind() => OptimizerConfig::defaults(kind, lr),
            _ => *base,
        };
        self.refuse_others(opt.kind())?;
        let set = |slot: &mut f32, given: Option<f32>| *slot = given.unwrap_or(*slot);
        match &mut opt {
            OptimizerConfig::Sgd {
                lr: rate,
                momentum,
                dampening,
                nesterov,
                weight_decay,
            } => {
                *rate = lr;
                set(momentum, self.momentum);
                set(dampening, self.dampening);
                set(weight_decay, self.weight_decay);
                *nesterov = self.nesterov.unwrap_or(*nesterov);
            }
            OptimizerConfig::Adam(p) | OptimizerConfig::AdamW(p) => {
                p.lr = lr;
                set(&mut p.beta1, self.beta1);
                set(&mut p.beta2, self.beta2);
                set(&mut p.eps, self.eps);
                set(&mut p.weight_decay, self.weight_decay);
            }
        }
        opt.validate()?;
        Ok(opt)
    }

    /// Fails on the first value given that `kind` does not have.
    fn refuse_others(&self, kind: OptimizerKind) -> Result<()> {
        let sgd_only = [
            ("momentum", self.momentum.is_some()),
            ("dampening", self.dampening.is_some()),
            ("nesterov", self.nesterov.is_some()),
        ];
        let adam_only = [
            ("beta1", self.beta1.is_some()),
            ("beta2", self.beta2.is_some()),
            ("eps", self.eps.is_some()),
        ];
        let (foreign, belongs_to) = match kind {
            OptimizerKind::Sgd => (adam_only, "Adam and AdamW"),
            OptimizerKind::Adam | OptimizerKind::AdamW => (sgd_only, "SGD"),
        };
        match foreign.iter().find(|(_, given)| *given) {
            Some((field, _)) => Err(Error::not_applicable(
                *field,
                format!(
                    "applies to {belongs_to} only, and the optimizer is {} ({}); \
                     choose another {} or leave {} out",
                    kind.torch_name(),
                    if self.kind.is_some() {
                        "as given"
                    } else {
                        "the default"
                    },
                    setting("optimizer"),
                    setting(field),
                ),
            )),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overrides_apply_over_the_base_or_another_optimizer_defaults() {
        let base = OptimizerConfig::adam(1e-3);
        let s = OptimizerSettings {
            beta2: Some(0.95),
            ..Default::default()
        };
        assert_eq!(
            s.build(&base).unwrap(),
            OptimizerConfig::Adam(AdamParams {
                beta2: 0.95,
                ..AdamParams::torch(1e-3, 0.0)
            })
        );
        let s = OptimizerSettings {
            kind: Some(OptimizerKind::Sgd),
            momentum: Some(0.5),
            ..Default::default()
        };
        assert_eq!(
            s.build(&base).unwrap(),
            OptimizerConfig::Sgd {
                lr: 1e-3,
                momentum: 0.5,
                dampening: 0.0,
                nesterov: false,
                weight_decay: 0.0
            }
        );
    }

    #[test]
    fn a_value_of_another_optimizer_is_refused_by_name() {
        let adam = OptimizerConfig::adam(1e-3);
        for (s, field) in [
            (
                OptimizerSettings {
                    momentum: Some(0.5),
                    ..Default::default()
                },
                "momentum",
            ),
            (
                OptimizerSettings {
                    nesterov: Some(true),
                    kind: Some(OptimizerKind::AdamW),
                    ..Default::default()
                },
                "nesterov",
            ),
        ] {
            let e = s.build(&adam).unwrap_err();
            assert!(matches!(&e, Error::NotApplicable { .. }), "{e}");
            assert_eq!(e.field(), Some(field));
            assert!(e.to_string().contains("SGD only"), "{e}");
        }
        let e = OptimizerSettings {
            eps: Some(1e-6),
            ..Default::default()
        }
        .build(&OptimizerConfig::sgd(0.01))
        .unwrap_err();
        assert_eq!(e.field(), Some("eps"));
        assert!(e.to_string().contains("Adam and AdamW only"), "{e}");
    }
}
