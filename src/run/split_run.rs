//! `train` and `compare`: models trained on one train/test split, each
//! reported epoch by epoch, with a summary row per model.

use super::describe::{data_summary, settings_summary, training_line};
use super::event::{Cancel, Event, Observer};
use super::fit::Fit;
use super::memory::{check_fits, memory_limit};
use super::models::{resolve_all, Hidden, ModelDef, ModelSpec};
use crate::data::{
    prepare_fitted, prepare_fitted_releasing, BinaryLabels, Dataset, Note, PrepareOptions,
    Prepared, PreparedSplit, Preprocessing, ScalingMode,
};
use crate::error::{Error, Result};
use crate::eval::summary::SummaryRow;
use crate::io::checkpoint;
use crate::model::init::InitRng;
use crate::train::loss::auto_pos_weight;
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
    /// Training settings of every model. `shuffle_seed` is replaced by
    /// [`RunConfig::seed`].
    pub train: TrainConfig,
    /// Set `pos_weight` to negatives/positives of the train split.
    pub auto_pos_weight: bool,
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
            auto_pos_weight: false,
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

    /// The models for `inputs` features.
    pub fn resolve_models(&self, inputs: usize) -> Result<Vec<ModelSpec>> {
        resolve_all(&self.models, inputs)
    }

    /// The models for the prepared data, each checked to fit in memory
    /// (parameters, optimizer state and the activations of a batch) before
    /// anything is allocated.
    pub fn validate_for(&self, prepared: &Prepared) -> Result<Vec<ModelSpec>> {
        let specs = self.resolve_models(prepared.train.d)?;
        let rows = match self.train.batch_size {
            Some(b) => b.min(prepared.train.n),
            None => prepared.train.n,
        }
        .max(prepared.test.n);
        let limit = memory_limit();
        for spec in &specs {
            check_fits(spec, &self.train, rows, limit)?;
        }
        Ok(specs)
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

/// Splits `data` and fits the preprocessing and scaler as `config` says:
/// the first half of [`run`], for front ends that show the notes (constant
/// columns, unseen categories) before training starts.
pub fn prepare(data: &Dataset, config: &RunConfig) -> Result<PreparedSplit> {
    config.validate()?;
    prepare_fitted(data, &config.split)
}

/// [`prepare`] for a front end that trains once and no longer needs the
/// raw features: each feature column is freed as soon as it is scaled
/// ([`crate::data::prepare::prepare_fitted_releasing`]), so a large table's
/// raw values and its f32 samples are never both whole in memory. Same
/// results; `data.x` is empty afterwards.
pub fn prepare_releasing(data: &mut Dataset, config: &RunConfig) -> Result<PreparedSplit> {
    config.validate()?;
    prepare_fitted_releasing(data, &config.split)
}

/// Trains every model of `config` on one split of `data`.
pub fn run(
    data: &Dataset,
    config: &RunConfig,
    obs: &mut dyn Observer,
    cancel: &Cancel,
) -> Result<RunResult> {
    let fitted = prepare(data, config)?;
    run_prepared(data, fitted, config, obs, cancel)
}

/// Trains every model of `config` on `fitted` (from [`prepare`] with the
/// same `data` and `config`).
pub fn run_prepared(
    data: &Dataset,
    fitted: PreparedSplit,
    config: &RunConfig,
    obs: &mut dyn Observer,
    cancel: &Cancel,
) -> Result<RunResult> {
    config.validate()?;
    let PreparedSplit {
        prepared,
        preprocessing,
        notes,
    } = fitted;
    let specs = config.validate_for(&prepared)?;
    let mut train = TrainConfig {
        shuffle_seed: config.seed,
        ..config.train.clone()
    };
    if config.auto_pos_weight {
        train.loss.pos_weight = Some(auto_pos_weight(&prepared.train.y).ok_or_else(|| {
            Error::Data("pos_weight auto: the train split has no positive rows".into())
        })?);
    }
    let weights = match &config.init_weights {
        Some(path) => specs
            .iter()
            .map(|s| checkpoint::init_network(path, &s.arch).map(Some))
            .collect::<Result<Vec<_>>>()?,
        None => vec![None; specs.len()],
    };
    let data_summary = data_summary(data, &prepared);
    let settings = settings_summary(&train, config.seed);
    obs.on_event(&Event::Started {
        kind: config.kind.name(),
        data: &data_summary,
        settings: &settings,
        training: &training_line(&train),
    });
    let mut models = Vec::with_capacity(specs.len());
    let mut cancelled = false;
    for (spec, init) in specs.iter().zip(&weights) {
        if cancel.is_cancelled() {
            cancelled = true;
            break;
        }
        obs.on_event(&Event::ModelStarted {
            model: &spec.name,
            arch: &spec.arch,
            epochs: train.epochs,
        });
        let fitted = Fit::new(spec, &prepared, &train)
            .seed(config.seed)
            .init_rng(config.init_rng)
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
        kind: config.kind,
        data_summary,
        settings,
        source: data.source.clone(),
        prepared,
        preprocessing,
        labels: data.labels.clone(),
        notes,
        train,
        seed: config.seed,
        models,
        summary,
        cancelled,
    })
}
