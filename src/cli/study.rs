//! `nonlin study`: repeated stratified k-fold cross-validation of several
//! models on the same folds, with confidence intervals and paired tests.

use super::args::{DataArgs, TrainArgs};
use super::console::Console;
use clap::Args;
use nonlin::error::{setting, Error, Result};
use nonlin::report::study as study_report;
use nonlin::run::describe::target_line;
use nonlin::run::{
    study, study_outputs, Cancel, ExperimentFile, ModelDef, StudyConfig, StudySettings,
};
use std::path::PathBuf;
use std::time::Instant;

#[derive(Debug, Clone, Args)]
#[command(after_help = "\
--seed is the study seed: it picks the folds of every repeat and, unless --fixed-init is \
given, the initialisation of every (repeat, fold, model) run. An experiment file's `seed` \
is used when --seed is not given; --repeats and --folds override the file's values.\n\
\n\
Baselines `logistic` (no hidden layer, same training) and `majority` (the training fold's \
majority class) are always added. Results do not depend on --threads.")]
pub struct StudyArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// Repetitions of the k-fold cross-validation (default 10).
    #[arg(long)]
    pub repeats: Option<usize>,
    /// Folds per repetition (default 5).
    #[arg(long)]
    pub folds: Option<usize>,
    /// Study these models instead of the default set: hidden-layer specs such
    /// as `5-relu` or `16-tanh-8-elu` (repeatable; named by the full spec).
    #[arg(long = "arch", value_name = "SPEC", conflicts_with = "experiment")]
    pub archs: Vec<String>,
    /// A TOML experiment file: `[[model]]` tables with `name` and `arch`
    /// (hidden spec), optional `repeats`, `folds`, `seed`.
    #[arg(long, value_name = "PATH")]
    pub experiment: Option<PathBuf>,
    /// Use this initialisation seed for every run instead of one per
    /// (repeat, fold, model).
    #[arg(long, value_name = "SEED")]
    pub fixed_init: Option<u64>,
    /// Worker threads (default: one per core). Results do not depend on it.
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    /// Permutation importance on every held-out fold: shuffles a feature
    /// (default 10; 0 for none). Pooled in importance.csv and study.md.
    #[arg(long, value_name = "N")]
    pub importance_repeats: Option<usize>,
    /// Let a model see only some features: `NAME=a,b` (repeatable), e.g.
    /// `--model-features two=serum_creatinine,ejection_fraction` with a
    /// model named `two` (from --experiment, or the default set's names).
    #[arg(long, value_name = "NAME=A,B,...")]
    pub model_features: Vec<String>,
    #[command(flatten)]
    pub train: TrainArgs,
    /// Output folder (default: a new folder under runs/).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Print only errors and the output path.
    #[arg(long, short)]
    pub quiet: bool,
    /// Skip the figures.
    #[arg(long)]
    pub no_plots: bool,
}

/// DataArgs flags about a single train/test split have no meaning here.
fn reject_split_flags(d: &DataArgs) -> Result<()> {
    if let Some(field) = d.split(None).any() {
        return Err(Error::invalid(
            field,
            format!(
                "does not apply to `study`: it cross-validates with stratified folds ({}, {}) \
                 and fits the scaler on each training fold",
                setting("folds"),
                setting("repeats")
            ),
        ));
    }
    Ok(())
}

/// The study configuration from the arguments and the data set's width.
pub fn study_config(args: &StudyArgs, d: usize, outputs: usize) -> Result<StudyConfig> {
    reject_split_flags(&args.data)?;
    let experiment = match &args.experiment {
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, "read", e))?;
            Some(ExperimentFile::parse(&text, &path.display().to_string())?)
        }
        None => None,
    };
    StudySettings {
        models: args.archs.iter().map(|s| ModelDef::spec(s)).collect(),
        experiment,
        repeats: args.repeats,
        folds: args.folds,
        seed: args.train.seed,
        fixed_init: args.fixed_init,
        init_rng: args.train.init_rng.map(Into::into),
        train: args.train.settings()?,
        baselines: None,
        threads: args.threads,
        importance_repeats: args.importance_repeats,
        model_features: args
            .model_features
            .iter()
            .map(|m| model_features(m))
            .collect::<Result<_>>()?,
    }
    .config_for(d, outputs)
}

/// `NAME=a,b` → (`NAME`, [`a`, `b`]).
fn model_features(text: &str) -> Result<(String, Vec<String>)> {
    let bad = || {
        Error::invalid(
            "model_features",
            format!("must be NAME=COLUMN,COLUMN,..., got '{text}'"),
        )
    };
    let (name, columns) = text.split_once('=').ok_or_else(bad)?;
    let columns: Vec<String> = columns
        .split(',')
        .map(|c| c.trim().to_string())
        .filter(|c| !c.is_empty())
        .collect();
    if name.trim().is_empty() || columns.is_empty() {
        return Err(bad());
    }
    Ok((name.trim().to_string(), columns))
}

pub fn run(args: &StudyArgs) -> Result<()> {
    reject_split_flags(&args.data)?;
    let ds = args.data.data_config()?.load()?;
    let config = study_config(args, study::input_width(&ds)?, ds.outputs())?;
    let mut console = Console::new(args.quiet, 0);
    let target = target_line(ds.task, &ds.labels, &ds.classes);
    console.data_notes(&ds.notes, target, args.data.data.is_some());
    console.start_study(config.n_runs());
    let start = Instant::now();
    let result = study::run(&ds, &config, &mut console, &Cancel::new());
    console.finish();
    let result = result?;
    let secs = start.elapsed().as_secs_f64();
    let threads = args
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));

    console.say(&format!("{:>10}: {}", "data", result.source));
    console.say(&format!(
        "{:>10}: {}",
        "rows",
        study_report::rows_line(&result)
    ));
    console.say(&format!(
        "{:>10}: {}",
        "design",
        study_report::design(&result)
    ));
    console.say(&format!(
        "{:>10}: {}",
        "training",
        study_report::training(&result)
    ));
    console.say(&format!(
        "{:>10}: {} runs in {secs:.1} s on {threads} threads",
        "time",
        config.n_runs()
    ));
    console.say(&format!(
        "\nTest metrics, mean [95% CI] over {} folds\n{}",
        result.repeats * result.folds,
        study_report::console_table(&result)
    ));
    let (metric, heading) = study_report::main_comparison(&result);
    console.say(&format!(
        "{heading}\n{}",
        study_report::sentences(&result, metric)
    ));
    let dir = study_outputs::write_study(&result, args.out.clone(), !args.no_plots, &mut console)?;
    println!("Wrote {}", dir.display());
    Ok(())
}
