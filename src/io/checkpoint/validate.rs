//! Validation of checkpoint files, which may come from anywhere: every key
//! must be present and parse, the layers must agree with the spec, the
//! tensors with the architecture, the lists with the input width, and every
//! number must be finite. The same checks guard writing.

use super::format::*;
use super::Checkpoint;
use crate::error::{Error, Result};
use crate::eval::predict::Labels;
use crate::io::StateDict;
use crate::model::Architecture;

impl Checkpoint {
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
    pub(super) fn check(&self, name: &str) -> Result<()> {
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
}

/// At most 200 characters of untrusted text, for messages.
fn shorten(text: &str) -> String {
    match text.char_indices().nth(200) {
        Some((i, _)) => format!("{}...", &text[..i]),
        None => text.to_string(),
    }
}
