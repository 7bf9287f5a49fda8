//! Evaluation: predictions, metrics, statistics and cross-validation studies.

pub mod calibration;
pub mod decision_curve;
pub mod importance;
pub mod least_squares;
pub mod metrics;
pub mod multiclass;
pub mod predict;
pub mod stats;
pub mod study;
pub mod summary;
pub mod threshold;
pub mod trust;

pub use least_squares::LeastSquares;
pub use multiclass::{multiclass_metrics, MulticlassMetrics};
