//! The one-line summary of a trained model in its task's metrics, as the
//! summary table of `train` and `compare` shows them: final and best
//! accuracies and losses (binary, [`SummaryRow`]); those plus balanced
//! accuracy, macro-F1 and log loss (multiclass, [`MulticlassRow`]); RMSE,
//! MAE, R² and losses (regression, [`RegressionRow`]). [`Summaries`] holds
//! one run's rows, all of one task.
//!
//! Also the test-split predictions those metrics (and the figures) are
//! computed from: [`class_probabilities`] and [`predicted_values`].

use crate::data::{Samples, Task};
use crate::eval::multiclass::{multiclass_metrics, softmax_rows};
use crate::eval::predict::logits;
use crate::model::Network;
use crate::train::history::percent;
use crate::train::{EpochRecord, History, TrainedModel};
use serde::Serialize;

/// One line of the summary table, accuracies in percent as the table
/// prints them (the library's accuracies are fractions; this row is for
/// display).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SummaryRow {
    pub model: String,
    pub arch: String,
    pub epochs: usize,
    pub final_train_loss: f64,
    pub final_train_acc: f64,
    pub final_test_loss: f64,
    pub final_test_acc: f64,
    pub best_test_acc: f64,
    pub best_test_epoch: usize,
}

impl SummaryRow {
    /// The summary of a classifier (binary or multiclass); `None` when it
    /// trained no epoch (a run cancelled before its first epoch), had no
    /// test set, or is a regression model (which has no accuracies; see
    /// [`RegressionRow`]).
    pub fn of(m: &TrainedModel) -> Option<SummaryRow> {
        let h = &m.history;
        if h.is_regression() {
            return None;
        }
        let last = h.last()?;
        let best = h.best_test()?;
        Some(SummaryRow {
            model: m.name.clone(),
            arch: m.net.arch.to_string(),
            epochs: h.records.len(),
            final_train_loss: last.train_loss as f64,
            final_train_acc: percent(h.train_accuracy(last)),
            final_test_loss: last.test_loss? as f64,
            final_test_acc: percent(h.test_accuracy(last)?),
            best_test_acc: percent(h.test_accuracy(best)?),
            best_test_epoch: best.epoch,
        })
    }
}

/// One line of a multiclass run's summary: the accuracies and losses of
/// [`SummaryRow`] (from the history), then three metrics of the model as
/// it was returned (with early stopping, the restored weights) on the test
/// split, computed by [`crate::eval::multiclass`] from
/// [`class_probabilities`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MulticlassRow {
    #[serde(flatten)]
    pub base: SummaryRow,
    /// `balanced_accuracy_score`, in percent as the accuracies.
    pub balanced_test_acc: f64,
    /// `f1_score(average="macro")` over all classes, a fraction.
    pub macro_f1: f64,
    /// `log_loss` of the softmax probabilities, in nats.
    pub log_loss: f64,
}

impl MulticlassRow {
    /// The summary of a `k`-output classifier (`k` = the net's outputs);
    /// `None` as [`SummaryRow::of`], or when `test` has no rows.
    pub fn of(m: &TrainedModel, test: &Samples) -> Option<MulticlassRow> {
        let base = SummaryRow::of(m)?;
        if test.n == 0 {
            return None;
        }
        let k = m.net.arch.outputs();
        let metrics = multiclass_metrics(&test.y, &class_probabilities(&m.net, test), k);
        Some(MulticlassRow {
            base,
            balanced_test_acc: percent(metrics.balanced_accuracy),
            macro_f1: metrics.macro_f1,
            log_loss: metrics.log_loss,
        })
    }
}

/// One line of a regression run's summary, from the history: RMSE, MAE
/// and R² in the target's units (the last epoch's test metrics), the best
/// test RMSE and the losses (on the standardized target).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RegressionRow {
    pub model: String,
    pub arch: String,
    pub epochs: usize,
    pub final_train_loss: f64,
    pub final_test_loss: f64,
    pub final_test_rmse: f64,
    pub final_test_mae: f64,
    pub final_test_r2: f64,
    /// The lowest test RMSE of any epoch, and the first epoch with it.
    pub best_test_rmse: f64,
    pub best_test_epoch: usize,
}

impl RegressionRow {
    /// The summary of a regression model; `None` when it trained no epoch,
    /// had no test set, or is not a regression model.
    pub fn of(m: &TrainedModel) -> Option<RegressionRow> {
        let h = &m.history;
        let last = h.last()?;
        let fit = last.test_fit?;
        let best = best_test_rmse(h)?;
        Some(RegressionRow {
            model: m.name.clone(),
            arch: m.net.arch.to_string(),
            epochs: h.records.len(),
            final_train_loss: last.train_loss as f64,
            final_test_loss: last.test_loss? as f64,
            final_test_rmse: fit.rmse,
            final_test_mae: fit.mae,
            final_test_r2: fit.r2,
            best_test_rmse: best.test_fit?.rmse,
            best_test_epoch: best.epoch,
        })
    }
}

/// The first epoch with the lowest test RMSE (a NaN RMSE is never the
/// lowest unless every one is); `None` without test metrics.
pub fn best_test_rmse(h: &History) -> Option<&EpochRecord> {
    h.records
        .iter()
        .filter_map(|r| r.test_fit.map(|f| (r, f.rmse)))
        .fold(
            None,
            |best: Option<(&EpochRecord, f64)>, (r, v)| match best {
                Some((_, b)) if b <= v || v.is_nan() => best,
                _ => Some((r, v)),
            },
        )
        .map(|(r, _)| r)
}

/// The summary rows of one run, every row of the run's task; models
/// without a row (cancelled before an epoch, no test set) are left out.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "task", content = "rows", rename_all = "snake_case")]
pub enum Summaries {
    Binary(Vec<SummaryRow>),
    Multiclass(Vec<MulticlassRow>),
    Regression(Vec<RegressionRow>),
}

impl Summaries {
    /// The rows of `models`, trained for `task`, scored on `test` (the
    /// run's test split) where a row needs predictions.
    pub fn of(models: &[TrainedModel], test: &Samples, task: Task) -> Summaries {
        match task {
            Task::Binary => Summaries::Binary(models.iter().filter_map(SummaryRow::of).collect()),
            Task::Multiclass => Summaries::Multiclass(
                models
                    .iter()
                    .filter_map(|m| MulticlassRow::of(m, test))
                    .collect(),
            ),
            Task::Regression => {
                Summaries::Regression(models.iter().filter_map(RegressionRow::of).collect())
            }
        }
    }

    pub fn task(&self) -> Task {
        match self {
            Summaries::Binary(_) => Task::Binary,
            Summaries::Multiclass(_) => Task::Multiclass,
            Summaries::Regression(_) => Task::Regression,
        }
    }

    /// The number of rows.
    pub fn len(&self) -> usize {
        match self {
            Summaries::Binary(r) => r.len(),
            Summaries::Multiclass(r) => r.len(),
            Summaries::Regression(r) => r.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The class probabilities of a `k`-output net on `samples`, row-major
/// `n × k` (`probs[i·k + c]`): [`softmax_rows`] of its class-major logits.
pub fn class_probabilities(net: &Network, samples: &Samples) -> Vec<f32> {
    let k = net.arch.outputs();
    let out = logits(net, &samples.xt, samples.n);
    let mut probs = vec![0.0f32; samples.n * k];
    softmax_rows(&out, k, samples.n, &mut probs);
    probs
}

/// A regression net's predictions on `samples` in the target's units (the
/// output mapped back with the split's [`crate::data::TargetScale`], as
/// the history's RMSE does); `None` for samples without a numeric target.
pub fn predicted_values(net: &Network, samples: &Samples) -> Option<Vec<f64>> {
    let target = samples.target.as_ref()?;
    Some(
        logits(net, &samples.xt, samples.n)
            .into_iter()
            .map(|o| target.scale.inverse(o))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::train::RegressionMetrics;

    fn history(test_rmse: &[f64]) -> History {
        let mut h = History::with_capacity(10, 5, test_rmse.len());
        for (epoch, &rmse) in test_rmse.iter().enumerate() {
            let fit = RegressionMetrics {
                rmse,
                mae: rmse / 2.0,
                r2: 0.5,
            };
            h.records.push(EpochRecord {
                epoch,
                train_loss: 1.0,
                train_correct: 0,
                test_loss: Some(1.0),
                test_correct: Some(0),
                val_loss: None,
                val_correct: None,
                train_fit: Some(fit),
                test_fit: Some(fit),
                lr: 0.01,
            });
        }
        h
    }

    #[test]
    fn the_best_test_rmse_is_the_first_lowest_and_never_nan() {
        let best = |v: &[f64]| best_test_rmse(&history(v)).map(|r| r.epoch);
        assert_eq!(best(&[3.0, 2.0, 2.5, 2.0, 4.0]), Some(1));
        assert_eq!(best(&[f64::NAN, 3.0, f64::NAN, 2.0]), Some(3));
        assert_eq!(best(&[f64::NAN]), Some(0));
        assert_eq!(best(&[]), None);
    }

    #[test]
    fn a_regression_history_has_no_accuracy_row() {
        let m = TrainedModel {
            name: "m".into(),
            net: Network::new(
                crate::model::Architecture::mlp(2, &[3], crate::model::Activation::Relu),
                0,
            ),
            history: history(&[3.0, 2.0, 2.5]),
        };
        assert_eq!(SummaryRow::of(&m), None);
        let r = RegressionRow::of(&m).unwrap();
        assert_eq!((r.final_test_rmse, r.final_test_mae), (2.5, 1.25));
        assert_eq!((r.best_test_rmse, r.best_test_epoch, r.epochs), (2.0, 1, 3));
    }
}
