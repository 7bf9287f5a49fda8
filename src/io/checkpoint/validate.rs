//! Validation of checkpoint files, which may come from anywhere: every key
//! must be present and parse, the layers must agree with the spec, the
//! tensors with the architecture, the lists with the input width, the
//! preprocessing with the feature names, and every number must be finite.
//! The same checks guard writing.

use super::format::*;
use super::Checkpoint;
use crate::data::preprocess::{Encoding, Fill};
use crate::data::{BinaryLabels, Label, Preprocessing};
use crate::error::{setting, Error, Result};
use crate::io::StateDict;
use crate::model::Architecture;
use serde::Deserialize;
use std::collections::HashSet;

/// `nonlin.labels` as stored: exactly these two fields.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StoredLabels {
    positive: Label,
    negative: Label,
}

impl Checkpoint {
    /// Validates the `nonlin.*` metadata of a state dict and builds the checkpoint.
    pub fn from_state_dict(sd: &StateDict, name: &str) -> Result<Checkpoint> {
        if !sd.has_nonlin_metadata() {
            return Err(Error::model(
                name,
                format!(
                    "it has no nonlin metadata (nonlin.arch, nonlin.features, ...): it looks \
                     like a plain state dict, e.g. saved from PyTorch. Such a file can start \
                     training ({}) but cannot predict without the feature names and the scaler.",
                    setting("init_weights")
                ),
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
        let labels: StoredLabels = parse_json(
            get(KEY_LABELS),
            KEY_LABELS,
            "a JSON object {\"positive\": <value>, \"negative\": <value>}",
            name,
        )?;
        let preprocessing = match sd.metadata.get(KEY_PREPROCESSING) {
            Some(text) => parse_json(
                text,
                KEY_PREPROCESSING,
                "a JSON object {\"columns\": [...]}",
                name,
            )?,
            // Written before the key existed: numeric columns as they are.
            None => Preprocessing::identity(&features),
        };
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
            preprocessing,
            labels: BinaryLabels {
                negative: labels.negative,
                positive: labels.positive,
            },
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
        let mut seen = HashSet::with_capacity(self.features.len());
        for (i, f) in self.features.iter().enumerate() {
            if f.trim().is_empty() {
                return Err(bad(KEY_FEATURES, format!("name {} is empty", i + 1)));
            }
            if !seen.insert(f.as_str()) {
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
        check_labels(&self.labels).map_err(|msg| bad(KEY_LABELS, msg))?;
        self.check_preprocessing()
            .map_err(|msg| bad(KEY_PREPROCESSING, msg))?;
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

/// Two different values of one kind: finite numbers, or non-empty texts.
fn check_labels(l: &BinaryLabels) -> std::result::Result<(), String> {
    let ok = match (&l.positive, &l.negative) {
        (Label::Number(p), Label::Number(n)) => p.is_finite() && n.is_finite() && p != n,
        (Label::Text(p), Label::Text(n)) => !p.is_empty() && !n.is_empty() && p != n,
        _ => false,
    };
    if ok {
        return Ok(());
    }
    Err(format!(
        "positive '{}' and negative '{}' must be two different finite numbers or two \
         different non-empty texts",
        shorten(&l.positive.to_string()),
        shorten(&l.negative.to_string())
    ))
}

impl Checkpoint {
    /// The preprocessing must give exactly the inputs `nonlin.features`
    /// names: column names unique and not the target, categories unique,
    /// each fill of its column's kind (a category among the column's, a
    /// finite number).
    fn check_preprocessing(&self) -> std::result::Result<(), String> {
        let p = &self.preprocessing;
        let d = self.features.len();
        let mut width = 0usize;
        let mut seen = HashSet::with_capacity(p.columns.len());
        for (i, c) in p.columns.iter().enumerate() {
            let col = shorten(&c.name);
            if c.name.trim().is_empty() {
                return Err(format!("column {} has an empty name", i + 1));
            }
            if !seen.insert(c.name.as_str()) {
                return Err(format!("column '{col}' is listed twice"));
            }
            if c.name == self.target {
                return Err(format!("column '{col}' is the target"));
            }
            match (&c.encoding, &c.fill) {
                (Encoding::Numeric, None) => {}
                (Encoding::Numeric, Some(Fill::Number(v))) if v.is_finite() => {}
                (Encoding::OneHot(h), fill) => {
                    if h.categories.is_empty() {
                        return Err(format!("column '{col}' has no categories"));
                    }
                    let mut sorted: Vec<&String> = h.categories.iter().collect();
                    sorted.sort_unstable();
                    if let Some(w) = sorted.windows(2).find(|w| w[0] == w[1]) {
                        return Err(format!(
                            "column '{col}' lists category '{}' twice",
                            shorten(w[0])
                        ));
                    }
                    match fill {
                        None => {}
                        Some(Fill::Category(cat)) if h.categories.contains(cat) => {}
                        Some(f) => {
                            return Err(format!(
                                "the fill {} of column '{col}' is not one of its categories",
                                fill_text(f)
                            ))
                        }
                    }
                }
                (Encoding::Numeric, Some(f)) => {
                    return Err(format!(
                        "the fill {} of numeric column '{col}' is not a finite number",
                        fill_text(f)
                    ))
                }
            }
            width = width.saturating_add(c.width());
        }
        if width != d {
            return Err(format!(
                "its {} column(s) give {width} inputs but nonlin.features lists {d}",
                p.columns.len()
            ));
        }
        let names = p.input_names();
        if let Some((a, b)) = names.iter().zip(&self.features).find(|(a, b)| a != b) {
            return Err(format!(
                "it names an input '{}' where nonlin.features has '{}'",
                shorten(a),
                shorten(b)
            ));
        }
        Ok(())
    }
}

/// A fill value for messages: the number, or the category quoted.
fn fill_text(f: &Fill) -> String {
    match f {
        Fill::Number(v) => v.to_string(),
        Fill::Category(c) => format!("'{}'", shorten(c)),
    }
}

/// At most 200 characters of untrusted text, for messages.
fn shorten(text: &str) -> String {
    match text.char_indices().nth(200) {
        Some((i, _)) => format!("{}...", &text[..i]),
        None => text.to_string(),
    }
}
