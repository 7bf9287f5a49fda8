//! The threads that train: one per run (the cap on concurrent runs bounds
//! them), never the async runtime's. They run at the lowest scheduling
//! priority, and at most one per core trains at a time (the others wait
//! their turn, bounded by the cap): so the server keeps answering
//! (`/health`, pages, other streams) however many runs are open, and no
//! low-priority thread holding a shared lock (the allocator's, a channel's)
//! is starved by dozens of others while the runtime waits on it.

use super::error::ApiError;
use nonlin::run::Cancel;
use std::sync::{Condvar, Mutex, OnceLock};
use std::time::Duration;

/// Counts the runs training now, at most one per core.
struct Gate {
    busy: Mutex<usize>,
    free: Condvar,
    cores: usize,
}

fn gate() -> &'static Gate {
    static GATE: OnceLock<Gate> = OnceLock::new();
    GATE.get_or_init(|| Gate {
        busy: Mutex::new(0),
        free: Condvar::new(),
        cores: std::thread::available_parallelism().map_or(2, |n| n.get()),
    })
}

/// A core held by a run; released when dropped.
struct Turn;

impl Drop for Turn {
    fn drop(&mut self) {
        let g = gate();
        if let Ok(mut busy) = g.busy.lock() {
            *busy -= 1;
        }
        g.free.notify_one();
    }
}

/// Waits for a free core (or cancellation: then `None`).
fn take_turn(cancel: &Cancel) -> Option<Turn> {
    let g = gate();
    let mut busy = g.busy.lock().unwrap_or_else(|e| e.into_inner());
    while *busy >= g.cores {
        if cancel.is_cancelled() {
            return None;
        }
        busy = match g.free.wait_timeout(busy, Duration::from_millis(100)) {
            Ok((b, _)) => b,
            Err(e) => e.into_inner().0,
        };
    }
    *busy += 1;
    Some(Turn)
}

/// Runs `job` on a new low-priority thread once a core is free; a run
/// cancelled while it waits gets `job` called all the same (it returns at
/// its first cancellation check).
pub fn spawn(cancel: Cancel, job: impl FnOnce() + Send + 'static) -> Result<(), ApiError> {
    std::thread::Builder::new()
        .name("nonlin-run".into())
        .spawn(move || {
            lower_priority();
            let _turn = take_turn(&cancel);
            job();
        })
        .map(|_| ())
        .map_err(|e| ApiError::internal(format!("cannot start a training thread: {e}")))
}

/// Nice 19, the lowest priority, for the calling thread (on Linux the nice
/// value is per thread, and threads it starts, such as a study's workers,
/// inherit it).
#[cfg(unix)]
fn lower_priority() {
    // SAFETY: setpriority has no memory effects; a failure only leaves the
    // priority as it was.
    unsafe {
        libc::setpriority(libc::PRIO_PROCESS, 0, 19);
    }
}

#[cfg(not(unix))]
fn lower_priority() {}
