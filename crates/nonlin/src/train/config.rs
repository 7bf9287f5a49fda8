//! How to train: the settings of one training run, their defaults (the
//! tutorial's) and their validation. Errors name the field
//! ([`Error::Invalid`]); front ends map it to their own word.

use super::optimizer::AdamParams;
use super::{LossConfig, LrSchedule, OptimizerConfig};
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

/// scikit-learn's rule without early stopping (`tol`, `n_iter_no_change`):
/// stop once the epoch's training loss has not improved on the best so far
/// by at least `tol` for more than `n_iter_no_change` epochs in a row.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Plateau {
    pub tol: f64,
    pub n_iter_no_change: usize,
}

impl Plateau {
    /// scikit-learn's `MLPClassifier` defaults.
    pub const SKLEARN: Plateau = Plateau {
        tol: 1e-4,
        n_iter_no_change: 10,
    };
}

/// How to train.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrainConfig {
    pub epochs: usize,
    pub optimizer: OptimizerConfig,
    pub schedule: LrSchedule,
    pub loss: LossConfig,
    /// `None`: full batch (the tutorial). `Some(b)`: reshuffled mini-batches
    /// of `b` rows, the last one partial (DataLoader with `drop_last=False`).
    pub batch_size: Option<usize>,
    /// Seed of the per-epoch reshuffle.
    pub shuffle_seed: u64,
    pub early_stopping: Option<EarlyStopping>,
    /// Stop on a plateau of the training loss (without early stopping).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plateau: Option<Plateau>,
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
            loss: LossConfig::default(),
            batch_size: None,
            shuffle_seed: 0,
            early_stopping: None,
            plateau: None,
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
            optimizer: OptimizerConfig::Adam(AdamParams::torch(1e-3, 1e-3)),
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
        self.optimizer.validate()?;
        self.loss.validate()?;
        self.schedule.validate()?;
        self.validate_stopping()
    }

    /// Early stopping and the loss-plateau rule.
    fn validate_stopping(&self) -> Result<()> {
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
        if let Some(p) = self.plateau {
            if self.early_stopping.is_some() {
                return Err(Error::not_applicable(
                    "tol",
                    format!(
                        "(the training-loss plateau rule) does not apply with early stopping \
                         ({}), which stops on the validation loss",
                        crate::error::setting("patience")
                    ),
                ));
            }
            check::non_negative("tol", p.tol)?;
            if p.n_iter_no_change == 0 {
                return Err(Error::invalid("n_iter_no_change", "must be at least 1"));
            }
        }
        Ok(())
    }
}

/// Range checks whose errors name the field.
pub(crate) mod check {
    use crate::error::{Error, Result};

    fn check(field: &str, v: f64, ok: bool, range: &str) -> Result<()> {
        if ok && v.is_finite() {
            Ok(())
        } else {
            Err(Error::invalid(field, format!("must be {range}, got {v}")))
        }
    }

    pub fn positive(field: &str, v: f64) -> Result<()> {
        check(field, v, v > 0.0, "greater than 0")
    }

    pub fn non_negative(field: &str, v: f64) -> Result<()> {
        check(field, v, v >= 0.0, "0 or greater")
    }

    /// At least 0 and less than 1.
    pub fn unit(field: &str, v: f64) -> Result<()> {
        check(
            field,
            v,
            (0.0..1.0).contains(&v),
            "at least 0 and less than 1",
        )
    }
}

impl Default for TrainConfig {
    /// [`TrainConfig::tutorial`] with the tutorial's epochs and rate.
    fn default() -> TrainConfig {
        TrainConfig::tutorial(Self::DEFAULT_EPOCHS, Self::DEFAULT_LR)
    }
}
