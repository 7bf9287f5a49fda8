//! Predictions of a network: raw rows → standardized inputs → logits →
//! probabilities → labels. One code path for a model in memory and a model
//! loaded from a checkpoint, so both give bit-identical probabilities.
//! [`Predictor`] holds what prediction on raw rows needs (network, scaler
//! statistics, feature names, threshold, labels); anything that can lend
//! one (a checkpoint) gets [`Predict`]'s methods.

use crate::data::transform::scaler::standardize_row;
use crate::data::{BinaryLabels, Label};
use crate::error::{Error, Result};
use crate::model::{Network, Workspace};
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

/// Logits of `n` feature-major rows (`xt.len() == n · input width`).
pub fn logits(net: &Network, xt: &[f32], n: usize) -> Vec<f32> {
    let d = net.arch.input_width();
    assert_eq!(xt.len(), n * d, "inputs are not {n} rows of {d} features");
    let mut out = Vec::with_capacity(n);
    let mut ws = Workspace::new(&net.arch, n.clamp(1, CHUNK));
    let mut chunk = Vec::new();
    let mut start = 0;
    while start < n {
        let m = CHUNK.min(n - start);
        chunk.clear();
        for j in 0..d {
            chunk.extend_from_slice(&xt[j * n + start..j * n + start + m]);
        }
        out.extend_from_slice(net.forward(&mut ws, &chunk, m));
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

/// What prediction on raw rows needs, borrowed from a trained model.
#[derive(Debug, Clone, Copy)]
pub struct Predictor<'a> {
    pub net: &'a Network,
    /// Feature names, in input order.
    pub features: &'a [String],
    /// Scaler statistics per feature (`(x − mean) / scale`).
    pub mean: &'a [f64],
    pub scale: &'a [f64],
    /// Positive iff probability > threshold.
    pub threshold: f32,
    /// The target's two values, as written in the training data.
    pub labels: &'a BinaryLabels,
}

impl Predictor<'_> {
    /// Probabilities of the positive class for raw (unscaled) row-major
    /// rows in [`Predictor::features`] order: standardized with the stored
    /// scaler exactly as training did, then [`probabilities`]. Rows must be
    /// whole and every value finite.
    pub fn predict_proba(&self, rows: &[f64]) -> Result<Vec<f32>> {
        Ok(self
            .predict_logits(rows)?
            .into_iter()
            .map(sigmoid)
            .collect())
    }

    /// The logits behind [`Predictor::predict_proba`] (same checks).
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

    /// Whether a probability predicts the positive class (`> threshold`).
    pub fn is_positive(&self, prob: f32) -> bool {
        is_positive(prob, self.threshold)
    }

    /// The target value predicted for a probability.
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
        let net = Network::new(Architecture::mlp(3, &[6], Activation::Tanh), 3);
        let n = CHUNK * 2 + 17;
        let xt: Vec<f32> = (0..n * 3)
            .map(|k| ((k * 37 % 101) as f32 - 50.0) / 25.0)
            .collect();
        let mut ws = Workspace::new(&net.arch, n);
        let whole = net.forward(&mut ws, &xt, n).to_vec();
        assert_eq!(logits(&net, &xt, n), whole);
        assert!(logits(&net, &[], 0).is_empty());
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
