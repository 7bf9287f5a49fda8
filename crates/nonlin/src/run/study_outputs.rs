//! The files of a study: tables, JSON and the accuracy/MCC figure, staged in
//! memory and written only when everything succeeded.

use super::event::Observer;
use crate::error::{Error, Result};
use crate::eval::study::StudyResult;
use crate::io::{OutputDir, Staged};
use crate::report::png::svg_to_png;
use crate::report::study as study_report;
use std::path::PathBuf;

/// Every output file of a study, in memory. The figure's PNG renders on
/// the thread pool while this thread writes the tables and the JSON.
pub fn stage(result: &StudyResult, plots: bool) -> Result<Staged> {
    let svg = plots.then(|| study_report::accuracy_mcc_svg(result, 1200, 800));
    let (png, mut staged) = rayon::join(
        || {
            svg.as_deref().map(|svg| {
                svg_to_png(svg, 2400, 800)
                    .map_err(|e| Error::Config(format!("cannot render accuracy_mcc.png: {e}")))
            })
        },
        || {
            let mut staged = Staged::default();
            staged.add("study.md", study_report::to_markdown(result));
            staged.add("study.csv", study_report::summary_csv(result));
            staged.add("folds.csv", study_report::folds_csv(result));
            staged.add("comparisons.csv", study_report::comparisons_csv(result));
            staged.add("study.json", study_report::to_json(result));
            if !result.importance.is_empty() {
                staged.add("importance.csv", study_report::importance_csv(result));
            }
            staged
        },
    );
    if let (Some(svg), Some(png)) = (svg, png) {
        staged.add("accuracy_mcc.svg", svg);
        staged.add("accuracy_mcc.png", png?);
    }
    Ok(staged)
}

/// Stages and writes the study's files into `dir` (or a new
/// `runs/study-<time>/`); returns the folder.
pub fn write_study(
    result: &StudyResult,
    dir: Option<PathBuf>,
    plots: bool,
    obs: &mut dyn Observer,
) -> Result<PathBuf> {
    let staged = stage(result, plots)?;
    let dir = dir
        .map(OutputDir::new)
        .unwrap_or_else(|| OutputDir::timestamped("study"));
    super::outputs::write(&staged, &dir, obs)
}
