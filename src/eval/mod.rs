//! Evaluation: metrics and statistics.

pub mod metrics;
