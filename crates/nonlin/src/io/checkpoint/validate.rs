//! Validation of checkpoint files, which may come from anywhere: every key
//! of the file's task must be present and parse (and no other task's), the
//! layers must agree with the spec, the tensors with the architecture, the
//! lists with the input width, the preprocessing with the feature names,
//! the classes with the output width, and every number must be finite.
//! The same checks guard writing.

use super::format::*;
use super::{Checkpoint, DEFAULT_THRESHOLD};
use crate::data::transform::preprocessing::{Encoding, Fill};
use crate::data::{BinaryLabels, Label, Preprocessing, TargetScale, Task};
use crate::error::{Error, Result};
use crate::eval::predict::Head;
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

/// `nonlin.target_scale` as stored: exactly these two fields.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StoredScale {
    mean: f64,
    scale: f64,
}

impl Checkpoint {
    /// Validates the `nonlin.*` metadata of a state dict and builds the checkpoint.
    pub fn from_state_dict(sd: &StateDict, name: &str) -> Result<Checkpoint> {
        check_nonlin(sd, name)?;
        let meta = Metadata { sd, name };
        let task = meta.task()?;
        check_keys(sd, name, task)?;
        let version = meta.version()?;
        let arch = meta.architecture(task)?;
        let features: Vec<String> = meta.json(KEY_FEATURES, "a JSON list of names")?;
        let scaler_mean: Vec<f64> = meta.json(KEY_SCALER_MEAN, "a JSON list of numbers")?;
        let scaler_scale: Vec<f64> = meta.json(KEY_SCALER_SCALE, "a JSON list of numbers")?;
        let (head, labels, threshold) = match task {
            Task::Binary => {
                let labels: StoredLabels = meta.json(
                    KEY_LABELS,
                    "a JSON object {\"positive\": <value>, \"negative\": <value>}",
                )?;
                let labels = BinaryLabels {
                    negative: labels.negative,
                    positive: labels.positive,
                };
                (Head::Binary, labels, meta.threshold()?)
            }
            Task::Multiclass => {
                let classes: Vec<Label> = meta.json(
                    KEY_CLASSES,
                    "a JSON list of class labels (numbers or texts)",
                )?;
                let head = Head::Multiclass { classes };
                (head, BinaryLabels::default(), DEFAULT_THRESHOLD)
            }
            Task::Regression => {
                let s: StoredScale = meta.json(
                    KEY_TARGET_SCALE,
                    "a JSON object {\"mean\": <number>, \"scale\": <number>}",
                )?;
                let scale = TargetScale {
                    mean: s.mean,
                    scale: s.scale,
                };
                let head = Head::Regression { scale };
                (head, BinaryLabels::default(), DEFAULT_THRESHOLD)
            }
        };
        let preprocessing = meta.preprocessing(&features)?;
        let net = sd.to_network(arch, name)?;
        let ckpt = Checkpoint {
            net,
            features,
            scaler_mean,
            scaler_scale,
            target: meta.get(KEY_TARGET).to_string(),
            preprocessing,
            head,
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
        self.check_head(name)?;
        self.check_preprocessing()
            .map_err(|msg| bad(KEY_PREPROCESSING, msg))?;
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

/// `k` (the output width, at least 3) distinct class labels of one kind:
/// finite numbers, or non-empty texts.
fn check_classes(
    classes: &[Label],
    k: usize,
    arch: &Architecture,
) -> std::result::Result<(), String> {
    if classes.len() != k {
        return Err(format!(
            "it lists {} class(es) but architecture {arch} has {k} outputs, one per class",
            classes.len()
        ));
    }
    if k < 3 {
        return Err(format!(
            "a multiclass model has at least 3 classes; it lists {k}"
        ));
    }
    let numbers = matches!(classes[0], Label::Number(_));
    for (i, c) in classes.iter().enumerate() {
        match c {
            Label::Number(v) if numbers && v.is_finite() => {}
            Label::Text(t) if !numbers && !t.is_empty() => {}
            _ => {
                return Err(format!(
                    "class {} '{}' is not a {}; the labels must be all finite numbers or \
                     all non-empty texts",
                    i + 1,
                    shorten(&c.to_string()),
                    if numbers {
                        "finite number"
                    } else {
                        "non-empty text"
                    }
                ))
            }
        }
    }
    let mut order: Vec<usize> = (0..k).collect();
    order.sort_by(|&a, &b| match (&classes[a], &classes[b]) {
        (Label::Number(x), Label::Number(y)) => x.total_cmp(y),
        (x, y) => x.to_string().cmp(&y.to_string()),
    });
    if let Some(w) = order.windows(2).find(|w| classes[w[0]] == classes[w[1]]) {
        let (i, j) = (w[0].min(w[1]), w[0].max(w[1]));
        return Err(format!(
            "classes {} and {} are both '{}'; the labels must be distinct",
            i + 1,
            j + 1,
            shorten(&classes[i].to_string())
        ));
    }
    Ok(())
}

impl Checkpoint {
    /// The head against the network and the binary fields: binary, the
    /// labels two different values of one kind and the threshold a
    /// probability; multiclass, as many distinct labels of one kind as the
    /// last layer has outputs, at least 3; regression, one output and a
    /// finite mean and a finite positive scale. The binary fields of
    /// another task keep their defaults (they are not stored).
    fn check_head(&self, name: &str) -> Result<()> {
        let bad = |k: &str, msg: String| Error::model(name, format!("metadata '{k}': {msg}"));
        let arch = &self.net.arch;
        let outputs = arch.outputs();
        let task = self.head.task();
        if task != Task::Binary
            && (self.labels != BinaryLabels::default() || self.threshold != DEFAULT_THRESHOLD)
        {
            let key = if self.labels != BinaryLabels::default() {
                KEY_LABELS
            } else {
                KEY_THRESHOLD
            };
            return Err(bad(
                key,
                format!("applies to a binary model; this one is {task}"),
            ));
        }
        match &self.head {
            Head::Binary => {
                check_labels(&self.labels).map_err(|msg| bad(KEY_LABELS, msg))?;
                if !(0.0..=1.0).contains(&self.threshold) {
                    return Err(bad(
                        KEY_THRESHOLD,
                        format!("{} is not a probability in [0, 1]", self.threshold),
                    ));
                }
            }
            Head::Multiclass { classes } => {
                check_classes(classes, outputs, arch).map_err(|msg| bad(KEY_CLASSES, msg))?;
            }
            Head::Regression { scale } => {
                let TargetScale { mean, scale } = *scale;
                if !mean.is_finite() {
                    return Err(bad(
                        KEY_TARGET_SCALE,
                        format!("the mean is {mean}; it must be finite"),
                    ));
                }
                if !(scale.is_finite() && scale > 0.0) {
                    return Err(bad(
                        KEY_TARGET_SCALE,
                        format!("the scale is {scale}; it must be finite and positive"),
                    ));
                }
            }
        }
        if task != Task::Multiclass && outputs != 1 {
            return Err(bad(
                KEY_ARCH,
                format!(
                    "architecture {arch} has {outputs} outputs; a {task} model has one \
                     (a multiclass model gives {KEY_TASK} and {KEY_CLASSES})"
                ),
            ));
        }
        Ok(())
    }

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

/// The state dict has `nonlin.*` metadata.
fn check_nonlin(sd: &StateDict, name: &str) -> Result<()> {
    if !sd.has_nonlin_metadata() {
        return Err(Error::model(
            name,
            format!(
                "it has no nonlin metadata (nonlin.arch, nonlin.features, ...): it looks \
                 like a plain state dict, e.g. saved from PyTorch. Such a file can start \
                 training ({}) but cannot predict without the feature names and the scaler.",
                crate::error::setting("init_weights")
            ),
        ));
    }
    Ok(())
}

/// Every key of [`KEYS`] and of the task ([`BINARY_KEYS`], or
/// `nonlin.classes` or `nonlin.target_scale`) is present, and no key of
/// another task.
fn check_keys(sd: &StateDict, name: &str, task: Task) -> Result<()> {
    let own: &[&str] = match task {
        Task::Binary => &BINARY_KEYS,
        Task::Multiclass => &[KEY_CLASSES],
        Task::Regression => &[KEY_TARGET_SCALE],
    };
    let required: Vec<&str> = KEYS.iter().chain(own).copied().collect();
    let missing: Vec<&str> = required
        .iter()
        .copied()
        .filter(|k| !sd.metadata.contains_key(*k))
        .collect();
    if !missing.is_empty() {
        let kind = match task {
            Task::Binary => "a (binary) nonlin checkpoint".to_string(),
            t => format!("a {t} nonlin checkpoint"),
        };
        return Err(Error::model(
            name,
            format!(
                "metadata key(s) {} missing; {kind} has {}",
                missing.join(", "),
                required.join(", ")
            ),
        ));
    }
    let told = match sd.metadata.get(KEY_TASK) {
        Some(t) => format!("{KEY_TASK} is '{}'", shorten(t.trim())),
        None => format!("it has no {KEY_TASK}, so it is binary"),
    };
    let other = BINARY_KEYS
        .iter()
        .chain(&[KEY_CLASSES, KEY_TARGET_SCALE])
        .find(|k| !own.contains(k) && sd.metadata.contains_key(**k));
    if let Some(k) = other {
        let owner = match *k {
            KEY_CLASSES => "multiclass",
            KEY_TARGET_SCALE => "regression",
            _ => "binary",
        };
        return Err(Error::model(
            name,
            format!("metadata '{k}' applies to a {owner} model, but this one is {task} ({told})"),
        ));
    }
    Ok(())
}

/// The `nonlin.*` metadata of the checkpoint file `name`, every key of
/// [`KEYS`] and of its task present (see [`check_keys`]), read key by key.
struct Metadata<'a> {
    sd: &'a StateDict,
    name: &'a str,
}

impl<'a> Metadata<'a> {
    fn get(&self, k: &str) -> &'a str {
        self.sd.metadata[k].as_str()
    }

    fn bad(&self, k: &str, msg: String) -> Error {
        Error::model(self.name, format!("metadata '{k}': {msg}"))
    }

    /// The value of `key` parsed as JSON, which should be `what`.
    fn json<T: serde::de::DeserializeOwned>(&self, key: &str, what: &str) -> Result<T> {
        parse_json(self.get(key), key, what, self.name)
    }

    /// `nonlin.version`, trimmed, not empty.
    fn version(&self) -> Result<String> {
        let version = self.get(KEY_VERSION).trim().to_string();
        if version.is_empty() {
            return Err(self.bad(KEY_VERSION, "is empty".into()));
        }
        Ok(version)
    }

    /// `nonlin.task`: absent (the files of every version before the
    /// tasks) or `binary`, `multiclass`, `regression`.
    fn task(&self) -> Result<Task> {
        let Some(text) = self.sd.metadata.get(KEY_TASK) else {
            return Ok(Task::Binary);
        };
        match Task::parse(text) {
            Ok(Some(task)) => Ok(task),
            _ => Err(self.bad(
                KEY_TASK,
                format!(
                    "'{}' is not binary, multiclass or regression",
                    shorten(text)
                ),
            )),
        }
    }

    /// `nonlin.arch`, with `nonlin.layers` agreeing with it: one output for
    /// a binary model (as every version read it), any width otherwise (the
    /// head checks it).
    fn architecture(&self, task: Task) -> Result<Architecture> {
        let spec = self.get(KEY_ARCH);
        let arch = match task {
            Task::Binary => Architecture::parse(spec),
            Task::Multiclass | Task::Regression => Architecture::parse_outputs(spec),
        }
        .map_err(|e| self.bad(KEY_ARCH, e.to_string()))?;
        let expected: serde_json::Value =
            serde_json::from_str(&layers_json(&arch)).expect("our own JSON parses");
        let found: serde_json::Value = self.json(KEY_LAYERS, "a JSON list of layers")?;
        if found != expected {
            return Err(self.bad(
                KEY_LAYERS,
                format!(
                    "{} disagrees with nonlin.arch '{arch}', whose layers are {expected}",
                    shorten(self.get(KEY_LAYERS))
                ),
            ));
        }
        Ok(arch)
    }

    /// `nonlin.preprocessing`; a file written before the key existed has
    /// numeric columns used as they are.
    fn preprocessing(&self, features: &[String]) -> Result<Preprocessing> {
        Ok(match self.sd.metadata.get(KEY_PREPROCESSING) {
            Some(text) => parse_json(
                text,
                KEY_PREPROCESSING,
                "a JSON object {\"columns\": [...]}",
                self.name,
            )?,
            None => Preprocessing::identity(features),
        })
    }

    /// `nonlin.threshold` as a number (its range is checked later).
    fn threshold(&self) -> Result<f32> {
        self.get(KEY_THRESHOLD).trim().parse().map_err(|_| {
            self.bad(
                KEY_THRESHOLD,
                format!("'{}' is not a number", shorten(self.get(KEY_THRESHOLD))),
            )
        })
    }
}

/// `text` parsed as JSON; the error names `key` and what it should be.
fn parse_json<T: serde::de::DeserializeOwned>(
    text: &str,
    key: &str,
    what: &str,
    name: &str,
) -> Result<T> {
    serde_json::from_str(text)
        .map_err(|e| Error::model(name, format!("metadata '{key}' is not {what} ({e})")))
}

/// At most 200 characters of untrusted text, for messages.
fn shorten(text: &str) -> String {
    match text.char_indices().nth(200) {
        Some((i, _)) => format!("{}...", &text[..i]),
        None => text.to_string(),
    }
}
