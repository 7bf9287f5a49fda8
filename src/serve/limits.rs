//! The server's caps (what one request may ask for, and how much it keeps)
//! and its cadence.

use std::time::Duration;

/// Time between two batches of epochs on a run's stream (and the least
/// time between two live snapshots).
pub const FLUSH_EVERY: Duration = Duration::from_millis(40);

/// Trainings and studies that may run at once, unless told otherwise.
pub const DEFAULT_MAX_RUNS: usize = 4;

/// Every cap, in one place (`/api/meta` shows them to the page).
#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct Limits {
    /// Largest CSV upload, in bytes.
    pub upload_bytes: usize,
    /// Largest JSON request body (settings), in bytes.
    pub json_bytes: usize,
    /// Largest table: rows × columns.
    pub cells: usize,
    pub epochs: usize,
    pub hidden_layers: usize,
    pub width: usize,
    /// The most classes a multiclass target may be raised to
    /// (`max_classes`; the library's default is 100).
    pub classes: usize,
    /// Trainings and studies running at once; more get HTTP 429.
    pub concurrent_runs: usize,
    /// Finished runs kept for download and the decision view.
    pub kept_runs: usize,
    /// Uploaded tables kept.
    pub kept_uploads: usize,
    pub study_models: usize,
    pub study_repeats: usize,
    pub study_folds: usize,
    pub study_epochs: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            upload_bytes: 8 << 20,
            json_bytes: 256 << 10,
            cells: 2_000_000,
            epochs: 100_000,
            hidden_layers: 8,
            width: 512,
            classes: 1000,
            concurrent_runs: DEFAULT_MAX_RUNS,
            kept_runs: 32,
            kept_uploads: 8,
            study_models: 6,
            study_repeats: 20,
            study_folds: 10,
            study_epochs: 10_000,
        }
    }
}
