//! How to train: the settings of one training run, their defaults (the
//! tutorial's) and their validation. Errors name the field
//! ([`Error::Invalid`]); front ends map it to their own word.

use super::{BceWithLogits, LrSchedule, OptimizerConfig};
use crate::error::{Error, Result};
use serde::Serialize;

/// Stop when the validation loss has not improved for `patience` epochs and
/// restore the best weights.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct EarlyStopping {
    pub patience: usize,
    /// Share of the train split held out (stratified) for validation.
    pub validation_fraction: f64,
}

impl EarlyStopping {
    /// scikit-learn's `MLPClassifier(validation_fraction=0.1)` holds out
    /// less; nonlin holds out a fifth, like its test split.
    pub const DEFAULT_VALIDATION_FRACTION: f64 = 0.2;
}

/// How to train.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrainConfig {
    pub epochs: usize,
    pub optimizer: OptimizerConfig,
    pub schedule: LrSchedule,
    pub loss: BceWithLogits,
    /// `None`: full batch (the tutorial). `Some(b)`: reshuffled mini-batches
    /// of `b` rows, the last one partial (DataLoader with `drop_last=False`).
    pub batch_size: Option<usize>,
    /// Seed of the per-epoch reshuffle.
    pub shuffle_seed: u64,
    pub early_stopping: Option<EarlyStopping>,
    /// Threads for the large passes: `None` picks [`TrainConfig::thread_count`]'s
    /// default. Results are bit-identical for every value; passes too small
    /// to gain run on one thread anyway. Not part of a run's recorded
    /// settings, since it changes no result.
    #[serde(skip)]
    pub threads: Option<usize>,
}

impl TrainConfig {
    /// The tutorial's number of epochs.
    pub const DEFAULT_EPOCHS: usize = 1000;
    /// The tutorial's learning rate.
    pub const DEFAULT_LR: f32 = 0.01;

    /// The tutorial's settings: full-batch SGD for `epochs` epochs at `lr`.
    pub fn tutorial(epochs: usize, lr: f32) -> TrainConfig {
        TrainConfig {
            epochs,
            optimizer: OptimizerConfig::sgd(lr),
            schedule: LrSchedule::Constant,
            loss: BceWithLogits::default(),
            batch_size: None,
            shuffle_seed: 0,
            early_stopping: None,
            threads: None,
        }
    }

    /// Settings that train well on tables other than the tutorial's, chosen
    /// by measurement against scikit-learn's `LogisticRegression()` on five
    /// public data sets (`bench/defaults/`, table in the README): Adam
    /// (lr 0.001, coupled weight decay 0.001), mini-batches of 32, up to 500
    /// epochs with early stopping (patience 30 on a fifth of the train split).
    pub fn recommended() -> TrainConfig {
        TrainConfig {
            epochs: 500,
            optimizer: OptimizerConfig::Adam {
                lr: 1e-3,
                beta1: 0.9,
                beta2: 0.999,
                eps: 1e-8,
                weight_decay: 1e-3,
            },
            batch_size: Some(32),
            early_stopping: Some(EarlyStopping {
                patience: 30,
                validation_fraction: EarlyStopping::DEFAULT_VALIDATION_FRACTION,
            }),
            ..TrainConfig::default()
        }
    }

    /// Threads when [`TrainConfig::threads`] is `None`: the available cores,
    /// at most 2 (the most that was measured: BENCHMARKS.md).
    pub const DEFAULT_MAX_THREADS: usize = 2;

    /// The thread count to train with.
    pub fn thread_count(&self) -> usize {
        self.threads.unwrap_or_else(|| {
            std::thread::available_parallelism()
                .map_or(1, |n| n.get())
                .min(Self::DEFAULT_MAX_THREADS)
        })
    }

    /// Checks every setting; the error names the field.
    pub fn validate(&self) -> Result<()> {
        if self.epochs == 0 {
            return Err(Error::invalid("epochs", "must be at least 1"));
        }
        if self.batch_size == Some(0) {
            return Err(Error::invalid("batch_size", "must be at least 1"));
        }
        if let Some(t) = self.threads {
            let max = crate::kernels::pool::MAX_THREADS;
            if !(1..=max).contains(&t) {
                return Err(Error::invalid(
                    "threads",
                    format!("must be between 1 and {max}, got {t}"),
                ));
            }
        }
        let check = |field: &str, v: f64, ok: bool, range: &str| {
            if ok && v.is_finite() {
                Ok(())
            } else {
                Err(Error::invalid(field, format!("must be {range}, got {v}")))
            }
        };
        let positive = |field: &str, v: f64| check(field, v, v > 0.0, "greater than 0");
        let non_negative = |field: &str, v: f64| check(field, v, v >= 0.0, "0 or greater");
        let unit = |field: &str, v: f64| {
            check(
                field,
                v,
                (0.0..1.0).contains(&v),
                "at least 0 and less than 1",
            )
        };
        match self.optimizer {
            OptimizerConfig::Sgd {
                lr,
                momentum,
                dampening,
                nesterov,
                weight_decay,
            } => {
                positive("lr", lr as f64)?;
                non_negative("momentum", momentum as f64)?;
                if !(0.0..=1.0).contains(&dampening) {
                    return Err(Error::invalid(
                        "dampening",
                        format!("must be between 0 and 1, got {dampening}"),
                    ));
                }
                non_negative("weight_decay", weight_decay as f64)?;
                if nesterov && (momentum <= 0.0 || dampening != 0.0) {
                    return Err(Error::invalid(
                        "nesterov",
                        "needs momentum > 0 and dampening 0 (as in PyTorch)",
                    ));
                }
            }
            OptimizerConfig::Adam {
                lr,
                beta1,
                beta2,
                eps,
                weight_decay,
            }
            | OptimizerConfig::AdamW {
                lr,
                beta1,
                beta2,
                eps,
                weight_decay,
            } => {
                positive("lr", lr as f64)?;
                unit("beta1", beta1 as f64)?;
                unit("beta2", beta2 as f64)?;
                positive("eps", eps as f64)?;
                non_negative("weight_decay", weight_decay as f64)?;
            }
        }
        if let Some(w) = self.loss.pos_weight {
            positive("pos_weight", w as f64)?;
        }
        match self.schedule {
            LrSchedule::Constant => {}
            LrSchedule::Step { step_size, gamma } => {
                if step_size == 0 {
                    return Err(Error::invalid(
                        "lr_schedule",
                        "step size must be at least 1",
                    ));
                }
                non_negative("lr_schedule", gamma)?;
            }
            LrSchedule::Cosine { t_max, eta_min } => {
                if t_max == 0 {
                    return Err(Error::invalid("lr_schedule", "T_max must be at least 1"));
                }
                non_negative("lr_schedule", eta_min)?;
            }
        }
        if let Some(es) = self.early_stopping {
            if es.patience == 0 {
                return Err(Error::invalid("patience", "must be at least 1"));
            }
            let f = es.validation_fraction;
            if !(f > 0.0 && f < 1.0) {
                return Err(Error::invalid(
                    "validation_fraction",
                    format!("must be between 0 and 1 (exclusive), got {f}"),
                ));
            }
        }
        Ok(())
    }
}

impl Default for TrainConfig {
    /// [`TrainConfig::tutorial`] with the tutorial's epochs and rate.
    fn default() -> TrainConfig {
        TrainConfig::tutorial(Self::DEFAULT_EPOCHS, Self::DEFAULT_LR)
    }
}
