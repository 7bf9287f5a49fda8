//! `predict`: a saved model on new rows.

use crate::data::{Note, ReadOptions, Table};
use crate::error::{Error, Result};
use crate::eval::predict::Predict;
use crate::io::checkpoint::already_exists;
use crate::io::{write_atomic, Checkpoint};
use std::path::{Path, PathBuf};

/// Which model on which rows, and where the predictions go.
#[derive(Debug, Clone, PartialEq)]
pub struct PredictConfig {
    /// A `model.safetensors` written by nonlin.
    pub model: PathBuf,
    /// A CSV holding every raw feature column of the model (found by name;
    /// without a header row the columns are named `c0`, `c1`, …).
    pub data: PathBuf,
    /// How to read `data` (detected where left open, as for training).
    pub read: ReadOptions,
    /// Write the predictions here; `None`: the caller takes them.
    pub out: Option<PathBuf>,
    /// Replace an existing `out` (never an input file).
    pub force: bool,
}

/// The predictions for every data row, in file order.
#[derive(Debug, Clone)]
pub struct Predictions {
    pub checkpoint: Checkpoint,
    /// P(target = positive label), per row.
    pub probabilities: Vec<f32>,
    /// Columns of the file the model does not use.
    pub ignored_columns: Vec<String>,
    /// How the file was read (when not a plain CSV), categories unseen in
    /// training and filled-in cells: each once, counted per column.
    pub notes: Vec<Note>,
}

impl Predictions {
    /// CSV `row,probability,label`: `row` is the 1-based data row,
    /// `probability` the float32 printed exactly (the probability of the
    /// positive label), `label` the predicted target value as the training
    /// data wrote it (`1`, `SI`, `M`, ...; quoted when it holds a comma, a
    /// quote or a line break).
    pub fn to_csv(&self) -> String {
        let labels = &self.checkpoint.labels;
        let [negative, positive] =
            [&labels.negative, &labels.positive].map(|l| csv_field(&l.to_string()));
        let mut s = String::with_capacity(16 + self.probabilities.len() * 16);
        s.push_str("row,probability,label\n");
        for (i, &p) in self.probabilities.iter().enumerate() {
            let label = if self.checkpoint.is_positive(p) {
                &positive
            } else {
                &negative
            };
            s.push_str(&format!("{},{p},{label}\n", i + 1));
        }
        s
    }

    /// What the probability is about, e.g. `probability = P(outcome =
    /// 'SI'); label 'SI' when it is > 0.5, else 'NO'`.
    pub fn meaning(&self) -> String {
        let c = &self.checkpoint;
        format!(
            "probability = P({} = '{}'); label '{}' when it is > {}, else '{}'",
            c.target, c.labels.positive, c.labels.positive, c.threshold, c.labels.negative
        )
    }
}

/// Reads the model and the rows and predicts; with `out`, writes the CSV
/// there (atomically) too.
pub fn run(config: &PredictConfig) -> Result<Predictions> {
    if let Some(out) = &config.out {
        check_out(out, &[&config.model, &config.data], config.force)?;
    }
    let checkpoint = Checkpoint::read(&config.model)?;
    let table = Table::from_path_with(&config.data, &config.read)?;
    if table.n_rows() == 0 {
        return Err(Error::Data(format!(
            "{}: there are no data rows after the header; nothing to predict",
            table.source
        )));
    }
    let used = checkpoint.preprocessing.column_names();
    let ignored_columns = table
        .names()
        .into_iter()
        .filter(|n| !used.contains(n))
        .collect();
    let mut notes = table.notes();
    let (probabilities, applied) = checkpoint.predict_table(&table)?;
    notes.extend(applied);
    let p = Predictions {
        checkpoint,
        probabilities,
        ignored_columns,
        notes,
    };
    if let Some(out) = &config.out {
        write_atomic(out, p.to_csv().as_bytes())?;
    }
    Ok(p)
}

/// A CSV field: as it is, or quoted (quotes doubled) when it holds a
/// delimiter, a quote, a line break or surrounding spaces.
fn csv_field(text: &str) -> String {
    let plain = !text.contains([',', '"', '\n', '\r']) && text.trim() == text;
    if plain {
        text.to_string()
    } else {
        format!("\"{}\"", text.replace('"', "\"\""))
    }
}

/// `out` may replace an existing file only with `force`, and never an input.
fn check_out(out: &Path, inputs: &[&Path], force: bool) -> Result<()> {
    if !out.exists() {
        return Ok(());
    }
    let same = |a: &Path, b: &Path| match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    };
    if let Some(input) = inputs.iter().find(|i| same(out, i)) {
        return Err(Error::invalid(
            "out",
            format!(
                "'{}' is the input file '{}'; choose another output",
                out.display(),
                input.display()
            ),
        ));
    }
    if !force {
        return Err(already_exists(out));
    }
    Ok(())
}
