//! Evaluation: metrics, statistics and cross-validation studies.

pub mod metrics;
pub mod stats;
pub mod study;
