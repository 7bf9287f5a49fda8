//! `train` and `compare`: models trained on one train/test split, each
//! reported epoch by epoch, with a summary row per model.

use super::describe::{data_summary, settings_summary, training_line};
use super::event::{Cancel, Event, Observer};
use super::fit::Fit;
use super::memory::{check_fits, memory_limit};
use super::models::{resolve_all, Hidden, ModelDef, ModelSpec};
use crate::data::{
    prepare_fitted, prepare_fitted_releasing, BinaryLabels, Dataset, Label, Note, PrepareOptions,
    Prepared, PreparedSplit, Preprocessing, ScalingMode, Task,
};
use crate::error::{Error, Result};
use crate::eval::summary::SummaryRow;
use crate::io::checkpoint;
use crate::model::init::InitRng;
use crate::model::Network;
use crate::train::{TrainConfig, TrainedModel};
use std::path::PathBuf;

/// Which pipeline a [`RunConfig`] describes; it decides the defaults and
/// how outputs are laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunKind {
    /// One model; its files go directly into the output folder.
    Train,
    /// Several models; each gets a sub-folder, plus comparison figures.
    Compare,
}

impl RunKind {
    pub fn name(self) -> &'static str {
        match self {
            RunKind::Train => "train",
            RunKind::Compare => "compare",
        }
    }
}

/// Everything a `train` or `compare` run needs besides the data.
#[derive(Debug, Clone, PartialEq)]
pub struct RunConfig {
    pub kind: RunKind,
    pub models: Vec<ModelDef>,
    pub split: PrepareOptions,
    /// Training settings of every model. `shuffle_seed` is set from
    /// [`RunConfig::seed`] and `pos_weight = auto` resolved on the train
    /// split by the [`Plan`].
    pub train: TrainConfig,
    /// Seeds the initial weights, the mini-batch shuffle and the
    /// early-stopping hold-out.
    pub seed: u64,
    pub init_rng: InitRng,
    /// Start every model from these weights (a safetensors state dict)
    /// instead of seeded ones.
    pub init_weights: Option<PathBuf>,
}

impl RunConfig {
    /// `train`'s defaults, for someone else's table: one ReLU layer of 32
    /// units called `model`, [`TrainConfig::recommended`] (Adam, mini-batches,
    /// early stopping), the tutorial's split, the scaler fit on the training
    /// rows only, seed 0 with the portable ChaCha8 stream.
    pub fn train() -> RunConfig {
        RunConfig {
            models: vec![ModelDef {
                name: Some("model".into()),
                hidden: Hidden::Widths {
                    widths: vec![32],
                    activation: "relu".into(),
                },
            }],
            train: TrainConfig::recommended(),
            ..RunConfig::train_tutorial()
        }
    }

    /// `train --preset tutorial`: the tutorial's `model_non_linear` (5 ReLU
    /// units) with its training (full-batch SGD, lr 0.01, 1000 epochs, no
    /// early stopping) and a leakage-free scaler.
    pub fn train_tutorial() -> RunConfig {
        RunConfig {
            kind: RunKind::Train,
            models: vec![ModelDef {
                name: Some("model".into()),
                hidden: Hidden::Widths {
                    widths: vec![5],
                    activation: "relu".into(),
                },
            }],
            split: PrepareOptions::default(),
            train: TrainConfig::default(),
            seed: 0,
            init_rng: InitRng::ChaCha8,
            init_weights: None,
        }
    }

    /// `compare`'s defaults, the tutorial exactly: its three models, the
    /// scaler fit on all rows before the split, and the initial weights of
    /// `torch.manual_seed(42)`.
    pub fn compare() -> RunConfig {
        RunConfig {
            kind: RunKind::Compare,
            models: tutorial_defs(),
            split: PrepareOptions {
                scaling: ScalingMode::BeforeSplit,
                ..PrepareOptions::default()
            },
            seed: 42,
            init_rng: InitRng::Torch,
            ..RunConfig::train_tutorial()
        }
    }

    /// Checks the settings that do not depend on the data.
    pub fn validate(&self) -> Result<()> {
        if self.models.is_empty() {
            return Err(Error::invalid("models", "must list at least one model"));
        }
        if self.kind == RunKind::Train && self.models.len() > 1 {
            return Err(Error::invalid("models", "train takes exactly one model"));
        }
        self.split.validate()?;
        self.train.validate()
    }
}

/// The tutorial's three models as definitions (see
/// [`super::models::tutorial_models`]).
pub fn tutorial_defs() -> Vec<ModelDef> {
    let def = |name: &str, widths: &[usize], activation: &str| ModelDef {
        name: Some(name.into()),
        hidden: Hidden::Widths {
            widths: widths.to_vec(),
            activation: activation.into(),
        },
    };
    vec![
        def("model_0", &[5], "identity"),
        def("deeper_model", &[20, 20], "identity"),
        def("model_non_linear", &[5], "relu"),
    ]
}

/// What a `train`/`compare` run produced.
#[derive(Debug, Clone)]
pub struct RunResult {
    pub kind: RunKind,
    /// The data description and the settings, as announced.
    pub data_summary: Vec<(String, String)>,
    pub settings: Vec<(String, String)>,
    /// The split and scaler every model used.
    pub prepared: Prepared,
    /// Raw columns → model inputs (fill values, one-hot categories), fit on
    /// the training rows; what `predict` applies before the scaler.
    /// [`Preprocessing::identity`] for an all-numeric table without
    /// missing cells.
    pub preprocessing: Preprocessing,
    /// The target's two values: which is 0 and which is 1 (0 and 1 for a
    /// 0/1 target).
    pub labels: BinaryLabels,
    pub task: Task,
    /// The class labels in index order (none for regression).
    pub classes: Vec<Label>,
    /// What preparing the split noticed (constant inputs, test categories
    /// unseen in training); the data set's own notes are in
    /// [`Dataset::notes`].
    pub notes: Vec<Note>,
    pub source: String,
    /// The training settings as used (`pos_weight` and seed resolved).
    pub train: TrainConfig,
    pub seed: u64,
    /// Every model trained, in order (with cancellation: those started).
    pub models: Vec<TrainedModel>,
    pub summary: Vec<SummaryRow>,
    pub cancelled: bool,
}

impl RunResult {
    /// Whether the run had no test set (every row trained).
    pub fn split_is_empty(&self) -> bool {
        self.prepared.split.test.is_empty()
    }
}

/// A run ready to start: the settings checked and resolved against the
/// data in one step — the split made and the preprocessing and scaler fit,
/// the models resolved for the data's width and checked to fit in memory,
/// `pos_weight = auto` and the seeds resolved, the initial weights read.
/// It owns what it needs of the data set, so nothing half-emptied is
/// handed on.
#[derive(Debug, Clone)]
pub struct Plan {
    pub kind: RunKind,
    /// The models, in order, for the prepared inputs.
    pub models: Vec<ModelSpec>,
    /// Initial weights per model (`init_weights`), or seeded ones.
    init: Vec<Option<Network>>,
    /// Training settings as used (`pos_weight` and the shuffle seed resolved).
    pub train: TrainConfig,
    pub seed: u64,
    pub init_rng: InitRng,
    pub prepared: Prepared,
    pub preprocessing: Preprocessing,
    /// What preparing the split noticed (constant inputs, unseen categories).
    pub split_notes: Vec<Note>,
    /// What reading the data set noticed (detected format, dropped rows).
    pub data_notes: Vec<Note>,
    pub labels: BinaryLabels,
    /// What the target asks, and its classes in index order (none for
    /// regression).
    pub task: Task,
    pub classes: Vec<Label>,
    pub source: String,
    /// Rows of the data set (train and test).
    pub n_rows: usize,
    pub data_summary: Vec<(String, String)>,
    pub settings: Vec<(String, String)>,
}

impl Plan {
    /// The plan for `config` on `data`, which it consumes: each raw feature
    /// column is freed as soon as it is scaled, so a large table's raw
    /// values and its samples are never both whole in memory.
    pub fn new(mut data: Dataset, config: &RunConfig) -> Result<Plan> {
        config.validate()?;
        let fitted = prepare_fitted_releasing(&mut data, &config.split)?;
        Plan::resolve(&data, fitted, config)
    }

    /// The plan for `config` on `data`, left as it is (a table shared
    /// between runs).
    pub fn borrowing(data: &Dataset, config: &RunConfig) -> Result<Plan> {
        config.validate()?;
        let fitted = prepare_fitted(data, &config.split)?;
        Plan::resolve(data, fitted, config)
    }

    fn resolve(data: &Dataset, fitted: PreparedSplit, config: &RunConfig) -> Result<Plan> {
        let PreparedSplit {
            prepared,
            preprocessing,
            notes,
        } = fitted;
        let loss = config.train.loss.for_task(data.task)?;
        let models = resolve_all(&config.models, prepared.train.d, data.outputs())?;
        let rows = match config.train.batch_size {
            Some(b) => b.min(prepared.train.n),
            None => prepared.train.n,
        }
        .max(prepared.test.n);
        let limit = memory_limit();
        for spec in &models {
            check_fits(spec, &config.train, rows, limit)?;
        }
        let train = TrainConfig {
            shuffle_seed: config.seed,
            loss: loss.resolved(&prepared.train.y, "the train split")?,
            ..config.train.clone()
        };
        let init = match &config.init_weights {
            Some(path) => models
                .iter()
                .map(|s| checkpoint::init_network(path, &s.arch).map(Some))
                .collect::<Result<Vec<_>>>()?,
            None => vec![None; models.len()],
        };
        Ok(Plan {
            kind: config.kind,
            data_summary: data_summary(data, &prepared),
            settings: settings_summary(&train, config.seed),
            models,
            init,
            train,
            seed: config.seed,
            init_rng: config.init_rng,
            prepared,
            preprocessing,
            split_notes: notes,
            data_notes: data.notes.clone(),
            labels: data.labels.clone(),
            task: data.task,
            classes: data.classes.clone(),
            source: data.source.clone(),
            n_rows: data.n_rows(),
        })
    }

    /// The models' names, in order.
    pub fn model_names(&self) -> Vec<&str> {
        self.models.iter().map(|s| s.name.as_str()).collect()
    }

    /// Trains every model, reporting to `obs`, stopping between epochs once
    /// `cancel` is raised.
    pub fn run(self, obs: &mut dyn Observer, cancel: &Cancel) -> Result<RunResult> {
        obs.on_event(&Event::Started {
            kind: self.kind.name(),
            data: &self.data_summary,
            settings: &self.settings,
            training: &training_line(&self.train),
        });
        let mut models = Vec::with_capacity(self.models.len());
        let mut cancelled = false;
        for (spec, init) in self.models.iter().zip(&self.init) {
            if cancel.is_cancelled() {
                cancelled = true;
                break;
            }
            obs.on_event(&Event::ModelStarted {
                model: &spec.name,
                arch: &spec.arch,
                epochs: self.train.epochs,
            });
            let fitted = Fit::new(spec, &self.prepared, &self.train)
                .seed(self.seed)
                .init_rng(self.init_rng)
                .weights(init.as_ref())
                .cancel(cancel)
                .run_cancellable(obs)?;
            models.push(fitted.model);
            if fitted.cancelled {
                cancelled = true;
                break;
            }
        }
        let summary = models.iter().filter_map(SummaryRow::of).collect();
        Ok(RunResult {
            kind: self.kind,
            data_summary: self.data_summary,
            settings: self.settings,
            source: self.source,
            prepared: self.prepared,
            preprocessing: self.preprocessing,
            labels: self.labels,
            task: self.task,
            classes: self.classes,
            notes: self.split_notes,
            train: self.train,
            seed: self.seed,
            models,
            summary,
            cancelled,
        })
    }
}

/// Trains every model of `config` on one split of `data`
/// ([`Plan::borrowing`], then [`Plan::run`]).
pub fn run(
    data: &Dataset,
    config: &RunConfig,
    obs: &mut dyn Observer,
    cancel: &Cancel,
) -> Result<RunResult> {
    Plan::borrowing(data, config)?.run(obs, cancel)
}
