//! `nonlin compare` (and the bare `nonlin`): several models, one split, one
//! table — the tutorial's experiment by default.

use super::args::{DataArgs, OutputArgs, TrainArgs};
use super::console::Console;
use crate::data::{Dataset, Prepared, ScalingMode};
use crate::error::{Error, Result};
use crate::experiment::{self, ModelSpec, SummaryRow, TrainedModel};
use crate::io::{Checkpoint, OutputDir, Staged};
use crate::model::{Architecture, Network};
use crate::train::TrainConfig;
use clap::Args;

#[derive(Debug, Clone, Args)]
pub struct CompareArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// Fit the scaler on the training rows only (compare follows the tutorial
    /// and fits on all rows before the split unless this is given).
    #[arg(long, conflicts_with = "scale_before_split")]
    pub scale_train_only: bool,
    /// Compare these models instead of the tutorial's three: hidden-layer
    /// specs such as `5-relu` or `16-tanh-8-elu` (repeatable).
    #[arg(long = "arch", value_name = "SPEC")]
    pub archs: Vec<String>,
    #[command(flatten)]
    pub train: TrainArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

impl CompareArgs {
    pub fn scaling(&self) -> ScalingMode {
        if self.scale_train_only {
            ScalingMode::TrainOnly
        } else {
            ScalingMode::BeforeSplit
        }
    }
}

/// What was trained, ready to be written.
pub struct RunResult {
    pub models: Vec<TrainedModel>,
    pub logs: Vec<Vec<String>>,
    pub summary: Vec<SummaryRow>,
}

/// A short description of the data for the console and the report.
pub fn data_summary(ds: &Dataset, p: &Prepared) -> Vec<(String, String)> {
    let pct = |k: usize, n: usize| format!("{k}/{n} ({:.1}%)", 100.0 * k as f64 / n as f64);
    vec![
        ("data".into(), ds.source.clone()),
        (
            "rows".into(),
            format!(
                "{} ({} features, target '{}')",
                ds.n_rows(),
                ds.n_features(),
                ds.target
            ),
        ),
        ("positives".into(), pct(ds.n_positive(), ds.n_rows())),
        (
            "split".into(),
            format!(
                "{} train / {} test (test_size {}, seed {}{})",
                p.train.n,
                p.test.n,
                p.options.test_size,
                p.options.split_seed,
                if p.options.stratify {
                    ", stratified"
                } else {
                    ""
                }
            ),
        ),
        (
            "train positives".into(),
            pct(p.train.n_positive(), p.train.n),
        ),
        ("test positives".into(), pct(p.test.n_positive(), p.test.n)),
        ("scaling".into(), p.options.scaling.describe().into()),
    ]
}

/// Trains each model in turn, printing the tutorial's log lines.
pub fn train_models(
    specs: &[ModelSpec],
    p: &Prepared,
    config: &TrainConfig,
    seed: u64,
    init: Option<&Network>,
    console: &Console,
) -> Result<RunResult> {
    let mut models = Vec::new();
    let mut logs = Vec::new();
    for spec in specs {
        console.say(&format!(
            "\n== {} — {} — {} ==",
            spec.name,
            spec.arch,
            spec.arch.torch_repr()
        ));
        let mut lines = Vec::new();
        let m = experiment::train_one(
            spec,
            p,
            config,
            seed,
            init.cloned(),
            console.epoch_logger(&mut lines),
        )?;
        if let Some(stop) = m.history.stopped_epoch {
            console.say(&format!(
                "Early stopping after epoch {stop}; restored the weights of epoch {}",
                m.history.best_epoch.unwrap_or(stop)
            ));
        }
        models.push(m);
        logs.push(lines);
    }
    let summary = models.iter().map(SummaryRow::of).collect();
    Ok(RunResult {
        models,
        logs,
        summary,
    })
}

/// History files and the checkpoint (`model.safetensors`, replaced only
/// with `force`) of one model, under `prefix` ("" or "name/").
pub fn stage_model(
    staged: &mut Staged,
    prefix: &str,
    m: &TrainedModel,
    p: &Prepared,
    force: bool,
) -> Result<()> {
    staged.add(format!("{prefix}history.csv"), m.history.to_csv());
    staged.add(
        format!("{prefix}history.json"),
        m.history.to_json(&m.name, &m.net.arch.to_string()),
    );
    let ckpt = Checkpoint::new(m.net.clone(), p).to_bytes()?;
    staged.add_guarded(format!("{prefix}model.safetensors"), ckpt, force);
    Ok(())
}

pub fn run(args: &CompareArgs) -> Result<()> {
    let console = Console {
        quiet: args.output.quiet,
        every: args.output.log_every,
    };
    let (ds, p) = args.data.prepared(args.scaling())?;
    let config = args.train.config(&p.train.y)?;
    let specs: Vec<ModelSpec> = if args.archs.is_empty() {
        experiment::tutorial_models(ds.n_features())
    } else {
        args.archs
            .iter()
            .map(|s| {
                Architecture::parse_hidden(s, ds.n_features())
                    .map(|a| ModelSpec::new(&a.to_string(), a))
            })
            .collect::<Result<_>>()?
    };
    if let Some(dup) = specs
        .iter()
        .enumerate()
        .find(|(i, s)| specs[..*i].iter().any(|t| t.name == s.name))
    {
        return Err(Error::Config(format!(
            "model '{}' is listed twice",
            dup.1.name
        )));
    }
    for (k, v) in data_summary(&ds, &p) {
        console.say(&format!("{k:>16}: {v}"));
    }
    console.say(&format!(
        "{:>16}: {} for {} epochs, {}",
        "training",
        config.optimizer.describe(),
        config.epochs,
        batch_text(&config)
    ));
    let result = train_models(&specs, &p, &config, args.train.seed, None, &console)?;

    let table = experiment::text_table(
        &experiment::SUMMARY_HEADERS,
        &experiment::summary_cells(&result.summary),
    );
    console.say(&format!(
        "\nSummary ({})\n{table}",
        p.options.scaling.describe()
    ));

    let mut staged = Staged::default();
    for m in &result.models {
        stage_model(
            &mut staged,
            &format!("{}/", m.name),
            m,
            &p,
            args.output.force,
        )?;
    }
    staged.add("summary.csv", experiment::summary_csv(&result.summary));
    staged.add("summary.txt", table);
    let out = args
        .output
        .out
        .clone()
        .map(OutputDir::new)
        .unwrap_or_else(|| OutputDir::timestamped("compare"));
    staged.write_all(&out)?;
    println!("Wrote {}", out.path.display());
    Ok(())
}

/// "full batch" or "mini-batches of N".
pub fn batch_text(config: &TrainConfig) -> String {
    match config.batch_size {
        Some(b) => format!("mini-batches of {b}"),
        None => "full batch".into(),
    }
}
