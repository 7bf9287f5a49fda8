//! What a run prints while it trains: the tutorial's log lines on stdout and,
//! when stderr is a terminal, a progress bar per model.

use crate::train::{EpochRecord, History};
use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;

/// Prints log lines every `every` epochs (epoch % every == 0), unless quiet.
#[derive(Debug, Clone, Copy)]
pub struct Console {
    pub quiet: bool,
    pub every: usize,
}

impl Console {
    pub fn new(quiet: bool, every: usize) -> Console {
        Console { quiet, every }
    }

    /// A progress bar of `len` steps on stderr, or a hidden one when stderr
    /// is not a terminal or the run is quiet.
    pub fn progress(&self, len: usize, what: &str) -> ProgressBar {
        if self.quiet || !std::io::stderr().is_terminal() {
            return ProgressBar::hidden();
        }
        let bar = ProgressBar::new(len as u64);
        let style =
            ProgressStyle::with_template("{prefix} [{bar:40}] {pos}/{len} {msg} ({elapsed})")
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> ");
        bar.set_style(style);
        bar.set_prefix(what.to_string());
        bar
    }

    pub fn say(&self, text: &str) {
        if !self.quiet {
            println!("{text}");
        }
    }

    /// The per-epoch callback for [`crate::experiment::train_one`]; also
    /// collects the printed lines for the report.
    pub fn epoch_logger<'a>(
        &'a self,
        lines: &'a mut Vec<String>,
        bar: &'a ProgressBar,
    ) -> impl FnMut(&History, &EpochRecord) + 'a {
        move |h, r| {
            bar.inc(1);
            if self.every > 0 && r.epoch % self.every == 0 {
                let line = h.log_line(r);
                if !self.quiet {
                    bar.suspend(|| println!("{line}"));
                }
                lines.push(line);
            }
        }
    }
}
