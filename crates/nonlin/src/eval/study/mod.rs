//! Repeated stratified k-fold cross-validation of several models on the same
//! folds, with per-metric summaries (mean, standard deviation, 95% CI) and
//! paired corrected resampled t-tests between every pair of models.
//!
//! # Design
//!
//! * For repeat `r`, the folds are `stratified_folds(y, k, fold_seed(seed, r))`.
//!   Fold `f` is the test set; the other rows (ascending) train.
//! * The scaler is fit on the training rows of each fold only and applied to
//!   both parts ([`scale_rows`]).
//! * Every model sees the same folds. A network run is seeded by
//!   [`init_seed`]`(seed, r, f, m)` (model index `m` in [`StudyResult::models`]),
//!   which seeds the initialisation, the mini-batch shuffle and the early
//!   stopping hold-out, unless [`InitSeeds::Fixed`] asks for one seed for all.
//! * Two baselines are added after the models (unless disabled):
//!   `logistic`, a network with no hidden layer (`Linear(d, 1)`) trained with
//!   the same settings, and `majority`, which predicts the training fold's
//!   majority class with probability equal to the training fold's positive
//!   rate for every test row. Its scores are therefore all tied: ROC AUC is
//!   0.5, PR AUC is the test fold's positive rate, and its Brier score and
//!   losses are those of that constant probability. With a training positive
//!   rate of exactly 0.5 it predicts 0 (the `prob > 0.5` rule).
//! * Runs are independent and run in parallel with rayon; results are
//!   collected in job order (repeat, fold, model) and every reduction runs in
//!   that fixed order, so the result is identical whatever the thread count.
//!
//! Seeds are mixed with SplitMix64: `mix(parts) = fold h ← splitmix64(h ⊕ p)`
//! over the parts, starting from a fixed constant.

use crate::eval::metrics::BinaryMetrics;
use crate::eval::stats::{corrected_resampled_ttest, summarize, PairedTest, Summary};
use crate::train::TrainConfig;
use serde::Serialize;

mod folds;

pub use folds::{fold_design, score_majority, score_network, FoldScore};

/// How network runs are seeded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum InitSeeds {
    /// A different seed for every (repeat, fold, model): [`init_seed`].
    PerRun,
    /// The same seed for every run (the fold alone varies).
    Fixed(u64),
}

/// Name of the no-hidden-layer baseline.
pub const LOGISTIC: &str = "logistic";
/// Name of the majority-class baseline.
pub const MAJORITY: &str = "majority";

/// SplitMix64's output function applied to `x + golden gamma`.
pub fn splitmix64(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// `h₀ = 0x6A09E667F3BCC909; hᵢ = splitmix64(hᵢ₋₁ ⊕ partᵢ)`.
pub fn mix(parts: &[u64]) -> u64 {
    parts
        .iter()
        .fold(0x6A09_E667_F3BC_C909, |h, &p| splitmix64(h ^ p))
}

/// Seed of the fold assignment of repeat `r`: the high 32 bits of
/// `mix([seed, 1, r])`.
pub fn fold_seed(seed: u64, repeat: usize) -> u32 {
    (mix(&[seed, 1, repeat as u64]) >> 32) as u32
}

/// Seed of the run of model `m` on fold `f` of repeat `r`:
/// `mix([seed, 2, r, f, m])`.
pub fn init_seed(seed: u64, repeat: usize, fold: usize, model: usize) -> u64 {
    mix(&[seed, 2, repeat as u64, fold as u64, model as u64])
}

/// What a model in the study is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ModelKind {
    Network,
    LogisticBaseline,
    MajorityBaseline,
}

/// A model of the study, in result order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StudyModel {
    pub name: String,
    /// Full spec (`12-5-relu-1`), or `majority class` for the baseline.
    pub arch: String,
    pub params: usize,
    pub kind: ModelKind,
}

/// One fold of one repeat: its test rows and the scaler fit on its
/// training rows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FoldSplit {
    pub repeat: usize,
    pub fold: usize,
    /// Data-set rows of the test fold, ascending.
    pub test_rows: Vec<usize>,
    pub n_train: usize,
    pub n_train_positive: usize,
    pub n_test_positive: usize,
    /// Mean and scale of the scaler fit on this fold's training rows.
    pub scaler_mean: Vec<f64>,
    pub scaler_scale: Vec<f64>,
}

/// The measurements of one model on one fold.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FoldRecord {
    pub repeat: usize,
    pub fold: usize,
    pub model: String,
    /// Seed of the run (none for the majority baseline).
    pub seed: Option<u64>,
    pub n_train: usize,
    pub n_test: usize,
    /// Epochs trained (0 for the majority baseline).
    pub epochs: usize,
    #[serde(flatten)]
    pub metrics: BinaryMetrics,
    /// Mean loss of the final weights on the training fold.
    pub train_loss: f64,
    /// Mean loss of the final weights on the test fold.
    pub test_loss: f64,
}

/// A reported metric.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct MetricInfo {
    pub key: &'static str,
    pub label: &'static str,
    /// Shown as a percentage (stored as a fraction).
    pub percent: bool,
    pub higher_is_better: bool,
}

const fn mi(key: &'static str, label: &'static str, percent: bool, hib: bool) -> MetricInfo {
    MetricInfo {
        key,
        label,
        percent,
        higher_is_better: hib,
    }
}

/// Every metric of a [`FoldRecord`], in report order.
pub const METRICS: [MetricInfo; 12] = [
    mi("accuracy", "accuracy", true, true),
    mi("balanced_accuracy", "balanced accuracy", true, true),
    mi("precision", "precision", true, true),
    mi("recall", "recall (sensitivity)", true, true),
    mi("specificity", "specificity", true, true),
    mi("f1", "F1", false, true),
    mi("mcc", "MCC", false, true),
    mi("roc_auc", "ROC AUC", false, true),
    mi("pr_auc", "PR AUC (average precision)", false, true),
    mi("brier", "Brier score", false, false),
    mi("train_loss", "final train loss", false, false),
    mi("test_loss", "final test loss", false, false),
];

/// Metrics compared pairwise.
pub const COMPARED: [&str; 3] = ["accuracy", "mcc", "roc_auc"];

/// The [`MetricInfo`] of a key.
pub fn metric_info(key: &str) -> Option<MetricInfo> {
    METRICS.iter().copied().find(|m| m.key == key)
}

impl FoldRecord {
    /// The value of a metric by key (see [`METRICS`]).
    pub fn value(&self, key: &str) -> f64 {
        let m = &self.metrics;
        match key {
            "accuracy" => m.accuracy,
            "balanced_accuracy" => m.balanced_accuracy,
            "precision" => m.precision,
            "recall" => m.recall,
            "specificity" => m.specificity,
            "f1" => m.f1,
            "mcc" => m.mcc,
            "roc_auc" => m.roc_auc,
            "pr_auc" => m.pr_auc,
            "brier" => m.brier,
            "train_loss" => self.train_loss,
            "test_loss" => self.test_loss,
            _ => panic!("unknown metric '{key}'"),
        }
    }
}

/// Summary of one metric of one model over all folds (finite values only;
/// `summary.n` says how many).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MetricSummary {
    pub model: String,
    pub metric: &'static str,
    #[serde(flatten)]
    pub summary: Summary,
}

/// A paired comparison of `a` against `b` (differences a − b) on one metric.
/// Its sentence in words is the report layer's (`report::study::sentence`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    pub a: String,
    pub b: String,
    pub metric: &'static str,
    /// Unit of `test`'s mean and CI: `percentage points` for percentages
    /// (differences ×100), else the metric's own scale.
    pub unit: &'static str,
    pub test: PairedTest,
}

/// Everything a study produced.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StudyResult {
    pub source: String,
    pub target: String,
    pub features: Vec<String>,
    pub n_rows: usize,
    pub n_positive: usize,
    pub repeats: usize,
    pub folds: usize,
    pub seed: u64,
    pub init: InitSeeds,
    pub auto_pos_weight: bool,
    pub train: TrainConfig,
    pub models: Vec<StudyModel>,
    /// Average training and test fold sizes (their ratio enters the t-test).
    pub n_train_mean: f64,
    pub n_test_mean: f64,
    /// Repeat-major, then fold.
    pub splits: Vec<FoldSplit>,
    /// Repeat-major, then fold, then model.
    pub records: Vec<FoldRecord>,
    /// Model-major, then metric in [`METRICS`] order.
    pub summaries: Vec<MetricSummary>,
    /// Metric in [`COMPARED`] order, then pairs (i < j) in model order.
    pub comparisons: Vec<Comparison>,
}

impl StudyResult {
    /// The summary of `metric` for `model`.
    pub fn summary(&self, model: &str, metric: &str) -> Option<&Summary> {
        self.summaries
            .iter()
            .find(|s| s.model == model && s.metric == metric)
            .map(|s| &s.summary)
    }

    /// The comparisons of one metric.
    pub fn comparisons_of<'a>(&'a self, metric: &'a str) -> impl Iterator<Item = &'a Comparison> {
        self.comparisons.iter().filter(move |c| c.metric == metric)
    }
}

/// The values of `metric` for `model`, in (repeat, fold) order.
pub fn fold_values(records: &[FoldRecord], model: &str, metric: &str) -> Vec<f64> {
    records
        .iter()
        .filter(|r| r.model == model)
        .map(|r| r.value(metric))
        .collect()
}

pub fn summarize_records(models: &[StudyModel], records: &[FoldRecord]) -> Vec<MetricSummary> {
    let mut out = Vec::new();
    for m in models {
        for info in METRICS {
            let vals: Vec<f64> = fold_values(records, &m.name, info.key)
                .into_iter()
                .filter(|v| v.is_finite())
                .collect();
            out.push(MetricSummary {
                model: m.name.clone(),
                metric: info.key,
                summary: summarize(&vals),
            });
        }
    }
    out
}

pub fn compare_models(
    models: &[StudyModel],
    records: &[FoldRecord],
    n_train_sum: usize,
    n_test_sum: usize,
) -> Vec<Comparison> {
    let mut out = Vec::new();
    for key in COMPARED {
        let info = metric_info(key).expect("compared metrics are listed");
        let (scale, unit) = if info.percent {
            (100.0, "percentage points")
        } else {
            (1.0, info.label)
        };
        for (i, a) in models.iter().enumerate() {
            for b in &models[i + 1..] {
                let va = fold_values(records, &a.name, key);
                let vb = fold_values(records, &b.name, key);
                let diffs: Vec<f64> = va
                    .iter()
                    .zip(&vb)
                    .map(|(x, y)| (x - y) * scale)
                    .filter(|d| d.is_finite())
                    .collect();
                let test = corrected_resampled_ttest(&diffs, n_train_sum, n_test_sum);
                out.push(Comparison {
                    a: a.name.clone(),
                    b: b.name.clone(),
                    metric: key,
                    unit,
                    test,
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeds_are_mixed_and_distinct() {
        assert_ne!(init_seed(0, 0, 0, 0), init_seed(0, 0, 0, 1));
        assert_ne!(init_seed(0, 0, 1, 0), init_seed(0, 1, 0, 0));
        assert_ne!(fold_seed(0, 0), fold_seed(0, 1));
        assert_ne!(fold_seed(0, 0), fold_seed(1, 0));
        // SplitMix64 reference value: first output of the generator seeded 0.
        assert_eq!(splitmix64(0), 0xE220_A839_7B1D_CDAF);
    }
}
