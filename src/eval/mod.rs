//! Evaluation: metrics and statistics.
