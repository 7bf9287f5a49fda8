//! Evaluation: metrics and statistics.

pub mod metrics;
pub mod stats;
