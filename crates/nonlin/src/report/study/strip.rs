//! A study's per-fold strip/box plots: one metric, or the task's two
//! compared metrics side by side (`accuracy_mcc.svg` for a binary study:
//! accuracy and MCC).

use super::unit_suffix;
use crate::data::Task;
use crate::eval::study::{compared_of, fold_values, metric_info, StudyResult};
use crate::report::chart::{strip_box_svg, StripGroup};

/// Strip/box plot of per-fold values of `metric` (percentages ×100).
pub fn strip_svg(study: &StudyResult, metric: &str, width: u32, height: u32) -> String {
    let info = metric_info(metric).expect("a known metric");
    let scale = if info.percent { 100.0 } else { 1.0 };
    let groups: Vec<StripGroup> = study
        .models
        .iter()
        .map(|m| StripGroup {
            name: m.name.clone(),
            values: fold_values(&study.records, &m.name, metric)
                .into_iter()
                .map(|v| v * scale)
                .collect(),
        })
        .collect();
    let title = format!(
        "Test {} per fold ({} × {}-fold CV)",
        info.label, study.repeats, study.folds
    );
    strip_box_svg(
        &title,
        &format!("test {}{}", info.label, unit_suffix(&info)),
        &groups,
        width,
        height,
    )
}

/// `accuracy_mcc.svg`: the accuracy and MCC strip plots side by side (for
/// another task its two compared metrics: accuracy and macro-F1, RMSE and
/// MAE), each `width`×`height`, in one `2·width`×`height` document.
pub fn accuracy_mcc_svg(study: &StudyResult, width: u32, height: u32) -> String {
    let mut s = format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{w2}" height="{height}" viewBox="0 0 {w2} {height}"><rect width="{w2}" height="{height}" fill="#ffffff"/>"##,
        w2 = 2 * width
    );
    let metrics: [&str; 2] = match study.task {
        Task::Binary => ["accuracy", "mcc"],
        task => [compared_of(task)[0], compared_of(task)[1]],
    };
    for (i, metric) in metrics.into_iter().enumerate() {
        let inner = strip_svg(study, metric, width, height);
        let x = i as u32 * width;
        // Position the standalone document as a nested <svg>.
        let inner = inner.replacen("<svg ", &format!("<svg x=\"{x}\" y=\"0\" "), 1);
        s += &inner;
    }
    s + "</svg>"
}
