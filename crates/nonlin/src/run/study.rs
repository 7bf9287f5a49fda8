//! `study`: repeated stratified k-fold cross-validation of several models on
//! the same folds, run in parallel, deterministic whatever the thread count
//! (see [`crate::eval::study`] for the design and the statistics).

use super::event::{Cancel, Event, Observer};
use super::fit::Fit;
use super::memory::{check_fits, memory_limit};
use super::models::{check_unique, ModelSpec};
pub use super::study_inputs::input_width;
use super::study_inputs::{check_features, column_indices, fold_inputs, subset_width, with_inputs};
use crate::data::Task;
use crate::data::{Dataset, Prepared};
use crate::error::{Error, Result};
use crate::eval::importance::{input_groups, network_importance, ImportanceMetric};
use crate::eval::study::{
    baseline_names, compare_models, fold_design, init_seed, score_constant, score_least_squares,
    score_network, summarize_records, FoldRecord, FoldScore, FoldSplit, InitSeeds, ModelKind,
    StudyModel, StudyResult,
};
use crate::model::init::InitRng;
use crate::model::{Activation, Architecture, Layer};
use crate::train::{PosWeight, TrainConfig};
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
    /// run's seed, and `pos_weight = auto` is resolved on each training fold.
    pub train: TrainConfig,
    pub init: InitSeeds,
    /// The random stream of every initialisation (ChaCha8, or PyTorch's).
    pub init_rng: InitRng,
    /// Add the baselines after the models: `logistic` (Linear(d, K)
    /// trained as the networks) and `majority` for classes, `linear`
    /// (least squares) and `mean` for a number.
    pub baselines: bool,
    /// Worker threads; `None`: one per core. Results do not depend on it.
    pub threads: Option<usize>,
    /// Permutation importance on every held-out fold: this many shuffles a
    /// feature (0: none).
    pub importance_repeats: usize,
}

impl StudyConfig {
    /// Shuffles a feature of the permutation importance.
    pub const DEFAULT_IMPORTANCE_REPEATS: usize = 10;
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
            init: InitSeeds::PerRun,
            init_rng: InitRng::ChaCha8,
            baselines: true,
            threads: None,
            importance_repeats: Self::DEFAULT_IMPORTANCE_REPEATS,
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
    /// A network, on the raw feature columns of these indices (`None`: all).
    Net(&'a ModelSpec, Option<Vec<usize>>),
    /// The constant baseline (`majority`, `mean`).
    Constant,
    /// Least-squares linear regression (`linear`).
    LeastSquares,
}

impl Job<'_> {
    /// Expected time of one run, in arbitrary units, for scheduling only:
    /// multiply-adds of a row's forward pass, plus
    /// [`TRANSCENDENTAL_COST`] for each unit of an activation that calls
    /// `exp`/`tanh`/`erf`, times the epochs. Measured on the default study
    /// (1000 epochs, ms a run): 12-1 ≈ 2, 12-5-1 and 12-5-relu-1 ≈ 4,
    /// 12-5-elu-1 ≈ 16, 12-5-tanh-1 ≈ 26, 12-20-20-1 ≈ 35–40.
    fn cost(&self, train: &TrainConfig) -> f64 {
        let Job::Net(spec, _) = self else {
            return 0.0;
        };
        let mut width = spec.arch.input_width();
        let mut per_row = 0.0;
        for layer in &spec.arch.layers {
            match *layer {
                Layer::Linear {
                    in_features,
                    out_features,
                } => {
                    per_row += (in_features * out_features) as f64;
                    width = out_features;
                }
                Layer::Activation(Activation::Identity | Activation::Relu)
                | Layer::Activation(Activation::LeakyRelu { .. }) => per_row += width as f64,
                Layer::Activation(_) => per_row += TRANSCENDENTAL_COST * width as f64,
            }
        }
        per_row * train.epochs as f64
    }
}

/// A unit of an `exp`/`tanh`-based activation costs about as much as this
/// many multiply-adds (forward and backward; see [`Job::cost`]).
const TRANSCENDENTAL_COST: f64 = 50.0;

/// Runs `f` on every item on the current rayon pool, and returns the results
/// in the items' order. Workers take the items most expensive first (by
/// `cost`, ties in order) from one shared queue, so the last runs to finish
/// are short ones and no core idles at the end while another finishes a
/// long run. Which worker runs what does not change any result.
fn longest_first<T: Sync, R: Send>(
    items: &[T],
    cost: impl Fn(&T) -> f64,
    f: impl Fn(&T) -> R + Sync,
) -> Vec<R> {
    let mut order: Vec<usize> = (0..items.len()).collect();
    order.sort_by(|&a, &b| cost(&items[b]).total_cmp(&cost(&items[a])));
    let next = AtomicUsize::new(0);
    let finished: Mutex<Vec<(usize, R)>> = Mutex::new(Vec::with_capacity(items.len()));
    rayon::scope(|scope| {
        for _ in 0..rayon::current_num_threads().min(items.len()) {
            scope.spawn(|_| {
                while let Some(&i) = order.get(next.fetch_add(1, Ordering::Relaxed)) {
                    let result = f(&items[i]);
                    finished
                        .lock()
                        .unwrap_or_else(|poisoned| poisoned.into_inner())
                        .push((i, result));
                }
            });
        }
    });
    let mut finished = finished
        .into_inner()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    finished.sort_unstable_by_key(|&(i, _)| i);
    finished.into_iter().map(|(_, r)| r).collect()
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
    // The loss for this target; a setting of another task is refused.
    let config = &StudyConfig {
        train: TrainConfig {
            loss: config.train.loss.for_task(data.task)?,
            ..config.train.clone()
        },
        ..config.clone()
    };
    let specs = study_specs(data, config)?;
    check_memory(data, config, &specs)?;
    let (jobs, models) = study_jobs(data.task, &data.features, config, &specs);
    let design = fold_design(data, config.repeats, config.folds, config.seed)?;
    let records = run_jobs(config, &design, &jobs, &models, data.outputs(), obs, cancel)?;
    Ok(assemble(data, config, models, design, records))
}

/// The networks to train: the configured models, then (with baselines,
/// for a class target) the `logistic` baseline. The names are unique and
/// not reserved for a baseline; every model takes the data's
/// [`input_width`] and has one output per class of a multiclass target
/// (one otherwise).
fn study_specs(data: &Dataset, config: &StudyConfig) -> Result<Vec<ModelSpec>> {
    let (d, k) = (input_width(data)?, data.outputs());
    let mut specs = config.models.clone();
    let [linear, _] = baseline_names(data.task);
    if config.baselines && data.task != Task::Regression {
        let arch = Architecture::mlp_outputs(d, &[], Activation::Identity, k);
        specs.push(ModelSpec::new(linear, arch));
    }
    let names = baseline_names(data.task);
    let reserved: &[&str] = if config.baselines { &names } else { &[] };
    check_unique(&config.models, reserved)?;
    for s in &mut specs {
        if let Some(f) = &s.features {
            check_features(data, &s.name, f)?;
            let width = subset_width(data, f)?;
            s.arch = with_inputs(&s.arch, width);
            continue;
        }
        if s.arch.input_width() != d {
            return Err(Error::Config(format!(
                "model '{}' ({}) takes {} inputs but the data has {d} features",
                s.name,
                s.arch,
                s.arch.input_width()
            )));
        }
        if s.arch.outputs() != k {
            return Err(Error::Config(format!(
                "model '{}' ({}) has {} outputs but a {} target needs {k}",
                s.name,
                s.arch,
                s.arch.outputs(),
                data.task
            )));
        }
    }
    Ok(specs)
}

/// Every network's training fits in memory, with its batch (or all rows).
fn check_memory(data: &Dataset, config: &StudyConfig, specs: &[ModelSpec]) -> Result<()> {
    let limit = memory_limit();
    for s in specs {
        let rows = config.train.batch_size.unwrap_or(data.n_rows());
        check_fits(s, &config.train, rows.min(data.n_rows()), limit)?;
    }
    Ok(())
}

/// One job and one [`StudyModel`] per network of `specs`, then (with
/// baselines) the constant baseline's — after the least-squares one for a
/// regression target.
fn study_jobs<'a>(
    task: Task,
    features: &[String],
    config: &StudyConfig,
    specs: &'a [ModelSpec],
) -> (Vec<Job<'a>>, Vec<StudyModel>) {
    let classes = task != Task::Regression;
    let mut jobs: Vec<Job> = specs
        .iter()
        .map(|s| Job::Net(s, s.features.as_ref().map(|f| column_indices(features, f))))
        .collect();
    let mut models: Vec<StudyModel> = specs
        .iter()
        .enumerate()
        .map(|(i, s)| StudyModel {
            name: s.name.clone(),
            arch: s.arch.to_string(),
            params: s.arch.n_params(),
            kind: if config.baselines && classes && i + 1 == specs.len() {
                ModelKind::LogisticBaseline
            } else {
                ModelKind::Network
            },
            features: s.features.clone(),
        })
        .collect();
    if config.baselines {
        let [linear, constant] = baseline_names(task);
        if !classes {
            let d = specs.first().map_or(0, |s| s.arch.input_width());
            jobs.push(Job::LeastSquares);
            models.push(StudyModel {
                name: linear.into(),
                arch: "least squares".into(),
                params: d + 1,
                kind: ModelKind::LinearBaseline,
                features: None,
            });
        }
        jobs.push(Job::Constant);
        models.push(StudyModel {
            name: constant.into(),
            arch: if classes {
                "majority class"
            } else {
                "training mean"
            }
            .into(),
            params: 0,
            kind: if classes {
                ModelKind::MajorityBaseline
            } else {
                ModelKind::MeanBaseline
            },
            features: None,
        });
    }
    (jobs, models)
}

/// Runs every job on every fold of `design` (longest first), reporting each
/// finished run; the records come back fold by fold, job by job.
fn run_jobs(
    config: &StudyConfig,
    design: &[(FoldSplit, Prepared)],
    jobs: &[Job],
    models: &[StudyModel],
    outputs: usize,
    obs: &mut dyn Observer,
    cancel: &Cancel,
) -> Result<Vec<FoldRecord>> {
    let n_jobs = jobs.len();
    let work: Vec<(usize, usize)> = (0..design.len())
        .flat_map(|p| (0..n_jobs).map(move |m| (p, m)))
        .collect();
    let total = work.len();
    let done = AtomicUsize::new(0);
    let obs = Mutex::new(obs);
    let costs: Vec<f64> = jobs.iter().map(|j| j.cost(&config.train)).collect();
    let outcomes = longest_first(
        &work,
        |&(_, m)| costs[m],
        |&(p, m)| {
            if cancel.is_cancelled() {
                return Err(Error::Cancelled);
            }
            let (split, prepared) = &design[p];
            let record = run_one(
                &jobs[m],
                prepared,
                split,
                config,
                (&models[m].name, m, outputs),
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
        },
    );
    outcomes.into_iter().collect()
}

/// The study's result: its design, splits, records and their statistics.
fn assemble(
    data: &Dataset,
    config: &StudyConfig,
    models: Vec<StudyModel>,
    design: Vec<(FoldSplit, Prepared)>,
    records: Vec<FoldRecord>,
) -> StudyResult {
    let k = config.folds;
    let splits: Vec<FoldSplit> = design.into_iter().map(|(s, _)| s).collect();
    let n_train_sum: usize = splits[..k].iter().map(|s| s.n_train).sum();
    let n_test_sum: usize = splits[..k].iter().map(|s| s.test_rows.len()).sum();
    let summaries = summarize_records(&models, &records, data.task);
    let comparisons = compare_models(&models, &records, n_train_sum, n_test_sum, data.task);
    let importance = crate::eval::study::pool_importance(&models, &records, &data.features);
    StudyResult {
        source: data.source.clone(),
        target: data.target.clone(),
        task: data.task,
        classes: data.classes.clone(),
        features: data.features.clone(),
        n_rows: data.n_rows(),
        n_positive: if data.task == Task::Binary {
            data.n_positive()
        } else {
            0
        },
        repeats: config.repeats,
        folds: k,
        seed: config.seed,
        init: config.init,
        auto_pos_weight: config.train.loss.pos_weight == PosWeight::Auto,
        train: config.train.clone(),
        models,
        n_train_mean: n_train_sum as f64 / k as f64,
        n_test_mean: n_test_sum as f64 / k as f64,
        splits,
        records,
        summaries,
        comparisons,
        importance,
    }
}

/// Trains (or, for the majority baseline, just counts) and scores one model
/// on one fold.
fn run_one(
    job: &Job,
    p: &Prepared,
    split: &FoldSplit,
    config: &StudyConfig,
    (name, m, outputs): (&str, usize, usize),
    cancel: &Cancel,
) -> Result<FoldRecord> {
    let m_index = m as u64;
    let (r, f) = (split.repeat, split.fold);
    let mut train = config.train.clone();
    // The study already runs its folds in parallel: one thread a model.
    train.threads = Some(1);
    train.loss = train.loss.resolved(
        &p.train.y,
        &format!("the training rows of fold {f} of repeat {r}"),
    )?;
    let loss = train.loss.resolve(&p.train.y, outputs, "")?;
    let mut importance = Vec::new();
    let (seed, epochs, score): (Option<u64>, usize, FoldScore) = match job {
        Job::Net(spec, columns) => {
            // A model of some features sees only their inputs.
            let subset;
            let all_columns: Vec<usize>;
            let (p, columns) = match columns {
                Some(c) => {
                    let inputs = fold_inputs(split, c);
                    subset = Prepared {
                        train: p.train.select_inputs(&inputs),
                        test: p.test.select_inputs(&inputs),
                        ..p.clone()
                    };
                    (&subset, c.as_slice())
                }
                None => {
                    all_columns = (0..split.column_widths.len()).collect();
                    (p, all_columns.as_slice())
                }
            };
            let seed = match config.init {
                InitSeeds::PerRun => init_seed(config.seed, r, f, m),
                InitSeeds::Fixed(s) => s,
            };
            train.shuffle_seed = seed;
            let resized;
            let spec = if spec.arch.input_width() == p.train.d {
                spec
            } else {
                resized = ModelSpec::new(&spec.name, with_inputs(&spec.arch, p.train.d));
                &resized
            };
            let fitted = Fit::new(spec, p, &train)
                .seed(seed)
                .init_rng(config.init_rng)
                .cancel(cancel)
                .run_cancellable(&mut super::event::Silent)?;
            if fitted.cancelled {
                return Err(Error::Cancelled);
            }
            let m = fitted.model;
            if config.importance_repeats > 0 {
                let widths: Vec<usize> = columns.iter().map(|&c| split.column_widths[c]).collect();
                let seed = (crate::eval::study::mix(&[config.seed, 3, r as u64, f as u64, m_index])
                    >> 32) as u32;
                let task = loss.task();
                let pi = network_importance(
                    &m.net,
                    task,
                    &p.test,
                    &input_groups(&widths),
                    ImportanceMetric::default_for(task),
                    config.importance_repeats,
                    seed,
                );
                importance = columns
                    .iter()
                    .enumerate()
                    .map(|(j, &c)| (c, pi.mean(j)))
                    .collect();
            }
            (
                Some(seed),
                m.history.records.len(),
                score_network(&m.net, p, &loss),
            )
        }
        Job::Constant => (None, 0, score_constant(split, p, &loss)),
        Job::LeastSquares => (None, 0, score_least_squares(p, &loss)?),
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
        importance,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::run::models::study_models;
    use std::sync::Mutex as StdMutex;

    #[test]
    fn longest_first_starts_long_runs_first_and_keeps_item_order() {
        let items: Vec<u32> = vec![3, 9, 1, 9, 5];
        let started = StdMutex::new(Vec::new());
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap();
        let out = pool.install(|| {
            longest_first(
                &items,
                |&x| x as f64,
                |&x| {
                    started.lock().unwrap().push(x);
                    x * 10
                },
            )
        });
        assert_eq!(out, [30, 90, 10, 90, 50]);
        assert_eq!(started.into_inner().unwrap(), [9, 9, 5, 3, 1]);
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(3)
            .build()
            .unwrap();
        let out = pool.install(|| longest_first(&items, |&x| x as f64, |&x| x + 1));
        assert_eq!(out, [4, 10, 2, 10, 6]);
        assert!(longest_first(&[] as &[u32], |_| 0.0, |&x| x).is_empty());
    }

    #[test]
    fn costs_rank_the_default_models_as_measured() {
        let train = TrainConfig::tutorial(1000, 0.01);
        let specs = study_models(12, 1);
        let cost = |name: &str| {
            Job::Net(specs.iter().find(|s| s.name == name).unwrap(), None).cost(&train)
        };
        assert!(cost("deeper_model") > cost("model_tanh"));
        assert!(cost("model_tanh") > cost("model_0"));
        assert!(cost("model_elu") > cost("model_non_linear"));
        assert!(cost("model_0") > 0.0 && Job::Constant.cost(&train) == 0.0);
    }
}
