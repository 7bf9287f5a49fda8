//! Outputs a person looks at: charts (SVG/PNG), the figures of a run, the
//! HTML report, a study's tables and plots, and the words of a comparison.

pub mod chart;
pub mod comparison_text;
pub mod figures;
pub mod html;
pub mod png;
pub mod regression_figures;
pub mod run_report;
pub mod study;
pub mod summary_table;
