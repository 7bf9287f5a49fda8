//! The files of a `train`/`compare` run: staged in memory, then written
//! (each atomically) only when everything succeeded.

use super::event::{Event, Observer};
use super::split_run::{RunKind, RunResult};
use crate::error::Result;
use crate::eval::summary::Summaries;
use crate::eval::trust::{assess, TrustOptions};
use crate::io::{checkpoint, Checkpoint, OutputDir, Staged};
use crate::report::figures::{self, Figure, FigureInputs};
use crate::report::run_report::RunReport;
use crate::report::summary_table::SummaryTable;
use crate::train::TrainedModel;
use std::path::{Path, PathBuf};

/// Where the files go and which are made.
#[derive(Debug, Clone, PartialEq)]
pub struct OutputOptions {
    /// The output folder; `None`: a new `runs/<kind>-<time>/`.
    pub dir: Option<PathBuf>,
    /// Replace existing model files.
    pub force: bool,
    /// Render figures (SVG and PNG).
    pub plots: bool,
    /// Accuracy axes follow the data instead of spanning 0–100%.
    pub zoom: bool,
    /// The report's log holds every `log_every`-th epoch (0: none).
    pub log_every: usize,
    /// Permutation importance, calibration and the decision curve of each
    /// model on the test split ([`crate::eval::trust`]).
    pub trust: TrustOptions,
}

impl Default for OutputOptions {
    fn default() -> OutputOptions {
        OutputOptions {
            dir: None,
            force: false,
            plots: true,
            zoom: false,
            log_every: OutputOptions::DEFAULT_LOG_EVERY,
            trust: TrustOptions::default(),
        }
    }
}

impl OutputOptions {
    /// The tutorial logs every 100 epochs.
    pub const DEFAULT_LOG_EVERY: usize = 100;

    /// Fails when a model file of these models already exists in the
    /// folder and `force` is off: checked before training, so a run that
    /// would be refused at the end does not train first.
    pub fn check_free(&self, kind: RunKind, models: &[&str]) -> Result<()> {
        let (Some(dir), false) = (&self.dir, self.force) else {
            return Ok(());
        };
        for name in models {
            let path = dir.join(model_prefix(kind, name)).join("model.safetensors");
            if path.exists() {
                return Err(checkpoint::already_exists(&path));
            }
        }
        Ok(())
    }

    /// The folder to write into.
    pub fn folder(&self, kind: &str) -> OutputDir {
        self.dir
            .clone()
            .map(OutputDir::new)
            .unwrap_or_else(|| OutputDir::timestamped(kind))
    }
}

/// "" for the one model of `train`, "name/" for each model of `compare`.
fn model_prefix(kind: RunKind, name: &str) -> String {
    match kind {
        RunKind::Train => String::new(),
        RunKind::Compare => format!("{name}/"),
    }
}

/// The log lines of every `every`-th epoch (the tutorial's print-out).
pub fn log_lines(m: &TrainedModel, every: usize) -> Vec<String> {
    if every == 0 {
        return Vec::new();
    }
    let h = &m.history;
    h.records
        .iter()
        .filter(|r| r.epoch % every == 0)
        .map(|r| h.log_line(r))
        .collect()
}

/// History files and the checkpoint (`model.safetensors`, replaced only
/// with `force`) of one model of `result`, under `prefix` ("" or "name/").
/// The checkpoint carries the run's preprocessing and its task: the labels
/// (binary), the classes in index order (multiclass) or the target's
/// scale (regression); see [`Checkpoint::for_task`].
pub fn stage_model(
    staged: &mut Staged,
    prefix: &str,
    m: &TrainedModel,
    result: &RunResult,
    opts: &OutputOptions,
) -> Result<()> {
    let force = opts.force;
    staged.add(format!("{prefix}history.csv"), m.history.to_csv());
    staged.add(
        format!("{prefix}history.json"),
        m.history.to_json(&m.name, &m.net.arch.to_string()),
    );
    let ckpt = Checkpoint::for_task(
        m.net.clone(),
        &result.prepared,
        result.preprocessing.clone(),
        result.labels.clone(),
        result.task,
        &result.classes,
    )?
    .to_bytes()?;
    staged.add_guarded(format!("{prefix}model.safetensors"), ckpt, force);
    if !result.split_is_empty() {
        let trust = assess(
            &m.net,
            result.task,
            &result.classes,
            &result.prepared,
            &result.preprocessing,
            &opts.trust,
        );
        for (name, table) in [
            ("importance.csv", trust.importance_csv()),
            ("calibration.csv", trust.calibration_csv()),
            ("decision_curve.csv", trust.decision_curve_csv()),
            ("classes.csv", trust.classes_csv()),
        ] {
            if let Some(table) = table {
                staged.add(format!("{prefix}{name}"), table);
            }
        }
    }
    Ok(())
}

/// Every file of a run, in memory: per model its history, checkpoint and
/// figures; the comparison figures (`compare`); `summary.csv`,
/// `summary.txt` and `report.html`. Figures and summary are in the run's
/// task's metrics ([`figures::model_figures`], [`SummaryTable`]). The PNGs
/// render on the thread pool while this thread stages the other files;
/// the order of the files does not depend on it.
pub fn stage(result: &RunResult, opts: &OutputOptions) -> Result<Staged> {
    use rayon::prelude::*;
    let inputs = FigureInputs {
        task: result.task,
        test: &result.prepared.test,
        classes: &result.classes,
        loss: &result.train.loss,
        target: &result.prepared.target,
        zoom: opts.zoom,
    };
    let mut figure_sections: Vec<(String, Vec<Figure>)> = Vec::new();
    let mut to_render: Vec<(String, Figure)> = Vec::new();
    if opts.plots && result.kind == RunKind::Compare {
        let figs = figures::comparison_figures(&result.models, &inputs);
        to_render.extend(figs.iter().map(|f| (String::new(), f.clone())));
        figure_sections.push(("Comparison".into(), figs));
    }
    if opts.plots {
        let per_model: Vec<Vec<Figure>> = result
            .models
            .par_iter()
            .map(|m| figures::model_figures(m, &inputs))
            .collect();
        for (m, figs) in result.models.iter().zip(per_model) {
            let prefix = model_prefix(result.kind, &m.name);
            to_render.extend(figs.iter().map(|f| (prefix.clone(), f.clone())));
            figure_sections.push((format!("{} — {}", m.name, m.net.arch.torch_repr()), figs));
        }
    }
    let (pngs, files) = rayon::join(
        || figures::render_pngs(&to_render),
        || stage_files(result, opts, figure_sections),
    );
    let (mut staged, tail) = files?;
    figures::add_figures(&mut staged, &to_render, pngs)?;
    staged.files.extend(tail.files);
    staged.no_replace.extend(tail.no_replace);
    Ok(staged)
}

/// The files of [`stage`] besides the figures: each model's history and
/// checkpoint (staged before the figures), and the summary and report
/// (after them).
fn stage_files(
    result: &RunResult,
    opts: &OutputOptions,
    figure_sections: Vec<(String, Vec<Figure>)>,
) -> Result<(Staged, Staged)> {
    let mut head = Staged::default();
    for m in &result.models {
        let prefix = model_prefix(result.kind, &m.name);
        stage_model(&mut head, &prefix, m, result, opts)?;
    }
    let mut tail = Staged::default();
    let summary = SummaryTable::new(&Summaries::of(
        &result.models,
        &result.prepared.test,
        result.task,
    ));
    tail.add("summary.csv", summary.csv.clone());
    tail.add("summary.txt", summary.text());
    let report = RunReport {
        title: &format!("nonlin {}: {}", result.kind.name(), result.source),
        config: result.settings.clone(),
        data: result.data_summary.clone(),
        summary_headers: summary.headers.iter().map(|s| s.to_string()).collect(),
        summary_rows: summary.rows,
        figures: figure_sections,
        logs: result
            .models
            .iter()
            .map(|m| (m.name.clone(), log_lines(m, opts.log_every)))
            .collect(),
    };
    tail.add("report.html", report.to_html());
    Ok((head, tail))
}

/// Writes staged files into `dir` and tells the observer.
pub fn write(staged: &Staged, dir: &OutputDir, obs: &mut dyn Observer) -> Result<PathBuf> {
    staged.write_all(dir)?;
    let files: Vec<String> = staged.files.iter().map(|(rel, _)| rel.clone()).collect();
    obs.on_event(&Event::Written {
        dir: Path::new(&dir.path),
        files: &files,
    });
    Ok(dir.path.clone())
}

/// Stages and writes every file of a finished run; returns the folder.
pub fn write_run(
    result: &RunResult,
    opts: &OutputOptions,
    obs: &mut dyn Observer,
) -> Result<PathBuf> {
    let staged = stage(result, opts)?;
    write(&staged, &opts.folder(result.kind.name()), obs)
}
