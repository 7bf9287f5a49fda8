//! Evaluation: predictions, metrics and statistics.

pub mod metrics;
pub mod predict;
pub mod stats;
