//! Per-epoch metrics of a training run, and their CSV/JSON forms.
//!
//! Semantics follow the tutorial's loop: train loss/accuracy are measured on
//! the forward pass of each epoch's step (before the update), test metrics
//! after the update.

use serde::Serialize;
use std::fmt::Write;

/// One epoch's measurements.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct EpochRecord {
    pub epoch: usize,
    pub train_loss: f32,
    pub train_correct: usize,
    pub test_loss: f32,
    pub test_correct: usize,
    /// Validation loss when early stopping holds out part of the train split.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub val_loss: Option<f32>,
    /// Learning rate used for this epoch's updates.
    pub lr: f32,
}

/// The whole run: records plus the sizes that turn counts into accuracies.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct History {
    pub n_train: usize,
    pub n_test: usize,
    pub records: Vec<EpochRecord>,
    /// Epoch after which early stopping ended the run.
    pub stopped_epoch: Option<usize>,
    /// Epoch whose weights were restored (lowest validation loss).
    pub best_epoch: Option<usize>,
}

/// `correct / n · 100`, computed in f64 in that order (as the tutorial does).
pub fn accuracy(correct: usize, n: usize) -> f64 {
    correct as f64 / n as f64 * 100.0
}

impl History {
    pub fn with_capacity(n_train: usize, n_test: usize, epochs: usize) -> History {
        History {
            n_train,
            n_test,
            records: Vec::with_capacity(epochs),
            stopped_epoch: None,
            best_epoch: None,
        }
    }

    pub fn train_acc(&self, r: &EpochRecord) -> f64 {
        accuracy(r.train_correct, self.n_train)
    }

    pub fn test_acc(&self, r: &EpochRecord) -> f64 {
        accuracy(r.test_correct, self.n_test)
    }

    pub fn last(&self) -> Option<&EpochRecord> {
        self.records.last()
    }

    /// The first epoch with the highest test accuracy.
    pub fn best_test(&self) -> Option<&EpochRecord> {
        self.records
            .iter()
            .fold(None, |best: Option<&EpochRecord>, r| match best {
                Some(b) if b.test_correct >= r.test_correct => Some(b),
                _ => Some(r),
            })
    }

    /// The tutorial's log line for one epoch.
    pub fn log_line(&self, r: &EpochRecord) -> String {
        format!(
            "Epoch: {}, Loss: {:.5}, Accuracy: {:.2}% | Test loss: {:.5}, Test acc: {:.2}%",
            r.epoch,
            r.train_loss as f64,
            self.train_acc(r),
            r.test_loss as f64,
            self.test_acc(r)
        )
    }

    /// `epoch,train_loss,train_acc,test_loss,test_acc,train_correct,test_correct`
    /// (plus `val_loss` when early stopping ran), losses as the f32 values
    /// widened to f64 and printed shortest-round-trip (as Python's `repr`).
    pub fn to_csv(&self) -> String {
        let with_val = self.records.iter().any(|r| r.val_loss.is_some());
        let mut s = String::from(
            "epoch,train_loss,train_acc,test_loss,test_acc,train_correct,test_correct",
        );
        if with_val {
            s.push_str(",val_loss");
        }
        s.push('\n');
        for r in &self.records {
            let _ = write!(
                s,
                "{},{:?},{:?},{:?},{:?},{},{}",
                r.epoch,
                r.train_loss as f64,
                self.train_acc(r),
                r.test_loss as f64,
                self.test_acc(r),
                r.train_correct,
                r.test_correct
            );
            if with_val {
                let _ = write!(s, ",{:?}", r.val_loss.map_or(f64::NAN, |v| v as f64));
            }
            s.push('\n');
        }
        s
    }

    /// JSON: sizes, early-stopping marks and one object per epoch with the
    /// same fields as the CSV.
    pub fn to_json(&self, model: &str, arch: &str) -> String {
        let epochs: Vec<serde_json::Value> = self
            .records
            .iter()
            .map(|r| {
                let mut v = serde_json::json!({
                    "epoch": r.epoch,
                    "train_loss": r.train_loss as f64,
                    "train_acc": self.train_acc(r),
                    "test_loss": r.test_loss as f64,
                    "test_acc": self.test_acc(r),
                    "train_correct": r.train_correct,
                    "test_correct": r.test_correct,
                });
                if let Some(val) = r.val_loss {
                    v["val_loss"] = serde_json::json!(val as f64);
                }
                v
            })
            .collect();
        let doc = serde_json::json!({
            "model": model,
            "arch": arch,
            "n_train": self.n_train,
            "n_test": self.n_test,
            "stopped_epoch": self.stopped_epoch,
            "best_epoch": self.best_epoch,
            "epochs": epochs,
        });
        serde_json::to_string_pretty(&doc).expect("history serializes") + "\n"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(epoch: usize, test_correct: usize) -> EpochRecord {
        EpochRecord {
            epoch,
            train_loss: 0.5,
            train_correct: 2,
            test_loss: 0.25,
            test_correct,
            val_loss: None,
            lr: 0.1,
        }
    }

    #[test]
    fn log_line_has_the_tutorial_format() {
        let h = History {
            n_train: 3,
            n_test: 60,
            records: vec![rec(100, 37)],
            stopped_epoch: None,
            best_epoch: None,
        };
        assert_eq!(
            h.log_line(&h.records[0]),
            "Epoch: 100, Loss: 0.50000, Accuracy: 66.67% | Test loss: 0.25000, Test acc: 61.67%"
        );
        assert_eq!(accuracy(33, 60), 55.00000000000001);
    }

    #[test]
    fn best_test_is_the_first_maximum_and_csv_has_all_rows() {
        let h = History {
            n_train: 3,
            n_test: 4,
            records: vec![rec(0, 1), rec(1, 3), rec(2, 3)],
            stopped_epoch: None,
            best_epoch: None,
        };
        assert_eq!(h.best_test().unwrap().epoch, 1);
        let csv = h.to_csv();
        assert_eq!(csv.lines().count(), 4);
        assert_eq!(
            csv.lines().nth(2).unwrap(),
            "1,0.5,66.66666666666666,0.25,75.0,2,3"
        );
        let json: serde_json::Value = serde_json::from_str(&h.to_json("m", "12-5-1")).unwrap();
        assert_eq!(json["epochs"][2]["test_correct"], 3);
    }
}
