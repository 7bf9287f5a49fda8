//! nonlin checkpoints: a safetensors state dict that PyTorch loads as is
//! (`nn.Sequential` names, float32), plus `nonlin.*` metadata holding
//! everything needed to predict without the training data.
//!
//! Metadata keys (every value is a string; lists and objects are JSON):
//!
//! | key | value |
//! |---|---|
//! | `nonlin.version` | nonlin version that wrote the file, e.g. `0.1.0` |
//! | `nonlin.arch` | full spec, e.g. `12-5-relu-1` ([`Architecture::parse`]) |
//! | `nonlin.layers` | JSON list, one object per `nn.Sequential` module: `{"type": <torch.nn class>, <constructor arguments>}` |
//! | `nonlin.features` | JSON list of feature names, in input order |
//! | `nonlin.scaler_mean` | JSON list of numbers, same order |
//! | `nonlin.scaler_scale` | JSON list of numbers, same order |
//! | `nonlin.target` | target column name |
//! | `nonlin.labels` | JSON `{"positive": 1, "negative": 0}`: the raw target value the probability is about, and the other one |
//! | `nonlin.threshold` | decision threshold: label positive iff probability > threshold |
//!
//! Loading trusts nothing: every key must be present and parse, the layers
//! must agree with the spec, the tensors with the architecture, the lists
//! with the input width, and every number must be finite.

use super::{write_atomic, StateDict};
use crate::data::Prepared;
use crate::error::{Error, Result};
use crate::eval::predict;
use crate::model::{Architecture, Layer, Network};
use serde::{Deserialize, Serialize};
use std::path::Path;

pub const KEY_VERSION: &str = "nonlin.version";
pub const KEY_ARCH: &str = "nonlin.arch";
pub const KEY_LAYERS: &str = "nonlin.layers";
pub const KEY_FEATURES: &str = "nonlin.features";
pub const KEY_SCALER_MEAN: &str = "nonlin.scaler_mean";
pub const KEY_SCALER_SCALE: &str = "nonlin.scaler_scale";
pub const KEY_TARGET: &str = "nonlin.target";
pub const KEY_LABELS: &str = "nonlin.labels";
pub const KEY_THRESHOLD: &str = "nonlin.threshold";

/// Every metadata key a checkpoint must carry, in the order they are documented.
pub const KEYS: [&str; 9] = [
    KEY_VERSION,
    KEY_ARCH,
    KEY_LAYERS,
    KEY_FEATURES,
    KEY_SCALER_MEAN,
    KEY_SCALER_SCALE,
    KEY_TARGET,
    KEY_LABELS,
    KEY_THRESHOLD,
];

/// The decision threshold of training's accuracy (`torch.round(σ)`).
pub const DEFAULT_THRESHOLD: f32 = 0.5;

/// Which raw target value the model calls positive (its probability is
/// `P(target == positive)`) and which negative. nonlin targets are 0/1, so
/// this is `{positive: 1, negative: 0}`; it is stored so that a reader never
/// has to guess.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Labels {
    pub positive: f64,
    pub negative: f64,
}

impl Default for Labels {
    fn default() -> Self {
        Labels {
            positive: 1.0,
            negative: 0.0,
        }
    }
}

impl Labels {
    /// The raw target value of a predicted class.
    pub fn of(&self, positive: bool) -> f64 {
        if positive {
            self.positive
        } else {
            self.negative
        }
    }

    /// `{"positive":1,"negative":0}` (whole numbers written without `.0`).
    pub fn to_json(&self) -> String {
        format!(
            "{{\"positive\":{},\"negative\":{}}}",
            json_number(self.positive),
            json_number(self.negative)
        )
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

/// A trained model with everything needed to predict on new raw rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Checkpoint {
    pub net: Network,
    /// Feature names, in input order.
    pub features: Vec<String>,
    /// Scaler statistics per feature (`(x − mean) / scale`).
    pub scaler_mean: Vec<f64>,
    pub scaler_scale: Vec<f64>,
    pub target: String,
    pub labels: Labels,
    /// Positive iff probability > threshold.
    pub threshold: f32,
    /// nonlin version that wrote the file (this one's for a new checkpoint).
    pub version: String,
}

impl Checkpoint {
    /// A checkpoint of `net` trained on `data` (its features, scaler and target).
    pub fn new(net: Network, data: &Prepared) -> Checkpoint {
        Checkpoint {
            net,
            features: data.features.clone(),
            scaler_mean: data.scaler.mean.clone(),
            scaler_scale: data.scaler.scale.clone(),
            target: data.target.clone(),
            labels: Labels::default(),
            threshold: DEFAULT_THRESHOLD,
            version: env!("CARGO_PKG_VERSION").to_string(),
        }
    }

    /// Number of input features.
    pub fn n_features(&self) -> usize {
        self.features.len()
    }

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
        m.insert(KEY_LABELS.into(), self.labels.to_json());
        m.insert(KEY_THRESHOLD.into(), self.threshold.to_string());
        Ok(sd)
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

    /// Validates the `nonlin.*` metadata of a state dict and builds the checkpoint.
    pub fn from_state_dict(sd: &StateDict, name: &str) -> Result<Checkpoint> {
        if !sd.has_nonlin_metadata() {
            return Err(Error::model(
                name,
                "it has no nonlin metadata (nonlin.arch, nonlin.features, ...): it looks like a \
                 plain state dict, e.g. saved from PyTorch. Such a file can start training \
                 (`nonlin train --init-weights`) but cannot predict without the feature names \
                 and the scaler.",
            ));
        }
        let missing: Vec<&str> = KEYS
            .iter()
            .copied()
            .filter(|k| !sd.metadata.contains_key(*k))
            .collect();
        if !missing.is_empty() {
            return Err(Error::model(
                name,
                format!(
                    "metadata key(s) {} missing; a nonlin checkpoint has {}",
                    missing.join(", "),
                    KEYS.join(", ")
                ),
            ));
        }
        let get = |k: &str| sd.metadata[k].as_str();
        let bad = |k: &str, msg: String| Error::model(name, format!("metadata '{k}': {msg}"));
        fn parse_json<T: serde::de::DeserializeOwned>(
            text: &str,
            key: &str,
            what: &str,
            name: &str,
        ) -> Result<T> {
            serde_json::from_str(text)
                .map_err(|e| Error::model(name, format!("metadata '{key}' is not {what} ({e})")))
        }

        let version = get(KEY_VERSION).trim().to_string();
        if version.is_empty() {
            return Err(bad(KEY_VERSION, "is empty".into()));
        }
        let arch = Architecture::parse(get(KEY_ARCH)).map_err(|e| bad(KEY_ARCH, e.to_string()))?;
        let expected: serde_json::Value =
            serde_json::from_str(&layers_json(&arch)).expect("our own JSON parses");
        let found: serde_json::Value =
            parse_json(get(KEY_LAYERS), KEY_LAYERS, "a JSON list of layers", name)?;
        if found != expected {
            return Err(bad(
                KEY_LAYERS,
                format!(
                    "{} disagrees with nonlin.arch '{arch}', whose layers are {expected}",
                    shorten(get(KEY_LAYERS))
                ),
            ));
        }
        let features: Vec<String> = parse_json(
            get(KEY_FEATURES),
            KEY_FEATURES,
            "a JSON list of names",
            name,
        )?;
        let scaler_mean: Vec<f64> = parse_json(
            get(KEY_SCALER_MEAN),
            KEY_SCALER_MEAN,
            "a JSON list of numbers",
            name,
        )?;
        let scaler_scale: Vec<f64> = parse_json(
            get(KEY_SCALER_SCALE),
            KEY_SCALER_SCALE,
            "a JSON list of numbers",
            name,
        )?;
        let labels: Labels = parse_json(
            get(KEY_LABELS),
            KEY_LABELS,
            "a JSON object {\"positive\": <value>, \"negative\": <value>}",
            name,
        )?;
        let threshold: f32 = get(KEY_THRESHOLD).trim().parse().map_err(|_| {
            bad(
                KEY_THRESHOLD,
                format!("'{}' is not a number", shorten(get(KEY_THRESHOLD))),
            )
        })?;
        let net = sd.to_network(arch, name)?;
        let ckpt = Checkpoint {
            net,
            features,
            scaler_mean,
            scaler_scale,
            target: get(KEY_TARGET).to_string(),
            labels,
            threshold,
            version,
        };
        ckpt.check(name)?;
        Ok(ckpt)
    }

    /// The checks shared by writing and reading: lists as long as the
    /// input, names unique, every number finite, scales positive.
    fn check(&self, name: &str) -> Result<()> {
        let bad = |k: &str, msg: String| Error::model(name, format!("metadata '{k}': {msg}"));
        let arch = &self.net.arch;
        let d = arch.input_width();
        for (key, len) in [
            (KEY_FEATURES, self.features.len()),
            (KEY_SCALER_MEAN, self.scaler_mean.len()),
            (KEY_SCALER_SCALE, self.scaler_scale.len()),
        ] {
            if len != d {
                return Err(bad(
                    key,
                    format!("it has {len} entries but architecture {arch} takes {d} inputs"),
                ));
            }
        }
        for (i, f) in self.features.iter().enumerate() {
            if f.trim().is_empty() {
                return Err(bad(KEY_FEATURES, format!("name {} is empty", i + 1)));
            }
            if self.features[..i].contains(f) {
                return Err(bad(KEY_FEATURES, format!("'{f}' is listed twice")));
            }
        }
        for (j, (&m, &s)) in self.scaler_mean.iter().zip(&self.scaler_scale).enumerate() {
            let f = &self.features[j];
            if !m.is_finite() {
                return Err(bad(
                    KEY_SCALER_MEAN,
                    format!("the mean of '{f}' is {m}; means must be finite"),
                ));
            }
            if !(s.is_finite() && s > 0.0) {
                return Err(bad(
                    KEY_SCALER_SCALE,
                    format!("the scale of '{f}' is {s}; scales must be finite and positive"),
                ));
            }
        }
        if self.target.trim().is_empty() {
            return Err(bad(KEY_TARGET, "is empty".into()));
        }
        if self.features.contains(&self.target) {
            return Err(bad(
                KEY_TARGET,
                format!("'{}' is also listed as a feature", self.target),
            ));
        }
        let l = self.labels;
        if !(l.positive.is_finite() && l.negative.is_finite() && l.positive != l.negative) {
            return Err(bad(
                KEY_LABELS,
                format!(
                    "positive {} and negative {} must be two different finite values",
                    l.positive, l.negative
                ),
            ));
        }
        if !(0.0..=1.0).contains(&self.threshold) {
            return Err(bad(
                KEY_THRESHOLD,
                format!("{} is not a probability in [0, 1]", self.threshold),
            ));
        }
        if let Some(t) = self.net.tensors().iter().find(|t| {
            self.net.params[t.range.clone()]
                .iter()
                .any(|v| !v.is_finite())
        }) {
            return Err(Error::model(
                name,
                format!("tensor '{}' holds a non-finite value", t.name),
            ));
        }
        Ok(())
    }

    /// Probabilities of the positive class for raw (unscaled) row-major
    /// rows in [`Checkpoint::features`] order: standardized with the stored
    /// scaler exactly as training did, then [`predict::probabilities`].
    pub fn predict_proba(&self, rows: &[f64]) -> Result<Vec<f32>> {
        let d = self.n_features();
        if d == 0 || !rows.len().is_multiple_of(d) {
            return Err(Error::Data(format!(
                "{} values are not whole rows of the model's {d} features",
                rows.len()
            )));
        }
        if let Some(k) = rows.iter().position(|v| !v.is_finite()) {
            return Err(Error::Data(format!(
                "row {}, feature '{}': {} is not a finite number",
                k / d + 1,
                self.features[k % d],
                rows[k]
            )));
        }
        let n = rows.len() / d;
        let xt = predict::standardize(rows, &self.scaler_mean, &self.scaler_scale);
        Ok(predict::probabilities(&self.net, &xt, n))
    }

    /// Whether a probability predicts the positive class (`> threshold`).
    pub fn is_positive(&self, prob: f32) -> bool {
        predict::is_positive(prob, self.threshold)
    }

    /// The raw target value predicted for a probability.
    pub fn label(&self, prob: f32) -> f64 {
        self.labels.of(self.is_positive(prob))
    }
}

/// Starting weights for `nonlin train --init-weights`: a nonlin checkpoint
/// (fully validated; its architecture must be `arch`) or a plain state dict
/// with `nn.Sequential` names (as PyTorch saves them).
pub fn init_network(path: &Path, arch: &Architecture) -> Result<Network> {
    let name = path.display().to_string();
    let sd = StateDict::read(path)?;
    if sd.has_nonlin_metadata() {
        let ckpt = Checkpoint::from_state_dict(&sd, &name)?;
        if ckpt.net.arch != *arch {
            return Err(Error::model(
                name,
                format!(
                    "it is a nonlin checkpoint of architecture {}, but this run trains {arch}; \
                     give the matching --arch (or --hidden/--activation)",
                    ckpt.net.arch
                ),
            ));
        }
        Ok(ckpt.net)
    } else {
        sd.to_network(arch.clone(), &name)
    }
}

/// The error for a model file that exists and may not be replaced.
pub fn already_exists(path: &Path) -> Error {
    Error::Config(format!(
        "'{}' already exists; nothing was written. Pass --force to replace it, or choose \
         another output.",
        path.display()
    ))
}

/// At most 200 characters of untrusted text, for messages.
fn shorten(text: &str) -> String {
    match text.char_indices().nth(200) {
        Some((i, _)) => format!("{}...", &text[..i]),
        None => text.to_string(),
    }
}

/// JSON of a list of names or numbers, for the metadata values.
fn json<T: Serialize>(v: &T) -> String {
    serde_json::to_string(v).expect("lists of names and numbers serialize")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ckpt(spec: &str) -> Checkpoint {
        let arch = Architecture::parse(spec).unwrap();
        let d = arch.input_width();
        Checkpoint {
            net: Network::new(arch, 1),
            features: (0..d).map(|j| format!("f{j}")).collect(),
            scaler_mean: (0..d).map(|j| j as f64 * 0.1).collect(),
            scaler_scale: (0..d).map(|j| 1.0 + j as f64 / 3.0).collect(),
            target: "y".into(),
            labels: Labels::default(),
            threshold: 0.5,
            version: "0.1.0".into(),
        }
    }

    #[test]
    fn layers_name_torch_modules_and_their_arguments() {
        let a = Architecture::parse("12-5-relu-1").unwrap();
        assert_eq!(
            layers_json(&a),
            r#"[{"type":"Linear","in_features":12,"out_features":5},{"type":"ReLU"},{"type":"Linear","in_features":5,"out_features":1}]"#
        );
        let a = Architecture::parse("3-4-elu:0.3-2-leaky_relu-2-gelu_tanh-2-softplus:2-1").unwrap();
        let j = layers_json(&a);
        assert!(j.contains(r#"{"type":"ELU","alpha":0.3}"#), "{j}");
        assert!(
            j.contains(r#"{"type":"LeakyReLU","negative_slope":0.01}"#),
            "{j}"
        );
        assert!(j.contains(r#"{"type":"GELU","approximate":"tanh"}"#), "{j}");
        assert!(
            j.contains(r#"{"type":"Softplus","beta":2.0,"threshold":20.0}"#),
            "{j}"
        );
    }

    #[test]
    fn round_trips_with_parameterized_activations() {
        for spec in [
            "12-5-relu-1",
            "3-4-elu:0.3-2-leaky_relu:0.2-2-gelu_tanh-1",
            "2-1",
        ] {
            let c = ckpt(spec);
            let back = Checkpoint::from_bytes(&c.to_bytes().unwrap(), "m").unwrap();
            assert_eq!(back, c, "{spec}");
        }
        let sd = ckpt("12-5-relu-1").to_state_dict().unwrap();
        assert_eq!(sd.metadata[KEY_LABELS], r#"{"positive":1,"negative":0}"#);
        assert_eq!(sd.metadata[KEY_THRESHOLD], "0.5");
        assert_eq!(sd.metadata[KEY_FEATURES].matches('"').count(), 24);
    }

    #[test]
    fn writing_refuses_bad_values_and_existing_files() {
        let mut c = ckpt("2-3-tanh-1");
        c.scaler_scale[1] = f64::INFINITY;
        let e = c.to_bytes().unwrap_err().to_string();
        assert!(e.contains("the scale of 'f1' is inf"), "{e}");
        let c = ckpt("2-3-tanh-1");
        let path = std::env::temp_dir().join(format!("nonlin-ckpt-{}.st", std::process::id()));
        c.write(&path, false).unwrap();
        let e = c.write(&path, false).unwrap_err().to_string();
        assert!(e.contains("already exists"), "{e}");
        c.write(&path, true).unwrap();
        assert_eq!(Checkpoint::read(&path).unwrap(), c);
        std::fs::remove_file(&path).unwrap();
    }
}
