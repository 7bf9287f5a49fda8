//! `nonlin predict`: a saved model on new rows.

use clap::Args;
use nonlin::data::notes::name_list;
use nonlin::data::{Delimiter, ReadOptions};
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
    /// Cell delimiter of --data: one character (`,` `;` `|`), `tab`, or
    /// `space` (runs of spaces). Default: detected.
    #[arg(long, value_name = "D", value_parser = parse_delimiter)]
    pub delimiter: Option<Delimiter>,
    /// Decimal separator of --data: `.` or `,` (`1,83`). Default: detected.
    #[arg(long, value_name = "C", value_parser = parse_decimal)]
    pub decimal: Option<u8>,
    /// The first row of --data is a header (default: detected).
    #[arg(long, conflicts_with = "no_header")]
    pub header: bool,
    /// --data has no header row: its columns are named c0, c1, … in file order.
    #[arg(long)]
    pub no_header: bool,
    /// Write the predictions to this file (atomically) instead of stdout.
    #[arg(long, value_name = "PATH")]
    pub out: Option<PathBuf>,
    /// Replace an existing --out file.
    #[arg(long)]
    pub force: bool,
}

fn parse_delimiter(s: &str) -> std::result::Result<Delimiter, String> {
    Delimiter::parse(s).ok_or_else(|| {
        format!("'{s}' is not a delimiter; use one character (',' ';' '|'), 'tab' or 'space'")
    })
}

fn parse_decimal(s: &str) -> std::result::Result<u8, String> {
    match s {
        "." => Ok(b'.'),
        "," => Ok(b','),
        _ => Err(format!("'{s}' is not a decimal separator; use '.' or ','")),
    }
}

pub fn run(args: &PredictArgs) -> Result<()> {
    let p = predict::run(&PredictConfig {
        model: args.model.clone(),
        data: args.data.clone(),
        read: ReadOptions {
            delimiter: args.delimiter,
            decimal: args.decimal,
            header: match (args.header, args.no_header) {
                (true, _) => Some(true),
                (_, true) => Some(false),
                _ => None,
            },
        },
        out: args.out.clone(),
        force: args.force,
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
        Some(out) => eprintln!(
            "Wrote {} predictions to {}",
            p.probabilities.len(),
            out.display()
        ),
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
