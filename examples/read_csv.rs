//! Times reading a CSV file: `Table::from_path` (the reader), then
//! `Dataset::from_table_owned` (features and target), best of N runs, with
//! the process's CPU time next to the wall time (the machine may be busy).
//!
//! Run: `cargo run --release --example read_csv -- FILE TARGET [RUNS]`
//! (e.g. a table from `nonlin synth --rows 1000000 --out /tmp/synth-1m.csv`,
//! target `label`).

use nonlin::data::{Dataset, DatasetOptions, Table};
use std::time::Instant;

/// User + system CPU seconds of this process so far.
fn cpu_seconds() -> f64 {
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: getrusage writes into the struct it is given.
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) };
    let t = |v: libc::timeval| v.tv_sec as f64 + v.tv_usec as f64 * 1e-6;
    t(usage.ru_utime) + t(usage.ru_stime)
}

fn main() -> nonlin::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let (Some(path), Some(target)) = (args.get(1), args.get(2)) else {
        eprintln!("usage: read_csv FILE TARGET [RUNS]");
        std::process::exit(2);
    };
    let runs: usize = args.get(3).and_then(|r| r.parse().ok()).unwrap_or(3);
    let path = std::path::Path::new(path);
    let mb = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0) as f64 / 1e6;
    let options = DatasetOptions::new(target);
    let (mut best_read, mut best_all) = ((f64::MAX, 0.0), (f64::MAX, 0.0));
    for _ in 0..runs {
        let (wall, cpu) = (Instant::now(), cpu_seconds());
        let table = Table::from_path(path)?;
        let read = (wall.elapsed().as_secs_f64(), cpu_seconds() - cpu);
        let data = Dataset::from_table_owned(table, &options)?;
        let all = (wall.elapsed().as_secs_f64(), cpu_seconds() - cpu);
        assert!(data.n_rows() > 0);
        if read.0 < best_read.0 {
            best_read = read;
        }
        if all.0 < best_all.0 {
            best_all = all;
        }
    }
    println!(
        "{mb:.0} MB: Table {:.3} s wall ({:.0} MB/s), {:.3} s CPU; + Dataset {:.3} s wall, {:.3} s CPU (best of {runs})",
        best_read.0,
        mb / best_read.0,
        best_read.1,
        best_all.0,
        best_all.1
    );
    Ok(())
}
