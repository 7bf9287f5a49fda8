//! `nonlin synth`: write the synthetic scale-test table.

use clap::Args;
use nonlin::data::{synth, Task};
use nonlin::error::{Error, Result};
use std::path::PathBuf;

/// How many rows, where, and from which seed.
#[derive(Debug, Clone, Args)]
pub struct SynthArgs {
    /// Number of data rows (after the header).
    #[arg(long, value_name = "N")]
    pub rows: usize,
    /// The CSV file to write (`x0,…,x11,label`).
    #[arg(long, value_name = "PATH")]
    pub out: PathBuf,
    /// Seed of the random stream: the same seed gives the same bytes.
    #[arg(long, value_name = "S", default_value_t = 0)]
    pub seed: u64,
    /// The target the `label` column holds: `binary` (0/1, the default),
    /// `multiclass` (the decile of the noisy score, classes 0–9) or
    /// `regression` (the noisy score itself).
    #[arg(long, value_name = "TASK", default_value = "binary")]
    pub task: String,
    /// Replace an existing --out file.
    #[arg(long)]
    pub force: bool,
}

pub fn run(args: &SynthArgs) -> Result<()> {
    if args.out.exists() && !args.force {
        return Err(Error::Config(format!(
            "{} already exists (use --force to replace it)",
            args.out.display()
        )));
    }
    let task = Task::parse(&args.task)?.ok_or_else(|| {
        Error::invalid(
            "task",
            "must be binary, multiclass or regression, got 'auto'",
        )
    })?;
    synth::write_task_file(&args.out, args.rows, args.seed, task)?;
    eprintln!(
        "Wrote {} rows ({} features, {task} target '{}') to {}",
        args.rows,
        synth::FEATURES,
        synth::TARGET,
        args.out.display()
    );
    Ok(())
}
