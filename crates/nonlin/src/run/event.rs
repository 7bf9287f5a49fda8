//! What a run tells its caller while it works: typed [`Event`]s delivered to
//! an [`Observer`], and a [`Cancel`] flag the caller may raise.
//!
//! # Why a trait with one method
//!
//! Every front end renders the same events differently — the console prints
//! log lines and moves progress bars, a server forwards them to a browser, a
//! Python callback receives them — so the library defines the events and a
//! single `on_event` method, and a front end implements it (any
//! `FnMut(&Event) + Send` closure is an observer). Events borrow from the
//! run (no copy of a history per epoch); an observer that keeps anything
//! clones what it needs. Observers are called on the thread that produced
//! the event; in a study, whose runs train in parallel, calls are serialized
//! through a lock, so `on_event` never runs twice at once (`Send` is all it
//! needs), and fold events arrive in completion order (the study's results do
//! not depend on that order). Delivery is synchronous: a slow observer slows
//! the run, so one that forwards elsewhere should hand off quickly.
//!
//! Cancellation is a shared flag checked once per epoch, between epochs,
//! never inside the epoch loop: a cancelled `train`/`compare` returns what
//! was trained so far (the current model's history ends with the last whole
//! epoch); a cancelled study returns [`crate::Error::Cancelled`].

use crate::eval::study::FoldRecord;
use crate::eval::summary::SummaryRow;
use crate::model::{Architecture, Network};
use crate::train::{EpochRecord, History};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// Something that happened in a run.
#[derive(Debug, Clone, Copy)]
pub enum Event<'a> {
    /// A run began: what it runs (`train`, `compare`, `study`), a
    /// description of the data and of the settings, as (key, value) pairs,
    /// and the training in one line.
    Started {
        kind: &'a str,
        data: &'a [(String, String)],
        settings: &'a [(String, String)],
        /// One line: optimizer, epochs, batches.
        training: &'a str,
    },
    /// A model of a `train`/`compare` run starts training.
    ModelStarted {
        model: &'a str,
        arch: &'a Architecture,
        epochs: usize,
    },
    /// An epoch finished: its row of the history (`history` so far gives the
    /// sizes that turn counts into accuracies), and the network as this
    /// epoch's update left it (an observer that wants live results copies
    /// its parameters when it needs them, e.g. a few times a second; with
    /// early stopping these are the current weights, not the best ones).
    Epoch {
        model: &'a str,
        history: &'a History,
        record: &'a EpochRecord,
        network: &'a Network,
    },
    /// A model finished (all epochs, early stopping or cancellation), with
    /// its summary row (`None` if cancelled before its first epoch).
    ModelFinished {
        model: &'a str,
        history: &'a History,
        summary: Option<&'a SummaryRow>,
        cancelled: bool,
    },
    /// One model trained and scored on one fold of a study; `done` of
    /// `total` runs have finished.
    FoldFinished {
        record: &'a FoldRecord,
        done: usize,
        total: usize,
    },
    /// Training produced a non-finite loss; the run stops with an error.
    Diverged {
        model: &'a str,
        epoch: usize,
        what: &'a str,
    },
    /// Output files were written to `dir`.
    Written { dir: &'a Path, files: &'a [String] },
}

/// Receives a run's events.
pub trait Observer: Send {
    fn on_event(&mut self, event: &Event<'_>);
}

impl<F: FnMut(&Event<'_>) + Send> Observer for F {
    fn on_event(&mut self, event: &Event<'_>) {
        self(event)
    }
}

/// An observer that ignores everything.
#[derive(Debug, Clone, Copy, Default)]
pub struct Silent;

impl Observer for Silent {
    fn on_event(&mut self, _: &Event<'_>) {}
}

/// A flag shared between a run and whoever may stop it (another thread, a
/// server whose client went away, a Python `KeyboardInterrupt`).
#[derive(Debug, Clone, Default)]
pub struct Cancel(Arc<AtomicBool>);

impl Cancel {
    pub fn new() -> Cancel {
        Cancel::default()
    }

    /// Asks the run to stop after the current epoch.
    pub fn cancel(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}
