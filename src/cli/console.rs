//! What a run prints while it trains: the tutorial's log lines on stdout.

use crate::train::{EpochRecord, History};

/// Prints log lines every `every` epochs (epoch % every == 0), unless quiet.
#[derive(Debug, Clone, Copy)]
pub struct Console {
    pub quiet: bool,
    pub every: usize,
}

impl Console {
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
    ) -> impl FnMut(&History, &EpochRecord) + 'a {
        move |h, r| {
            if self.every > 0 && r.epoch % self.every == 0 {
                let line = h.log_line(r);
                self.say(&line);
                lines.push(line);
            }
        }
    }
}
