//! Outputs a person looks at: charts (SVG/PNG) and the HTML report.

pub mod chart;
pub mod html;
pub mod png;
