//! What `compare` and `train` share: announce the data and settings, train
//! the models with log lines and progress, then stage and write every output
//! (histories, figures, summary, report) only once all training succeeded.

use super::args::OutputArgs;
use super::console::Console;
use crate::data::{Dataset, Prepared};
use crate::error::Result;
use crate::experiment::{self, ModelSpec, SummaryRow, TrainedModel};
use crate::io::{Checkpoint, OutputDir, Staged};
use crate::model::init::InitRng;
use crate::model::Network;
use crate::report::figures::{self, Figure};
use crate::report::run_report::RunReport;
use crate::train::TrainConfig;

/// A run in progress: its data, settings and console.
pub struct Session<'a> {
    pub command: &'static str,
    pub console: Console,
    pub data: &'a Dataset,
    pub prepared: &'a Prepared,
    pub config: &'a TrainConfig,
    pub seed: u64,
    pub output: &'a OutputArgs,
    /// The random stream of the initial weights (when not loaded from a file).
    pub init_rng: InitRng,
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
        ("features".into(), ds.features.join(", ")),
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

/// The training settings as key/value pairs.
pub fn config_summary(config: &TrainConfig, seed: u64) -> Vec<(String, String)> {
    let mut kv = vec![
        ("optimizer".to_string(), config.optimizer.describe()),
        ("epochs".into(), config.epochs.to_string()),
        ("batches".into(), batch_text(config)),
        ("lr schedule".into(), config.schedule.describe()),
        (
            "loss".into(),
            match config.loss.pos_weight {
                Some(w) => format!("BCEWithLogitsLoss(pos_weight={w})"),
                None => "BCEWithLogitsLoss()".into(),
            },
        ),
        ("init seed".into(), seed.to_string()),
    ];
    if let Some(es) = config.early_stopping {
        kv.push((
            "early stopping".into(),
            format!(
                "patience {}, validation fraction {}",
                es.patience, es.validation_fraction
            ),
        ));
    }
    kv.push(("nonlin".into(), env!("CARGO_PKG_VERSION").to_string()));
    kv
}

/// "full batch" or "mini-batches of N".
pub fn batch_text(config: &TrainConfig) -> String {
    match config.batch_size {
        Some(b) => format!("mini-batches of {b}, reshuffled every epoch"),
        None => "full batch".into(),
    }
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

impl<'a> Session<'a> {
    pub fn new(
        command: &'static str,
        data: &'a Dataset,
        prepared: &'a Prepared,
        config: &'a TrainConfig,
        (seed, init_rng): (u64, InitRng),
        output: &'a OutputArgs,
    ) -> Session<'a> {
        let console = Console::new(output.quiet, output.log_every);
        Session {
            command,
            console,
            data,
            prepared,
            config,
            seed,
            output,
            init_rng,
        }
    }

    /// Announces, trains every model, then writes the outputs.
    pub fn run(&self, specs: &[ModelSpec], init: Option<&Network>) -> Result<()> {
        self.announce();
        let result = self.train_models(specs, init)?;
        self.finish(&result)
    }

    /// Prints the data summary and the training settings.
    pub fn announce(&self) {
        for (k, v) in data_summary(self.data, self.prepared) {
            self.console.say(&format!("{k:>16}: {v}"));
        }
        self.console.say(&format!(
            "{:>16}: {} for {} epochs, {}",
            "training",
            self.config.optimizer.describe(),
            self.config.epochs,
            batch_text(self.config)
        ));
    }

    /// Fails before any training when a model file of this run already
    /// exists in `--out` and `--force` was not given.
    pub fn check_outputs(&self, specs: &[ModelSpec]) -> Result<()> {
        let (Some(out), false) = (&self.output.out, self.output.force) else {
            return Ok(());
        };
        for spec in specs {
            let path = out
                .join(self.model_prefix(&spec.name, specs.len()))
                .join("model.safetensors");
            if path.exists() {
                return Err(crate::io::checkpoint::already_exists(&path));
            }
        }
        Ok(())
    }

    /// "" for the one model of `train`, "name/" for each model of `compare`.
    fn model_prefix(&self, name: &str, n_models: usize) -> String {
        if n_models == 1 && self.command == "train" {
            String::new()
        } else {
            format!("{name}/")
        }
    }

    /// Trains each model in turn, printing the tutorial's log lines.
    pub fn train_models(&self, specs: &[ModelSpec], init: Option<&Network>) -> Result<RunResult> {
        self.check_outputs(specs)?;
        let mut models = Vec::new();
        let mut logs = Vec::new();
        for spec in specs {
            self.console.say(&format!(
                "\n== {} — {} — {} ==",
                spec.name,
                spec.arch,
                spec.arch.torch_repr()
            ));
            let mut lines = Vec::new();
            let bar = self.console.progress(self.config.epochs, &spec.name);
            let m = experiment::train_one(
                spec,
                self.prepared,
                self.config,
                self.seed,
                Some(init.cloned().unwrap_or_else(|| {
                    Network::with_init(spec.arch.clone(), self.seed, self.init_rng)
                })),
                self.console.epoch_logger(&mut lines, &bar),
            )?;
            bar.finish_and_clear();
            if let Some(stop) = m.history.stopped_epoch {
                self.console.say(&format!(
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

    /// Prints the summary, then writes histories, figures, summary and
    /// report. With one model (`train`) its files go directly in the folder;
    /// with several (`compare`) each model gets a sub-folder.
    pub fn finish(&self, result: &RunResult) -> Result<()> {
        let cells = experiment::summary_cells(&result.summary);
        let table = experiment::text_table(&experiment::SUMMARY_HEADERS, &cells);
        self.console.say(&format!(
            "\nSummary ({})\n{table}",
            self.prepared.options.scaling.describe()
        ));

        let n = result.models.len();
        let mut staged = Staged::default();
        let mut figure_sections: Vec<(String, Vec<Figure>)> = Vec::new();
        let mut to_render: Vec<(String, Figure)> = Vec::new();
        let zoom = self.output.zoom;
        let plots = !self.output.no_plots;
        if plots && self.command != "train" {
            let figs = figures::comparison_figures(&result.models, zoom);
            to_render.extend(figs.iter().map(|f| (String::new(), f.clone())));
            figure_sections.push(("Comparison".into(), figs));
        }
        for m in &result.models {
            let prefix = self.model_prefix(&m.name, n);
            stage_model(&mut staged, &prefix, m, self.prepared, self.output.force)?;
            if plots {
                let figs = figures::model_figures(m, &self.prepared.test, zoom);
                to_render.extend(figs.iter().map(|f| (prefix.clone(), f.clone())));
                figure_sections.push((format!("{} — {}", m.name, m.net.arch.torch_repr()), figs));
            }
        }
        figures::stage_figures(&mut staged, &to_render)?;
        staged.add("summary.csv", experiment::summary_csv(&result.summary));
        staged.add("summary.txt", table);
        let report = RunReport {
            title: &format!("nonlin {}: {}", self.command, self.data.source),
            config: config_summary(self.config, self.seed),
            data: data_summary(self.data, self.prepared),
            summary_headers: experiment::SUMMARY_HEADERS
                .iter()
                .map(|s| s.to_string())
                .collect(),
            summary_rows: cells,
            figures: figure_sections,
            logs: result
                .models
                .iter()
                .map(|m| m.name.clone())
                .zip(result.logs.iter().cloned())
                .collect(),
        };
        staged.add("report.html", report.to_html());

        let out = self
            .output
            .out
            .clone()
            .map(OutputDir::new)
            .unwrap_or_else(|| OutputDir::timestamped(self.command));
        staged.write_all(&out)?;
        println!("Wrote {}", out.path.display());
        println!("Report: {}", out.path.join("report.html").display());
        Ok(())
    }
}
