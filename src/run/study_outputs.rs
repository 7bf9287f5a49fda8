//! The files of a study: tables, JSON and the accuracy/MCC figure, staged in
//! memory and written only when everything succeeded.

use super::event::Observer;
use crate::error::{Error, Result};
use crate::eval::study::StudyResult;
use crate::io::{OutputDir, Staged};
use crate::report::png::svg_to_png;
use std::path::PathBuf;

/// Every output file of a study, in memory.
pub fn stage(result: &StudyResult, plots: bool) -> Result<Staged> {
    let mut staged = Staged::default();
    staged.add("study.md", result.to_markdown());
    staged.add("study.csv", result.summary_csv());
    staged.add("folds.csv", result.folds_csv());
    staged.add("comparisons.csv", result.comparisons_csv());
    staged.add("study.json", result.to_json());
    if plots {
        let svg = result.accuracy_mcc_svg(1200, 800);
        let png = svg_to_png(&svg, 2400, 800)
            .map_err(|e| Error::Config(format!("cannot render accuracy_mcc.png: {e}")))?;
        staged.add("accuracy_mcc.svg", svg);
        staged.add("accuracy_mcc.png", png);
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
