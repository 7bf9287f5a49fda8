//! The checkpoint file format: the `nonlin.*` metadata keys and how a
//! [`Checkpoint`] becomes a state dict (and so safetensors bytes).

use super::Checkpoint;
use crate::data::{BinaryLabels, Label, TargetScale};
use crate::error::Result;
use crate::eval::predict::Head;
use crate::io::StateDict;
use crate::model::{Architecture, Layer};
use serde::Serialize;

pub const KEY_VERSION: &str = "nonlin.version";
pub const KEY_ARCH: &str = "nonlin.arch";
pub const KEY_LAYERS: &str = "nonlin.layers";
pub const KEY_FEATURES: &str = "nonlin.features";
pub const KEY_SCALER_MEAN: &str = "nonlin.scaler_mean";
pub const KEY_SCALER_SCALE: &str = "nonlin.scaler_scale";
pub const KEY_TARGET: &str = "nonlin.target";
pub const KEY_LABELS: &str = "nonlin.labels";
pub const KEY_THRESHOLD: &str = "nonlin.threshold";
pub const KEY_PREPROCESSING: &str = "nonlin.preprocessing";
pub const KEY_TASK: &str = "nonlin.task";
pub const KEY_CLASSES: &str = "nonlin.classes";
pub const KEY_TARGET_SCALE: &str = "nonlin.target_scale";

/// Every metadata key every checkpoint must carry, in the order they are
/// documented.
pub const KEYS: [&str; 7] = [
    KEY_VERSION,
    KEY_ARCH,
    KEY_LAYERS,
    KEY_FEATURES,
    KEY_SCALER_MEAN,
    KEY_SCALER_SCALE,
    KEY_TARGET,
];

/// The keys a binary checkpoint must carry besides [`KEYS`] (and no other
/// task's).
pub const BINARY_KEYS: [&str; 2] = [KEY_LABELS, KEY_THRESHOLD];

/// The keys of a multiclass or regression checkpoint: `nonlin.task`, and
/// `nonlin.classes` (multiclass) or `nonlin.target_scale` (regression).
/// A binary checkpoint has none of them.
pub const TASK_KEYS: [&str; 3] = [KEY_TASK, KEY_CLASSES, KEY_TARGET_SCALE];

/// Keys a checkpoint may lack: files written before they existed load
/// with their defaults (no preprocessing key: the inputs are the feature
/// columns as they are; no task key: a binary model).
pub const OPTIONAL_KEYS: [&str; 2] = [KEY_PREPROCESSING, KEY_TASK];

/// `{"positive":1,"negative":0}` (whole numbers written without `.0`), or
/// with text labels `{"positive":"SI","negative":"NO"}`.
pub fn labels_json(labels: &BinaryLabels) -> String {
    format!(
        "{{\"positive\":{},\"negative\":{}}}",
        label_value(&labels.positive),
        label_value(&labels.negative)
    )
}

/// The `nonlin.classes` value: `[1,2,3]` (whole numbers written without
/// `.0`) or `["class_0","class_1","class_2"]`.
pub fn classes_json(classes: &[Label]) -> String {
    let values: Vec<serde_json::Value> = classes.iter().map(label_value).collect();
    json(&values)
}

/// The `nonlin.target_scale` value, `{"mean":152.1,"scale":77.0}` (each
/// number shortest round-trip).
pub fn target_scale_json(scale: &TargetScale) -> String {
    format!(
        "{{\"mean\":{},\"scale\":{}}}",
        json(&scale.mean),
        json(&scale.scale)
    )
}

/// A label as JSON: a number (whole ones without `.0`) or a string.
fn label_value(l: &Label) -> serde_json::Value {
    match l {
        Label::Number(v) => json_number(*v),
        Label::Text(t) => serde_json::Value::from(t.as_str()),
    }
}

fn json_number(v: f64) -> serde_json::Value {
    if v.fract() == 0.0 && v.abs() < 9.007_199_254_740_992e15 {
        serde_json::Value::from(v as i64)
    } else {
        serde_json::Value::from(v)
    }
}

/// One `nn.Sequential` module as `nonlin.layers` lists it: the `torch.nn`
/// class in `type` and the constructor's keyword arguments (an
/// activation's from its table entry), so that
/// `getattr(torch.nn, l.pop("type"))(**l)` rebuilds it in Python.
struct LayerJson<'a>(&'a Layer);

impl Serialize for LayerJson<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(None)?;
        match *self.0 {
            Layer::Linear {
                in_features,
                out_features,
            } => {
                m.serialize_entry("type", "Linear")?;
                m.serialize_entry("in_features", &in_features)?;
                m.serialize_entry("out_features", &out_features)?;
            }
            Layer::Activation(a) => {
                let (entry, values) = a.info();
                m.serialize_entry("type", entry.torch_class)?;
                for (p, v) in entry.params.iter().zip(values) {
                    m.serialize_entry(p.torch_name, &v)?;
                }
                for (k, v) in entry.torch_fixed {
                    m.serialize_entry(k, v)?;
                }
            }
        }
        m.end()
    }
}

/// The `nonlin.layers` value of an architecture, e.g.
/// `[{"type":"Linear","in_features":12,"out_features":5},{"type":"ReLU"},...]`.
pub fn layers_json(arch: &Architecture) -> String {
    let layers: Vec<LayerJson> = arch.layers.iter().map(LayerJson).collect();
    serde_json::to_string(&layers).expect("layers serialize")
}

/// JSON of a number or a list of names or numbers, for the metadata values.
fn json<T: Serialize>(v: &T) -> String {
    serde_json::to_string(v).expect("lists of names and numbers serialize")
}

impl Checkpoint {
    /// The state dict with the `nonlin.*` metadata.
    pub fn to_state_dict(&self) -> Result<StateDict> {
        self.check("(in memory)")?;
        let mut sd = StateDict::from_network(&self.net);
        let m = &mut sd.metadata;
        m.insert(KEY_VERSION.into(), self.version.clone());
        m.insert(KEY_ARCH.into(), self.net.arch.to_string());
        m.insert(KEY_LAYERS.into(), layers_json(&self.net.arch));
        m.insert(KEY_FEATURES.into(), json(&self.features));
        m.insert(KEY_SCALER_MEAN.into(), json(&self.scaler_mean));
        m.insert(KEY_SCALER_SCALE.into(), json(&self.scaler_scale));
        m.insert(KEY_TARGET.into(), self.target.clone());
        match &self.head {
            // The keys of every version before the tasks, and no others.
            Head::Binary => {
                m.insert(KEY_LABELS.into(), labels_json(&self.labels));
                m.insert(KEY_THRESHOLD.into(), self.threshold.to_string());
            }
            Head::Multiclass { classes } => {
                m.insert(KEY_TASK.into(), self.head.task().name().into());
                m.insert(KEY_CLASSES.into(), classes_json(classes));
            }
            Head::Regression { scale } => {
                m.insert(KEY_TASK.into(), self.head.task().name().into());
                m.insert(KEY_TARGET_SCALE.into(), target_scale_json(scale));
            }
        }
        m.insert(KEY_PREPROCESSING.into(), json(&self.preprocessing));
        Ok(sd)
    }
}
