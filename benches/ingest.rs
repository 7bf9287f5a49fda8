//! Reading the synthetic table (`nonlin synth`'s CSV, 12 float features and
//! a 0/1 label) from a file written at bench time: the CSV reader alone
//! (`Table::from_path`), and the reader plus the data set
//! (`Dataset::from_table_owned`, as `nonlin train` does). Throughput is
//! reported in bytes of CSV.
//!
//! Run: `cargo bench --bench ingest` (100k rows; add `NONLIN_BENCH_1M=1` for
//! 1M rows, a 133 MB file).

use divan::counter::BytesCount;
use divan::Bencher;
use nonlin::data::{synth, Dataset, DatasetOptions, Table};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Mutex, OnceLock};

fn main() {
    divan::main();
}

/// Row counts to run: 1M only on request (the file is 133 MB).
fn sizes() -> Vec<usize> {
    let mut v = vec![100_000];
    if std::env::var_os("NONLIN_BENCH_1M").is_some() {
        v.push(1_000_000);
    }
    v
}

/// The synthetic table with `rows` rows, written once per bench process
/// under the system's temporary folder; its path and size in bytes.
fn file(rows: usize) -> (PathBuf, u64) {
    static FILES: OnceLock<Mutex<BTreeMap<usize, (PathBuf, u64)>>> = OnceLock::new();
    let mut files = FILES.get_or_init(Default::default).lock().unwrap();
    files
        .entry(rows)
        .or_insert_with(|| {
            let path = std::env::temp_dir().join(format!("nonlin-bench-ingest-{rows}.csv"));
            synth::write_file(&path, rows, 0).unwrap();
            let len = std::fs::metadata(&path).unwrap().len();
            (path, len)
        })
        .clone()
}

/// CSV file → `Table` (typed columns).
#[divan::bench(args = sizes(), sample_count = 5, sample_size = 1)]
fn read_table(bencher: Bencher, rows: usize) {
    let (path, len) = file(rows);
    bencher
        .counter(BytesCount::new(len))
        .bench_local(|| Table::from_path(&path).unwrap());
}

/// CSV file → `Table` → `Dataset` (features and target picked out, the
/// table's columns freed as the feature matrix fills).
#[divan::bench(args = sizes(), sample_count = 5, sample_size = 1)]
fn read_dataset(bencher: Bencher, rows: usize) {
    let (path, len) = file(rows);
    let options = DatasetOptions::new(synth::TARGET);
    bencher.counter(BytesCount::new(len)).bench_local(|| {
        let table = Table::from_path(&path).unwrap();
        Dataset::from_table_owned(table, &options).unwrap()
    });
}
