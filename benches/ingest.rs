//! Reading the synthetic table (`nonlin synth`'s CSV, 12 float features and
//! a 0/1 label) from a file written at bench time: the CSV reader alone
//! (`Table::from_path`), and the reader plus the data set
//! (`Dataset::from_table_owned`, as `nonlin train` does). Throughput is
//! reported in bytes of CSV.
//!
//! The `wide_*` benches read issue 12's wide shape instead (20 features in
//! [-100, 100) printed with six decimals and a 0/1 label `y`: 210 MB at 1M
//! rows), through the `csv` crate with every field parsed by `str::parse`
//! (the floor the reader is compared with), `Table::from_path`, and
//! `Table` + `Dataset::from_table` (what `tests/csv_speed.rs` printed).
//!
//! Run: `cargo bench --bench ingest` (100k rows; add `NONLIN_BENCH_1M=1` for
//! 1M rows, a 133 MB file, and 210 MB for the wide shape).

use divan::counter::BytesCount;
use divan::Bencher;
use nonlin::data::{synth, Dataset, DatasetOptions, FeatureSelection, Table};
use std::collections::BTreeMap;
use std::io::Write;
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

/// Issue 12's wide table with `rows` rows, written once per bench process
/// (the shape of `tests/csv_proptest.rs`'s wide test); its path and size.
fn wide_file(rows: usize) -> (PathBuf, u64) {
    static FILES: OnceLock<Mutex<BTreeMap<usize, (PathBuf, u64)>>> = OnceLock::new();
    let mut files = FILES.get_or_init(Default::default).lock().unwrap();
    files
        .entry(rows)
        .or_insert_with(|| {
            let path = std::env::temp_dir().join(format!("nonlin-bench-wide-{rows}.csv"));
            let mut f = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
            let names: Vec<String> = (0..20).map(|j| format!("x{j}")).collect();
            writeln!(f, "{},y", names.join(",")).unwrap();
            let mut state = 12345u64;
            for _ in 0..rows {
                for _ in 0..20 {
                    state = state
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    let v = (state >> 11) as f64 / (1u64 << 53) as f64 * 200.0 - 100.0;
                    write!(f, "{v:.6},").unwrap();
                }
                writeln!(f, "{}", state >> 63).unwrap();
            }
            f.flush().unwrap();
            drop(f);
            let len = std::fs::metadata(&path).unwrap().len();
            (path, len)
        })
        .clone()
}

/// The floor: the whole file read, the `csv` crate splitting records and
/// every field parsed by `str::parse::<f64>` (the sum returned).
#[divan::bench(args = sizes(), sample_count = 5, sample_size = 1)]
fn wide_csv_crate_floor(bencher: Bencher, rows: usize) {
    let (path, len) = wide_file(rows);
    bencher.counter(BytesCount::new(len)).bench_local(|| {
        let bytes = std::fs::read(&path).unwrap();
        let mut reader = csv::ReaderBuilder::new().from_reader(&bytes[..]);
        let mut record = csv::ByteRecord::new();
        let mut sum = 0.0;
        while reader.read_byte_record(&mut record).unwrap() {
            for f in record.iter() {
                sum += std::str::from_utf8(f).unwrap().parse::<f64>().unwrap();
            }
        }
        sum
    });
}

/// Wide CSV file → `Table`.
#[divan::bench(args = sizes(), sample_count = 5, sample_size = 1)]
fn wide_read_table(bencher: Bencher, rows: usize) {
    let (path, len) = wide_file(rows);
    bencher
        .counter(BytesCount::new(len))
        .bench_local(|| Table::from_path(&path).unwrap());
}

/// Wide CSV file → `Table` → `Dataset` (`Dataset::from_table`, the table
/// kept).
#[divan::bench(args = sizes(), sample_count = 5, sample_size = 1)]
fn wide_read_dataset(bencher: Bencher, rows: usize) {
    let (path, len) = wide_file(rows);
    bencher.counter(BytesCount::new(len)).bench_local(|| {
        let table = Table::from_path(&path).unwrap();
        let data = Dataset::from_table(&table, "y", &FeatureSelection::All).unwrap();
        assert_eq!(data.n_rows(), rows);
        data
    });
}
