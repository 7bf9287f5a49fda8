//! Tests of the metrics against hand-computed and scikit-learn values.
use super::*;

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol
}

macro_rules! assert_close {
    ($a:expr, $b:expr) => {
        assert_close!($a, $b, 1e-12)
    };
    ($a:expr, $b:expr, $tol:expr) => {{
        let (a, b): (f64, f64) = ($a, $b);
        assert!(close(a, b, $tol), "{} = {a}, expected {b}", stringify!($a));
    }};
}

#[test]
fn confusion_worked_example() {
    // 4 positives, 6 negatives.
    let labels = [1., 1., 1., 1., 0., 0., 0., 0., 0., 0.];
    let preds = [1, 1, 1, 0, 1, 1, 0, 0, 0, 0];
    let c = Confusion::from_predictions(&labels, &preds);
    assert_eq!(
        c,
        Confusion {
            tp: 3,
            fp: 2,
            tn: 4,
            fn_: 1
        }
    );
    assert_close!(c.accuracy(), 0.7);
    assert_close!(c.precision(), 0.6); // 3 / 5
    assert_close!(c.recall(), 0.75); // 3 / 4
    assert_close!(c.specificity(), 4.0 / 6.0);
    assert_close!(c.f1(), 6.0 / 9.0); // 2·3 / (2·3 + 2 + 1)
    assert_close!(c.balanced_accuracy(), (0.75 + 4.0 / 6.0) / 2.0);
    // (3·4 − 2·1) / √(5·4·6·5) = 10 / √600
    assert_close!(c.mcc(), 0.408_248_290_463_863);
}

#[test]
fn threshold_is_strict() {
    let labels = [1., 0., 1., 0.];
    let probs = [0.5, 0.5, 0.51, 0.49];
    let c = Confusion::from_probabilities(&labels, &probs, 0.5);
    assert_eq!(
        c,
        Confusion {
            tp: 1,
            fp: 0,
            tn: 2,
            fn_: 1
        }
    );
    let c = Confusion::from_probabilities(&labels, &probs, 0.495);
    assert_eq!(
        c,
        Confusion {
            tp: 2,
            fp: 1,
            tn: 1,
            fn_: 0
        }
    );
}

#[test]
fn perfect_classifier() {
    let labels = [0., 0., 1., 1., 0., 1.];
    let probs = [0.1, 0.3, 0.7, 0.9, 0.2, 0.6];
    let m = binary_metrics(&labels, &probs, 0.5);
    assert_eq!(m.accuracy, 1.0);
    assert_eq!(m.balanced_accuracy, 1.0);
    assert_eq!(m.precision, 1.0);
    assert_eq!(m.recall, 1.0);
    assert_eq!(m.specificity, 1.0);
    assert_eq!(m.f1, 1.0);
    assert_eq!(m.mcc, 1.0);
    assert_eq!(m.roc_auc, 1.0);
    assert_eq!(m.pr_auc, 1.0);
    // (0.01 + 0.09 + 0.09 + 0.01 + 0.04 + 0.16) / 6, f32 inputs.
    assert_close!(m.brier, 0.4 / 6.0, 1e-7);
}

#[test]
fn inverted_classifier() {
    let labels = [0., 0., 1., 1.];
    let probs = [0.9, 0.8, 0.2, 0.1];
    let m = binary_metrics(&labels, &probs, 0.5);
    assert_eq!(m.accuracy, 0.0);
    assert_eq!(m.balanced_accuracy, 0.0);
    assert_eq!(m.precision, 0.0);
    assert_eq!(m.recall, 0.0);
    assert_eq!(m.f1, 0.0);
    assert_eq!(m.mcc, -1.0);
    assert_eq!(m.roc_auc, 0.0);
    // Positives rank 3rd and 4th: (1/2)·(1/3) + (1/2)·(2/4).
    assert_close!(m.pr_auc, 1.0 / 6.0 + 0.25);
    // (0.81 + 0.64 + 0.64 + 0.81) / 4
    assert_close!(m.brier, 0.725, 1e-7);
}

#[test]
fn all_negative_fold() {
    let labels = [0., 0., 0., 0.];
    let probs = [0.2, 0.7, 0.4, 0.9];
    let m = binary_metrics(&labels, &probs, 0.5);
    assert_eq!(m.accuracy, 0.5);
    // sklearn: only the negative class is present → its recall.
    assert_eq!(m.balanced_accuracy, 0.5);
    assert_eq!(m.specificity, 0.5);
    assert_eq!(m.precision, 0.0);
    assert_eq!(m.recall, 0.0);
    assert_eq!(m.f1, 0.0);
    assert_eq!(m.mcc, 0.0);
    assert!(m.roc_auc.is_nan());
    assert_eq!(m.pr_auc, 0.0);
}

#[test]
fn all_positive_fold() {
    let labels = [1., 1., 1.];
    let probs = [0.2, 0.7, 0.9];
    let m = binary_metrics(&labels, &probs, 0.5);
    assert_close!(m.accuracy, 2.0 / 3.0);
    assert_close!(m.balanced_accuracy, 2.0 / 3.0);
    assert_eq!(m.precision, 1.0);
    assert_eq!(m.specificity, 0.0);
    assert_close!(m.f1, 0.8); // 4 / (4 + 0 + 1)
    assert_eq!(m.mcc, 0.0);
    assert!(m.roc_auc.is_nan());
    assert_eq!(m.pr_auc, 1.0);
    // All predicted negative and all negative: F1 has 0/0 → 0.
    let c = Confusion::from_predictions(&[0., 0.], &[0, 0]);
    assert_eq!(c.f1(), 0.0);
    assert_eq!(c.balanced_accuracy(), 1.0);
    assert_eq!(c.mcc(), 0.0);
}

#[test]
fn sklearn_doc_example() {
    // sklearn's roc_auc_score / average_precision_score doc example.
    let labels = [0., 0., 1., 1.];
    let scores = [0.1, 0.4, 0.35, 0.8];
    assert_close!(roc_auc(&labels, &scores), 0.75);
    assert_close!(average_precision(&labels, &scores), 0.833_333_333_333_333_3);
    let roc = roc_curve(&labels, &scores);
    assert_eq!(roc.fpr, vec![0.0, 0.0, 0.5, 0.5, 1.0]);
    assert_eq!(roc.tpr, vec![0.0, 0.5, 0.5, 1.0, 1.0]);
    assert_eq!(roc.thresholds[0], f64::INFINITY);
    assert_eq!(
        roc.thresholds[1..],
        [0.8f32 as f64, 0.4f32 as f64, 0.35f32 as f64, 0.1f32 as f64]
    );
}

#[test]
fn all_scores_tied() {
    let labels = [0., 1., 0., 1.];
    let scores = [0.5; 4];
    assert_eq!(roc_auc(&labels, &scores), 0.5);
    assert_eq!(average_precision(&labels, &scores), 0.5);
    let roc = roc_curve(&labels, &scores);
    assert_eq!(roc.fpr, vec![0.0, 1.0]);
    assert_eq!(roc.tpr, vec![0.0, 1.0]);
}

#[test]
fn partial_ties() {
    // Sorted: 0.9(+), {0.6: +, +, −}, 0.2(−).
    let labels = [0., 1., 1., 0., 1.];
    let scores = [0.2, 0.6, 0.6, 0.6, 0.9];
    // ROC points: (0,0) (0,1/3) (1/2,1) (1,1)
    // area = ½·(1/3 + 1)/2 + ½·1 = 1/3 + 1/2
    assert_close!(roc_auc(&labels, &scores), 5.0 / 6.0);
    // AP = (1/3)·1 + (2/3)·(3/4)
    assert_close!(average_precision(&labels, &scores), 1.0 / 3.0 + 0.5);
    let roc = roc_curve(&labels, &scores);
    assert_eq!(roc.fpr, vec![0.0, 0.0, 0.5, 1.0]);
    assert_eq!(roc.tpr, vec![0.0, 1.0 / 3.0, 1.0, 1.0]);
    // Order of the input must not matter.
    let labels2 = [1., 0., 1., 0., 1.];
    let scores2 = [0.6, 0.6, 0.9, 0.2, 0.6];
    assert_close!(roc_auc(&labels2, &scores2), 5.0 / 6.0);
    assert_close!(average_precision(&labels2, &scores2), 1.0 / 3.0 + 0.5);
}

#[test]
fn nan_and_signed_zero_scores_are_deterministic() {
    // -0.0 and 0.0 are one threshold: a 1/2 tie.
    let labels = [1., 0.];
    assert_eq!(roc_auc(&labels, &[0.0, -0.0]), 0.5);
    assert_eq!(roc_auc(&labels, &[-0.0, 0.0]), 0.5);
    // A positive NaN ranks highest.
    assert_eq!(roc_auc(&labels, &[f32::NAN, 0.3]), 1.0);
    assert_eq!(roc_auc(&labels, &[0.3, f32::NAN]), 0.0);
}

#[test]
fn roc_curve_one_class_gives_nan_rates() {
    let roc = roc_curve(&[1., 1.], &[0.3, 0.8]);
    assert!(roc.fpr.iter().all(|x| x.is_nan()));
    assert_eq!(roc.tpr, vec![0.0, 0.5, 1.0]);
}

#[test]
fn brier_score_values() {
    let labels = [1., 0., 1., 0.];
    let probs = [0.75, 0.25, 0.5, 1.0];
    // (0.0625 + 0.0625 + 0.25 + 1) / 4
    assert_eq!(brier_score(&labels, &probs), 0.34375);
    assert!(brier_score(&[], &[]).is_nan());
}

#[test]
fn larger_example_matches_sklearn() {
    // Cross-checked against scikit-learn 1.9.1: MCC 0.50709255283711,
    // ROC AUC 0.8055555555555556, AP 0.8138888888888888.
    let labels = [1., 0., 1., 1., 0., 0., 1., 0., 1., 0., 0., 1.];
    let probs = [
        0.9, 0.3, 0.6, 0.45, 0.5, 0.1, 0.8, 0.7, 0.45, 0.2, 0.45, 0.55,
    ];
    let m = binary_metrics(&labels, &probs, 0.5);
    let c = Confusion::from_probabilities(&labels, &probs, 0.5);
    // Predicted positive: 0.9, 0.6, 0.8, 0.7, 0.55 (0.5 is not > 0.5).
    assert_eq!(
        c,
        Confusion {
            tp: 4,
            fp: 1,
            tn: 5,
            fn_: 2
        }
    );
    assert_close!(m.mcc, (4.0 * 5.0 - 2.0) / (5.0f64 * 6.0 * 6.0 * 7.0).sqrt());
    // Pairs: 36; positive-over-negative wins counted by hand:
    // 0.9:6, 0.6:5, 0.45:3.5 (beats 0.3,0.1,0.2, ties 0.45),
    // 0.8:6, 0.45:3.5, 0.55:5 → 29 / 36.
    assert_close!(m.roc_auc, 29.0 / 36.0);
    // Thresholds (desc): 0.9 + (1/1), 0.8 + (2/2), 0.7 −, 0.6 + (3/4),
    // 0.55 + (4/5), 0.5 −, 0.45 {+,+,−} (6/9).
    let ap = (1.0 + 1.0 + 0.75 + 0.8 + 2.0 * 6.0 / 9.0) / 6.0;
    assert_close!(m.pr_auc, ap);
}
