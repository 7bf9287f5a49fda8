//! Property tests of the CSV reader: arbitrary bytes never panic (whatever
//! the options), and generated numeric tables written with every delimiter,
//! decimal separator, quoting style, line ending, BOM, header and trailing
//! delimiter read back to the same numbers with nothing but detection.

use nonlin::data::{
    prepare, Dataset, DatasetOptions, Delimiter, MissingPolicy, PrepareOptions, ReadOptions, Table,
};
use proptest::prelude::*;

fn options() -> impl Strategy<Value = ReadOptions> {
    let delimiter = prop_oneof![
        Just(None),
        Just(Some(Delimiter::Byte(b','))),
        Just(Some(Delimiter::Byte(b';'))),
        Just(Some(Delimiter::Whitespace)),
    ];
    let decimal = prop_oneof![Just(None), Just(Some(b'.')), Just(Some(b','))];
    let header = prop_oneof![Just(None), Just(Some(true)), Just(Some(false))];
    (delimiter, decimal, header).prop_map(|(delimiter, decimal, header)| ReadOptions {
        delimiter,
        decimal,
        header,
    })
}

/// Bytes that look a little like CSV, to get past the first checks.
fn csvish_bytes() -> impl Strategy<Value = Vec<u8>> {
    let byte = prop_oneof![
        4 => prop::sample::select(b"0123456789.,;\t \n\r\"-eEaNx|?".to_vec()),
        1 => any::<u8>(),
    ];
    prop::collection::vec(byte, 0..400)
}

/// Whatever the table is, the rest of the data layer must not panic on it.
fn exercise(bytes: &[u8], read: &ReadOptions) {
    let Ok(table) = Table::from_csv_bytes_with(bytes, "p.csv", read) else {
        return;
    };
    let _ = table.notes();
    let Some(target) = table.columns.last().map(|c| c.name.clone()) else {
        return;
    };
    for missing in [
        MissingPolicy::Error,
        MissingPolicy::Drop,
        MissingPolicy::parse("median").unwrap(),
    ] {
        let o = DatasetOptions {
            missing,
            ..DatasetOptions::new(&target)
        };
        if let Ok(d) = Dataset::from_table_with(&table, &o) {
            let _ = prepare(&d, &PrepareOptions::default());
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..300), read in options()) {
        exercise(&bytes, &read);
    }

    #[test]
    fn csv_like_bytes_never_panic(bytes in csvish_bytes(), read in options()) {
        exercise(&bytes, &read);
    }
}

/// How a generated table is written.
#[derive(Debug, Clone)]
struct Style {
    delimiter: &'static str,
    decimal_comma: bool,
    quote: u8, // 0 none, 1 all, 2 every other cell
    exponent: bool,
    crlf: bool,
    bom: bool,
    header: bool,
    trailing_delimiter: bool,
    blank_lines_at_end: bool,
}

fn style() -> impl Strategy<Value = Style> {
    (
        prop::sample::select(vec![",", ";", "\t", "|", "  "]),
        any::<bool>(),
        0u8..3,
        any::<bool>(),
        any::<[bool; 5]>(),
    )
        .prop_map(|(delimiter, comma, quote, exponent, f)| Style {
            delimiter,
            decimal_comma: comma && delimiter != ",",
            quote,
            exponent,
            crlf: f[0],
            bom: f[1],
            header: f[2],
            trailing_delimiter: f[3] && delimiter != "  ",
            blank_lines_at_end: f[4],
        })
}

fn value() -> impl Strategy<Value = f64> {
    prop_oneof![
        (-1000i64..1000).prop_map(|i| i as f64),
        (-1_000_000i64..1_000_000).prop_map(|i| i as f64 / 1000.0),
        -1e6f64..1e6,
        (-300i32..300, 1.0f64..10.0).prop_map(|(e, m)| m * 10f64.powi(e)),
    ]
}

fn write(values: &[Vec<f64>], s: &Style) -> String {
    let nl = if s.crlf { "\r\n" } else { "\n" };
    let mut out = String::new();
    if s.bom {
        out.push('\u{feff}');
    }
    let end = |out: &mut String| {
        if s.trailing_delimiter {
            out.push_str(s.delimiter);
        }
        out.push_str(nl);
    };
    let d = values[0].len();
    if s.header {
        let names: Vec<String> = (0..d).map(|j| format!("col{j}")).collect();
        out.push_str(&names.join(s.delimiter));
        end(&mut out);
    }
    for row in values {
        let cells: Vec<String> = row
            .iter()
            .enumerate()
            .map(|(j, v)| {
                let mut t = if s.exponent {
                    format!("{v:e}")
                } else {
                    format!("{v}")
                };
                if s.decimal_comma {
                    t = t.replace('.', ",");
                }
                if s.quote == 1 || (s.quote == 2 && j % 2 == 0) {
                    t = format!("\"{t}\"");
                }
                t
            })
            .collect();
        out.push_str(&cells.join(s.delimiter));
        end(&mut out);
    }
    if s.blank_lines_at_end {
        out.push_str(nl);
        out.push_str("  ");
        out.push_str(nl);
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn generated_tables_round_trip(
        values in (2usize..6).prop_flat_map(|d| {
            prop::collection::vec(prop::collection::vec(value(), d), 1..25)
        }),
        s in style(),
    ) {
        let text = write(&values, &s);
        let t = Table::from_csv_bytes(text.as_bytes(), "gen.csv")
            .map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        prop_assert_eq!(t.n_rows(), values.len(), "{}", text);
        prop_assert_eq!(t.n_cols(), values[0].len(), "{}", text);
        prop_assert_eq!(t.detected.header, s.header);
        for (j, col) in t.columns.iter().enumerate() {
            let got = col.numbers();
            prop_assert!(got.is_some(), "column {} is not numeric:\n{}", j, text);
            for (r, row) in values.iter().enumerate() {
                prop_assert_eq!(got.unwrap().get(r), row[j], "row {} col {}\n{}", r, j, text);
            }
        }
    }
}

/// Issue 12's wide numeric shape (20 features in [-100, 100) with six
/// decimals, a 0/1 label `y`), `rows` rows, as CSV text; the values as the
/// text says them. (The same shape, at 1M rows, is `benches/ingest.rs`'s
/// `wide_*` benches.)
fn wide_csv(rows: usize) -> (String, Vec<Vec<f64>>) {
    use std::fmt::Write;
    let names: Vec<String> = (0..20).map(|j| format!("x{j}")).collect();
    let mut text = format!("{},y\n", names.join(","));
    let mut values = Vec::with_capacity(rows);
    let mut state = 12345u64;
    for _ in 0..rows {
        let mut row = Vec::with_capacity(21);
        for _ in 0..20 {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let cell = format!(
                "{:.6}",
                (state >> 11) as f64 / (1u64 << 53) as f64 * 200.0 - 100.0
            );
            row.push(cell.parse::<f64>().unwrap());
            write!(text, "{cell},").unwrap();
        }
        writeln!(text, "{}", state >> 63).unwrap();
        row.push((state >> 63) as f64);
        values.push(row);
    }
    (text, values)
}

/// A file of that shape larger than the reader's 8 MB piece (so it is read
/// in pieces, each cut in two for the two parsing threads): every row and
/// value read back, and the data set has every row (what the speed test of
/// this shape checked; its figures are a bench now).
#[test]
fn a_wide_file_read_in_pieces_keeps_every_value() {
    use nonlin::data::FeatureSelection;
    let rows = 50_000;
    let (text, values) = wide_csv(rows);
    assert!(text.len() > 8 << 20, "{} bytes: one piece", text.len());
    let path = std::env::temp_dir().join(format!("nonlin-wide-{}.csv", std::process::id()));
    std::fs::write(&path, &text).unwrap();
    let table = Table::from_path(&path);
    std::fs::remove_file(&path).unwrap();
    let table = table.unwrap();
    assert_eq!((table.n_rows(), table.n_cols()), (rows, 21));
    for (r, row) in values.iter().enumerate() {
        for (c, &v) in row.iter().enumerate() {
            assert_eq!(table.get(r, c).to_bits(), v.to_bits(), "row {r} col {c}");
        }
    }
    let data = Dataset::from_table(&table, "y", &FeatureSelection::All).unwrap();
    assert_eq!(data.n_rows(), rows);
}
