//! Per-epoch metrics of a training run, and their CSV/JSON forms.
//!
//! Semantics follow the tutorial's loop: train loss/accuracy are measured on
//! the forward pass of each epoch's step (before the update), test metrics
//! after the update.

use super::RegressionMetrics;
use serde::Serialize;
use std::fmt::Write;

/// One epoch's measurements.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct EpochRecord {
    pub epoch: usize,
    pub train_loss: f32,
    pub train_correct: usize,
    /// Test loss and correct test predictions; `None` for a run without a
    /// test set (`PrepareOptions::test_set` false).
    pub test_loss: Option<f32>,
    pub test_correct: Option<usize>,
    /// Validation loss when early stopping holds out part of the train split.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub val_loss: Option<f32>,
    /// Correct validation predictions (with `val_loss`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub val_correct: Option<usize>,
    /// Regression: RMSE, MAE and R² in the target's units on the training
    /// rows (the forward pass of the epoch's step) and on the test rows.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub train_fit: Option<RegressionMetrics>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub test_fit: Option<RegressionMetrics>,
    /// Learning rate used for this epoch's updates.
    pub lr: f32,
}

/// The whole run: records plus the sizes that turn counts into accuracies.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct History {
    pub n_train: usize,
    pub n_test: usize,
    /// Rows held out for early stopping (0 without).
    #[serde(skip_serializing_if = "is_zero")]
    pub n_val: usize,
    pub records: Vec<EpochRecord>,
    /// Epoch after which early stopping ended the run.
    pub stopped_epoch: Option<usize>,
    /// Epoch whose weights were restored (lowest validation loss).
    pub best_epoch: Option<usize>,
    /// The training-loss plateau rule ([`super::Plateau`]) ended the run
    /// (at `stopped_epoch`).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub converged: bool,
}

/// Accuracy as a fraction, `correct / n` in f64 — the library's one unit
/// of accuracy, as in [`crate::eval::metrics`]. Percentages are for
/// display only ([`percent`]).
pub fn accuracy(correct: usize, n: usize) -> f64 {
    correct as f64 / n as f64
}

/// A fraction as the percentage the tutorial prints: `fraction · 100`, so
/// `percent(accuracy(c, n))` is `c / n · 100` computed in f64 in that
/// order, as the tutorial computes it.
pub fn percent(fraction: f64) -> f64 {
    fraction * 100.0
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

impl History {
    pub fn with_capacity(n_train: usize, n_test: usize, epochs: usize) -> History {
        History {
            n_train,
            n_test,
            n_val: 0,
            records: Vec::with_capacity(epochs),
            stopped_epoch: None,
            best_epoch: None,
            converged: false,
        }
    }

    /// Training accuracy (a fraction) on the forward pass of the epoch's step.
    pub fn train_accuracy(&self, r: &EpochRecord) -> f64 {
        accuracy(r.train_correct, self.n_train)
    }

    /// Test accuracy (a fraction); `None` without a test set.
    pub fn test_accuracy(&self, r: &EpochRecord) -> Option<f64> {
        r.test_correct.map(|c| accuracy(c, self.n_test))
    }

    /// Validation accuracy (a fraction); `None` without early stopping.
    pub fn val_accuracy(&self, r: &EpochRecord) -> Option<f64> {
        r.val_correct.map(|c| accuracy(c, self.n_val))
    }

    pub fn last(&self) -> Option<&EpochRecord> {
        self.records.last()
    }

    /// The first epoch with the highest test accuracy (`None` without a
    /// test set).
    pub fn best_test(&self) -> Option<&EpochRecord> {
        self.records
            .iter()
            .filter(|r| r.test_correct.is_some())
            .fold(None, |best: Option<&EpochRecord>, r| match best {
                Some(b) if b.test_correct >= r.test_correct => Some(b),
                _ => Some(r),
            })
    }

    /// Whether the records are a regression run's (RMSE, MAE, R² instead
    /// of accuracies).
    pub fn is_regression(&self) -> bool {
        self.records.first().is_some_and(|r| r.train_fit.is_some())
    }

    /// The tutorial's log line for one epoch (without a test set, its
    /// first half). A regression run's reads the same way: loss and RMSE
    /// on the training rows, then test loss, test RMSE and test R².
    pub fn log_line(&self, r: &EpochRecord) -> String {
        if let Some(fit) = r.train_fit {
            let train = format!(
                "Epoch: {}, Loss: {:.5}, RMSE: {:.4}",
                r.epoch, r.train_loss as f64, fit.rmse
            );
            return match (r.test_loss, r.test_fit) {
                (Some(loss), Some(t)) => format!(
                    "{train} | Test loss: {:.5}, Test RMSE: {:.4}, Test R2: {:.4}",
                    loss as f64, t.rmse, t.r2
                ),
                _ => train,
            };
        }
        let train = format!(
            "Epoch: {}, Loss: {:.5}, Accuracy: {:.2}%",
            r.epoch,
            r.train_loss as f64,
            percent(self.train_accuracy(r)),
        );
        match (r.test_loss, self.test_accuracy(r).map(percent)) {
            (Some(loss), Some(acc)) => {
                format!(
                    "{train} | Test loss: {:.5}, Test acc: {acc:.2}%",
                    loss as f64
                )
            }
            _ => train,
        }
    }

    /// `epoch,train_loss,train_acc,test_loss,test_acc,train_correct,test_correct`
    /// (plus `val_loss` when early stopping ran), losses as the f32 values
    /// widened to f64 and printed shortest-round-trip (as Python's `repr`).
    pub fn to_csv(&self) -> String {
        if self.is_regression() {
            return self.regression_csv();
        }
        let with_val = self.records.iter().any(|r| r.val_loss.is_some());
        let mut s = String::from(
            "epoch,train_loss,train_acc,test_loss,test_acc,train_correct,test_correct",
        );
        if with_val {
            s.push_str(",val_loss");
        }
        s.push('\n');
        for r in &self.records {
            // Without a test set its cells are empty.
            let cell = |v: Option<String>| v.unwrap_or_default();
            let _ = write!(
                s,
                "{},{:?},{:?},{},{},{},{}",
                r.epoch,
                r.train_loss as f64,
                percent(self.train_accuracy(r)),
                cell(r.test_loss.map(|v| format!("{:?}", v as f64))),
                cell(self.test_accuracy(r).map(|v| format!("{:?}", percent(v)))),
                r.train_correct,
                cell(r.test_correct.map(|v| v.to_string())),
            );
            if with_val {
                let _ = write!(s, ",{:?}", r.val_loss.map_or(f64::NAN, |v| v as f64));
            }
            s.push('\n');
        }
        s
    }

    /// A regression run's `epoch,train_loss,test_loss,train_rmse,test_rmse,
    /// test_mae,test_r2` (plus `val_loss` when early stopping ran): losses
    /// as [`History::to_csv`] writes them, the metrics in the target's
    /// units, shortest round-trip f64.
    fn regression_csv(&self) -> String {
        let with_val = self.records.iter().any(|r| r.val_loss.is_some());
        let mut s =
            String::from("epoch,train_loss,test_loss,train_rmse,test_rmse,test_mae,test_r2");
        if with_val {
            s.push_str(",val_loss");
        }
        s.push('\n');
        let cell = |v: Option<f64>| v.map_or(String::new(), |v| format!("{v:?}"));
        for r in &self.records {
            let t = r.test_fit;
            let _ = write!(
                s,
                "{},{:?},{},{},{},{},{}",
                r.epoch,
                r.train_loss as f64,
                cell(r.test_loss.map(|v| v as f64)),
                cell(r.train_fit.map(|f| f.rmse)),
                cell(t.map(|f| f.rmse)),
                cell(t.map(|f| f.mae)),
                cell(t.map(|f| f.r2)),
            );
            if with_val {
                let _ = write!(s, ",{:?}", r.val_loss.map_or(f64::NAN, |v| v as f64));
            }
            s.push('\n');
        }
        s
    }

    /// JSON: sizes, early-stopping marks and one object per epoch with the
    /// same fields as the CSV; keys in sorted order, two-space indentation
    /// (what `serde_json::to_string_pretty` gives for the same tree, byte for
    /// byte), written straight into one string without building the tree.
    pub fn to_json(&self, model: &str, arch: &str) -> String {
        let mut out = Vec::with_capacity(256 + 240 * self.records.len());
        let w = &mut out;
        w.extend_from_slice(b"{\n  \"arch\": ");
        json_value(w, arch);
        w.extend_from_slice(b",\n  \"best_epoch\": ");
        json_value(w, &self.best_epoch);
        w.extend_from_slice(b",\n  \"epochs\": [");
        for (k, r) in self.records.iter().enumerate() {
            w.extend_from_slice(if k == 0 { b"\n    {" } else { b",\n    {" });
            let (test_acc, train_acc) = (
                self.test_accuracy(r).map(percent),
                percent(self.train_accuracy(r)),
            );
            let test_loss = r.test_loss.map(|v| v as f64);
            let train_loss = r.train_loss as f64;
            let fit =
                |f: Option<RegressionMetrics>, m: fn(&RegressionMetrics) -> f64| f.map(|f| m(&f));
            let (test_mae, test_r2, test_rmse, train_rmse) = (
                fit(r.test_fit, |f| f.mae),
                fit(r.test_fit, |f| f.r2),
                fit(r.test_fit, |f| f.rmse),
                fit(r.train_fit, |f| f.rmse),
            );
            let classes: [(&str, &dyn JsonField); 7] = [
                ("epoch", &r.epoch),
                ("test_acc", &test_acc),
                ("test_correct", &r.test_correct),
                ("test_loss", &test_loss),
                ("train_acc", &train_acc),
                ("train_correct", &r.train_correct),
                ("train_loss", &train_loss),
            ];
            let numbers: [(&str, &dyn JsonField); 7] = [
                ("epoch", &r.epoch),
                ("test_loss", &test_loss),
                ("test_mae", &test_mae),
                ("test_r2", &test_r2),
                ("test_rmse", &test_rmse),
                ("train_loss", &train_loss),
                ("train_rmse", &train_rmse),
            ];
            let fields = if r.train_fit.is_some() {
                &numbers
            } else {
                &classes
            };
            for (j, (key, value)) in fields.iter().enumerate() {
                w.extend_from_slice(if j == 0 {
                    b"\n      \""
                } else {
                    b",\n      \""
                });
                w.extend_from_slice(key.as_bytes());
                w.extend_from_slice(b"\": ");
                value.write(w);
            }
            if let Some(v) = r.val_loss {
                w.extend_from_slice(b",\n      \"val_loss\": ");
                json_value(w, &(v as f64));
            }
            w.extend_from_slice(b"\n    }");
        }
        if !self.records.is_empty() {
            w.extend_from_slice(b"\n  ");
        }
        w.extend_from_slice(b"],\n  \"model\": ");
        json_value(w, model);
        w.extend_from_slice(b",\n  \"n_test\": ");
        json_value(w, &self.n_test);
        w.extend_from_slice(b",\n  \"n_train\": ");
        json_value(w, &self.n_train);
        w.extend_from_slice(b",\n  \"stopped_epoch\": ");
        json_value(w, &self.stopped_epoch);
        w.extend_from_slice(b"\n}\n");
        String::from_utf8(out).expect("serde_json writes UTF-8")
    }
}

/// A value of a history field, written as serde_json writes it (NaN and
/// infinities as `null`, floats shortest round-trip).
trait JsonField {
    fn write(&self, out: &mut Vec<u8>);
}

impl<T: Serialize> JsonField for T {
    fn write(&self, out: &mut Vec<u8>) {
        json_value(out, self)
    }
}

fn json_value<T: Serialize + ?Sized>(out: &mut Vec<u8>, v: &T) {
    serde_json::to_writer(out, v).expect("a number or string serializes");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(epoch: usize, test_correct: usize) -> EpochRecord {
        EpochRecord {
            epoch,
            train_loss: 0.5,
            train_correct: 2,
            test_loss: Some(0.25),
            test_correct: Some(test_correct),
            val_loss: None,
            val_correct: None,
            train_fit: None,
            test_fit: None,
            lr: 0.1,
        }
    }

    #[test]
    fn a_regression_history_has_its_own_columns_and_log_line() {
        let fit = |rmse: f64| RegressionMetrics {
            rmse,
            mae: rmse / 2.0,
            r2: 0.5,
        };
        let r = EpochRecord {
            train_fit: Some(fit(3.0)),
            test_fit: Some(fit(4.0)),
            ..rec(0, 0)
        };
        let h = History {
            records: vec![r],
            ..History::with_capacity(4, 4, 1)
        };
        assert!(h.is_regression());
        assert_eq!(
            h.to_csv(),
            "epoch,train_loss,test_loss,train_rmse,test_rmse,test_mae,test_r2\n\
             0,0.5,0.25,3.0,4.0,2.0,0.5\n"
        );
        assert_eq!(
            h.log_line(&r),
            "Epoch: 0, Loss: 0.50000, RMSE: 3.0000 | Test loss: 0.25000, Test RMSE: 4.0000, \
             Test R2: 0.5000"
        );
        let j = h.to_json("m", "2-1");
        assert!(
            j.contains("\"test_r2\": 0.5") && !j.contains("test_acc"),
            "{j}"
        );
    }

    #[test]
    fn log_line_has_the_tutorial_format() {
        let h = History {
            n_train: 3,
            n_test: 60,
            n_val: 0,
            records: vec![rec(100, 37)],
            stopped_epoch: None,
            best_epoch: None,
            converged: false,
        };
        assert_eq!(
            h.log_line(&h.records[0]),
            "Epoch: 100, Loss: 0.50000, Accuracy: 66.67% | Test loss: 0.25000, Test acc: 61.67%"
        );
        assert_eq!(percent(accuracy(33, 60)), 55.00000000000001);
    }

    #[test]
    fn best_test_is_the_first_maximum_and_csv_has_all_rows() {
        let h = History {
            n_train: 3,
            n_test: 4,
            n_val: 0,
            records: vec![rec(0, 1), rec(1, 3), rec(2, 3)],
            stopped_epoch: None,
            best_epoch: None,
            converged: false,
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

    /// The tree-building form `to_json` replaced: the oracle for its bytes.
    fn to_json_tree(h: &History, model: &str, arch: &str) -> String {
        let epochs: Vec<serde_json::Value> = h
            .records
            .iter()
            .map(|r| {
                let mut v = serde_json::json!({
                    "epoch": r.epoch,
                    "train_loss": r.train_loss as f64,
                    "train_acc": percent(h.train_accuracy(r)),
                    "test_loss": r.test_loss.map(|v| v as f64),
                    "test_acc": h.test_accuracy(r).map(percent),
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
            "n_train": h.n_train,
            "n_test": h.n_test,
            "stopped_epoch": h.stopped_epoch,
            "best_epoch": h.best_epoch,
            "epochs": epochs,
        });
        serde_json::to_string_pretty(&doc).unwrap() + "\n"
    }

    #[test]
    fn streamed_json_has_the_tree_bytes() {
        let mut odd = rec(3, 1);
        odd.train_loss = f32::NAN;
        odd.test_loss = Some(1e-8);
        odd.val_loss = Some(0.123_456_79);
        let cases = [
            (vec![], None, None),
            (vec![rec(0, 1)], None, None),
            (vec![rec(0, 1), rec(1, 3), odd], Some(2), Some(1)),
        ];
        for (records, stopped_epoch, best_epoch) in cases {
            let h = History {
                n_train: 7,
                n_test: 3,
                n_val: 0,
                records,
                stopped_epoch,
                best_epoch,
                converged: false,
            };
            for (model, arch) in [("m", "12-5-1"), ("a \"quoted\" name\\é", "12-relu-1")] {
                assert_eq!(h.to_json(model, arch), to_json_tree(&h, model, arch));
            }
        }
    }
}
