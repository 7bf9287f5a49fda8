//! `nonlin predict`: a saved model on new rows.

use crate::data::Table;
use crate::error::{Error, Result};
use crate::eval::predict::Predict;
use crate::io::checkpoint::already_exists;
use crate::io::{write_atomic, Checkpoint};
use clap::Args;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Where the model, the rows and the predictions are.
#[derive(Debug, Clone, Args)]
pub struct PredictArgs {
    /// A model written by `nonlin train` or `nonlin compare` (model.safetensors).
    #[arg(long, value_name = "PATH")]
    pub model: PathBuf,
    /// CSV with a header row and every feature column of the model, in any
    /// order; other columns (the target too) are ignored.
    #[arg(long, value_name = "PATH")]
    pub data: PathBuf,
    /// Write the predictions to this file (atomically) instead of stdout.
    #[arg(long, value_name = "PATH")]
    pub out: Option<PathBuf>,
    /// Replace an existing --out file.
    #[arg(long)]
    pub force: bool,
}

/// The predictions as CSV: `row,probability,label`, one line per row.
pub fn predictions_csv(ckpt: &Checkpoint, probs: &[f32]) -> String {
    let mut s = String::with_capacity(16 + probs.len() * 16);
    s.push_str("row,probability,label\n");
    for (i, &p) in probs.iter().enumerate() {
        s.push_str(&format!("{},{p},{}\n", i + 1, ckpt.label(p)));
    }
    s
}

pub fn run(args: &PredictArgs) -> Result<()> {
    if let Some(out) = &args.out {
        check_out(out, &[&args.model, &args.data], args.force)?;
    }
    let ckpt = Checkpoint::read(&args.model)?;
    let (table, ignored) = Table::read_columns(&args.data, &ckpt.features)?;
    if table.n_rows() == 0 {
        return Err(Error::Data(format!(
            "{}: there are no data rows after the header; nothing to predict",
            table.source
        )));
    }
    if !ignored.is_empty() {
        eprintln!(
            "note: ignoring {} column(s) the model does not use: {}",
            ignored.len(),
            ignored.join(", ")
        );
    }
    let probs = ckpt.predict_proba(&table.values)?;
    let csv = predictions_csv(&ckpt, &probs);
    match &args.out {
        Some(out) => {
            write_atomic(out, csv.as_bytes())?;
            eprintln!("Wrote {} predictions to {}", probs.len(), out.display());
        }
        None => {
            let mut stdout = std::io::stdout().lock();
            stdout
                .write_all(csv.as_bytes())
                .and_then(|_| stdout.flush())
                .map_err(|e| Error::io("<stdout>", "write", e))?;
        }
    }
    Ok(())
}

/// `--out` may replace an existing file only with `--force`, and never an input.
fn check_out(out: &Path, inputs: &[&Path], force: bool) -> Result<()> {
    if !out.exists() {
        return Ok(());
    }
    let same = |a: &Path, b: &Path| match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    };
    if let Some(input) = inputs.iter().find(|i| same(out, i)) {
        return Err(Error::Config(format!(
            "--out '{}' is the input file '{}'; choose another output",
            out.display(),
            input.display()
        )));
    }
    if !force {
        return Err(already_exists(out));
    }
    Ok(())
}
