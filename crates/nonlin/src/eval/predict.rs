//! Predictions of a network: raw rows → standardized inputs → outputs →
//! what they mean for the model's task ([`Head`]): the positive label's
//! probability and a label (binary), K class probabilities and the most
//! likely class (multiclass), or a value in the target's units
//! (regression). One code path for a model in memory and a model loaded
//! from a checkpoint, so both give bit-identical results. [`Predictor`]
//! holds what prediction on raw rows needs (network, scaler statistics,
//! feature names, head, threshold, labels); anything that can lend one (a
//! checkpoint) gets [`Predict`]'s methods.

use crate::data::transform::scaler::standardize_row;
use crate::data::{BinaryLabels, Label, TargetScale, Task};
use crate::error::{Error, Result};
use crate::eval::multiclass::softmax_rows;
use crate::model::{Network, Workspace};
use crate::train::cross_entropy::argmax_rows;
use crate::train::loss::sigmoid;

/// Rows evaluated per forward pass. Every output depends only on its own
/// row, so the chunk size does not change any value; it bounds the memory
/// of the activation buffers for large files.
const CHUNK: usize = 1024;

/// Standardizes row-major raw rows (`n × d`) as training did, with the
/// scaler's own transform ([`standardize_row`]: `(x − mean) / scale` in
/// f64), then cast to f32 (round to nearest even). Returns the rows
/// feature-major (`xt[j·n + i]`), as the network takes them.
pub fn standardize(rows: &[f64], mean: &[f64], scale: &[f64]) -> Vec<f32> {
    let d = mean.len();
    assert_eq!(scale.len(), d, "mean and scale differ in length");
    if d == 0 {
        return Vec::new();
    }
    assert_eq!(rows.len() % d, 0, "rows are not a multiple of {d} features");
    let n = rows.len() / d;
    let mut xt = vec![0.0f32; n * d];
    let mut z = vec![0.0f64; d];
    for (i, row) in rows.chunks_exact(d).enumerate() {
        standardize_row(mean, scale, row, &mut z);
        for (j, &v) in z.iter().enumerate() {
            xt[j * n + i] = v as f32;
        }
    }
    xt
}

/// Outputs of `n` feature-major rows (`xt.len() == n · input width`),
/// class-major as the network gives them: `out[c·n + i]` is output `c` of
/// row `i` (`K · n` values for `K` outputs; the `n` logits of a binary
/// net).
pub fn logits(net: &Network, xt: &[f32], n: usize) -> Vec<f32> {
    let d = net.arch.input_width();
    let k = net.arch.outputs();
    assert_eq!(xt.len(), n * d, "inputs are not {n} rows of {d} features");
    let mut out = vec![0.0f32; k * n];
    let mut ws = Workspace::new(&net.arch, n.clamp(1, CHUNK));
    let mut chunk = Vec::new();
    let mut start = 0;
    while start < n {
        let m = CHUNK.min(n - start);
        chunk.clear();
        for j in 0..d {
            chunk.extend_from_slice(&xt[j * n + start..j * n + start + m]);
        }
        // The chunk's outputs are class-major over its `m` rows.
        let y = net.forward(&mut ws, &chunk, m);
        for c in 0..k {
            out[c * n + start..c * n + start + m].copy_from_slice(&y[c * m..(c + 1) * m]);
        }
        start += m;
    }
    out
}

/// Probabilities of the positive class for `n` feature-major standardized
/// rows: `σ(logit)` computed as the loss does ([`sigmoid`]), so it never
/// overflows and `σ > 0.5` exactly when training's accuracy counts a
/// positive prediction.
pub fn probabilities(net: &Network, xt: &[f32], n: usize) -> Vec<f32> {
    logits(net, xt, n).into_iter().map(sigmoid).collect()
}

/// The predicted class: positive iff `prob > threshold` (strictly), so with
/// 0.5 a probability of exactly 0.5 predicts 0, as `torch.round` does.
pub fn is_positive(prob: f32, threshold: f32) -> bool {
    prob > threshold
}

/// The decision threshold of training's accuracy (`torch.round(σ)`).
pub const DEFAULT_THRESHOLD: f32 = 0.5;

/// What a model's outputs mean: its task, with what turns outputs into
/// answers beyond a binary model's labels and threshold.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Head {
    /// One logit: `σ(logit)` is the probability of the positive label,
    /// which is predicted iff it exceeds the threshold.
    #[default]
    Binary,
    /// `K ≥ 3` logits, one per class: their softmax gives the class
    /// probabilities; the predicted class is the largest logit's.
    Multiclass {
        /// The class labels in index order (output `c` is `classes[c]`),
        /// as the training data wrote them.
        classes: Vec<Label>,
    },
    /// One output, the standardized target: `scale.inverse(output)` is
    /// the prediction in the target's units.
    Regression {
        /// The target's standardization, fit on the training rows.
        scale: TargetScale,
    },
}

impl Head {
    /// The head of a model trained for `task`: `classes` are the class
    /// labels in index order (used for multiclass only), `target_scale`
    /// the regression target's standardization (required for regression,
    /// ignored otherwise), as a run's result holds them.
    pub fn for_task(
        task: Task,
        classes: &[Label],
        target_scale: Option<TargetScale>,
    ) -> Result<Head> {
        match task {
            Task::Binary => Ok(Head::Binary),
            Task::Multiclass => Ok(Head::Multiclass {
                classes: classes.to_vec(),
            }),
            Task::Regression => match target_scale {
                Some(scale) => Ok(Head::Regression { scale }),
                None => Err(Error::Config(
                    "a regression model needs the target's standardization (mean and scale); \
                     none was given"
                        .into(),
                )),
            },
        }
    }

    pub fn task(&self) -> Task {
        match self {
            Head::Binary => Task::Binary,
            Head::Multiclass { .. } => Task::Multiclass,
            Head::Regression { .. } => Task::Regression,
        }
    }

    /// The network's output width this head reads: `K` for multiclass, 1
    /// otherwise.
    pub fn outputs(&self) -> usize {
        match self {
            Head::Multiclass { classes } => classes.len(),
            Head::Binary | Head::Regression { .. } => 1,
        }
    }

    /// The class labels in index order; empty unless multiclass.
    pub fn classes(&self) -> &[Label] {
        match self {
            Head::Multiclass { classes } => classes,
            Head::Binary | Head::Regression { .. } => &[],
        }
    }

    /// What the class-major outputs of `n` rows (`logits.len() == n ·`
    /// [`Head::outputs`]) predict: binary, `σ(logit)` per row
    /// ([`probabilities`]); multiclass, the softmax of each row's logits
    /// ([`softmax_rows`]) and the index of its largest logit, the first on
    /// a tie ([`argmax_rows`], the prediction training's accuracy counts);
    /// regression, `scale.inverse(output)` in f64.
    ///
    /// # Panics
    /// If `logits.len() != n · outputs`.
    pub fn predictions(&self, logits: &[f32], n: usize) -> Predicted {
        let k = self.outputs();
        assert_eq!(logits.len(), k * n, "outputs are not {k} per row of {n}");
        match self {
            Head::Binary => Predicted::Binary {
                probabilities: logits.iter().map(|&l| sigmoid(l)).collect(),
            },
            Head::Multiclass { .. } => {
                let mut probabilities = vec![0.0f32; n * k];
                softmax_rows(logits, k, n, &mut probabilities);
                let mut class_index = vec![0usize; n];
                argmax_rows(logits, k, &mut class_index);
                Predicted::Multiclass {
                    k,
                    probabilities,
                    class_index,
                }
            }
            Head::Regression { scale } => Predicted::Regression {
                values: logits.iter().map(|&o| scale.inverse(o)).collect(),
            },
        }
    }
}

/// What a model predicts for `n` rows, per task ([`Head::predictions`]).
#[derive(Debug, Clone, PartialEq)]
pub enum Predicted {
    /// `probabilities[i]`: P(target = positive label) of row `i`.
    Binary { probabilities: Vec<f32> },
    /// Row-major `n × k` class probabilities (`probabilities[i·k + c]`,
    /// class `c` of row `i`, each row summing to 1 up to rounding) and the
    /// predicted class index of each row (its largest logit's).
    Multiclass {
        k: usize,
        probabilities: Vec<f32>,
        class_index: Vec<usize>,
    },
    /// The prediction of each row, in the target's units.
    Regression { values: Vec<f64> },
}

impl Predicted {
    /// The number of rows.
    pub fn len(&self) -> usize {
        match self {
            Predicted::Binary { probabilities } => probabilities.len(),
            Predicted::Multiclass { class_index, .. } => class_index.len(),
            Predicted::Regression { values } => values.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The probabilities: binary, one per row (the positive label's);
    /// multiclass, row-major `n × k`; regression, none.
    pub fn probabilities(&self) -> Option<&[f32]> {
        match self {
            Predicted::Binary { probabilities } | Predicted::Multiclass { probabilities, .. } => {
                Some(probabilities)
            }
            Predicted::Regression { .. } => None,
        }
    }
}

/// What prediction on raw rows needs, borrowed from a trained model.
#[derive(Debug, Clone, Copy)]
pub struct Predictor<'a> {
    pub net: &'a Network,
    /// Feature names, in input order.
    pub features: &'a [String],
    /// Scaler statistics per feature (`(x − mean) / scale`).
    pub mean: &'a [f64],
    pub scale: &'a [f64],
    /// What the outputs mean.
    pub head: &'a Head,
    /// Binary: positive iff probability > threshold.
    pub threshold: f32,
    /// Binary: the target's two values, as written in the training data.
    pub labels: &'a BinaryLabels,
}

impl Predictor<'_> {
    /// Class probabilities for raw (unscaled) row-major rows in
    /// [`Predictor::features`] order, standardized with the stored scaler
    /// exactly as training did: binary, the positive label's per row
    /// (`σ(logit)`, [`probabilities`]); multiclass, row-major `n × K`
    /// (the softmax of each row's logits). Rows must be whole and every
    /// value finite. A regression model has no probabilities: an error.
    pub fn predict_proba(&self, rows: &[f64]) -> Result<Vec<f32>> {
        if let Head::Regression { .. } = self.head {
            return Err(Error::Config(
                "a regression model predicts values, not probabilities".into(),
            ));
        }
        match self.predict(rows)? {
            Predicted::Binary { probabilities } | Predicted::Multiclass { probabilities, .. } => {
                Ok(probabilities)
            }
            Predicted::Regression { .. } => unreachable!("checked above"),
        }
    }

    /// A regression model's predictions for raw row-major rows, in the
    /// target's units (same checks as [`Predictor::predict_proba`]). A
    /// classifier predicts classes, not values: an error.
    pub fn predict_values(&self, rows: &[f64]) -> Result<Vec<f64>> {
        if !matches!(self.head, Head::Regression { .. }) {
            return Err(Error::Config(format!(
                "a {} classifier predicts classes, not values",
                self.head.task()
            )));
        }
        match self.predict(rows)? {
            Predicted::Regression { values } => Ok(values),
            _ => unreachable!("checked above"),
        }
    }

    /// Everything the model predicts for raw row-major rows, per task
    /// ([`Head::predictions`]; same checks as [`Predictor::predict_proba`]).
    pub fn predict(&self, rows: &[f64]) -> Result<Predicted> {
        let logits = self.predict_logits(rows)?;
        let n = rows.len() / self.features.len();
        Ok(self.head.predictions(&logits, n))
    }

    /// The network's outputs behind [`Predictor::predict`] (same checks),
    /// class-major: `out[c·n + i]` is output `c` of row `i` (for a binary
    /// or regression model, one per row).
    pub fn predict_logits(&self, rows: &[f64]) -> Result<Vec<f32>> {
        let d = self.features.len();
        if d == 0 || !rows.len().is_multiple_of(d) {
            return Err(Error::Data(format!(
                "{} values are not whole rows of the model's {d} features",
                rows.len()
            )));
        }
        if let Some(k) = rows.iter().position(|v| !v.is_finite()) {
            return Err(Error::Data(format!(
                "row {}, feature '{}': {} is not a finite number",
                k / d + 1,
                self.features[k % d],
                rows[k]
            )));
        }
        let n = rows.len() / d;
        let xt = standardize(rows, self.mean, self.scale);
        Ok(logits(self.net, &xt, n))
    }

    /// Binary: whether a probability predicts the positive class (`> threshold`).
    pub fn is_positive(&self, prob: f32) -> bool {
        is_positive(prob, self.threshold)
    }

    /// Binary: the target value predicted for a probability.
    pub fn label(&self, prob: f32) -> &Label {
        self.labels.of(self.is_positive(prob))
    }
}

/// A trained model that predicts on raw rows: whatever can lend a
/// [`Predictor`] (a checkpoint read from a file) gets these methods.
pub trait Predict {
    /// The pieces prediction needs.
    fn predictor(&self) -> Predictor<'_>;

    /// [`Predictor::predict_proba`].
    fn predict_proba(&self, rows: &[f64]) -> Result<Vec<f32>> {
        self.predictor().predict_proba(rows)
    }

    /// [`Predictor::predict_values`].
    fn predict_values(&self, rows: &[f64]) -> Result<Vec<f64>> {
        self.predictor().predict_values(rows)
    }

    /// [`Predictor::predict`].
    fn predict(&self, rows: &[f64]) -> Result<Predicted> {
        self.predictor().predict(rows)
    }

    /// [`Predictor::predict_logits`].
    fn predict_logits(&self, rows: &[f64]) -> Result<Vec<f32>> {
        self.predictor().predict_logits(rows)
    }

    /// [`Predictor::is_positive`].
    fn is_positive(&self, prob: f32) -> bool {
        self.predictor().is_positive(prob)
    }

    /// [`Predictor::label`].
    fn label(&self, prob: f32) -> &Label {
        let labels = self.predictor().labels;
        labels.of(self.is_positive(prob))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Activation, Architecture};

    #[test]
    fn chunking_does_not_change_values() {
        // One output and four: the chunks' class-major outputs land in
        // the class-major whole.
        for k in [1, 4] {
            let arch = Architecture::mlp_outputs(3, &[6], Activation::Tanh, k);
            let net = Network::new(arch, 3);
            let n = CHUNK * 2 + 17;
            let xt: Vec<f32> = (0..n * 3)
                .map(|k| ((k * 37 % 101) as f32 - 50.0) / 25.0)
                .collect();
            let mut ws = Workspace::new(&net.arch, n);
            let whole = net.forward(&mut ws, &xt, n).to_vec();
            assert_eq!(whole.len(), k * n);
            assert_eq!(logits(&net, &xt, n), whole, "k = {k}");
            assert!(logits(&net, &[], 0).is_empty());
        }
    }

    #[test]
    fn multiclass_predictions_are_the_softmax_and_the_first_largest_logit() {
        let head = Head::Multiclass {
            classes: ["a", "b", "c"].map(|c| Label::Text(c.into())).to_vec(),
        };
        // Class-major logits of 3 rows: row 0 ties classes 0 and 2, row 1
        // favours class 1, row 2 ties all three.
        let logits = [2.0, -1.0, 0.5, 0.0, 3.0, 0.5, 2.0, 1.0, 0.5];
        let Predicted::Multiclass {
            k,
            probabilities,
            class_index,
        } = head.predictions(&logits, 3)
        else {
            panic!("a multiclass head predicts classes");
        };
        assert_eq!(k, 3);
        assert_eq!(class_index, [0, 1, 0]);
        let mut want = vec![0.0f32; 9];
        softmax_rows(&logits, 3, 3, &mut want);
        assert_eq!(probabilities, want);
        for row in probabilities.chunks_exact(3) {
            assert!((row.iter().map(|&p| p as f64).sum::<f64>() - 1.0).abs() < 1e-6);
        }
        assert_eq!(probabilities[0], probabilities[2]);
        assert!(probabilities[4] > probabilities[3]);
    }

    #[test]
    fn regression_predictions_are_in_the_targets_units() {
        let scale = TargetScale {
            mean: 150.0,
            scale: 80.0,
        };
        let head = Head::Regression { scale };
        let p = head.predictions(&[0.5, -1.25], 2);
        assert_eq!(
            p,
            Predicted::Regression {
                values: vec![190.0, 50.0]
            }
        );
        assert_eq!(p.probabilities(), None);
        assert!(Head::for_task(Task::Regression, &[], None).is_err());
        assert_eq!(
            Head::for_task(Task::Regression, &[], Some(scale)).unwrap(),
            head
        );
        assert_eq!(
            Head::for_task(Task::Binary, &[], Some(scale)).unwrap(),
            Head::Binary
        );
    }

    #[test]
    fn standardize_is_feature_major_f64_then_f32() {
        let xt = standardize(&[1.0, 10.0, 3.0, 30.0], &[2.0, 20.0], &[2.0, 3.0]);
        assert_eq!(
            xt,
            [-0.5, 0.5, (-10.0f64 / 3.0) as f32, (10.0f64 / 3.0) as f32]
        );
    }

    #[test]
    fn half_predicts_negative() {
        assert_eq!(sigmoid(0.0), 0.5);
        assert!(!is_positive(sigmoid(0.0), 0.5));
        assert!(is_positive(sigmoid(1e-3), 0.5));
        assert_eq!(sigmoid(-200.0), 0.0);
        assert_eq!(sigmoid(200.0), 1.0);
    }
}
