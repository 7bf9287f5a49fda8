//! The command line: argument definitions (clap), one file per subcommand,
//! and the console observer. Each subcommand turns its flags into a library
//! run configuration, calls the library's pipeline, and prints.

mod args;
mod compare;
mod console;
mod predict;
#[cfg(feature = "serve")]
mod serve;
mod study;
mod synth;
mod table_args;
mod train;

pub use args::Flags;
use args::{DataArgs, OutputArgs};
use clap::{Parser, Subcommand};
use console::Console;
use nonlin::error::Result;
use nonlin::eval::summary::Summaries;
use nonlin::report::summary_table::SummaryTable;
use nonlin::run::describe::target_line;
use nonlin::run::{outputs, Cancel, Plan, RunConfig};

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
    /// Train one model on any CSV (text columns, missing values, any two labels).
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
    /// The playground: train in the browser and watch the curves (127.0.0.1 by default).
    #[cfg(feature = "serve")]
    Serve(serve::ServeArgs),
    /// Write a deterministic synthetic table (12 normal features, non-linear label) for scale tests.
    Synth(synth::SynthArgs),
}

/// Runs the parsed command line.
pub fn run(cli: Cli) -> Result<()> {
    match cli.command {
        None => compare::run(&cli.compare),
        Some(Command::Compare(a)) => compare::run(&a),
        Some(Command::Train(a)) => train::run(&a),
        Some(Command::Predict(a)) => predict::run(&a),
        Some(Command::Study(a)) => study::run(&a),
        #[cfg(feature = "serve")]
        Some(Command::Serve(a)) => crate::serve::run(a.options()),
        Some(Command::Synth(a)) => synth::run(&a),
    }
}

/// `train` and `compare`: read the data, refuse to start when a model file
/// would be overwritten, train with console output, print the summary and
/// write every file.
fn run_split(data: &DataArgs, config: RunConfig, output: &OutputArgs) -> Result<()> {
    let ds = data.data_config()?.load()?;
    let plan = Plan::new(ds, &config)?;
    let opts = output.options();
    opts.check_free(config.kind, &plan.model_names())?;
    // Notes once nothing can fail before training: an error stands alone.
    let mut console = Console::new(output.quiet, output.log_every);
    let target = target_line(plan.task, &plan.labels, &plan.classes);
    console.data_notes(&plan.data_notes, target, data.data.is_some());
    console.notes(&plan.split_notes);
    let result = plan.run(&mut console, &Cancel::new())?;
    let summary = Summaries::of(&result.models, &result.prepared.test, result.task);
    console.say(&format!(
        "\nSummary ({})\n{}",
        result.prepared.options.scaling.describe(),
        SummaryTable::new(&summary).text()
    ));
    let dir = outputs::write_run(&result, &opts, &mut console)?;
    println!("Wrote {}", dir.display());
    println!("Report: {}", dir.join("report.html").display());
    Ok(())
}
