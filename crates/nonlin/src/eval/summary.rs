//! The one-line summary of a trained model: final and best accuracies and
//! losses, as the summary table of `train` and `compare` shows them.

use crate::train::history::percent;
use crate::train::TrainedModel;
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
    /// The summary of a model; `None` when it trained no epoch (a run
    /// cancelled before its first epoch) or had no test set.
    pub fn of(m: &TrainedModel) -> Option<SummaryRow> {
        let h = &m.history;
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
