//! `nonlin study`: repeated stratified k-fold cross-validation of several
//! models on the same folds, with confidence intervals and paired tests.

use super::args::{DataArgs, TrainArgs};
use crate::error::{Error, Result};
use crate::eval::study::{
    default_models, run_study, ExperimentFile, InitSeeds, StudyConfig, StudyResult,
};
use crate::experiment::ModelSpec;
use crate::io::{OutputDir, Staged};
use crate::model::init::InitRng;
use crate::model::Architecture;
use crate::report::png::svg_to_png;
use crate::report::study as study_report;
use clap::Args;
use std::io::IsTerminal;
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
    /// Repetitions of the k-fold cross-validation, each with new folds (default 10).
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
    let used = [
        ("--test-size", d.test_size != 0.2),
        ("--split-seed", d.split_seed != 10),
        ("--stratify", d.stratify),
        ("--scale-before-split", d.scale_before_split),
    ];
    if let Some((flag, _)) = used.iter().find(|(_, u)| *u) {
        return Err(Error::Config(format!(
            "{flag} does not apply to `study`: it cross-validates with stratified \
             folds (--folds, --repeats) and fits the scaler on each training fold"
        )));
    }
    Ok(())
}

/// The study configuration from the arguments and the data set's width.
pub fn study_config(args: &StudyArgs, y: &[f32], d: usize) -> Result<StudyConfig> {
    reject_split_flags(&args.data)?;
    let mut seed = args.train.seed.unwrap_or(0);
    let (mut repeats, mut folds) = (10, 5);
    let models: Vec<ModelSpec> = if let Some(path) = &args.experiment {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, "read", e))?;
        let file = ExperimentFile::parse(&text, &path.display().to_string())?;
        repeats = file.repeats.unwrap_or(repeats);
        folds = file.folds.unwrap_or(folds);
        if args.train.seed.is_none() {
            seed = file.seed.unwrap_or(0);
        }
        file.model_specs(d)?
    } else if args.archs.is_empty() {
        default_models(d)
    } else {
        let mut specs: Vec<ModelSpec> = Vec::new();
        for s in &args.archs {
            let a = Architecture::parse_hidden(s, d)?;
            let name = a.to_string();
            if specs.iter().any(|t| t.name == name) {
                return Err(Error::Config(format!("model '{name}' is listed twice")));
            }
            specs.push(ModelSpec::new(&name, a));
        }
        specs
    };
    let repeats = args.repeats.unwrap_or(repeats);
    let folds = args.folds.unwrap_or(folds);
    if repeats == 0 {
        return Err(Error::Config("--repeats must be at least 1".into()));
    }
    let auto = args.train.pos_weight.as_deref() == Some("auto");
    let mut config = StudyConfig::new(models, args.train.config(y)?, seed);
    config.init_rng = args.train.init_rng.map_or(InitRng::ChaCha8, InitRng::from);
    config.repeats = repeats;
    config.folds = folds;
    config.auto_pos_weight = auto;
    if let Some(s) = args.fixed_init {
        config.init = InitSeeds::Fixed(s);
    }
    Ok(config)
}

/// Every output file of a study, in memory.
pub fn stage_outputs(result: &StudyResult, plots: bool) -> Result<Staged> {
    let mut staged = Staged::default();
    staged.add("study.md", study_report::to_markdown(result));
    staged.add("study.csv", study_report::summary_csv(result));
    staged.add("folds.csv", study_report::folds_csv(result));
    staged.add("comparisons.csv", study_report::comparisons_csv(result));
    staged.add("study.json", study_report::to_json(result));
    if plots {
        let svg = study_report::accuracy_mcc_svg(result, 1200, 800);
        let png = svg_to_png(&svg, 2400, 800)
            .map_err(|e| Error::Config(format!("cannot render accuracy_mcc.png: {e}")))?;
        staged.add("accuracy_mcc.svg", svg);
        staged.add("accuracy_mcc.png", png);
    }
    Ok(staged)
}

pub fn run(args: &StudyArgs) -> Result<()> {
    let ds = args.data.dataset()?;
    let config = study_config(args, &ds.y, ds.n_features())?;
    let say = |s: &str| {
        if !args.quiet {
            println!("{s}");
        }
    };
    let pool = {
        let mut b = rayon::ThreadPoolBuilder::new();
        if let Some(n) = args.threads {
            if n == 0 {
                return Err(Error::Config("--threads must be at least 1".into()));
            }
            b = b.num_threads(n);
        }
        b.build()
            .map_err(|e| Error::Config(format!("cannot start the worker threads: {e}")))?
    };
    let total = config.n_runs();
    let bar = (!args.quiet && std::io::stderr().is_terminal()).then(|| {
        let pb = indicatif::ProgressBar::new(total as u64);
        pb.set_style(
            indicatif::ProgressStyle::with_template(
                "{bar:40} {pos}/{len} runs, {elapsed} (eta {eta})",
            )
            .expect("a valid template"),
        );
        pb
    });
    let start = Instant::now();
    let result = pool.install(|| {
        run_study(&ds, &config, &|| {
            if let Some(pb) = &bar {
                pb.inc(1);
            }
        })
    });
    if let Some(pb) = &bar {
        pb.finish_and_clear();
    }
    let result = result?;
    let secs = start.elapsed().as_secs_f64();

    say(&format!("{:>10}: {}", "data", result.source));
    say(&format!(
        "{:>10}: {} rows, {} positive ({:.1}%), {} features",
        "rows",
        result.n_rows,
        result.n_positive,
        100.0 * result.n_positive as f64 / result.n_rows as f64,
        result.features.len()
    ));
    say(&format!(
        "{:>10}: {}",
        "design",
        study_report::design(&result)
    ));
    say(&format!(
        "{:>10}: {}",
        "training",
        study_report::training(&result)
    ));
    say(&format!(
        "{:>10}: {total} runs in {secs:.1} s on {} threads",
        "time",
        pool.current_num_threads()
    ));
    say(&format!(
        "\nTest metrics, mean [95% CI] over {} folds\n{}",
        result.repeats * result.folds,
        study_report::console_table(&result)
    ));
    say(&format!(
        "Paired comparisons of accuracy (corrected resampled t-test; MCC and ROC AUC in study.md)\n{}",
        study_report::sentences(&result, "accuracy")
    ));

    let staged = stage_outputs(&result, !args.no_plots)?;
    let out = args
        .out
        .clone()
        .map(OutputDir::new)
        .unwrap_or_else(|| OutputDir::timestamped("study"));
    staged.write_all(&out)?;
    println!("Wrote {}", out.path.display());
    Ok(())
}
