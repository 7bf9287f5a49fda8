//! What the server holds between requests: the tables (the embedded one and
//! recent uploads), recent runs (for controls, downloads and the decision
//! view), and the permits that cap concurrent runs.

use super::control::Control;
use super::error::ApiError;
use super::limits::Limits;
use super::live::LiveState;
use super::request::Tables;
use super::wire::PageOptions;
use nonlin::data::Table;
use nonlin::run::RunResult;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// The id of the embedded Heart Failure table.
pub const HEART: &str = "heart";
/// The id of the table given with `--data`.
pub const START: &str = "start";

/// One run the page started.
#[derive(Debug, Default)]
pub struct RunSlot {
    pub control: Arc<Control>,
    /// The data and the latest snapshot of the network while it trains.
    pub live: Arc<LiveState>,
    /// Set when the training ends.
    pub result: OnceLock<RunResult>,
    /// The files `train` would write, staged on the first download.
    pub files: OnceLock<Vec<(String, Vec<u8>)>>,
}

/// Shared by every request.
pub struct AppState {
    pub limits: Limits,
    heart: Arc<Table>,
    /// The table of `--data` and its target (id `start`), if given.
    start: Option<(Arc<Table>, String)>,
    uploads: Mutex<BTreeMap<u64, Arc<Table>>>,
    runs: Mutex<BTreeMap<u64, Arc<RunSlot>>>,
    permits: Arc<Semaphore>,
    next_id: AtomicU64,
    /// The page's first data choices (`missing`, `positive`,
    /// `categorical`), from `nonlin serve`'s options.
    pub options: PageOptions,
}

impl AppState {
    /// `start`: the table of `--data` and its target, the page's default
    /// data instead of the embedded table.
    /// `options`: the page's first data choices.
    pub fn new(limits: Limits, start: Option<(Table, String)>, options: PageOptions) -> AppState {
        AppState {
            limits,
            heart: Arc::new(Table::heart_failure()),
            start: start.map(|(t, target)| (Arc::new(t), target)),
            uploads: Mutex::new(BTreeMap::new()),
            runs: Mutex::new(BTreeMap::new()),
            permits: Arc::new(Semaphore::new(limits.concurrent_runs)),
            next_id: AtomicU64::new(1),
            options,
        }
    }

    pub fn next_id(&self) -> u64 {
        self.next_id.fetch_add(1, Ordering::Relaxed)
    }

    /// A run slot, or 429 when every permit is taken (never a queue).
    pub fn permit(&self) -> Result<OwnedSemaphorePermit, ApiError> {
        self.permits
            .clone()
            .try_acquire_owned()
            .map_err(|_| ApiError::busy(self.limits.concurrent_runs))
    }

    /// Runs in progress.
    pub fn active(&self) -> usize {
        self.limits.concurrent_runs - self.permits.available_permits()
    }

    /// Keeps an uploaded table (forgetting the oldest beyond the cap);
    /// returns its id (`u<N>`).
    pub fn add_table(&self, table: Table) -> String {
        let id = self.next_id();
        let mut up = self.uploads.lock().unwrap_or_else(|e| e.into_inner());
        up.insert(id, Arc::new(table));
        while up.len() > self.limits.kept_uploads {
            up.pop_first();
        }
        format!("u{id}")
    }

    /// Registers a new run; forgets the oldest beyond the cap.
    pub fn add_run(&self, id: u64) -> Arc<RunSlot> {
        let slot = Arc::new(RunSlot::default());
        let mut runs = self.runs.lock().unwrap_or_else(|e| e.into_inner());
        runs.insert(id, slot.clone());
        while runs.len() > self.limits.kept_runs {
            runs.pop_first();
        }
        slot
    }

    pub fn run(&self, id: u64) -> Result<Arc<RunSlot>, ApiError> {
        let runs = self.runs.lock().unwrap_or_else(|e| e.into_inner());
        runs.get(&id).cloned().ok_or_else(|| {
            ApiError::not_found(format!("no run {id} (runs are kept for a while only)"))
        })
    }

    /// The embedded Heart Failure table.
    pub fn heart(&self) -> &Table {
        &self.heart
    }

    /// The page's default data: its id, table and target.
    pub fn default_data(&self) -> (&'static str, &Table, &str) {
        match &self.start {
            Some((t, target)) => (START, t, target),
            None => (HEART, &self.heart, nonlin::data::HEART_FAILURE_TARGET),
        }
    }
}

impl Tables for AppState {
    fn default_ids(&self) -> (String, String) {
        let (id, _, target) = self.default_data();
        (id.to_string(), target.to_string())
    }

    fn table(&self, id: &str) -> Option<Arc<Table>> {
        if id == HEART {
            return Some(self.heart.clone());
        }
        if id == START {
            return self.start.as_ref().map(|(t, _)| t.clone());
        }
        let n: u64 = id.strip_prefix('u')?.parse().ok()?;
        let up = self.uploads.lock().unwrap_or_else(|e| e.into_inner());
        up.get(&n).cloned()
    }
}
