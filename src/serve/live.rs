//! Live test-split results while a run trains. Between two epochs, at the
//! stream's batching cadence and never more often, the run's observer
//! copies the network's parameters into a snapshot and scores it on the
//! test split as its task measures it ([`super::outcome`]); the scores
//! ride along with the batch of epochs, and the snapshot serves the
//! decision view and the prediction curve (`/api/runs/{id}/decision`,
//! `/api/runs/{id}/curve`) until the run ends. The epoch
//! loop itself does nothing more: this runs on the observer's side, and the
//! time it takes is kept to a small share of the training's.

use super::limits::FLUSH_EVERY;
use super::outcome::test_scores;
use super::task_data::RunData;
use super::wire::LiveScores;
use nonlin::model::Network;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Scoring may take at most 1 / `SHARE` of the time between two snapshots.
const SHARE: u32 = 10;

/// A copy of the network as an epoch left it.
#[derive(Debug, Clone)]
pub struct Snapshot {
    pub net: Network,
    /// The epoch (0-based) after whose update the copy was taken.
    pub epoch: usize,
}

/// What a run shares with the requests about it while it trains: the
/// prepared data and its task (set before the first epoch) and the latest
/// snapshot.
/// Both are let go when the run ends ([`LiveState::clear`]): the result
/// holds the same data and the final network.
#[derive(Debug, Default)]
pub struct LiveState {
    data: Mutex<Option<Arc<RunData>>>,
    snapshot: Mutex<Option<Snapshot>>,
}

impl LiveState {
    /// Sets the run's data (before it starts).
    pub fn set_data(&self, d: Arc<RunData>) {
        *self.data.lock().unwrap_or_else(|e| e.into_inner()) = Some(d);
    }

    /// The run's data, while it trains.
    pub fn data(&self) -> Option<Arc<RunData>> {
        self.data.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Lets go of the data and the snapshot.
    pub fn clear(&self) {
        *self.data.lock().unwrap_or_else(|e| e.into_inner()) = None;
        *self.snapshot.lock().unwrap_or_else(|e| e.into_inner()) = None;
    }

    /// The latest snapshot, if an epoch has been taken one of.
    pub fn snapshot(&self) -> Option<Snapshot> {
        self.snapshot
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Copies `net` into the snapshot (reusing its buffer when the shapes
    /// agree).
    fn store(&self, net: &Network, epoch: usize) {
        let mut slot = self.snapshot.lock().unwrap_or_else(|e| e.into_inner());
        match slot.as_mut() {
            Some(s) if s.net.arch == net.arch && s.net.params.len() == net.params.len() => {
                s.net.params.copy_from_slice(&net.params);
                s.epoch = epoch;
            }
            _ => {
                *slot = Some(Snapshot {
                    net: net.clone(),
                    epoch,
                })
            }
        }
    }
}

/// The observer's side: decides when the next snapshot is due.
pub struct LiveTap {
    state: Arc<LiveState>,
    data: Arc<RunData>,
    next: Option<Instant>,
}

impl LiveTap {
    /// A tap for a run whose data `state` holds (`None` if unset).
    pub fn new(state: Arc<LiveState>) -> Option<LiveTap> {
        let data = state.data()?;
        Some(LiveTap {
            state,
            data,
            next: None,
        })
    }

    /// Whether a snapshot is due: at most every [`FLUSH_EVERY`], and
    /// spaced so that scoring stays under a tenth of the time; `force`
    /// (the run is about to pause) takes one regardless.
    pub fn due(&self, force: bool) -> bool {
        force || self.next.is_none_or(|t| Instant::now() >= t)
    }

    /// Takes a snapshot of `net` after `epoch` and scores it on the test
    /// split.
    pub fn take(&mut self, net: &Network, epoch: usize) -> LiveScores {
        let start = Instant::now();
        self.state.store(net, epoch);
        let scores = LiveScores {
            epoch,
            scores: test_scores(net, &self.data.view()),
        };
        let cost = start.elapsed();
        let gap = FLUSH_EVERY.max(cost.saturating_mul(SHARE - 1));
        self.next = Some(Instant::now() + gap.min(Duration::from_secs(5)));
        scores
    }
}
