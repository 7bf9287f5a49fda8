//! Tests of the multi-class metrics against hand-computed values and
//! scikit-learn 1.9.1 (numpy 2.4.6) reference numbers. The references were
//! produced once by a script calling `accuracy_score`,
//! `balanced_accuracy_score`, `f1_score(average="macro", labels=range(k))`,
//! `precision_score` / `recall_score(average=None, labels=range(k))`,
//! `confusion_matrix(labels=range(k))`, `log_loss(labels=range(k))` and
//! `roc_auc_score(multi_class="ovr", labels=range(k))` on the float32
//! probabilities below, with `y_pred = probs.argmax(axis=1)`.
use super::*;

macro_rules! assert_close {
    ($a:expr, $b:expr) => {
        assert_close!($a, $b, 1e-12)
    };
    ($a:expr, $b:expr, $tol:expr) => {{
        let (a, b): (f64, f64) = ($a, $b);
        assert!(
            (a - b).abs() <= $tol,
            "{} = {a}, expected {b}",
            stringify!($a)
        );
    }};
}

fn assert_all_close(got: &[f64], want: &[f64]) {
    assert_eq!(got.len(), want.len());
    for (c, (&g, &w)) in got.iter().zip(want).enumerate() {
        assert!(
            (g - w).abs() <= 1e-12 || (g.is_nan() && w.is_nan()),
            "class {c}: {g}, expected {w}"
        );
    }
}

fn flat<const K: usize>(rows: &[[f32; K]]) -> Vec<f32> {
    rows.iter().flatten().copied().collect()
}

/// Three classes; class 2 is never predicted, row 1 ties classes 0 and 1
/// (0.4 = 0.4, predicts 0), row 6 gives its true class probability 0.
fn three_class() -> (Vec<f32>, Vec<f32>) {
    let y = vec![0., 0., 1., 1., 2., 2., 0., 1.];
    let probs = flat(&[
        [0.7, 0.2, 0.1],
        [0.4, 0.4, 0.2],
        [0.1, 0.8, 0.1],
        [0.6, 0.3, 0.1],
        [0.3, 0.5, 0.2],
        [0.0, 0.6, 0.4],
        [0.0, 0.9, 0.1],
        [0.2, 0.45, 0.35],
    ]);
    (y, probs)
}

#[test]
fn argmax_takes_the_first_index_on_a_tie() {
    let (_, probs) = three_class();
    assert_eq!(argmax_row_major(&probs, 3), [0, 0, 1, 0, 1, 1, 1, 1]);
    assert_eq!(
        argmax_row_major(&[0.5, 0.5, 0.2, 0.2, 0.3, 0.3], 2),
        [0, 0, 0]
    );
    assert_eq!(argmax_row_major(&[1. / 3.; 3], 3), [0]);
}

#[test]
fn three_class_never_predicted_matches_sklearn() {
    let (y, probs) = three_class();
    let m = multiclass_metrics(&y, &probs, 3);
    assert_eq!(m.confusion, [[2, 1, 0], [1, 2, 0], [0, 2, 0]]);
    assert_eq!(m.support, [3, 3, 2]);
    // By hand: 4 of 8 right; recalls 2/3, 2/3, 0; precisions 2/3, 2/5 and
    // 0 for the never-predicted class 2 (zero division); F1 2/3, 1/2, 0.
    assert_close!(m.accuracy, 0.5);
    assert_close!(m.balanced_accuracy, 4.0 / 9.0);
    assert_close!(m.macro_f1, 7.0 / 18.0);
    assert_all_close(&m.precision, &[2.0 / 3.0, 0.4, 0.0]);
    assert_all_close(&m.recall, &[2.0 / 3.0, 2.0 / 3.0, 0.0]);
    // scikit-learn 1.9.1.
    assert_close!(m.accuracy, 0.5);
    assert_close!(m.balanced_accuracy, 0.4444444444444444);
    assert_close!(m.macro_f1, 0.38888888888888884);
    assert_all_close(&m.precision, &[0.6666666666666666, 0.4, 0.0]);
    assert_all_close(&m.recall, &[0.6666666666666666, 0.6666666666666666, 0.0]);
}

#[test]
fn log_loss_clips_a_zero_probability() {
    let (y, probs) = three_class();
    // Row 6's true-class probability 0 is clipped to 2⁻²³: it adds
    // 23·ln 2. The same formula in f64 with numpy (np.clip at
    // np.finfo(np.float32).eps, np.log, np.mean): 2.7458379336296974.
    let want: f64 = [0.7f32, 0.4, 0.8, 0.3, 0.2, 0.4, 0.45]
        .iter()
        .map(|&p| -(p as f64).ln())
        .sum::<f64>()
        + 23.0 * std::f64::consts::LN_2;
    assert_close!(log_loss(&y, &probs, 3), want / 8.0);
    assert_close!(log_loss(&y, &probs, 3), 2.7458379336296974);
    // scikit-learn 1.9.1's log_loss, which works in float32 here.
    assert_close!(log_loss(&y, &probs, 3), 2.745837926864624, 1e-6);
    assert_eq!(
        multiclass_metrics(&y, &probs, 3).log_loss,
        log_loss(&y, &probs, 3)
    );
}

#[test]
fn log_loss_clips_at_both_ends_and_does_not_renormalize() {
    let eps = f32::EPSILON as f64;
    assert_close!(log_loss(&[0.], &[1.0, 0.0], 2), -(1.0 - eps).ln());
    assert_close!(
        log_loss(&[0.], &[0.0, 1.0], 2),
        23.0 * std::f64::consts::LN_2
    );
    // Rows that do not sum to 1 are used as given.
    assert_close!(log_loss(&[1.], &[0.5, 0.25], 2), 4f64.ln());
    assert!(log_loss(&[], &[], 3).is_nan());
}

#[test]
fn a_class_in_neither_targets_nor_predictions_counts_zero_in_macro_f1() {
    // Four labels, class 3 absent from y and never predicted.
    let y = [0., 1., 2., 0., 1., 2.];
    let probs = flat(&[
        [0.5, 0.2, 0.2, 0.1],
        [0.1, 0.6, 0.2, 0.1],
        [0.2, 0.2, 0.5, 0.1],
        [0.3, 0.3, 0.3, 0.1],
        [0.6, 0.3, 0.05, 0.05],
        [0.1, 0.5, 0.3, 0.1],
    ]);
    let m = multiclass_metrics(&y, &probs, 4);
    assert_eq!(
        m.confusion,
        [[2, 0, 0, 0], [1, 1, 0, 0], [0, 1, 1, 0], [0, 0, 0, 0]]
    );
    assert_eq!(m.support, [2, 2, 2, 0]);
    // By hand: F1 4/5, 1/2, 2/3 and 0 for class 3, over 4 labels; balanced
    // accuracy over the 3 classes present.
    assert_close!(m.macro_f1, (0.8 + 0.5 + 2.0 / 3.0) / 4.0);
    assert_close!(m.balanced_accuracy, 2.0 / 3.0);
    // scikit-learn 1.9.1.
    assert_close!(m.accuracy, 0.6666666666666666);
    assert_close!(m.balanced_accuracy, 0.6666666666666666);
    assert_close!(m.macro_f1, 0.4916666666666667);
    assert_all_close(&m.precision, &[0.6666666666666666, 0.5, 1.0, 0.0]);
    assert_all_close(&m.recall, &[1.0, 0.5, 0.5, 0.0]);
    assert_close!(m.log_loss, 0.918173039819662); // numpy f64, as above
    assert_close!(m.log_loss, 0.91817307472229, 1e-6); // sklearn, float32
    assert_all_close(
        &ovr_roc_auc(&y, &probs, 4),
        &[0.75, 0.8125, 0.9375, f64::NAN],
    );
    assert!(macro_ovr_auc(&y, &probs, 4).is_nan()); // sklearn: nan
}

#[test]
fn a_class_predicted_but_absent_from_targets() {
    // Class 3 is predicted once (row 5) and never true: precision 0,
    // recall 0 by zero division, left out of balanced accuracy.
    let y = [0., 1., 2., 0., 1., 2.];
    let probs = flat(&[
        [0.5, 0.2, 0.2, 0.1],
        [0.1, 0.6, 0.2, 0.1],
        [0.2, 0.2, 0.5, 0.1],
        [0.3, 0.3, 0.3, 0.1],
        [0.6, 0.3, 0.05, 0.05],
        [0.1, 0.1, 0.1, 0.7],
    ]);
    let m = multiclass_metrics(&y, &probs, 4);
    // scikit-learn 1.9.1.
    assert_close!(m.accuracy, 0.6666666666666666);
    assert_close!(m.balanced_accuracy, 0.6666666666666666);
    assert_close!(m.macro_f1, 0.5333333333333333);
    assert_all_close(&m.precision, &[0.6666666666666666, 1.0, 1.0, 0.0]);
    assert_all_close(&m.recall, &[1.0, 0.5, 0.5, 0.0]);
    assert_close!(m.log_loss, 1.101275092070225); // numpy f64
    assert_close!(m.log_loss, 1.101275086402893, 1e-6); // sklearn, float32
}

#[test]
fn ovr_auc_matches_sklearn() {
    let (y, probs) = three_class();
    // scikit-learn 1.9.1, average=None and average="macro".
    let want = [0.6333333333333333, 0.4666666666666666, 0.875];
    assert_all_close(&ovr_roc_auc(&y, &probs, 3), &want);
    assert_close!(macro_ovr_auc(&y, &probs, 3), 0.6583333333333333);
}

#[test]
fn empty_input() {
    let m = multiclass_metrics(&[], &[], 3);
    assert!(m.accuracy.is_nan() && m.balanced_accuracy.is_nan() && m.log_loss.is_nan());
    assert_eq!(m.macro_f1, 0.0);
    assert_eq!(m.support, [0, 0, 0]);
}

#[test]
#[should_panic(expected = "not a class of 0..3")]
fn a_target_outside_the_classes_panics() {
    multiclass_metrics(&[3.], &[0.2, 0.3, 0.5], 3);
}

#[test]
#[should_panic(expected = "n × k")]
fn probabilities_of_the_wrong_shape_panic() {
    multiclass_metrics(&[0., 1.], &[0.2, 0.3, 0.5], 3);
}

/// Softmax of one row in f64.
fn softmax_f64(x: &[f32]) -> Vec<f64> {
    let m = x.iter().fold(f64::NEG_INFINITY, |a, &b| a.max(b as f64));
    let e: Vec<f64> = x.iter().map(|&v| (v as f64 - m).exp()).collect();
    let s: f64 = e.iter().sum();
    e.iter().map(|v| v / s).collect()
}

#[test]
fn softmax_turns_class_major_logits_into_row_major_probabilities() {
    let rows: [[f32; 3]; 4] = [
        [1.0, 2.0, 3.0],
        [0.0, 0.0, 0.0],
        [1000.0, 1001.0, -1000.0], // stable: no overflow
        [-5.5, 7.25, 0.125],
    ];
    let (k, n) = (3, rows.len());
    let mut logits = vec![0.0f32; k * n];
    for (i, r) in rows.iter().enumerate() {
        for c in 0..k {
            logits[c * n + i] = r[c];
        }
    }
    let mut out = vec![0.0f32; n * k];
    softmax_rows(&logits, k, n, &mut out);
    for (i, r) in rows.iter().enumerate() {
        let want = softmax_f64(r);
        for c in 0..k {
            let got = out[i * k + c] as f64;
            assert!(
                (got - want[c]).abs() <= 4.0 * f32::EPSILON as f64 * want[c].max(1e-30),
                "row {i} class {c}: {got}, expected {}",
                want[c]
            );
        }
    }
    // softmax([1, 2, 3]) = [0.09003057, 0.24472847, 0.66524096].
    assert!((out[2] - 0.665_240_96).abs() < 1e-7);
    assert_eq!(&out[3..6], &[1.0 / 3.0; 3]);
    assert_eq!(out[8], 0.0); // e^−2001 underflows
}

#[test]
fn softmax_of_a_nan_or_infinite_row_is_nan() {
    // Rows (NaN, 0), (inf, 0), (0, 0), (−inf, −inf), class-major.
    let (inf, nan) = (f32::INFINITY, f32::NAN);
    let logits = [nan, inf, 0.0, -inf, 0.0, 0.0, 0.0, -inf];
    let mut out = [0.0f32; 8];
    softmax_rows(&logits, 2, 4, &mut out);
    assert!(out[..4].iter().all(|p| p.is_nan()), "{out:?}");
    assert_eq!(&out[4..6], &[0.5, 0.5]);
    assert!(out[6..].iter().all(|p| p.is_nan()), "{out:?}");
}

#[test]
fn class_frequencies_of_the_training_rows() {
    let y = [0., 2., 2., 1., 2., 0., 1.];
    let shares = class_frequencies(&y, &[0, 1, 2, 3, 5], 4);
    assert_eq!(shares, [0.4, 0.2, 0.4, 0.0]);
    // Classes 0 and 2 tie: the first wins, as argmax of the constant row.
    assert_eq!(majority_class(&shares), 0);
    let row: Vec<f32> = shares.iter().map(|&s| s as f32).collect();
    assert_eq!(argmax_row_major(&row, 4), [0]);
    assert_eq!(majority_class(&class_frequencies(&y, &[1, 2, 3], 4)), 2);
    assert!(class_frequencies(&y, &[], 3).iter().all(|s| s.is_nan()));
}
