//! The observer that turns a run's events into JSON messages for the page,
//! batched so the browser gets at most ~25 messages a second however fast
//! the epochs come, sent through a bounded channel (a slow page slows the
//! run, it never grows a queue). A closed channel — the page went away —
//! cancels the run. A run's forwarder may also carry a [`LiveTap`]: the
//! batches then include the test-split results of a snapshot of the
//! network (see [`super::live`]).

use super::control::Control;
use super::live::LiveTap;
use nonlin::run::{Event, Observer};
use nonlin::train::{EpochRecord, History};
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::mpsc::Sender;

/// Time between two batches of epochs.
pub const FLUSH_EVERY: Duration = Duration::from_millis(40);

/// Forwards events as JSON text to a channel.
pub struct Forwarder {
    tx: Sender<String>,
    control: Arc<Control>,
    /// Epoch rows not yet sent: `[epoch, train_loss, train_acc, test_loss,
    /// test_acc, train_correct, test_correct]`.
    pending: Vec<Value>,
    model: String,
    last_flush: Instant,
    live: Option<LiveTap>,
}

impl Forwarder {
    pub fn new(tx: Sender<String>, control: Arc<Control>) -> Forwarder {
        Forwarder {
            tx,
            control,
            pending: Vec::new(),
            model: String::new(),
            last_flush: Instant::now(),
            live: None,
        }
    }

    /// Adds live test-split results to the batches of epochs.
    pub fn with_live(mut self, tap: Option<LiveTap>) -> Forwarder {
        self.live = tap;
        self
    }

    /// Sends one message; a page that is gone cancels the run.
    pub fn send(&mut self, msg: Value) {
        if self.tx.blocking_send(msg.to_string()).is_err() {
            self.control.stop();
        }
    }

    /// Sends the pending epochs, with `live` results if given.
    fn flush(&mut self, live: Option<Value>) {
        self.last_flush = Instant::now();
        if self.pending.is_empty() {
            return;
        }
        let rows = std::mem::take(&mut self.pending);
        let mut msg = json!({ "type": "epochs", "model": self.model, "rows": rows });
        if let Some(live) = live {
            msg["live"] = live;
        }
        self.send(msg);
    }
}

/// One epoch as the row the page plots (losses as f32 widened to f64, as
/// `history.csv` prints them).
pub fn epoch_row(h: &History, r: &EpochRecord) -> Value {
    json!([
        r.epoch,
        r.train_loss as f64,
        h.train_acc(r),
        r.test_loss.map(f64::from),
        h.test_acc(r),
        r.train_correct,
        r.test_correct
    ])
}

impl Observer for Forwarder {
    fn on_event(&mut self, event: &Event<'_>) {
        match *event {
            Event::Started {
                kind,
                data,
                settings,
                training,
            } => self.send(json!({
                "type": "started", "kind": kind, "data": data,
                "settings": settings, "training": training,
            })),
            Event::ModelStarted {
                model,
                arch,
                epochs,
            } => {
                self.model = model.to_string();
                self.send(json!({
                    "type": "model", "model": model, "arch": arch.to_string(),
                    "torch": arch.torch_repr(), "epochs": epochs,
                }));
            }
            Event::Epoch {
                history,
                record,
                network,
                ..
            } => {
                self.pending.push(epoch_row(history, record));
                let waiting = self.control.will_wait();
                if waiting || self.last_flush.elapsed() >= FLUSH_EVERY {
                    let live = match self.live.as_mut() {
                        Some(tap) if tap.due(waiting) => Some(tap.take(network, record.epoch)),
                        _ => None,
                    };
                    self.flush(live);
                }
                if waiting {
                    self.send(json!({ "type": "paused", "epoch": record.epoch }));
                }
                self.control.wait();
            }
            Event::ModelFinished {
                model, cancelled, ..
            } => {
                self.flush(None);
                self.send(
                    json!({ "type": "model_finished", "model": model, "cancelled": cancelled }),
                );
            }
            Event::Diverged { model, epoch, what } => {
                self.flush(None);
                self.send(json!({
                    "type": "diverged", "model": model, "epoch": epoch,
                    "error": format!("training diverged at epoch {epoch}: {what}; try a smaller learning rate"),
                }));
            }
            Event::FoldFinished { done, total, .. } => {
                if done == total || self.last_flush.elapsed() >= FLUSH_EVERY {
                    self.last_flush = Instant::now();
                    self.send(json!({ "type": "progress", "done": done, "total": total }));
                }
            }
            Event::Written { .. } => {}
        }
    }
}
