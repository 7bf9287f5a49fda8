//! The observer that turns a run's events into JSON messages for the page,
//! batched so the browser gets at most ~25 messages a second however fast
//! the epochs come, sent through a bounded channel (a slow page slows the
//! run, it never grows a queue). A closed channel — the page went away —
//! cancels the run. A run's forwarder may also carry a [`LiveTap`]: the
//! batches then include the test-split results of a snapshot of the
//! network (see [`super::live`]).

use super::control::Control;
use super::limits::FLUSH_EVERY;
use super::live::LiveTap;
use super::wire::{EpochRow, LiveScores, Msg};
use nonlin::run::{Event, Observer};
use std::sync::Arc;
use std::time::Instant;
use tokio::sync::mpsc::Sender;

/// Forwards events as JSON text to a channel.
pub struct Forwarder {
    tx: Sender<String>,
    control: Arc<Control>,
    /// Epoch rows not yet sent.
    pending: Vec<EpochRow>,
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
    pub fn send(&mut self, msg: Msg) {
        if self.tx.blocking_send(msg.text()).is_err() {
            self.control.stop();
        }
    }

    /// Sends the pending epochs, with `live` results if given.
    fn flush(&mut self, live: Option<LiveScores>) {
        self.last_flush = Instant::now();
        if self.pending.is_empty() {
            return;
        }
        let rows = std::mem::take(&mut self.pending);
        let model = self.model.clone();
        self.send(Msg::Epochs { model, rows, live });
    }
}

impl Observer for Forwarder {
    fn on_event(&mut self, event: &Event<'_>) {
        match *event {
            Event::Started {
                kind,
                data,
                settings,
                training,
            } => self.send(Msg::Started {
                kind: kind.to_string(),
                data: data.to_vec(),
                settings: settings.to_vec(),
                training: training.to_string(),
            }),
            Event::ModelStarted {
                model,
                arch,
                epochs,
            } => {
                self.model = model.to_string();
                self.send(Msg::Model {
                    model: model.to_string(),
                    arch: arch.to_string(),
                    torch: arch.torch_repr(),
                    epochs,
                });
            }
            Event::Epoch {
                history,
                record,
                network,
                ..
            } => {
                self.pending.push(EpochRow::new(history, record));
                let waiting = self.control.will_wait();
                if waiting || self.last_flush.elapsed() >= FLUSH_EVERY {
                    let live = match self.live.as_mut() {
                        Some(tap) if tap.due(waiting) => Some(tap.take(network, record.epoch)),
                        _ => None,
                    };
                    self.flush(live);
                }
                if waiting {
                    self.send(Msg::Paused {
                        epoch: record.epoch,
                    });
                }
                self.control.wait();
            }
            Event::ModelFinished {
                model, cancelled, ..
            } => {
                self.flush(None);
                self.send(Msg::ModelFinished {
                    model: model.to_string(),
                    cancelled,
                });
            }
            Event::Diverged { model, epoch, what } => {
                self.flush(None);
                self.send(Msg::Diverged {
                    model: model.to_string(),
                    epoch,
                    error: format!(
                        "training diverged at epoch {epoch}: {what}; try a smaller learning rate"
                    ),
                });
            }
            Event::FoldFinished { done, total, .. } => {
                if done == total || self.last_flush.elapsed() >= FLUSH_EVERY {
                    self.last_flush = Instant::now();
                    self.send(Msg::Progress { done, total });
                }
            }
            Event::Written { .. } => {}
        }
    }
}
