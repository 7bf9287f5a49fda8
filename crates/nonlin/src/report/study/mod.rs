//! A study's outputs: Markdown, CSV, JSON, the console table, the sentences
//! of the paired comparisons and the strip plots of a [`StudyResult`].
//! Nothing here depends on time or thread count.
//!
//! `text` holds the words (Markdown, console table, design and training
//! lines), `csv` the three tables, `json` the whole result and `strip` the
//! per-fold strip/box plots.

mod csv;
mod json;
mod strip;
mod text;

pub use csv::{comparisons_csv, folds_csv, importance_csv, summary_csv};
pub use json::to_json;
pub use strip::{accuracy_mcc_svg, strip_svg};
pub use text::{
    console_table, design, main_comparison, rows_line, sentences, to_markdown, training,
};

use crate::eval::study::{metric_info, Comparison, MetricInfo, StudyResult};
use crate::report::comparison_text::describe_difference_of;

/// The plain-words sentence of a comparison, e.g. `model_0 vs logistic:
/// +0.8 points accuracy, 95% CI [−1.8, 3.5], p = 0.49 — no evidence of a
/// difference` (percentages are compared in points).
pub fn sentence(c: &Comparison) -> String {
    let info = metric_info(c.metric);
    let words = match info {
        Some(info) if info.percent => format!("points {}", info.label),
        Some(info) => info.label.to_string(),
        None => c.metric.to_string(),
    };
    let higher_is_better = info.is_none_or(|i| i.higher_is_better);
    describe_difference_of(&c.a, &c.b, &c.test, &words, higher_is_better)
}

/// `value` as displayed for `info`: percentages ×100 with 2 decimals, others
/// with 3 (losses 4).
pub(super) fn shown(info: &MetricInfo, v: f64) -> String {
    if v.is_nan() {
        "n/a".into()
    } else if info.percent {
        format!("{:.2}", v * 100.0)
    } else if info.key.ends_with("loss") {
        format!("{v:.4}")
    } else {
        format!("{v:.3}")
    }
}

pub(super) fn unit_suffix(info: &MetricInfo) -> &'static str {
    if info.percent {
        " (%)"
    } else {
        ""
    }
}

/// `mean [ci_low, ci_high]` of `model` on `info`, or `n/a`.
pub(super) fn mean_ci(study: &StudyResult, model: &str, info: &MetricInfo) -> String {
    match study.summary(model, info.key) {
        Some(s) => format!(
            "{} [{}, {}]",
            shown(info, s.mean),
            shown(info, s.ci_low),
            shown(info, s.ci_high)
        ),
        None => "n/a".into(),
    }
}
