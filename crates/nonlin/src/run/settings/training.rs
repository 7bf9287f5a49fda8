//! Training settings over a base [`TrainConfig`]: epochs, optimizer,
//! schedule, batches, loss and the stopping rules.

use super::OptimizerSettings;
use crate::error::{setting, Error, Result};
use crate::train::{
    ClassWeight, EarlyStopping, LossConfig, LrSchedule, Plateau, PosWeight, RegressionLoss,
    TrainConfig,
};

/// How to train, as given; `None`: the base's value.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TrainSettings {
    pub epochs: Option<usize>,
    pub optimizer: OptimizerSettings,
    /// `constant`, `step:STEP[:GAMMA]` or `cosine[:T_MAX[:ETA_MIN]]`
    /// ([`LrSchedule::parse`]).
    pub lr_schedule: Option<String>,
    /// Mini-batch rows.
    pub batch_size: Option<usize>,
    /// Full batches even when the base has mini-batches.
    pub full_batch: bool,
    /// Binary: `BCEWithLogitsLoss(pos_weight=)`.
    pub pos_weight: Option<PosWeight>,
    /// Multiclass: `CrossEntropyLoss(weight=)`.
    pub class_weight: Option<ClassWeight>,
    /// Multiclass: `CrossEntropyLoss(label_smoothing=)`.
    pub label_smoothing: Option<f32>,
    /// Regression: the loss (`mse|l1|huber[:DELTA]`).
    pub loss: Option<RegressionLoss>,
    /// Early stopping: epochs without a lower validation loss.
    pub patience: Option<usize>,
    /// Share of the train split held out for early stopping.
    pub validation_fraction: Option<f64>,
    /// No early stopping even when the base has it.
    pub no_early_stopping: bool,
    /// The training-loss plateau rule ([`Plateau`]); either value turns it on.
    pub tol: Option<f64>,
    pub n_iter_no_change: Option<usize>,
    /// Threads of the large passes (results do not depend on it).
    pub threads: Option<usize>,
}

impl TrainSettings {
    /// `base` with every value given applied, checked as a whole.
    pub fn apply(&self, base: &TrainConfig) -> Result<TrainConfig> {
        let epochs = self.epochs.unwrap_or(base.epochs);
        let config = TrainConfig {
            epochs,
            optimizer: self.optimizer.build(&base.optimizer)?,
            schedule: match &self.lr_schedule {
                Some(text) => LrSchedule::parse(text, epochs)?,
                None => base.schedule,
            },
            loss: LossConfig {
                task: base.loss.task,
                pos_weight: self.pos_weight.unwrap_or(base.loss.pos_weight),
                class_weight: self.class_weight.unwrap_or(base.loss.class_weight),
                label_smoothing: self.label_smoothing.unwrap_or(base.loss.label_smoothing),
                regression: self.loss.or(base.loss.regression),
            },
            batch_size: match (self.full_batch, self.batch_size) {
                (true, Some(_)) => {
                    return Err(Error::not_applicable(
                        "batch_size",
                        "does not apply to full-batch training",
                    ))
                }
                (true, None) => None,
                (false, b) => b.or(base.batch_size),
            },
            shuffle_seed: base.shuffle_seed,
            early_stopping: self.early_stopping(base.early_stopping)?,
            plateau: self.plateau(base.plateau),
            threads: self.threads.or(base.threads),
        };
        config.validate()?;
        Ok(config)
    }

    fn early_stopping(&self, base: Option<EarlyStopping>) -> Result<Option<EarlyStopping>> {
        let base = if self.no_early_stopping { None } else { base };
        if self.no_early_stopping && self.patience.is_some() {
            return Err(Error::not_applicable(
                "patience",
                "does not apply when early stopping is off",
            ));
        }
        Ok(match (self.patience, base) {
            (Some(patience), base) => Some(EarlyStopping {
                patience,
                validation_fraction: self.validation_fraction.unwrap_or(
                    base.map_or(EarlyStopping::DEFAULT_VALIDATION_FRACTION, |e| {
                        e.validation_fraction
                    }),
                ),
            }),
            (None, Some(es)) => Some(EarlyStopping {
                validation_fraction: self.validation_fraction.unwrap_or(es.validation_fraction),
                ..es
            }),
            (None, None) => {
                if self.validation_fraction.is_some() {
                    return Err(Error::not_applicable(
                        "validation_fraction",
                        format!(
                            "applies only with early stopping; set {} to hold out a \
                             validation share",
                            setting("patience")
                        ),
                    ));
                }
                None
            }
        })
    }

    fn plateau(&self, base: Option<Plateau>) -> Option<Plateau> {
        if self.tol.is_none() && self.n_iter_no_change.is_none() {
            return base;
        }
        let base = base.unwrap_or(Plateau::SKLEARN);
        Some(Plateau {
            tol: self.tol.unwrap_or(base.tol),
            n_iter_no_change: self.n_iter_no_change.unwrap_or(base.n_iter_no_change),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_validation_share_without_early_stopping_is_refused() {
        let s = TrainSettings {
            validation_fraction: Some(0.1),
            ..Default::default()
        };
        let e = s.apply(&TrainConfig::default()).unwrap_err();
        assert!(matches!(e, Error::NotApplicable { .. }), "{e}");
        assert_eq!(e.field(), Some("validation_fraction"));
        // With the recommended defaults (early stopping on) it applies.
        let c = s.apply(&TrainConfig::recommended()).unwrap();
        assert_eq!(c.early_stopping.unwrap().validation_fraction, 0.1);
    }

    #[test]
    fn nothing_given_is_the_base() {
        for base in [TrainConfig::default(), TrainConfig::recommended()] {
            assert_eq!(TrainSettings::default().apply(&base).unwrap(), base);
        }
    }

    #[test]
    fn the_plateau_rule_does_not_combine_with_early_stopping() {
        let s = TrainSettings {
            tol: Some(1e-4),
            ..Default::default()
        };
        assert_eq!(
            s.apply(&TrainConfig::default()).unwrap().plateau,
            Some(Plateau::SKLEARN)
        );
        let e = s.apply(&TrainConfig::recommended()).unwrap_err();
        assert_eq!(e.field(), Some("tol"));
    }
}
