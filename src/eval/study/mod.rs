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

use crate::data::prepare::scale_rows;
use crate::data::split::stratified_folds;
use crate::data::{Dataset, PrepareOptions, Prepared, ScalingMode, Split, StandardScaler};
use crate::error::{Error, Result};
use crate::eval::metrics::{binary_metrics, BinaryMetrics};
use crate::eval::stats::{
    corrected_resampled_ttest, describe_difference, summarize, PairedTest, Summary,
};
use crate::experiment::{self, ModelSpec};
use crate::model::init::InitRng;
use crate::model::{Activation, Architecture, Network, Workspace};
use crate::report::chart::{strip_box_svg, StripGroup};
use crate::train::loss::{auto_pos_weight, sigmoid};
use crate::train::TrainConfig;
use rayon::prelude::*;
use serde::Serialize;

mod experiment_file;
mod output;

pub use experiment_file::{ExperimentFile, ExperimentModel};

/// How network runs are seeded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum InitSeeds {
    /// A different seed for every (repeat, fold, model): [`init_seed`].
    PerRun,
    /// The same seed for every run (the fold alone varies).
    Fixed(u64),
}

/// What to run.
#[derive(Debug, Clone)]
pub struct StudyConfig {
    pub repeats: usize,
    pub folds: usize,
    /// Study seed: folds and (with [`InitSeeds::PerRun`]) initialisations.
    pub seed: u64,
    pub models: Vec<ModelSpec>,
    /// Settings of every network run; `shuffle_seed` is replaced by the
    /// run's seed.
    pub train: TrainConfig,
    /// Resolve `pos_weight` per training fold (negatives / positives),
    /// overriding `train.loss.pos_weight`.
    pub auto_pos_weight: bool,
    pub init: InitSeeds,
    /// The random stream of every initialisation (ChaCha8, or PyTorch's).
    pub init_rng: InitRng,
    /// Add the `logistic` and `majority` baselines after the models.
    pub baselines: bool,
}

impl StudyConfig {
    /// The default design (10 × 5-fold) for these models and settings.
    pub fn new(models: Vec<ModelSpec>, train: TrainConfig, seed: u64) -> StudyConfig {
        StudyConfig {
            repeats: 10,
            folds: 5,
            seed,
            models,
            train,
            auto_pos_weight: false,
            init: InitSeeds::PerRun,
            init_rng: InitRng::ChaCha8,
            baselines: true,
        }
    }

    /// Number of runs (trainings plus majority-baseline evaluations): the
    /// number of progress ticks of [`run_study`].
    pub fn n_runs(&self) -> usize {
        self.repeats * self.folds * (self.models.len() + if self.baselines { 2 } else { 0 })
    }
}

/// The default study set: the tutorial's three networks plus `12-5-tanh-1`
/// and `12-5-elu-1` (for `d` inputs).
pub fn default_models(d: usize) -> Vec<ModelSpec> {
    let mut m = experiment::tutorial_models(d);
    m.push(ModelSpec::new(
        "model_tanh",
        Architecture::mlp(d, &[5], Activation::Tanh),
    ));
    m.push(ModelSpec::new(
        "model_elu",
        Architecture::mlp(d, &[5], Activation::Elu { alpha: 1.0 }),
    ));
    m
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
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    pub a: String,
    pub b: String,
    pub metric: &'static str,
    /// Unit of `test`'s mean and CI: `percentage points` for percentages
    /// (differences ×100), else the metric's own scale.
    pub unit: &'static str,
    pub test: PairedTest,
    pub sentence: String,
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

enum Job<'a> {
    Net(&'a ModelSpec),
    Majority,
}

/// Runs the study. `tick` is called once per finished run (from worker
/// threads), [`StudyConfig::n_runs`] times in all.
pub fn run_study(
    data: &Dataset,
    config: &StudyConfig,
    tick: &(dyn Fn() + Sync),
) -> Result<StudyResult> {
    let d = data.n_features();
    if config.repeats == 0 {
        return Err(Error::Config("--repeats must be at least 1".into()));
    }
    if config.models.is_empty() && !config.baselines {
        return Err(Error::Config("the study has no models".into()));
    }
    let mut specs = config.models.clone();
    if config.baselines {
        specs.push(ModelSpec::new(
            LOGISTIC,
            Architecture::mlp(d, &[], Activation::Identity),
        ));
    }
    for (i, s) in specs.iter().enumerate() {
        if specs[..i].iter().any(|t| t.name == s.name) || (config.baselines && s.name == MAJORITY) {
            return Err(Error::Config(format!(
                "model name '{}' is used twice (the baselines are called '{LOGISTIC}' and '{MAJORITY}')",
                s.name
            )));
        }
        if s.arch.input_width() != d {
            return Err(Error::Config(format!(
                "model '{}' ({}) takes {} inputs but the data has {d} features",
                s.name,
                s.arch,
                s.arch.input_width()
            )));
        }
    }
    let mut jobs: Vec<Job> = specs.iter().map(Job::Net).collect();
    let mut models: Vec<StudyModel> = specs
        .iter()
        .enumerate()
        .map(|(i, s)| StudyModel {
            name: s.name.clone(),
            arch: s.arch.to_string(),
            params: s.arch.n_params(),
            kind: if config.baselines && i + 1 == specs.len() {
                ModelKind::LogisticBaseline
            } else {
                ModelKind::Network
            },
        })
        .collect();
    if config.baselines {
        jobs.push(Job::Majority);
        models.push(StudyModel {
            name: MAJORITY.into(),
            arch: "majority class".into(),
            params: 0,
            kind: ModelKind::MajorityBaseline,
        });
    }

    // Folds and scaled samples, in (repeat, fold) order.
    let k = config.folds;
    let mut splits = Vec::with_capacity(config.repeats * k);
    let mut prepared = Vec::with_capacity(config.repeats * k);
    for r in 0..config.repeats {
        let folds = stratified_folds(&data.y, k, fold_seed(config.seed, r))?;
        for (f, test) in folds.into_iter().enumerate() {
            let mut in_test = vec![false; data.n_rows()];
            for &i in &test {
                in_test[i] = true;
            }
            let train: Vec<usize> = (0..data.n_rows()).filter(|&i| !in_test[i]).collect();
            if train.len() < 2 || test.len() < 2 {
                return Err(Error::Data(format!(
                    "{k} folds of {} rows leave {} training and {} test rows; each needs at least 2",
                    data.n_rows(),
                    train.len(),
                    test.len()
                )));
            }
            let scaler = StandardScaler::fit(&data.x, d, &train);
            let p = Prepared {
                train: scale_rows(data, &scaler, &train),
                test: scale_rows(data, &scaler, &test),
                split: Split {
                    train: train.clone(),
                    test: test.clone(),
                },
                options: PrepareOptions {
                    test_size: 1.0 / k as f64,
                    split_seed: fold_seed(config.seed, r),
                    stratify: true,
                    scaling: ScalingMode::TrainOnly,
                },
                scaler: scaler.clone(),
                features: data.features.clone(),
                target: data.target.clone(),
            };
            splits.push(FoldSplit {
                repeat: r,
                fold: f,
                n_train: train.len(),
                n_train_positive: p.train.n_positive(),
                n_test_positive: p.test.n_positive(),
                test_rows: test,
                scaler_mean: scaler.mean,
                scaler_scale: scaler.scale,
            });
            prepared.push(p);
        }
    }

    let n_jobs = jobs.len();
    let work: Vec<(usize, usize)> = (0..prepared.len())
        .flat_map(|p| (0..n_jobs).map(move |m| (p, m)))
        .collect();
    let outcomes: Vec<Result<FoldRecord>> = work
        .par_iter()
        .map(|&(p, m)| {
            let out = run_one(
                &jobs[m],
                &prepared[p],
                &splits[p],
                config,
                &models[m].name,
                m,
            );
            tick();
            out
        })
        .collect();
    let records = outcomes.into_iter().collect::<Result<Vec<_>>>()?;

    let n_train_sum: usize = splits[..k].iter().map(|s| s.n_train).sum();
    let n_test_sum: usize = splits[..k].iter().map(|s| s.test_rows.len()).sum();
    let summaries = summarize_records(&models, &records);
    let comparisons = compare_models(&models, &records, n_train_sum, n_test_sum);
    Ok(StudyResult {
        source: data.source.clone(),
        target: data.target.clone(),
        features: data.features.clone(),
        n_rows: data.n_rows(),
        n_positive: data.n_positive(),
        repeats: config.repeats,
        folds: k,
        seed: config.seed,
        init: config.init,
        auto_pos_weight: config.auto_pos_weight,
        train: config.train.clone(),
        models,
        n_train_mean: n_train_sum as f64 / k as f64,
        n_test_mean: n_test_sum as f64 / k as f64,
        splits,
        records,
        summaries,
        comparisons,
    })
}

fn run_one(
    job: &Job,
    p: &Prepared,
    split: &FoldSplit,
    config: &StudyConfig,
    name: &str,
    m: usize,
) -> Result<FoldRecord> {
    let (r, f) = (split.repeat, split.fold);
    let mut train = config.train.clone();
    if config.auto_pos_weight {
        train.loss.pos_weight = Some(auto_pos_weight(&p.train.y).ok_or_else(|| {
            Error::Data(format!(
                "--pos-weight auto: training fold {f} of repeat {r} has no positive rows"
            ))
        })?);
    }
    let loss = train.loss;
    match job {
        Job::Net(spec) => {
            let seed = match config.init {
                InitSeeds::PerRun => init_seed(config.seed, r, f, m),
                InitSeeds::Fixed(s) => s,
            };
            train.shuffle_seed = seed;
            let net = Network::with_init(spec.arch.clone(), seed, config.init_rng);
            let trained = experiment::train_one(spec, p, &train, seed, Some(net), |_, _| {})?;
            let mut ws = Workspace::new(&trained.net.arch, p.train.n.max(p.test.n));
            let logits = trained.net.forward(&mut ws, &p.train.xt, p.train.n);
            let train_loss = loss.evaluate(logits, &p.train.y).loss as f64;
            let logits = trained.net.forward(&mut ws, &p.test.xt, p.test.n);
            let test_loss = loss.evaluate(logits, &p.test.y).loss as f64;
            // The loss's own σ, so `prob > 0.5` agrees with its accuracy bit for bit.
            let probs: Vec<f32> = logits.iter().map(|&x| sigmoid(x)).collect();
            Ok(FoldRecord {
                repeat: r,
                fold: f,
                model: name.to_string(),
                seed: Some(seed),
                n_train: p.train.n,
                n_test: p.test.n,
                epochs: trained.history.records.len(),
                metrics: binary_metrics(&p.test.y, &probs, 0.5),
                train_loss,
                test_loss,
            })
        }
        Job::Majority => {
            let rate = split.n_train_positive as f64 / p.train.n as f64;
            let prob = rate as f32;
            let logit = (rate / (1.0 - rate)).ln() as f32;
            let probs = vec![prob; p.test.n];
            let const_loss = |y: &[f32]| loss.evaluate(&vec![logit; y.len()], y).loss as f64;
            Ok(FoldRecord {
                repeat: r,
                fold: f,
                model: name.to_string(),
                seed: None,
                n_train: p.train.n,
                n_test: p.test.n,
                epochs: 0,
                metrics: binary_metrics(&p.test.y, &probs, 0.5),
                train_loss: const_loss(&p.train.y),
                test_loss: const_loss(&p.test.y),
            })
        }
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

fn summarize_records(models: &[StudyModel], records: &[FoldRecord]) -> Vec<MetricSummary> {
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

fn compare_models(
    models: &[StudyModel],
    records: &[FoldRecord],
    n_train_sum: usize,
    n_test_sum: usize,
) -> Vec<Comparison> {
    let mut out = Vec::new();
    for key in COMPARED {
        let info = metric_info(key).expect("compared metrics are listed");
        let (scale, unit, words) = if info.percent {
            (100.0, "percentage points", format!("points {}", info.label))
        } else {
            (1.0, info.label, info.label.to_string())
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
                    sentence: describe_difference(&a.name, &b.name, &test, &words),
                    test,
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::output::csv_field;
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

    #[test]
    fn experiment_file_parses_and_rejects_duplicates() {
        let f = ExperimentFile::parse(
            "repeats = 3\n[[model]]\nname = \"relu\"\narch = \"5-relu\"\n[[model]]\nname = \"linear\"\narch = \"5\"\n",
            "t.toml",
        )
        .unwrap();
        assert_eq!(f.repeats, Some(3));
        let specs = f.model_specs(12).unwrap();
        assert_eq!(specs[0].arch.to_string(), "12-5-relu-1");
        assert_eq!(specs[1].name, "linear");
        let dup = ExperimentFile::parse(
            "[[model]]\nname = \"a\"\narch = \"5\"\n[[model]]\nname = \"a\"\narch = \"6\"\n",
            "t.toml",
        )
        .unwrap();
        assert!(dup
            .model_specs(12)
            .unwrap_err()
            .to_string()
            .contains("twice"));
        let bad = ExperimentFile::parse("[[model]]\nname = \"a\"\narc = \"5\"\n", "t.toml");
        assert!(bad.unwrap_err().to_string().contains("t.toml"));
    }

    #[test]
    fn csv_fields_are_quoted() {
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("a\"b"), "\"a\"\"b\"");
        assert_eq!(csv_field("ab"), "ab");
    }
}
