//! Predictions of a network: standardized inputs → logits → probabilities
//! → labels. One code path for a model in memory and a model loaded from a
//! checkpoint, so both give bit-identical probabilities.

use crate::model::{Network, Workspace};

/// Rows evaluated per forward pass. Every output depends only on its own
/// row, so the chunk size does not change any value; it bounds the memory
/// of the activation buffers for large files.
const CHUNK: usize = 1024;

/// Standardizes row-major raw rows (`n × d`) as training did:
/// `(x − mean) / scale` in f64, then cast to f32 (round to nearest even).
/// Returns the rows feature-major (`xt[j·n + i]`), as the network takes them.
pub fn standardize(rows: &[f64], mean: &[f64], scale: &[f64]) -> Vec<f32> {
    let d = mean.len();
    assert_eq!(scale.len(), d, "mean and scale differ in length");
    if d == 0 {
        return Vec::new();
    }
    assert_eq!(rows.len() % d, 0, "rows are not a multiple of {d} features");
    let n = rows.len() / d;
    let mut xt = vec![0.0f32; n * d];
    for (i, row) in rows.chunks_exact(d).enumerate() {
        for j in 0..d {
            xt[j * n + i] = ((row[j] - mean[j]) / scale[j]) as f32;
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

/// `σ(x)` in f32, computed as the loss does (`1/(1+e^−x)` for x ≥ 0,
/// `e^x/(1+e^x)` below), so it never overflows and `σ(x) > 0.5` exactly
/// when the training accuracy counts a positive prediction.
pub fn sigmoid(x: f32) -> f32 {
    crate::train::loss::sigmoid(x)
}

/// Probabilities of the positive class for `n` feature-major standardized rows.
pub fn probabilities(net: &Network, xt: &[f32], n: usize) -> Vec<f32> {
    logits(net, xt, n).into_iter().map(sigmoid).collect()
}

/// The predicted class: positive iff `prob > threshold` (strictly), so with
/// 0.5 a probability of exactly 0.5 predicts 0, as `torch.round` does.
pub fn is_positive(prob: f32, threshold: f32) -> bool {
    prob > threshold
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
