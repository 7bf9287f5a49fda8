//! A network's outputs on feature-major standardized rows, for any number
//! of outputs: the class-major logits (`[K][n]`, as the library lays them
//! out), a multiclass network's row-major probabilities, and a regression
//! network's predictions in the target's units. A binary network's
//! probabilities are the library's ([`nonlin::eval::predict::probabilities`]).

use nonlin::data::TargetScale;
use nonlin::eval::multiclass::softmax_rows;
use nonlin::model::{Network, Workspace};

/// Rows per forward pass: bounds the activation buffers; every output
/// depends on its own row only, so it changes no value.
const CHUNK: usize = 1024;

/// The logits of `n` feature-major rows (`xt[j·n + i]`), class-major:
/// `out[c·n + i]` is output `c` of row `i`.
pub fn class_major_logits(net: &Network, xt: &[f32], n: usize) -> Vec<f32> {
    let (d, k) = (net.arch.input_width(), net.arch.outputs());
    assert_eq!(xt.len(), n * d, "inputs are not {n} rows of {d} features");
    let mut out = vec![0f32; k * n];
    let mut ws = Workspace::new(&net.arch, n.clamp(1, CHUNK));
    let mut chunk = Vec::with_capacity(d * n.min(CHUNK));
    let mut start = 0;
    while start < n {
        let m = CHUNK.min(n - start);
        chunk.clear();
        for j in 0..d {
            chunk.extend_from_slice(&xt[j * n + start..j * n + start + m]);
        }
        let logits = net.forward(&mut ws, &chunk, m);
        for c in 0..k {
            out[c * n + start..c * n + start + m].copy_from_slice(&logits[c * m..(c + 1) * m]);
        }
        start += m;
    }
    out
}

/// A K-output network's class probabilities, row-major (`p[i·K + c]`),
/// the library's softmax of its logits.
pub fn class_probabilities(net: &Network, xt: &[f32], n: usize) -> Vec<f32> {
    let k = net.arch.outputs();
    let logits = class_major_logits(net, xt, n);
    let mut probs = vec![0f32; n * k];
    softmax_rows(&logits, k, n, &mut probs);
    probs
}

/// A one-output network's standardized outputs, and its predictions in the
/// target's units (`scale.inverse`).
pub fn predictions(
    net: &Network,
    xt: &[f32],
    n: usize,
    scale: &TargetScale,
) -> (Vec<f32>, Vec<f64>) {
    let out = class_major_logits(net, xt, n);
    let values = out.iter().map(|&o| scale.inverse(o)).collect();
    (out, values)
}

#[cfg(test)]
mod tests {
    use super::*;
    use nonlin::model::{Activation, Architecture};

    /// Class-major across chunks: each output of each row is the one a
    /// single-row forward pass gives.
    #[test]
    fn logits_are_class_major_across_chunks() {
        let arch = Architecture::mlp_outputs(2, &[3], Activation::Tanh, 3);
        let net = Network::new(arch, 7);
        let n = CHUNK + 5;
        let xt: Vec<f32> = (0..2 * n)
            .map(|i| ((i * 37) % 101) as f32 / 50.0 - 1.0)
            .collect();
        let all = class_major_logits(&net, &xt, n);
        for i in [0, 1, CHUNK - 1, CHUNK, n - 1] {
            let row = [xt[i], xt[n + i]];
            let one = class_major_logits(&net, &row, 1);
            for c in 0..3 {
                assert_eq!(all[c * n + i], one[c], "row {i} class {c}");
            }
        }
        let p = class_probabilities(&net, &xt, n);
        let sum: f32 = p[3 * CHUNK..3 * CHUNK + 3].iter().sum();
        assert!((sum - 1.0).abs() < 1e-5, "{sum}");
    }
}
