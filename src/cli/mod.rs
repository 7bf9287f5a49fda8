//! The command line: argument definitions (clap) and one file per
//! subcommand. Each subcommand parses its arguments into library types, calls
//! the library, and prints.

pub mod args;
pub mod compare;
pub mod console;
pub mod predict;
pub mod session;
pub mod study;
pub mod train;

use crate::error::Result;
use clap::{Parser, Subcommand};

/// Train small neural networks on tabular data, fast, and see what
/// non-linear activations do. With no subcommand, runs `compare`: the
/// Heart Failure tutorial's three models on the embedded data set.
#[derive(Debug, Parser)]
#[command(name = "nonlin", version, about, long_about = None, args_conflicts_with_subcommands = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Without a subcommand, the flags of `compare` apply.
    #[command(flatten)]
    pub compare: compare::CompareArgs,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Train several models on the same split and compare them (the default).
    Compare(compare::CompareArgs),
    /// Train one model on any numeric CSV.
    Train(train::TrainCmdArgs),
    /// Predict on new rows with a saved model (CSV `row,probability,label`).
    ///
    /// Writes CSV `row,probability,label` to stdout, or to --out. `row` is the
    /// 1-based number of the data row (1 = the first row after the header;
    /// blank lines are not counted); `probability` is P(target = positive
    /// label) as float32, printed exactly; `label` is the predicted raw target
    /// value (positive iff probability > the model's threshold, 0.5).
    Predict(predict::PredictArgs),
    /// Repeated stratified cross-validation of several models, with confidence intervals.
    Study(study::StudyArgs),
}

/// Runs the parsed command line.
pub fn run(cli: Cli) -> Result<()> {
    match cli.command {
        None => compare::run(&cli.compare),
        Some(Command::Compare(a)) => compare::run(&a),
        Some(Command::Train(a)) => train::run(&a),
        Some(Command::Predict(a)) => predict::run(&a),
        Some(Command::Study(a)) => study::run(&a),
    }
}
