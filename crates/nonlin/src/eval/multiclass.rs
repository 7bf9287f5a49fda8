//! Multi-class classification metrics, computed in `f64`, with
//! scikit-learn's semantics (checked against scikit-learn 1.9.1), plus the
//! softmax that turns the network's logits into probabilities and the
//! class shares of the majority baseline.
//!
//! Conventions:
//!
//! * Targets `y` are class indices `0..k` stored as `f32` (as
//!   [`crate::data::Samples::y`] holds them); anything else panics with a
//!   message.
//! * Probabilities are **row-major** `n × k`: `probs[i·k + c]` is the
//!   probability of class `c` for row `i`. Logits from the network are
//!   class-major (`logits[c·n + i]`); [`softmax_rows`] converts.
//! * The predicted class of a row is [`argmax_row_major`]'s: the first
//!   index of the row's largest probability.
//! * Every per-class quantity runs over all `k` labels (sklearn's
//!   `labels=range(k)`), including classes absent from both `y` and the
//!   predictions.
//! * A ratio whose denominator is 0 is `0.0` (sklearn's `zero_division`
//!   default, without the warning). A mean over no samples is `f64::NAN`.

use serde::Serialize;

use super::metrics::roc_auc;
use crate::kernels::fastmath::exp_nonpositive_cephes;

/// Every threshold-free and probabilistic metric of a `k`-class classifier.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MulticlassMetrics {
    /// Share of rows predicted right (`accuracy_score`); NaN with no rows.
    pub accuracy: f64,
    /// Mean of [`MulticlassMetrics::recall`] over the classes present in
    /// `y` (`balanced_accuracy_score`); NaN with no rows.
    pub balanced_accuracy: f64,
    /// Unweighted mean over all `k` classes of the per-class F1
    /// `2·TP / (2·TP + FP + FN)`, a class with a zero denominator counting
    /// 0 (`f1_score(average="macro", labels=range(k))`).
    pub macro_f1: f64,
    /// Mean `−ln p[i, yᵢ]` with `p` clipped to `[ε, 1 − ε]`, `ε = 2⁻²³`
    /// (see [`log_loss`]); NaN with no rows.
    pub log_loss: f64,
    /// `k × k` counts: `confusion[t][p]` rows of true class `t` predicted
    /// as `p` (`confusion_matrix(labels=range(k))`).
    pub confusion: Vec<Vec<usize>>,
    /// Per class, `TP / (TP + FP)`; 0 for a class never predicted
    /// (`precision_score(average=None)`).
    pub precision: Vec<f64>,
    /// Per class, `TP / (TP + FN)`; 0 for a class absent from `y`
    /// (`recall_score(average=None)`).
    pub recall: Vec<f64>,
    /// Per class, the number of rows of that class in `y`.
    pub support: Vec<usize>,
}

/// The class index held by target `t`.
///
/// # Panics
/// If `t` is not an integer in `0..k`.
fn class_of(t: f32, k: usize) -> usize {
    let c = t as usize;
    assert!(
        t >= 0.0 && t == c as f32 && c < k,
        "target {t} is not a class of 0..{k}"
    );
    c
}

/// `num / den`, or 0 when `den == 0` (sklearn's zero-division value).
fn ratio_or_zero(num: usize, den: usize) -> f64 {
    if den == 0 {
        0.0
    } else {
        num as f64 / den as f64
    }
}

fn check_shapes(y: &[f32], probs: &[f32], k: usize) {
    assert!(k > 0, "the number of classes must be positive");
    assert_eq!(
        probs.len(),
        y.len() * k,
        "probabilities must be n × k = {} × {k} (row-major)",
        y.len()
    );
}

/// The predicted class of each row of row-major `n × k` probabilities:
/// the first index `c` whose value is greater (`>`) than every earlier one
/// in its row, so a tie goes to the lowest class (as `numpy.argmax`). A NaN
/// never compares greater: it wins only in column 0.
///
/// # Panics
/// If `k == 0` or `probs.len()` is not a multiple of `k`.
pub fn argmax_row_major(probs: &[f32], k: usize) -> Vec<usize> {
    assert!(k > 0, "the number of classes must be positive");
    assert_eq!(
        probs.len() % k,
        0,
        "probabilities must be n × k (row-major)"
    );
    probs
        .chunks_exact(k)
        .map(|row| {
            let mut best = 0;
            for (c, &p) in row.iter().enumerate().skip(1) {
                if p > row[best] {
                    best = c;
                }
            }
            best
        })
        .collect()
}

/// `confusion[t][p]`: rows of true class `t` predicted as `p`.
fn confusion_matrix(y: &[f32], pred: &[usize], k: usize) -> Vec<Vec<usize>> {
    let mut m = vec![vec![0usize; k]; k];
    for (&t, &p) in y.iter().zip(pred) {
        m[class_of(t, k)][p] += 1;
    }
    m
}

/// All [`MulticlassMetrics`] of `k`-class probabilities `probs` (row-major
/// `n × k`) against class indices `y` (`n` values). The prediction of a row
/// is its [`argmax_row_major`]. Probabilities are not checked to sum to 1.
///
/// # Panics
/// If `k == 0`, `probs.len() != y.len() · k`, or a target is not a class
/// index of `0..k`.
pub fn multiclass_metrics(y: &[f32], probs: &[f32], k: usize) -> MulticlassMetrics {
    check_shapes(y, probs, k);
    let pred = argmax_row_major(probs, k);
    let confusion = confusion_matrix(y, &pred, k);
    let tp: Vec<usize> = (0..k).map(|c| confusion[c][c]).collect();
    let support: Vec<usize> = confusion.iter().map(|row| row.iter().sum()).collect();
    let predicted: Vec<usize> = (0..k)
        .map(|c| confusion.iter().map(|row| row[c]).sum())
        .collect();
    let precision: Vec<f64> = (0..k).map(|c| ratio_or_zero(tp[c], predicted[c])).collect();
    let recall: Vec<f64> = (0..k).map(|c| ratio_or_zero(tp[c], support[c])).collect();
    let f1_sum: f64 = (0..k)
        .map(|c| ratio_or_zero(2 * tp[c], support[c] + predicted[c]))
        .sum();
    let present: Vec<f64> = (0..k)
        .filter(|&c| support[c] > 0)
        .map(|c| recall[c])
        .collect();
    MulticlassMetrics {
        accuracy: mean_or_nan(tp.iter().sum::<usize>() as f64, y.len()),
        balanced_accuracy: mean_or_nan(present.iter().sum(), present.len()),
        macro_f1: f1_sum / k as f64,
        log_loss: log_loss(y, probs, k),
        confusion,
        precision,
        recall,
        support,
    }
}

fn mean_or_nan(sum: f64, count: usize) -> f64 {
    if count == 0 {
        f64::NAN
    } else {
        sum / count as f64
    }
}

/// Mean cross-entropy of row-major `n × k` probabilities against class
/// indices, as sklearn 1.9's `log_loss(y, probs, labels=range(k))` on
/// float32 probabilities: each `p[i, yᵢ]` is widened to `f64`, clipped to
/// `[ε, 1 − ε]` with `ε = f32::EPSILON = 2⁻²³ ≈ 1.1920929e-7`
/// (`np.finfo(np.float32).eps`), and the mean of `−ln` of it is taken in
/// `f64`. Rows are **not** renormalized (sklearn 1.9 does not either; it
/// only warns when rows do not sum to 1), so only the true class's
/// probability matters. sklearn itself computes this in float32 for float32
/// input; the value here is the same formula in f64 (they agree to ~1e-7
/// relative). NaN with no rows; a NaN probability gives NaN.
///
/// # Panics
/// As [`multiclass_metrics`].
pub fn log_loss(y: &[f32], probs: &[f32], k: usize) -> f64 {
    check_shapes(y, probs, k);
    let eps = f32::EPSILON as f64;
    let sum: f64 = y
        .iter()
        .zip(probs.chunks_exact(k))
        .map(|(&t, row)| -(row[class_of(t, k)] as f64).clamp(eps, 1.0 - eps).ln())
        .sum();
    mean_or_nan(sum, y.len())
}

/// Softmax of class-major logits (`logits[c·n + i]` is class `c` of row
/// `i`) into row-major probabilities (`out[i·k + c]`), in `f32` as ATen's
/// CPU `softmax` over the last dimension: the row maximum `m`, each
/// `e_c = exp(x_c − m)`, `s = Σ_c e_c` summed in class order, then
/// `p_c = e_c · (1/s)`. `exp` is the ~1-ulp Cephes `exp` of the
/// cross-entropy loss (PyTorch's vectorized `exp` is another ~1-ulp
/// approximation), so values agree with `torch.softmax` to about an ulp.
/// A NaN logit makes its row NaN; so does `+inf` or an all-`−inf` row
/// (`inf − inf`), as in PyTorch.
///
/// # Panics
/// If `logits.len() != k·n` or `out.len() != n·k`.
pub fn softmax_rows(logits_class_major: &[f32], k: usize, n: usize, out_row_major: &mut [f32]) {
    assert_eq!(logits_class_major.len(), k * n, "logits must be [k][n]");
    assert_eq!(out_row_major.len(), n * k, "output must be n × k");
    for (i, row) in out_row_major.chunks_exact_mut(k.max(1)).enumerate() {
        let x = |c: usize| logits_class_major[c * n + i];
        // NaN-propagating maximum (ATen's `vec::maximum`).
        let m = (1..k).fold(
            x(0),
            |m, c| if x(c) > m || x(c).is_nan() { x(c) } else { m },
        );
        let mut s = 0.0f32;
        for (c, e) in row.iter_mut().enumerate() {
            let d = x(c) - m;
            // d ≤ 0 unless NaN; the Cephes exp does not carry NaN through.
            *e = if d.is_nan() {
                f32::NAN
            } else {
                exp_nonpositive_cephes(d)
            };
            s += *e;
        }
        let inv = 1.0 / s;
        for e in row.iter_mut() {
            *e *= inv;
        }
    }
}

/// One-vs-rest ROC AUC of each class: [`roc_auc`] of the labels `y == c`
/// (as 0/1) against column `c` of row-major `n × k` probabilities. A class
/// absent from `y` (or the only class in it) gets `f64::NAN`, as sklearn
/// 1.9's `roc_auc_score(multi_class="ovr", average=None, labels=range(k))`.
///
/// # Panics
/// As [`multiclass_metrics`].
pub fn ovr_roc_auc(y: &[f32], probs: &[f32], k: usize) -> Vec<f64> {
    check_shapes(y, probs, k);
    let class: Vec<usize> = y.iter().map(|&t| class_of(t, k)).collect();
    (0..k)
        .map(|c| {
            let labels: Vec<f32> = class.iter().map(|&t| f32::from(u8::from(t == c))).collect();
            let scores: Vec<f32> = probs.chunks_exact(k).map(|row| row[c]).collect();
            roc_auc(&labels, &scores)
        })
        .collect()
}

/// Unweighted mean of [`ovr_roc_auc`] over all `k` classes, sklearn's
/// `roc_auc_score(multi_class="ovr", average="macro", labels=range(k))`:
/// `f64::NAN` when any class's AUC is (a class absent from `y`), as sklearn
/// 1.9 returns. Unlike sklearn, rows are not required to sum to 1.
///
/// # Panics
/// As [`multiclass_metrics`].
pub fn macro_ovr_auc(y: &[f32], probs: &[f32], k: usize) -> f64 {
    let per_class = ovr_roc_auc(y, probs, k);
    per_class.iter().sum::<f64>() / k as f64
}

/// Share of each class among the targets `y[rows]` (the training fold):
/// `count(c) / rows.len()` for `c` in `0..k`. These are the constant
/// predicted probabilities of the majority baseline, whose prediction is
/// [`majority_class`] of them. All `f64::NAN` when `rows` is empty.
///
/// # Panics
/// If `k == 0`, a row index is out of range, or a target is not a class
/// index of `0..k`.
pub fn class_frequencies(y: &[f32], rows: &[usize], k: usize) -> Vec<f64> {
    assert!(k > 0, "the number of classes must be positive");
    let mut count = vec![0usize; k];
    for &r in rows {
        count[class_of(y[r], k)] += 1;
    }
    count
        .iter()
        .map(|&c| mean_or_nan(c as f64, rows.len()))
        .collect()
}

/// The most frequent class of [`class_frequencies`]: the first index of
/// the largest share (a tie goes to the lowest class, as
/// [`argmax_row_major`]); 0 when every share is NaN.
pub fn majority_class(shares: &[f64]) -> usize {
    let mut best = 0;
    for (c, &s) in shares.iter().enumerate().skip(1) {
        if s > shares[best] {
            best = c;
        }
    }
    best
}

#[cfg(test)]
mod tests;
