//! Binary classification metrics, computed in `f64`, following
//! scikit-learn's conventions.
//!
//! Conventions (all mirror scikit-learn unless stated otherwise):
//!
//! * A label is positive iff it is `> 0.5` (labels are expected to be
//!   `0.0`/`1.0`). A hard prediction (`u8`) is positive iff it is non-zero.
//! * From probabilities, a prediction is positive iff `prob > threshold`
//!   (strictly greater). With `threshold = 0.5` this mirrors
//!   `torch.round(torch.sigmoid(logit))`, where exactly `0.5` predicts 0.
//!   A NaN probability therefore predicts 0.
//! * Precision, recall, specificity and F1 are `0.0` when their denominator
//!   is 0 (scikit-learn's `zero_division="warn"` value, without the warning).
//! * MCC is `0.0` when undefined (any marginal of the confusion matrix is 0).
//! * Balanced accuracy is the mean of the per-class recalls over the classes
//!   *present in the labels*; when only one class is present it is that
//!   class's recall alone (sklearn excludes the absent class).
//! * ROC AUC is `f64::NAN` when only one class is present in the labels
//!   (recent scikit-learn warns and returns NaN; older versions raised).
//! * Average precision is `0.0` when there are no positive labels, which is
//!   what scikit-learn returns (it sets recall to 1 at every threshold and
//!   warns). The number is meaningless in that case.
//! * Accuracy and Brier score of an empty input are `f64::NAN`.
//! * Scores are ranked with [`f64::total_cmp`], so sorting is deterministic
//!   and NaN-safe (a positive NaN ranks above `+inf`); `-0.0` and `0.0` are
//!   treated as the same score. scikit-learn rejects NaN scores.

use serde::Serialize;

/// Counts of a binary confusion matrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Confusion {
    pub tp: usize,
    pub fp: usize,
    pub tn: usize,
    pub fn_: usize,
}

#[inline]
fn is_positive_label(y: f32) -> bool {
    y > 0.5
}

/// `num / den`, or 0 when `den == 0` (scikit-learn's zero-division value).
#[inline]
fn ratio_or_zero(num: usize, den: usize) -> f64 {
    if den == 0 {
        0.0
    } else {
        num as f64 / den as f64
    }
}

impl Confusion {
    /// Confusion matrix from hard predictions (`0` = negative, non-zero =
    /// positive).
    ///
    /// # Panics
    /// If `labels` and `preds` differ in length.
    pub fn from_predictions(labels: &[f32], preds: &[u8]) -> Self {
        assert_eq!(
            labels.len(),
            preds.len(),
            "labels and predictions differ in length"
        );
        let mut c = Confusion::default();
        for (&y, &p) in labels.iter().zip(preds) {
            c.add(is_positive_label(y), p != 0);
        }
        c
    }

    /// Confusion matrix from probabilities: predicted positive iff
    /// `prob > threshold` (strictly).
    ///
    /// # Panics
    /// If `labels` and `probs` differ in length.
    pub fn from_probabilities(labels: &[f32], probs: &[f32], threshold: f32) -> Self {
        assert_eq!(
            labels.len(),
            probs.len(),
            "labels and probabilities differ in length"
        );
        let mut c = Confusion::default();
        for (&y, &p) in labels.iter().zip(probs) {
            c.add(is_positive_label(y), p > threshold);
        }
        c
    }

    #[inline]
    fn add(&mut self, actual: bool, predicted: bool) {
        match (actual, predicted) {
            (true, true) => self.tp += 1,
            (false, true) => self.fp += 1,
            (false, false) => self.tn += 1,
            (true, false) => self.fn_ += 1,
        }
    }

    /// Number of samples.
    pub fn total(&self) -> usize {
        self.tp + self.fp + self.tn + self.fn_
    }

    /// Number of actual positives.
    pub fn positives(&self) -> usize {
        self.tp + self.fn_
    }

    /// Number of actual negatives.
    pub fn negatives(&self) -> usize {
        self.tn + self.fp
    }

    /// (TP + TN) / N; NaN for an empty matrix.
    pub fn accuracy(&self) -> f64 {
        let n = self.total();
        if n == 0 {
            f64::NAN
        } else {
            (self.tp + self.tn) as f64 / n as f64
        }
    }

    /// TP / (TP + FP), 0 when nothing is predicted positive.
    pub fn precision(&self) -> f64 {
        ratio_or_zero(self.tp, self.tp + self.fp)
    }

    /// TP / (TP + FN) (sensitivity), 0 when there are no positives.
    pub fn recall(&self) -> f64 {
        ratio_or_zero(self.tp, self.tp + self.fn_)
    }

    /// TN / (TN + FP) (recall of the negative class), 0 when there are no
    /// negatives.
    pub fn specificity(&self) -> f64 {
        ratio_or_zero(self.tn, self.tn + self.fp)
    }

    /// 2·TP / (2·TP + FP + FN), 0 when the denominator is 0.
    pub fn f1(&self) -> f64 {
        ratio_or_zero(2 * self.tp, 2 * self.tp + self.fp + self.fn_)
    }

    /// Mean recall over the classes present in the labels (sklearn's
    /// `balanced_accuracy_score`). With one class present it is that class's
    /// recall; with no samples it is NaN.
    pub fn balanced_accuracy(&self) -> f64 {
        match (self.positives() > 0, self.negatives() > 0) {
            (true, true) => 0.5 * (self.recall() + self.specificity()),
            (true, false) => self.recall(),
            (false, true) => self.specificity(),
            (false, false) => f64::NAN,
        }
    }

    /// Matthews correlation coefficient,
    /// (TP·TN − FP·FN) / √((TP+FP)(TP+FN)(TN+FP)(TN+FN)); 0 when any
    /// marginal is 0 (as sklearn).
    pub fn mcc(&self) -> f64 {
        let (tp, fp, tn, fn_) = (
            self.tp as f64,
            self.fp as f64,
            self.tn as f64,
            self.fn_ as f64,
        );
        let den = (tp + fp) * (tp + fn_) * (tn + fp) * (tn + fn_);
        if den == 0.0 {
            return 0.0;
        }
        (tp * tn - fp * fn_) / den.sqrt()
    }
}

/// All threshold-dependent and ranking metrics of a binary classifier.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct BinaryMetrics {
    pub accuracy: f64,
    pub balanced_accuracy: f64,
    pub precision: f64,
    pub recall: f64,
    pub specificity: f64,
    pub f1: f64,
    pub mcc: f64,
    /// NaN when only one class is present.
    pub roc_auc: f64,
    /// sklearn's `average_precision_score`; 0 when there are no positives.
    pub pr_auc: f64,
    pub brier: f64,
}

/// Computes [`BinaryMetrics`] from labels (0/1) and predicted probabilities
/// of the positive class; hard predictions use `prob > threshold`.
///
/// # Panics
/// If `labels` and `probs` differ in length.
pub fn binary_metrics(labels: &[f32], probs: &[f32], threshold: f32) -> BinaryMetrics {
    let c = Confusion::from_probabilities(labels, probs, threshold);
    BinaryMetrics {
        accuracy: c.accuracy(),
        balanced_accuracy: c.balanced_accuracy(),
        precision: c.precision(),
        recall: c.recall(),
        specificity: c.specificity(),
        f1: c.f1(),
        mcc: c.mcc(),
        roc_auc: roc_auc(labels, probs),
        pr_auc: average_precision(labels, probs),
        brier: brier_score(labels, probs),
    }
}

/// Brier score: mean((p − y)²), in f64; NaN for empty input.
///
/// # Panics
/// If `labels` and `probs` differ in length.
pub fn brier_score(labels: &[f32], probs: &[f32]) -> f64 {
    assert_eq!(
        labels.len(),
        probs.len(),
        "labels and probabilities differ in length"
    );
    if labels.is_empty() {
        return f64::NAN;
    }
    let sum: f64 = labels
        .iter()
        .zip(probs)
        .map(|(&y, &p)| {
            let d = p as f64 - y as f64;
            d * d
        })
        .sum();
    sum / labels.len() as f64
}

/// Cumulative counts at each distinct score, in decreasing score order
/// (sklearn's `_binary_clf_curve`).
struct ClfCurve {
    /// Cumulative false positives with score ≥ threshold.
    fps: Vec<usize>,
    /// Cumulative true positives with score ≥ threshold.
    tps: Vec<usize>,
    /// Distinct scores, decreasing.
    thresholds: Vec<f64>,
}

fn binary_clf_curve(labels: &[f32], scores: &[f32]) -> ClfCurve {
    assert_eq!(
        labels.len(),
        scores.len(),
        "labels and scores differ in length"
    );
    // `+ 0.0` maps -0.0 to 0.0 so the two compare equal under total_cmp.
    let s: Vec<f64> = scores.iter().map(|&x| x as f64 + 0.0).collect();
    let mut order: Vec<usize> = (0..s.len()).collect();
    // Stable sort, decreasing score.
    order.sort_by(|&a, &b| s[b].total_cmp(&s[a]));

    let mut curve = ClfCurve {
        fps: Vec::new(),
        tps: Vec::new(),
        thresholds: Vec::new(),
    };
    let (mut tp, mut fp) = (0usize, 0usize);
    for (k, &i) in order.iter().enumerate() {
        if is_positive_label(labels[i]) {
            tp += 1;
        } else {
            fp += 1;
        }
        let last_of_group = match order.get(k + 1) {
            Some(&j) => s[j].total_cmp(&s[i]).is_ne(),
            None => true,
        };
        if last_of_group {
            curve.tps.push(tp);
            curve.fps.push(fp);
            curve.thresholds.push(s[i]);
        }
    }
    curve
}

/// A receiver operating characteristic curve.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RocCurve {
    /// False positive rate at each threshold.
    pub fpr: Vec<f64>,
    /// True positive rate at each threshold.
    pub tpr: Vec<f64>,
    /// Decreasing thresholds; the first is `+inf` (point (0, 0)). A sample is
    /// counted positive at threshold `t` iff `score >= t`.
    pub thresholds: Vec<f64>,
}

/// ROC curve as sklearn's `roc_curve(..., drop_intermediate=False)`: one
/// point per distinct score (tied scores move TP and FP together, giving a
/// diagonal segment), preceded by (0, 0) at threshold `+inf`.
///
/// If there are no negatives, `fpr` is all NaN; if there are no positives,
/// `tpr` is all NaN (as sklearn, which also warns).
///
/// # Panics
/// If `labels` and `scores` differ in length.
pub fn roc_curve(labels: &[f32], scores: &[f32]) -> RocCurve {
    let c = binary_clf_curve(labels, scores);
    let n_neg = c.fps.last().copied().unwrap_or(0);
    let n_pos = c.tps.last().copied().unwrap_or(0);
    let rate = |count: usize, total: usize| {
        if total == 0 {
            f64::NAN
        } else {
            count as f64 / total as f64
        }
    };
    let mut fpr = Vec::with_capacity(c.fps.len() + 1);
    let mut tpr = Vec::with_capacity(c.tps.len() + 1);
    let mut thresholds = Vec::with_capacity(c.thresholds.len() + 1);
    fpr.push(rate(0, n_neg));
    tpr.push(rate(0, n_pos));
    thresholds.push(f64::INFINITY);
    for k in 0..c.fps.len() {
        fpr.push(rate(c.fps[k], n_neg));
        tpr.push(rate(c.tps[k], n_pos));
        thresholds.push(c.thresholds[k]);
    }
    RocCurve {
        fpr,
        tpr,
        thresholds,
    }
}

/// Area under the ROC curve by the trapezoid rule over [`roc_curve`]
/// (ties give diagonal segments, i.e. count ½), as sklearn's
/// `roc_auc_score`. The area is accumulated exactly in integers and divided
/// once at the end.
///
/// Returns `f64::NAN` when only one class (or no sample) is present; the
/// AUC is undefined there (scikit-learn 1.9 also returns NaN, with a
/// warning).
///
/// # Panics
/// If `labels` and `scores` differ in length.
pub fn roc_auc(labels: &[f32], scores: &[f32]) -> f64 {
    let c = binary_clf_curve(labels, scores);
    let n_neg = c.fps.last().copied().unwrap_or(0);
    let n_pos = c.tps.last().copied().unwrap_or(0);
    if n_neg == 0 || n_pos == 0 {
        return f64::NAN;
    }
    // Twice the area in units of (1/n_neg)·(1/n_pos).
    let (mut prev_fp, mut prev_tp) = (0u128, 0u128);
    let mut area2: u128 = 0;
    for (&fp, &tp) in c.fps.iter().zip(&c.tps) {
        let (fp, tp) = (fp as u128, tp as u128);
        area2 += (fp - prev_fp) * (tp + prev_tp);
        prev_fp = fp;
        prev_tp = tp;
    }
    area2 as f64 / (2.0 * n_neg as f64 * n_pos as f64)
}

/// Average precision as sklearn's `average_precision_score`:
/// Σₙ (Rₙ − Rₙ₋₁)·Pₙ over distinct score thresholds in decreasing order
/// (R₀ = 0), with no interpolation. Tied scores form one threshold.
///
/// Returns `0.0` when there are no positive labels (sklearn's value; it
/// warns that recall is undefined) and `f64::NAN` for empty input.
///
/// # Panics
/// If `labels` and `scores` differ in length.
pub fn average_precision(labels: &[f32], scores: &[f32]) -> f64 {
    let c = binary_clf_curve(labels, scores);
    let n_pos = match c.tps.last() {
        None => return f64::NAN,
        Some(&0) => return 0.0,
        Some(&n) => n,
    };
    let mut prev_tp = 0usize;
    let mut sum = 0.0f64;
    for (&fp, &tp) in c.fps.iter().zip(&c.tps) {
        if tp > prev_tp {
            let precision = tp as f64 / (tp + fp) as f64;
            sum += (tp - prev_tp) as f64 * precision;
        }
        prev_tp = tp;
    }
    sum / n_pos as f64
}

#[cfg(test)]
mod tests;
