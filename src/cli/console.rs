//! The console front end of a run: an [`Observer`] that prints the
//! tutorial's log lines on stdout and, when stderr is a terminal, draws a
//! progress bar per model (or one for a whole study).

use indicatif::{ProgressBar, ProgressStyle};
use nonlin::data::{Note, NoteKind};

use nonlin::run::{Event, Observer};
use std::io::IsTerminal;

/// Prints what a run reports, unless quiet.
#[derive(Debug)]
pub struct Console {
    quiet: bool,
    /// Print a log line every `every` epochs (epoch % every == 0); 0: none.
    every: usize,
    bar: ProgressBar,
}

impl Console {
    pub fn new(quiet: bool, every: usize) -> Console {
        Console {
            quiet,
            every,
            bar: ProgressBar::hidden(),
        }
    }

    pub fn say(&self, text: &str) {
        if !self.quiet {
            println!("{text}");
        }
    }

    /// What the data layer noticed, on stderr: warnings always, the rest
    /// unless quiet.
    pub fn notes(&self, notes: &[Note]) {
        for n in notes {
            if n.kind == NoteKind::Warning || !self.quiet {
                eprintln!("{}", n.worded(&super::Flags));
            }
        }
    }

    /// The data set's notes (what was detected and done) and, for a data
    /// file, what the target's values mean (the positive class, the
    /// classes).
    pub fn data_notes(&self, notes: &[Note], target: Option<String>, from_file: bool) {
        self.notes(notes);
        if let (Some(line), true, false) = (target, from_file, self.quiet) {
            eprintln!("{line}");
        }
    }

    /// A progress bar of `len` steps on stderr, hidden when stderr is not a
    /// terminal or the run is quiet.
    fn start_bar(&mut self, len: usize, template: &str, prefix: &str) {
        self.bar = if self.quiet || !std::io::stderr().is_terminal() {
            ProgressBar::hidden()
        } else {
            let bar = ProgressBar::new(len as u64);
            let style = ProgressStyle::with_template(template)
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> ");
            bar.set_style(style);
            bar.set_prefix(prefix.to_string());
            bar
        };
    }

    /// A bar over the `total` runs of a study.
    pub fn start_study(&mut self, total: usize) {
        self.start_bar(
            total,
            "{bar:40} {pos}/{len} runs, {elapsed} (eta {eta})",
            "",
        );
    }

    /// Removes the bar.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

impl Observer for Console {
    fn on_event(&mut self, event: &Event<'_>) {
        match *event {
            Event::Started { data, training, .. } => {
                for (k, v) in data {
                    self.say(&format!("{k:>16}: {v}"));
                }
                self.say(&format!("{:>16}: {training}", "training"));
            }
            Event::ModelStarted {
                model,
                arch,
                epochs,
            } => {
                self.say(&format!("\n== {model} — {arch} — {} ==", arch.torch_repr()));
                self.start_bar(
                    epochs,
                    "{prefix} [{bar:40}] {pos}/{len} {msg} ({elapsed})",
                    model,
                );
            }
            Event::Epoch {
                history, record, ..
            } => {
                self.bar.inc(1);
                if self.every > 0 && record.epoch % self.every == 0 && !self.quiet {
                    let line = history.log_line(record);
                    self.bar.suspend(|| println!("{line}"));
                }
            }
            Event::ModelFinished { history, .. } => {
                self.finish();
                if let Some(stop) = history.stopped_epoch {
                    self.say(&format!(
                        "Early stopping after epoch {stop}; restored the weights of epoch {}",
                        history.best_epoch.unwrap_or(stop)
                    ));
                }
            }
            Event::FoldFinished { .. } => self.bar.inc(1),
            Event::Diverged { .. } | Event::Written { .. } => self.finish(),
        }
    }
}
