//! The command line: argument definitions (clap) and one file per
//! subcommand. Each subcommand parses its arguments into library types, calls
//! the library, and prints.

pub mod args;
pub mod compare;
pub mod console;
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
    /// Repeated stratified cross-validation of several models, with confidence intervals.
    Study(study::StudyArgs),
}

/// Runs the parsed command line.
pub fn run(cli: Cli) -> Result<()> {
    match cli.command {
        None => compare::run(&cli.compare),
        Some(Command::Compare(a)) => compare::run(&a),
        Some(Command::Train(a)) => train::run(&a),
        Some(Command::Study(a)) => study::run(&a),
    }
}
