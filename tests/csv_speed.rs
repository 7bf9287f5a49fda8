//! Reading speed on a large numeric CSV (issue 12's shape: 1M rows, about
//! 237 MB). Ignored by default; run it in release:
//! `cargo test --release --test csv_speed -- --ignored --nocapture`.

use nonlin::data::{Dataset, FeatureSelection, Table};
use std::io::Write;
use std::time::Instant;

#[test]
#[ignore]
fn reads_a_million_rows_quickly() {
    let rows = 1_000_000;
    let path = std::env::temp_dir().join(format!("nonlin-speed-{}.csv", std::process::id()));
    {
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
    }
    let size = std::fs::metadata(&path).unwrap().len();
    // The floor: the `csv` crate splitting records, every field parsed.
    let start = Instant::now();
    let bytes = std::fs::read(&path).unwrap();
    let mut reader = csv::ReaderBuilder::new().from_reader(&bytes[..]);
    let mut record = csv::ByteRecord::new();
    let mut sum = 0.0;
    while reader.read_byte_record(&mut record).unwrap() {
        for f in record.iter() {
            sum += std::str::from_utf8(f).unwrap().parse::<f64>().unwrap();
        }
    }
    let floor = start.elapsed();
    drop(bytes);
    eprintln!(
        "csv crate + parse alone: {:.2} s ({:.0} MB/s; checksum {sum:.3})",
        floor.as_secs_f64(),
        size as f64 / 1e6 / floor.as_secs_f64()
    );
    let start = Instant::now();
    let table = Table::from_path(&path).unwrap();
    let read = start.elapsed();
    let data = Dataset::from_table(&table, "y", &FeatureSelection::All).unwrap();
    let total = start.elapsed();
    std::fs::remove_file(&path).unwrap();
    assert_eq!(data.n_rows(), rows);
    eprintln!(
        "{:.0} MB, {rows} rows × 21 columns: Table {:.2} s ({:.0} MB/s), + Dataset {:.2} s",
        size as f64 / 1e6,
        read.as_secs_f64(),
        size as f64 / 1e6 / read.as_secs_f64(),
        total.as_secs_f64()
    );
}
