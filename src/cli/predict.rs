//! `nonlin predict`: a saved model on new rows.

use super::table_args::ReadArgs;
use clap::Args;
use nonlin::data::notes::name_list;
use nonlin::error::{Error, Result};
use nonlin::run::{predict, PredictConfig};
use std::io::Write;
use std::path::PathBuf;

/// Where the model, the rows and the predictions are.
#[derive(Debug, Clone, Args)]
pub struct PredictArgs {
    /// A model written by `nonlin train` or `nonlin compare` (model.safetensors).
    #[arg(long, value_name = "PATH")]
    pub model: PathBuf,
    /// The rows: every raw feature column the model was trained on, in any
    /// order, read as training reads (delimiter, decimal comma and header
    /// detected); other columns (the target too) are ignored.
    #[arg(long, value_name = "PATH")]
    pub data: PathBuf,
    #[command(flatten)]
    pub read: ReadArgs,
    /// Write the predictions to this file (atomically) instead of stdout.
    #[arg(long, value_name = "PATH")]
    pub out: Option<PathBuf>,
    /// Replace an existing --out file.
    #[arg(long)]
    pub force: bool,
    /// A binary model's decision threshold instead of the one stored in the
    /// model (0.5 unless chosen otherwise): label positive iff probability
    /// > F.
    #[arg(long, value_name = "F")]
    pub threshold: Option<f32>,
}

pub fn run(args: &PredictArgs) -> Result<()> {
    let p = predict::run(&PredictConfig {
        model: args.model.clone(),
        data: args.data.clone(),
        read: args.read.read_options()?,
        out: args.out.clone(),
        force: args.force,
        threshold: args.threshold,
    })?;
    for note in &p.notes {
        eprintln!("{note}");
    }
    if !p.ignored_columns.is_empty() {
        eprintln!(
            "note: ignoring {} column(s) the model does not use: {}",
            p.ignored_columns.len(),
            name_list(&p.ignored_columns, 20)
        );
    }
    eprintln!("note: {}", p.meaning());
    match &args.out {
        Some(out) => eprintln!("Wrote {} predictions to {}", p.len(), out.display()),
        None => {
            let mut stdout = std::io::stdout().lock();
            stdout
                .write_all(p.to_csv().as_bytes())
                .and_then(|_| stdout.flush())
                .map_err(|e| Error::io("<stdout>", "write", e))?;
        }
    }
    Ok(())
}
