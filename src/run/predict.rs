//! `predict`: a saved model on new rows.

use crate::data::Table;
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
    /// A CSV with a header row holding every feature column of the model.
    pub data: PathBuf,
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
}

impl Predictions {
    /// CSV `row,probability,label`: `row` is the 1-based data row,
    /// `probability` the float32 printed exactly, `label` the predicted
    /// target value.
    pub fn to_csv(&self) -> String {
        let mut s = String::with_capacity(16 + self.probabilities.len() * 16);
        s.push_str("row,probability,label\n");
        for (i, &p) in self.probabilities.iter().enumerate() {
            s.push_str(&format!("{},{p},{}\n", i + 1, self.checkpoint.label(p)));
        }
        s
    }
}

/// Reads the model and the rows and predicts; with `out`, writes the CSV
/// there (atomically) too.
pub fn run(config: &PredictConfig) -> Result<Predictions> {
    if let Some(out) = &config.out {
        check_out(out, &[&config.model, &config.data], config.force)?;
    }
    let checkpoint = Checkpoint::read(&config.model)?;
    let (table, ignored_columns) = Table::read_columns(&config.data, &checkpoint.features)?;
    if table.n_rows() == 0 {
        return Err(Error::Data(format!(
            "{}: there are no data rows after the header; nothing to predict",
            table.source
        )));
    }
    let probabilities = checkpoint.predict_proba(&table.values)?;
    let p = Predictions {
        checkpoint,
        probabilities,
        ignored_columns,
    };
    if let Some(out) = &config.out {
        write_atomic(out, p.to_csv().as_bytes())?;
    }
    Ok(p)
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
