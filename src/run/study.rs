//! `study`: repeated stratified k-fold cross-validation of several models on
//! the same folds, run in parallel, deterministic whatever the thread count
//! (see [`crate::eval::study`] for the design and the statistics).

use super::event::{Cancel, Event, Observer};
use super::fit::Fit;
use super::models::{check_unique, ModelSpec};
use crate::data::{Dataset, Prepared};
use crate::error::{Error, Result};
use crate::eval::study::{
    compare_models, fold_design, init_seed, score_majority, score_network, summarize_records,
    FoldRecord, FoldScore, FoldSplit, InitSeeds, ModelKind, StudyModel, StudyResult, LOGISTIC,
    MAJORITY,
};
use crate::model::init::InitRng;
use crate::model::{Activation, Architecture};
use crate::train::loss::auto_pos_weight;
use crate::train::TrainConfig;
use rayon::prelude::*;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

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
    /// Worker threads; `None`: one per core. Results do not depend on it.
    pub threads: Option<usize>,
}

impl StudyConfig {
    /// Repetitions of the k-fold cross-validation.
    pub const DEFAULT_REPEATS: usize = 10;
    /// Folds per repetition.
    pub const DEFAULT_FOLDS: usize = 5;

    /// The default design (10 × 5-fold) for these models and settings.
    pub fn new(models: Vec<ModelSpec>, train: TrainConfig, seed: u64) -> StudyConfig {
        StudyConfig {
            repeats: Self::DEFAULT_REPEATS,
            folds: Self::DEFAULT_FOLDS,
            seed,
            models,
            train,
            auto_pos_weight: false,
            init: InitSeeds::PerRun,
            init_rng: InitRng::ChaCha8,
            baselines: true,
            threads: None,
        }
    }

    /// Number of runs (trainings plus majority-baseline evaluations): the
    /// number of [`Event::FoldFinished`] events of [`run`].
    pub fn n_runs(&self) -> usize {
        self.repeats * self.folds * (self.models.len() + if self.baselines { 2 } else { 0 })
    }

    /// Checks the settings that do not depend on the data.
    pub fn validate(&self) -> Result<()> {
        if self.repeats == 0 {
            return Err(Error::invalid("repeats", "must be at least 1"));
        }
        if self.folds < 2 {
            return Err(Error::invalid(
                "folds",
                format!("must be at least 2, got {}", self.folds),
            ));
        }
        if self.threads == Some(0) {
            return Err(Error::invalid("threads", "must be at least 1"));
        }
        if self.models.is_empty() && !self.baselines {
            return Err(Error::Config("the study has no models".into()));
        }
        self.train.validate()
    }
}

enum Job<'a> {
    Net(&'a ModelSpec),
    Majority,
}

/// Runs the study on its own thread pool; every finished run is reported as
/// an [`Event::FoldFinished`] (in completion order).
pub fn run(
    data: &Dataset,
    config: &StudyConfig,
    obs: &mut dyn Observer,
    cancel: &Cancel,
) -> Result<StudyResult> {
    config.validate()?;
    let mut pool = rayon::ThreadPoolBuilder::new();
    if let Some(n) = config.threads {
        pool = pool.num_threads(n);
    }
    let pool = pool
        .build()
        .map_err(|e| Error::Config(format!("cannot start the worker threads: {e}")))?;
    pool.install(|| run_in_pool(data, config, obs, cancel))
}

fn run_in_pool(
    data: &Dataset,
    config: &StudyConfig,
    obs: &mut dyn Observer,
    cancel: &Cancel,
) -> Result<StudyResult> {
    let d = data.n_features();
    let mut specs = config.models.clone();
    if config.baselines {
        specs.push(ModelSpec::new(
            LOGISTIC,
            Architecture::mlp(d, &[], Activation::Identity),
        ));
    }
    let reserved: &[&str] = if config.baselines {
        &[LOGISTIC, MAJORITY]
    } else {
        &[]
    };
    check_unique(&config.models, reserved)?;
    for s in &specs {
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

    let k = config.folds;
    let design = fold_design(data, config.repeats, k, config.seed)?;
    let n_jobs = jobs.len();
    let work: Vec<(usize, usize)> = (0..design.len())
        .flat_map(|p| (0..n_jobs).map(move |m| (p, m)))
        .collect();
    let total = work.len();
    let done = AtomicUsize::new(0);
    let obs = Mutex::new(obs);
    let outcomes: Vec<Result<FoldRecord>> = work
        .par_iter()
        .map(|&(p, m)| {
            if cancel.is_cancelled() {
                return Err(Error::Cancelled);
            }
            let (split, prepared) = &design[p];
            let record = run_one(
                &jobs[m],
                prepared,
                split,
                config,
                &models[m].name,
                m,
                cancel,
            )?;
            let done = done.fetch_add(1, Ordering::Relaxed) + 1;
            if let Ok(mut obs) = obs.lock() {
                obs.on_event(&Event::FoldFinished {
                    record: &record,
                    done,
                    total,
                });
            }
            Ok(record)
        })
        .collect();
    let records = outcomes.into_iter().collect::<Result<Vec<_>>>()?;

    let splits: Vec<FoldSplit> = design.into_iter().map(|(s, _)| s).collect();
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

/// Trains (or, for the majority baseline, just counts) and scores one model
/// on one fold.
fn run_one(
    job: &Job,
    p: &Prepared,
    split: &FoldSplit,
    config: &StudyConfig,
    name: &str,
    m: usize,
    cancel: &Cancel,
) -> Result<FoldRecord> {
    let (r, f) = (split.repeat, split.fold);
    let mut train = config.train.clone();
    // The study already runs its folds in parallel: one thread a model.
    train.threads = Some(1);
    if config.auto_pos_weight {
        train.loss.pos_weight = Some(auto_pos_weight(&p.train.y).ok_or_else(|| {
            Error::Data(format!(
                "pos_weight auto: training fold {f} of repeat {r} has no positive rows"
            ))
        })?);
    }
    let loss = train.loss;
    let (seed, epochs, score): (Option<u64>, usize, FoldScore) = match job {
        Job::Net(spec) => {
            let seed = match config.init {
                InitSeeds::PerRun => init_seed(config.seed, r, f, m),
                InitSeeds::Fixed(s) => s,
            };
            train.shuffle_seed = seed;
            let fitted = Fit::new(spec, p, &train)
                .seed(seed)
                .init_rng(config.init_rng)
                .cancel(cancel)
                .run_cancellable(&mut super::event::Silent)?;
            if fitted.cancelled {
                return Err(Error::Cancelled);
            }
            let m = fitted.model;
            (
                Some(seed),
                m.history.records.len(),
                score_network(&m.net, p, loss),
            )
        }
        Job::Majority => (None, 0, score_majority(split, p, loss)),
    };
    Ok(FoldRecord {
        repeat: r,
        fold: f,
        model: name.to_string(),
        seed,
        n_train: p.train.n,
        n_test: p.test.n,
        epochs,
        metrics: score.metrics,
        train_loss: score.train_loss,
        test_loss: score.test_loss,
    })
}
