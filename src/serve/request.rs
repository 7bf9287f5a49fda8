//! A request from the page, mapped onto the library's settings: which
//! table and columns ([`DataChoice`]), a run ([`RunSettings`]) and, for "Is
//! it chance?", a study ([`StudySettings`]). This layer only reads the JSON
//! (a number where a number belongs, the server's caps); every default,
//! check and refusal of a setting that does not apply is the library's,
//! and every error names its form field.

use super::error::ApiError;
use super::form::{item, Form};
use super::limits::Limits;
use super::words::PageWords;
use nonlin::data::dataset::FeatureSelection;
use nonlin::data::{DatasetOptions, ScalingMode, Table, Task};
use nonlin::eval::study::baseline_names;
use nonlin::model::init::InitRng;
use nonlin::run::models::check_unique;
use nonlin::run::settings::missing_policy;
use nonlin::run::{
    Hidden, LayerDef, ModelDef, ModelSettings, OptimizerSettings, Preset, RunSettings,
    SplitSettings, StudyConfig, StudySettings, TrainSettings,
};
use nonlin::train::{ClassWeight, OptimizerKind, PosWeight, RegressionLoss};
use std::sync::Arc;

/// The preset a page's run starts from: the tutorial's training (full-batch
/// SGD, lr 0.01, 1000 epochs) with the page's model.
pub const PRESET: Preset = Preset::Tutorial;

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
    "task",
    "max_classes",
    "pos_weight",
    "class_weight",
    "label_smoothing",
    "loss",
    "paused",
];

/// Fields of a study request: the data and the training of a run, the
/// models, and the cross-validation.
pub const STUDY_FIELDS: &[&str] = &[
    "data",
    "target",
    "features",
    "missing",
    "positive",
    "categorical",
    "task",
    "max_classes",
    "pos_weight",
    "class_weight",
    "label_smoothing",
    "loss",
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
    "seed",
    "init_rng",
    "models",
    "repeats",
    "folds",
];

/// The form's names of the scaling modes.
pub const SCALINGS: &[(&str, ScalingMode)] = &[
    ("train_only", ScalingMode::TrainOnly),
    ("before_split", ScalingMode::BeforeSplit),
];

/// The form's names of the initial weights' random streams.
pub const INIT_RNGS: &[(&str, InitRng)] =
    &[("chacha", InitRng::ChaCha8), ("torch", InitRng::Torch)];

/// The form's name of a value (`SCALINGS`, `INIT_RNGS`).
pub fn name_of<T: PartialEq + Copy>(names: &[(&'static str, T)], value: T) -> &'static str {
    names
        .iter()
        .find(|(_, v)| *v == value)
        .map_or("", |(n, _)| n)
}

/// A value by its form name, or `None` when absent.
fn by_name<T: Copy>(form: &Form, field: &str, names: &[(&str, T)]) -> Result<Option<T>, ApiError> {
    let Some(s) = form.opt_str(field)? else {
        return Ok(None);
    };
    match names.iter().find(|(n, _)| *n == s) {
        Some((_, v)) => Ok(Some(*v)),
        None => {
            let all: Vec<&str> = names.iter().map(|(n, _)| *n).collect();
            Err(ApiError::field(
                form.name(field),
                format!("must be one of {}, got '{s}'", all.join(", ")),
            ))
        }
    }
}

/// The table, and how to make a data set of it (target, features, missing
/// values, positive label: `train`'s options).
#[derive(Debug, Clone)]
pub struct DataChoice {
    pub table: Arc<Table>,
    pub options: DatasetOptions,
}

/// The missing-value policy, positive label, categorical columns and task
/// of a form (`missing`, `positive`, `categorical`, `task`: `auto`, absent
/// or empty for the library's choice, `max_classes`: at most the server's
/// cap), over the defaults of `target`.
pub fn dataset_options(
    form: &Form,
    target: &str,
    limits: &Limits,
) -> Result<DatasetOptions, ApiError> {
    let defaults = DatasetOptions::new(target);
    let missing = match form.opt_str("missing")? {
        Some(name) => missing_policy(name)?,
        None => defaults.missing,
    };
    let positive = form
        .opt_str("positive")?
        .map(str::trim)
        .filter(|p| !p.is_empty());
    let task = match form.opt_str("task")?.map(str::trim) {
        None | Some("") => None,
        Some(name) => Task::parse(name)?,
    };
    let cap = limits.classes as u64;
    // A query string holds every value as text.
    let max_classes = match form.get("max_classes") {
        Some(serde_json::Value::String(s)) => match s.trim().parse::<u64>() {
            Ok(k) if (3..=cap).contains(&k) => Some(k as usize),
            _ => {
                return Err(ApiError::field(
                    "max_classes",
                    format!("must be a whole number from 3 to {cap}, got '{s}'"),
                ))
            }
        },
        _ => form.opt_usize("max_classes", 3, cap)?,
    };
    Ok(DatasetOptions {
        missing,
        positive: positive.map(str::to_string),
        categorical: categorical(form)?,
        task,
        max_classes: max_classes.unwrap_or(defaults.max_classes),
        ..defaults
    })
}

/// `categorical`: a list of column names, or (in a query string) one
/// string of names separated by commas.
fn categorical(form: &Form) -> Result<Vec<String>, ApiError> {
    let names = match form.get("categorical") {
        Some(serde_json::Value::String(s)) if s.len() > 100_000 => {
            return Err(ApiError::field("categorical", "is too long"))
        }
        Some(serde_json::Value::String(s)) => s.split(',').map(|n| n.trim().to_string()).collect(),
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
pub fn data_choice(
    form: &Form,
    tables: &dyn Tables,
    limits: &Limits,
) -> Result<DataChoice, ApiError> {
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
    // The library names the column and lists the others.
    table
        .column_index(&target)
        .map_err(|e| ApiError::from(e).at("target"))?;
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
            ..dataset_options(form, &target, limits)?
        },
    })
}

/// The hidden layers: `[{"width": 5, "activation": "relu"}, ...]`, as the
/// library's layer list (the library parses the activations).
pub fn layers(form: &Form, field: &str, limits: &Limits) -> Result<Hidden, ApiError> {
    let name = form.name(field);
    let Some(items) = form.opt_array(field, limits.hidden_layers)? else {
        return Err(ApiError::field(
            name,
            "is required (a list; empty for no hidden layer)",
        ));
    };
    let mut layers = Vec::with_capacity(items.len());
    for (i, layer) in items.iter().enumerate() {
        let l = item(layer, format!("{name}[{i}]"))?;
        l.only(&["width", "activation"])?;
        let width = l
            .opt_usize("width", 0, limits.width as u64)?
            .ok_or_else(|| ApiError::field(l.name("width"), "is required"))?;
        let activation = l.opt_str("activation")?.unwrap_or("relu");
        layers.push(LayerDef::new(width, activation));
    }
    Ok(Hidden::Layers(layers))
}

/// The optimizer fields as given.
fn optimizer(form: &Form) -> Result<OptimizerSettings, ApiError> {
    Ok(OptimizerSettings {
        kind: form
            .opt_str("optimizer")?
            .map(OptimizerKind::parse)
            .transpose()?,
        lr: form.opt_f32("lr")?,
        momentum: form.opt_f32("momentum")?,
        dampening: form.opt_f32("dampening")?,
        nesterov: form.opt_bool("nesterov")?,
        weight_decay: form.opt_f32("weight_decay")?,
        beta1: form.opt_f32("beta1")?,
        beta2: form.opt_f32("beta2")?,
        eps: form.opt_f32("eps")?,
    })
}

/// The loss fields as given: `pos_weight` (a number or `"auto"`),
/// `class_weight` (`"balanced"` or `"none"`), `label_smoothing` (a
/// number), `loss` (`"mse"`, `"l1"`, `"huber"` or `"huber:DELTA"`). The
/// library parses the values and refuses a field of another task than the
/// target's.
fn loss(form: &Form) -> Result<TrainSettings, ApiError> {
    let pos_weight = match form.get("pos_weight") {
        None => None,
        Some(serde_json::Value::Number(n)) => Some(PosWeight::parse(&n.to_string())?),
        Some(_) => form
            .opt_str("pos_weight")?
            .map(PosWeight::parse)
            .transpose()?,
    };
    Ok(TrainSettings {
        pos_weight,
        class_weight: form
            .opt_str("class_weight")?
            .map(ClassWeight::parse)
            .transpose()?,
        label_smoothing: form.opt_f32("label_smoothing")?,
        loss: form
            .opt_str("loss")?
            .map(RegressionLoss::parse)
            .transpose()?,
        ..TrainSettings::default()
    })
}

/// The training fields of runs and studies (`max_epochs`: the server's cap).
fn training(form: &Form, max_epochs: usize) -> Result<TrainSettings, ApiError> {
    Ok(TrainSettings {
        epochs: form.opt_usize("epochs", 0, max_epochs as u64)?,
        optimizer: optimizer(form)?,
        batch_size: form.opt_usize("batch_size", 0, 1 << 24)?,
        ..loss(form)?
    })
}

fn seed(form: &Form) -> Result<Option<u64>, ApiError> {
    form.opt_int("seed", 0, u32::MAX as u64)
}

/// A `train` run of one model, over [`PRESET`].
pub fn run_settings(form: &Form, limits: &Limits) -> Result<RunSettings, ApiError> {
    form.only(RUN_FIELDS)?;
    let name = match form.opt_str("name")? {
        Some("") => return Err(ApiError::field("name", "must not be empty")),
        Some(n) => Some(n.to_string()),
        None => None,
    };
    Ok(RunSettings {
        preset: PRESET,
        models: ModelSettings {
            models: vec![ModelDef {
                name: PRESET.config().models[0].name.clone(),
                hidden: layers(form, "layers", limits)?,
            }],
            name,
            ..ModelSettings::default()
        },
        split: SplitSettings {
            test_size: form.opt_num("test_size")?,
            split_seed: form
                .opt_int("split_seed", 0, u32::MAX as u64)?
                .map(|s| s as u32),
            stratify: form.opt_bool("stratify")?,
            scaling: by_name(form, "scaling", SCALINGS)?,
            test_set: None,
        },
        train: training(form, limits.epochs)?,
        seed: seed(form)?,
        init_rng: by_name(form, "init_rng", INIT_RNGS)?,
        init_weights: None,
    })
}

/// The page's default number of repeats: half the CLI's
/// ([`StudyConfig::DEFAULT_REPEATS`]), for a quick answer in the browser.
pub const PAGE_REPEATS: usize = StudyConfig::DEFAULT_REPEATS / 2;

/// The shape of a study's data: model inputs, network outputs (one per
/// class of a multiclass target, else one) and the task.
#[derive(Debug, Clone, Copy)]
pub struct StudyShape {
    pub inputs: usize,
    pub outputs: usize,
    pub task: Task,
}

/// A study of the listed models on data of `shape`, in the library's
/// configuration (every model resolved and named uniquely, the task's
/// baselines' names reserved).
pub fn study_config(
    form: &Form,
    shape: StudyShape,
    limits: &Limits,
) -> Result<StudyConfig, ApiError> {
    form.only(STUDY_FIELDS)?;
    let Some(items) = form.opt_array("models", limits.study_models)? else {
        return Err(ApiError::field(
            "models",
            "is required: pin at least one model",
        ));
    };
    if items.is_empty() {
        return Err(ApiError::field("models", "pin at least one model"));
    }
    let mut defs = Vec::with_capacity(items.len());
    let mut specs = Vec::with_capacity(items.len());
    for (i, m) in items.iter().enumerate() {
        let f = item(m, format!("models[{i}]"))?;
        f.only(&["name", "layers"])?;
        let def = ModelDef {
            name: Some(f.opt_str("name")?.unwrap_or("model").to_string()),
            hidden: layers(&f, "layers", limits)?,
        };
        // Resolved here too, so that an error names the model it is about.
        let spec = def
            .resolve_outputs(shape.inputs, shape.outputs)
            .map_err(|e| {
                let e = ApiError::from(e);
                let field = e.field.clone().unwrap_or_default();
                e.at(format!("models[{i}].{field}"))
            })?;
        specs.push(spec);
        check_unique(&specs, &baseline_names(shape.task))
            .map_err(|e| ApiError::field(format!("models[{i}].name"), e.worded(&PageWords)))?;
        defs.push(def);
    }
    let settings = StudySettings {
        models: defs,
        repeats: Some(
            form.opt_usize("repeats", 0, limits.study_repeats as u64)?
                .unwrap_or(PAGE_REPEATS),
        ),
        folds: form.opt_usize("folds", 0, limits.study_folds as u64)?,
        seed: seed(form)?,
        init_rng: by_name(form, "init_rng", INIT_RNGS)?,
        train: training(form, limits.study_epochs)?,
        threads: Some(2),
        ..StudySettings::default()
    };
    Ok(settings.config_for(shape.inputs, shape.outputs)?)
}
