//! nonlin checkpoints: a safetensors state dict that PyTorch loads as is
//! (`nn.Sequential` names, float32; a K-class model's last layer is
//! `nn.Linear(h, K)`: weight `[K, h]`, bias `[K]`), plus `nonlin.*`
//! metadata holding everything needed to predict without the training
//! data.
//!
//! Metadata keys (every value is a string; lists and objects are JSON):
//!
//! | key | value |
//! |---|---|
//! | `nonlin.version` | nonlin version that wrote the file, e.g. `0.1.0` |
//! | `nonlin.arch` | full spec, e.g. `12-5-relu-1`, or `13-16-tanh-3` for 3 classes ([`crate::model::Architecture::parse_outputs`]) |
//! | `nonlin.layers` | JSON list, one object per `nn.Sequential` module: `{"type": <torch.nn class>, <constructor arguments>}` |
//! | `nonlin.features` | JSON list of input names, in input order: a numeric column's name, or `column=category` for a one-hot input (`sex=F`, `sex=M`) |
//! | `nonlin.scaler_mean` | JSON list of numbers, same order |
//! | `nonlin.scaler_scale` | JSON list of numbers, same order |
//! | `nonlin.target` | target column name |
//! | `nonlin.preprocessing` | JSON [`Preprocessing`]: the raw feature columns in order, each `{"name", "encoding": {"kind": "numeric"} or {"kind": "one_hot", "categories": [...]}, "fill": null, {"number": x} or {"category": "..."}}` (the imputed value of a missing cell; `null`: a missing cell is an error). Its inputs, in order, are `nonlin.features`. |
//! | `nonlin.task` | `multiclass` or `regression`; absent for a binary model (`binary` is read as well) |
//! | `nonlin.labels` | binary only: JSON `{"positive": 1, "negative": 0}` or `{"positive": "SI", "negative": "NO"}`: the target value (as in the training data) the probability is about, and the other one |
//! | `nonlin.threshold` | binary only: decision threshold: label positive iff probability > threshold |
//! | `nonlin.classes` | multiclass only: JSON list of the K ≥ 3 class labels in output order, numbers or texts as in the training data (`[1, 2, 3]`, `["class_0", "class_1", "class_2"]`); distinct, K the last layer's width |
//! | `nonlin.target_scale` | regression only: JSON `{"mean": m, "scale": s}`, the target's standardization on the training rows: a prediction is `output · s + m` in the target's units; `s` finite and positive |
//!
//! `nonlin.preprocessing` is optional: files written before it existed
//! load with the feature columns as the inputs, unchanged (and their
//! numeric labels, 0 and 1). A file without `nonlin.task` is a binary
//! model, as every file written before the key existed: a binary
//! checkpoint carries none of the three task keys, so its bytes are those
//! of earlier versions. A key of another task is refused.
//!
//! Files of this module: `format.rs` (the keys, a checkpoint to a state
//! dict), `validate.rs` (loading trusts nothing: every key must be present
//! and parse, the layers must agree with the spec, the tensors with the
//! architecture, the lists with the input width, the classes with the
//! output width, every number finite) and `init_weights.rs`
//! (`--init-weights`). Prediction from a checkpoint is
//! [`crate::eval::predict`]'s, through [`Predict`].

mod format;
mod init_weights;
mod validate;

pub use crate::eval::predict::DEFAULT_THRESHOLD;
pub use format::{
    classes_json, labels_json, layers_json, target_scale_json, BINARY_KEYS, KEYS, KEY_ARCH,
    KEY_CLASSES, KEY_FEATURES, KEY_LABELS, KEY_LAYERS, KEY_PREPROCESSING, KEY_SCALER_MEAN,
    KEY_SCALER_SCALE, KEY_TARGET, KEY_TARGET_SCALE, KEY_TASK, KEY_THRESHOLD, KEY_VERSION,
    OPTIONAL_KEYS, TASK_KEYS,
};
pub use init_weights::init_network;

use super::{write_atomic, StateDict};
use crate::data::{BinaryLabels, Label, Note, Prepared, Preprocessing, Table, Task};
use crate::error::{Error, Result};
use crate::eval::predict::{Head, Predict, Predicted, Predictor};
use crate::model::Network;
use std::path::Path;

/// A trained model with everything needed to predict on new raw rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Checkpoint {
    pub net: Network,
    /// Input names, in input order ([`Preprocessing::input_names`]).
    pub features: Vec<String>,
    /// Scaler statistics per input (`(x − mean) / scale`).
    pub scaler_mean: Vec<f64>,
    pub scaler_scale: Vec<f64>,
    pub target: String,
    /// Raw columns → inputs (before the scaler): encodings and fills.
    pub preprocessing: Preprocessing,
    /// What the outputs mean: the task, with a multiclass model's class
    /// labels or a regression target's scale.
    pub head: Head,
    /// Binary: the target's two values; the probability is that of
    /// `positive`. Any other task leaves the default (0 and 1), unused and
    /// not stored.
    pub labels: BinaryLabels,
    /// Binary: positive iff probability > threshold. Any other task leaves
    /// [`DEFAULT_THRESHOLD`], unused and not stored.
    pub threshold: f32,
    /// nonlin version that wrote the file (this one's for a new checkpoint).
    pub version: String,
}

impl Checkpoint {
    /// A checkpoint of the binary model `net` trained on `data` (its
    /// inputs, scaler and target), whose raw columns became inputs by
    /// `preprocessing` (see [`crate::data::prepare_fitted`]) and whose
    /// target values are `labels`. [`Checkpoint::for_task`] takes any task.
    pub fn new(
        net: Network,
        data: &Prepared,
        preprocessing: Preprocessing,
        labels: BinaryLabels,
    ) -> Checkpoint {
        Checkpoint {
            net,
            features: data.features.clone(),
            scaler_mean: data.scaler.mean.clone(),
            scaler_scale: data.scaler.scale.clone(),
            target: data.target.clone(),
            preprocessing,
            head: Head::Binary,
            labels,
            threshold: DEFAULT_THRESHOLD,
            version: env!("CARGO_PKG_VERSION").to_string(),
        }
    }

    /// A checkpoint of `net` trained for `task` on `data`, as a run's
    /// result holds them ([`crate::run::RunResult`]'s `task`, `classes`,
    /// `labels` and `preprocessing`): binary, [`Checkpoint::new`];
    /// multiclass, `classes` (the class labels in index order) as
    /// [`Head::Multiclass`]; regression, `data.target_scale` as
    /// [`Head::Regression`] (an error when it is `None`). `labels` is
    /// binary's only. The checks of writing (classes against the output
    /// width, ...) run in [`Checkpoint::to_bytes`].
    pub fn for_task(
        net: Network,
        data: &Prepared,
        preprocessing: Preprocessing,
        labels: BinaryLabels,
        task: Task,
        classes: &[Label],
    ) -> Result<Checkpoint> {
        let head = Head::for_task(task, classes, data.target_scale)?;
        let labels = match head {
            Head::Binary => labels,
            _ => BinaryLabels::default(),
        };
        Ok(Checkpoint {
            head,
            ..Checkpoint::new(net, data, preprocessing, labels)
        })
    }

    /// Number of model inputs.
    pub fn n_features(&self) -> usize {
        self.features.len()
    }

    /// The predictions for every row of a raw table ([`Predict::predict`]:
    /// binary, the positive label's probability; multiclass, the class
    /// probabilities and classes; regression, values in the target's
    /// units): the stored preprocessing (columns by name, missing cells
    /// filled as in training or refused, categories one-hot with unseen
    /// ones all zeros), the scaler, the network, the head. Also returns the
    /// preprocessing's notes (unseen categories and filled cells, counted
    /// per column).
    pub fn predict_table(&self, table: &Table) -> Result<(Predicted, Vec<Note>)> {
        let applied = self.preprocessing.apply(table)?;
        let predicted = self.predict(&applied.x)?;
        Ok((predicted, applied.notes))
    }

    /// The safetensors bytes of this checkpoint.
    pub fn to_bytes(&self) -> Result<Vec<u8>> {
        self.to_state_dict()?.to_bytes()
    }

    /// Writes atomically (temporary file + rename). An existing file is
    /// replaced only with `force`.
    pub fn write(&self, path: &Path, force: bool) -> Result<()> {
        let bytes = self.to_bytes()?;
        if !force && path.exists() {
            return Err(already_exists(path));
        }
        write_atomic(path, &bytes)
    }

    /// Reads and validates a checkpoint file.
    pub fn read(path: &Path) -> Result<Checkpoint> {
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, "read the model file", e))?;
        Checkpoint::from_bytes(&bytes, &path.display().to_string())
    }

    /// Parses and validates checkpoint bytes; `name` identifies the file in errors.
    pub fn from_bytes(bytes: &[u8], name: &str) -> Result<Checkpoint> {
        Checkpoint::from_state_dict(&StateDict::from_bytes(bytes, name)?, name)
    }
}

impl Predict for Checkpoint {
    fn predictor(&self) -> Predictor<'_> {
        Predictor {
            net: &self.net,
            features: &self.features,
            mean: &self.scaler_mean,
            scale: &self.scaler_scale,
            head: &self.head,
            threshold: self.threshold,
            labels: &self.labels,
        }
    }
}

/// The error for a model file that exists and may not be replaced.
pub fn already_exists(path: &Path) -> Error {
    Error::Config(format!(
        "'{}' already exists; nothing was written. Pass {} to replace it, or choose \
         another output.",
        path.display(),
        crate::error::setting("force")
    ))
}

#[cfg(test)]
mod tests;
