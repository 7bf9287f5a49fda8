//! A run request from the page, turned into the library's configurations:
//! which table and columns ([`DataChoice`]), the model, the training
//! ([`nonlin::run::RunConfig`]) and, for "Is it chance?", the study
//! ([`nonlin::run::StudyConfig`]). Every value is range-checked here, and
//! every error names its form field.

use super::error::ApiError;
use super::form::{item, Form};
use super::limits::Limits;
use nonlin::data::dataset::FeatureSelection;
use nonlin::data::{DatasetOptions, MissingPolicy, PrepareOptions, ScalingMode, Table};
use nonlin::model::init::InitRng;
use nonlin::model::Activation;
use nonlin::run::{Hidden, ModelDef, ModelSpec, RunConfig, StudyConfig};
use nonlin::train::{OptimizerConfig, TrainConfig};
use serde_json::{Map, Value};
use std::sync::Arc;

/// Fields of a run request.
pub const RUN_FIELDS: &[&str] = &[
    "data",
    "target",
    "features",
    "name",
    "layers",
    "optimizer",
    "lr",
    "momentum",
    "dampening",
    "nesterov",
    "weight_decay",
    "beta1",
    "beta2",
    "eps",
    "epochs",
    "batch_size",
    "scaling",
    "seed",
    "init_rng",
    "test_size",
    "split_seed",
    "stratify",
    "missing",
    "positive",
    "categorical",
    "paused",
];

/// A study request: the run fields (less the model) plus these.
pub const STUDY_FIELDS: &[&str] = &["models", "repeats", "folds"];

/// The table, and how to make a data set of it (target, features, missing
/// values, positive label: `train`'s options).
#[derive(Debug, Clone)]
pub struct DataChoice {
    pub table: Arc<Table>,
    pub options: DatasetOptions,
}

/// The values of `missing`, as `train --missing` spells them.
pub const MISSING_CHOICES: &[&str] = &["error", "drop", "mean", "median", "most-frequent"];

/// The missing-value policy, positive label and categorical columns of a
/// form (`missing`, `positive`, `categorical`: `train`'s `--missing`,
/// `--positive`, `--categorical`), over the defaults of `target`.
pub fn dataset_options(form: &Form, target: &str) -> Result<DatasetOptions, ApiError> {
    let missing = form.choice("missing", "error", MISSING_CHOICES)?;
    let positive = form
        .opt_str("positive")?
        .map(str::trim)
        .filter(|p| !p.is_empty());
    Ok(DatasetOptions {
        missing: MissingPolicy::parse(missing).unwrap_or_default(),
        positive: positive.map(str::to_string),
        categorical: categorical(form)?,
        ..DatasetOptions::new(target)
    })
}

/// `categorical`: a list of column names, or (in a query string) one
/// string of names separated by commas.
fn categorical(form: &Form) -> Result<Vec<String>, ApiError> {
    let names = match form.get("categorical") {
        Some(Value::String(s)) if s.len() > 100_000 => {
            return Err(ApiError::field("categorical", "is too long"))
        }
        Some(Value::String(s)) => s.split(',').map(|n| n.trim().to_string()).collect(),
        _ => form.opt_strings("categorical", 10_000)?.unwrap_or_default(),
    };
    Ok(names.into_iter().filter(|n| !n.is_empty()).collect())
}

/// Looks a table up by the id the page holds (`heart`, or an upload's id).
pub trait Tables {
    fn table(&self, id: &str) -> Option<Arc<Table>>;
    /// The id and target of the default data.
    fn default_ids(&self) -> (String, String);
}

/// Reads the data fields.
pub fn data_choice(form: &Form, tables: &dyn Tables) -> Result<DataChoice, ApiError> {
    let (default_id, default_target) = tables.default_ids();
    let id = form.opt_str("data")?.unwrap_or(&default_id);
    let table = tables.table(id).ok_or_else(|| {
        ApiError::field(
            "data",
            format!("no table '{id}' (uploads are kept for a while only; upload it again)"),
        )
    })?;
    let target = form
        .opt_str("target")?
        .map_or(default_target, str::to_string);
    let names = table.names();
    if !names.contains(&target) {
        return Err(ApiError::field(
            "target",
            format!(
                "there is no column named '{target}'; the columns are: {}",
                names.join(", ")
            ),
        ));
    }
    let selection = match form.opt_strings("features", 10_000)? {
        None => FeatureSelection::All,
        Some(list) if list.is_empty() => {
            return Err(ApiError::field("features", "pick at least one feature"))
        }
        Some(list) => FeatureSelection::Only(list),
    };
    Ok(DataChoice {
        table,
        options: DatasetOptions {
            selection,
            ..dataset_options(form, &target)?
        },
    })
}

/// The hidden layers: `[{"width": 5, "activation": "relu"}, ...]`.
pub fn hidden(form: &Form, field: &str, limits: &Limits) -> Result<Hidden, ApiError> {
    let name = form.name(field);
    let Some(layers) = form.opt_array(field, limits.hidden_layers)? else {
        return Err(ApiError::field(
            name,
            "is required (a list; empty for no hidden layer)",
        ));
    };
    let mut spec = Vec::new();
    for (i, layer) in layers.iter().enumerate() {
        let l = item(layer, format!("{name}[{i}]"))?;
        l.only(&["width", "activation"])?;
        let width = l
            .opt_int("width", 1, limits.width as u64)?
            .ok_or_else(|| ApiError::field(l.name("width"), "is required"))?;
        let act = l.opt_str("activation")?.unwrap_or("relu");
        let parsed = Activation::parse(act)
            .map_err(|e| ApiError::field(l.name("activation"), e.to_string()))?;
        spec.push(width.to_string());
        spec.push(parsed.to_string());
    }
    if spec.is_empty() {
        // No hidden layer: logistic regression.
        return Ok(Hidden::Widths {
            widths: Vec::new(),
            activation: "identity".into(),
        });
    }
    Ok(Hidden::Spec(spec.join("-")))
}

/// The optimizer and its settings (PyTorch's defaults where absent).
fn optimizer(form: &Form) -> Result<OptimizerConfig, ApiError> {
    let lr = form.f32("lr", TrainConfig::DEFAULT_LR, 1e-12, 100.0)?;
    let mut opt = match form.choice("optimizer", "sgd", &["sgd", "adam", "adamw"])? {
        "adam" => OptimizerConfig::adam(lr),
        "adamw" => OptimizerConfig::adamw(lr),
        _ => OptimizerConfig::sgd(lr),
    };
    match &mut opt {
        OptimizerConfig::Sgd {
            momentum,
            dampening,
            nesterov,
            weight_decay,
            ..
        } => {
            *momentum = form.f32("momentum", *momentum, 0.0, 1.0)?;
            *dampening = form.f32("dampening", *dampening, 0.0, 1.0)?;
            *nesterov = form.bool("nesterov", false)?;
            *weight_decay = form.f32("weight_decay", *weight_decay, 0.0, 10.0)?;
        }
        OptimizerConfig::Adam {
            beta1,
            beta2,
            eps,
            weight_decay,
            ..
        }
        | OptimizerConfig::AdamW {
            beta1,
            beta2,
            eps,
            weight_decay,
            ..
        } => {
            *beta1 = form.f32("beta1", *beta1, 0.0, 0.999_999)?;
            *beta2 = form.f32("beta2", *beta2, 0.0, 0.999_999_9)?;
            *eps = form.f32("eps", *eps, 1e-12, 1.0)?;
            *weight_decay = form.f32("weight_decay", *weight_decay, 0.0, 10.0)?;
        }
    }
    Ok(opt)
}

/// The training settings shared by runs and studies (`shuffle_seed` is the
/// run's seed).
fn train_config(form: &Form, max_epochs: usize) -> Result<(TrainConfig, u64), ApiError> {
    let seed = form.opt_int("seed", 0, u32::MAX as u64)?.unwrap_or(0);
    let config = TrainConfig {
        epochs: form.usize("epochs", TrainConfig::DEFAULT_EPOCHS, 1, max_epochs as u64)?,
        optimizer: optimizer(form)?,
        batch_size: form.opt_int("batch_size", 1, 1 << 24)?.map(|b| b as usize),
        shuffle_seed: seed,
        ..TrainConfig::tutorial(1, 0.01)
    };
    config.validate()?;
    Ok((config, seed))
}

fn init_rng(form: &Form) -> Result<InitRng, ApiError> {
    Ok(
        match form.choice("init_rng", "chacha", &["chacha", "torch"])? {
            "torch" => InitRng::Torch,
            _ => InitRng::ChaCha8,
        },
    )
}

/// A `train` run: one model.
pub fn run_config(form: &Form, limits: &Limits) -> Result<RunConfig, ApiError> {
    form.only(RUN_FIELDS)?;
    let defaults = RunConfig::train();
    let (train, seed) = train_config(form, limits.epochs)?;
    let scaling = match form.choice("scaling", "train_only", &["train_only", "before_split"])? {
        "before_split" => ScalingMode::BeforeSplit,
        _ => ScalingMode::TrainOnly,
    };
    let split = PrepareOptions {
        test_size: form
            .opt_f64("test_size", 0.01, 0.99)?
            .unwrap_or(defaults.split.test_size),
        split_seed: form
            .opt_int("split_seed", 0, u32::MAX as u64)?
            .map_or(defaults.split.split_seed, |s| s as u32),
        stratify: form.bool("stratify", false)?,
        scaling,
        test_set: true,
    };
    let name = form.opt_str("name")?.unwrap_or("model");
    if name.is_empty() {
        return Err(ApiError::field("name", "must not be empty"));
    }
    let config = RunConfig {
        models: vec![ModelDef {
            name: Some(name.to_string()),
            hidden: hidden(form, "layers", limits)?,
        }],
        split,
        train,
        seed,
        init_rng: init_rng(form)?,
        ..defaults
    };
    config.validate()?;
    Ok(config)
}

/// The page's default number of repeats: half the CLI's
/// ([`StudyConfig::DEFAULT_REPEATS`]), for a quick answer in the browser.
const PAGE_REPEATS: usize = StudyConfig::DEFAULT_REPEATS / 2;

/// A study of the listed models on `d` features.
pub fn study_config(
    body: &Map<String, Value>,
    d: usize,
    limits: &Limits,
) -> Result<StudyConfig, ApiError> {
    let form = Form::new(body);
    let mut known = RUN_FIELDS.to_vec();
    known.extend_from_slice(STUDY_FIELDS);
    form.only(&known)?;
    let (train, seed) = train_config(&form, limits.study_epochs)?;
    let Some(items) = form.opt_array("models", limits.study_models)? else {
        return Err(ApiError::field(
            "models",
            "is required: pin at least one model",
        ));
    };
    if items.is_empty() {
        return Err(ApiError::field("models", "pin at least one model"));
    }
    let mut models: Vec<ModelSpec> = Vec::new();
    for (i, m) in items.iter().enumerate() {
        let f = item(m, format!("models[{i}]"))?;
        f.only(&["name", "layers"])?;
        let name = f.opt_str("name")?.unwrap_or("model");
        let def = ModelDef {
            name: Some(name.to_string()),
            hidden: hidden(&f, "layers", limits)?,
        };
        let spec = def
            .resolve(d)
            .map_err(|e| ApiError::field(f.name("layers"), e.to_string()))?;
        if models.iter().any(|s| s.name == spec.name) || ["logistic", "majority"].contains(&name) {
            return Err(ApiError::field(
                f.name("name"),
                format!("'{name}' is used twice (logistic and majority are the baselines)"),
            ));
        }
        models.push(spec);
    }
    let mut config = StudyConfig::new(models, train, seed);
    config.repeats = form.usize("repeats", PAGE_REPEATS, 1, limits.study_repeats as u64)?;
    config.folds = form.usize(
        "folds",
        StudyConfig::DEFAULT_FOLDS,
        2,
        limits.study_folds as u64,
    )?;
    config.init_rng = init_rng(&form)?;
    config.threads = Some(2);
    config.validate()?;
    Ok(config)
}
