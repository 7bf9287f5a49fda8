//! Outputs a person looks at: charts (SVG/PNG), the figures of a run, and
//! the HTML report.

pub mod chart;
pub mod figures;
pub mod html;
pub mod png;
pub mod run_report;
pub mod summary_table;
