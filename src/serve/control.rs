//! Pause, step and stop for a running training: the page's buttons, read by
//! the run's observer between epochs (on the worker thread, never on the
//! async runtime).

use nonlin::run::Cancel;
use std::sync::{Condvar, Mutex};
use std::time::Duration;

#[derive(Debug, Default)]
struct State {
    paused: bool,
    /// Epochs still allowed while paused (the Step button).
    steps: usize,
}

/// The controls of one run.
#[derive(Debug, Default)]
pub struct Control {
    state: Mutex<State>,
    wake: Condvar,
    pub cancel: Cancel,
}

impl Control {
    pub fn pause(&self) {
        self.set(|s| s.paused = true);
    }

    pub fn resume(&self) {
        self.set(|s| {
            s.paused = false;
            s.steps = 0;
        });
    }

    /// One more epoch, then paused again.
    pub fn step(&self) {
        self.set(|s| {
            s.paused = true;
            s.steps += 1;
        });
    }

    /// Cancels the run (it stops after the current epoch).
    pub fn stop(&self) {
        self.cancel.cancel();
        self.wake.notify_all();
    }

    fn set(&self, f: impl FnOnce(&mut State)) {
        if let Ok(mut s) = self.state.lock() {
            f(&mut s);
        }
        self.wake.notify_all();
    }

    /// Whether the run is paused with no step left (so the observer should
    /// flush what it holds before [`Control::wait`]).
    pub fn will_wait(&self) -> bool {
        self.state.lock().is_ok_and(|s| s.paused && s.steps == 0)
    }

    /// Called after every epoch: returns at once unless paused; while
    /// paused, waits for resume, a step, or cancellation.
    pub fn wait(&self) {
        let Ok(mut s) = self.state.lock() else {
            return;
        };
        loop {
            if self.cancel.is_cancelled() || !s.paused {
                return;
            }
            if s.steps > 0 {
                s.steps -= 1;
                return;
            }
            s = match self.wake.wait_timeout(s, Duration::from_millis(200)) {
                Ok((s, _)) => s,
                Err(_) => return,
            };
        }
    }
}
