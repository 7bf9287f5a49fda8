//! CSV text → [`Table`]: detects the delimiter, decimal separator and
//! header (unless told) from the first piece of the file, then reads the
//! rest piece by piece ([`super::chunks`]); each piece is cut in two at a
//! record boundary (a line break, outside quoted fields: [`super::quotes`])
//! and the halves parsed on both cores ([`super::records`]), numbers
//! straight into f64 columns without allocating, while the previous piece
//! is merged into the columns in file order ([`super::merge`]).
//! Whitespace-delimited files are read whole. Errors name the file, line,
//! column and value.

use super::chunks::{Chunks, CHUNK_BYTES};
use super::header::read_header;
use super::merge::Sink;
use super::options::{Delimiter, Detected, ReadOptions};
use super::quotes::record_cuts;
use super::records::{parse_records_into, Parsed, Shape};
use super::sniff::{collapse_whitespace, holds_sample, sniff};
use crate::data::table::column::ColumnBuilder;
use crate::data::Table;
use crate::error::{Error, Result};
use std::io::Read;
use std::path::Path;

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Pieces smaller than this are parsed on one thread.
const SPLIT_BYTES: usize = 1 << 20;

/// The start of the text kept for the first data row's field-count error.
const HEAD_BYTES: usize = 1 << 20;

/// How the text is cut: the sizes above, smaller in tests so that every
/// boundary is crossed.
#[derive(Debug, Clone, Copy)]
struct Pieces {
    chunk: usize,
    split: usize,
}

/// Reads CSV bytes into a table. `source` names the data in errors.
pub fn read_table(bytes: &[u8], source: &str, options: &ReadOptions) -> Result<Table> {
    read_table_from(bytes, source, options)
}

/// Reads CSV text from `reader` into a table, a piece at a time. `source`
/// names the data in errors (and is the path in I/O errors).
pub fn read_table_from<R: Read + Send>(
    reader: R,
    source: &str,
    options: &ReadOptions,
) -> Result<Table> {
    let pieces = Pieces {
        chunk: CHUNK_BYTES,
        split: SPLIT_BYTES,
    };
    read_in_pieces(reader, source, options, pieces)
}

/// [`read_table_from`] with the pieces cut at the given sizes: the first
/// piece read and checked, the delimiter, decimal separator and header
/// settled from it, then every piece parsed and merged.
fn read_in_pieces<R: Read + Send>(
    reader: R,
    source: &str,
    options: &ReadOptions,
    pieces: Pieces,
) -> Result<Table> {
    let io_err = |e| Error::io(Path::new(source), "read the data file", e);
    let mut chunks = Chunks::new(reader, pieces.chunk);
    let (mut first, bom) = read_first_piece(&mut chunks, source)?;
    let sniffed = sniff(&first, options);
    let delimiter = match sniffed.delimiter {
        Delimiter::Byte(d) => d,
        Delimiter::Whitespace => {
            // Runs of spaces are collapsed over the whole text (quotes may span lines).
            chunks.read_rest(&mut first).map_err(io_err)?;
            first = collapse_whitespace(&first);
            b' '
        }
    };
    let decimal_comma = sniffed.decimal_comma;
    let mut header = read_header(&first, source, options, decimal_comma, delimiter)?;
    if header.data_start >= first.len() && !chunks.is_done() {
        // A header longer than a piece: read it whole.
        chunks.read_rest(&mut first).map_err(io_err)?;
        header = read_header(&first, source, options, decimal_comma, delimiter)?;
    }
    let shape = Shape {
        width: header.names.len(),
        unnamed_last: header.unnamed_last,
        decimal_comma,
        delimiter,
    };
    let mut sink = Sink {
        source,
        columns: header
            .names
            .iter()
            .enumerate()
            .map(|(i, n)| ColumnBuilder::new(n.clone(), i))
            .collect(),
        lines: Vec::new(),
        last_all_empty: true,
        extra_empty_field: false,
        head: first[..first.len().min(HEAD_BYTES)].to_vec(),
        header: &header,
        delimiter,
    };
    let (start, line) = (header.data_start, header.data_line);
    parse_and_merge(&mut chunks, first, start, line, &shape, pieces, &mut sink)?;
    Ok(sink.finish(Detected {
        delimiter: sniffed.delimiter,
        delimiter_detected: sniffed.delimiter_detected,
        decimal_comma,
        decimal_detected: sniffed.decimal_detected,
        header: header.header,
        header_detected: header.header_detected,
        bom,
        trailing_delimiter: false,
    }))
}

/// The first piece, holding at least what the sniffer looks at, without
/// its BOM (and whether it had one); a binary file is refused.
fn read_first_piece<R: Read>(chunks: &mut Chunks<R>, source: &str) -> Result<(Vec<u8>, bool)> {
    let io_err = |e| Error::io(Path::new(source), "read the data file", e);
    let mut first = chunks.next_chunk().map_err(io_err)?.unwrap_or_default();
    while !holds_sample(&first) {
        match chunks.next_chunk().map_err(io_err)? {
            Some(more) => first.extend_from_slice(&more),
            None => break,
        }
    }
    let bom = first.starts_with(BOM);
    if bom {
        first.drain(..BOM.len());
    }
    if first[..first.len().min(8192)].contains(&0) {
        return Err(Error::Csv {
            source_name: source.to_string(),
            line: 1,
            message: "this is not a CSV text file (it holds NUL bytes: an image, a spreadsheet \
                      or another binary file?); export the table as CSV"
                .into(),
        });
    }
    Ok((first, bom))
}

/// Parses the data records from byte `start` (file line `line`) of `piece`
/// on, piece by piece, into `sink`: piece k is parsed while piece k − 1 is
/// merged and piece k + 1 read.
fn parse_and_merge<R: Read + Send>(
    chunks: &mut Chunks<R>,
    mut piece: Vec<u8>,
    mut start: usize,
    mut line: u64,
    shape: &Shape,
    pieces: Pieces,
    sink: &mut Sink<'_>,
) -> Result<()> {
    let io_err = |e| Error::io(Path::new(sink.source), "read the data file", e);
    let mut parsing = [Parsed::default(), Parsed::default()];
    let mut parsed = [Parsed::default(), Parsed::default()];
    let mut n_parsed = 0;
    loop {
        let cut = end_at_record(chunks, &mut piece, start, shape.delimiter).map_err(io_err)?;
        let text = &piece[start..];
        let cut = cut.filter(|_| text.len() >= pieces.split);
        let (halves, (merged, next)) = rayon::join(
            || parse_piece(text, line, shape, cut, &mut parsing),
            || {
                let merged = merge_all(sink, &mut parsed[..n_parsed]);
                (merged, chunks.next_chunk())
            },
        );
        merged?;
        line += super::records::count_line_breaks(text, None);
        std::mem::swap(&mut parsing, &mut parsed);
        n_parsed = halves;
        match next.map_err(io_err)? {
            Some(next) => chunks.recycle(std::mem::replace(&mut piece, next)),
            None => break,
        }
        start = 0;
    }
    merge_all(sink, &mut parsed[..n_parsed])
}

/// Makes `piece` (from byte `start`) end at a record boundary, the rest
/// given back to `chunks` (or, for one record longer than the piece, more
/// read on), and returns where to cut it in two: a record boundary near the
/// middle, if there is one.
fn end_at_record<R: Read>(
    chunks: &mut Chunks<R>,
    piece: &mut Vec<u8>,
    start: usize,
    delimiter: u8,
) -> std::io::Result<Option<usize>> {
    loop {
        let text = &piece[start..];
        if memchr::memchr(b'"', text).is_none() {
            let mid = text.len() / 2;
            return Ok(memchr::memchr(b'\n', &text[mid..]).map(|k| mid + k + 1));
        }
        // Line breaks may be inside quoted fields: cut only between records.
        let (mid, last) = record_cuts(text, delimiter, text.len() / 2);
        if chunks.is_done() {
            return Ok(mid);
        }
        match last {
            Some(end) => {
                let end = start + end;
                chunks.unread(&piece[end..]);
                piece.truncate(end);
                return Ok(mid);
            }
            None => {
                // One record longer than the piece: read on.
                if let Some(more) = chunks.next_chunk()? {
                    piece.extend_from_slice(&more);
                    chunks.recycle(more);
                }
            }
        }
    }
}

/// Merges parsed parts in order; the first stop becomes the error.
fn merge_all(sink: &mut Sink<'_>, parts: &mut [Parsed]) -> Result<()> {
    parts.iter_mut().try_for_each(|p| sink.merge(p))
}

/// A piece (ending at a record boundary) into `parts`: cut in two at `cut`
/// (a record boundary) and parsed on two threads, or whole. Returns the
/// number of parts used, in file order.
fn parse_piece(
    text: &[u8],
    line: u64,
    shape: &Shape,
    cut: Option<usize>,
    parts: &mut [Parsed; 2],
) -> usize {
    let [a_out, b_out] = parts;
    let Some(cut) = cut else {
        parse_records_into(text, line, shape, a_out);
        return 1;
    };
    let (a, b) = text.split_at(cut);
    let b_line = line + super::records::count_line_breaks(a, b.first());
    rayon::join(
        || parse_records_into(a, line, shape, a_out),
        || parse_records_into(b, b_line, shape, b_out),
    );
    2
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::table::column::ColumnData;

    fn read(text: &[u8]) -> Result<Table> {
        read_table(text, "f.csv", &ReadOptions::default())
    }

    fn numbers(t: &Table, c: usize) -> Vec<f64> {
        t.columns[c].numbers().unwrap().to_vec()
    }

    #[test]
    fn reads_a_plain_csv() {
        let t = read(b"a,b\n1,2.5\n3,-4\n").unwrap();
        assert_eq!(t.names(), ["a", "b"]);
        assert_eq!(numbers(&t, 1), [2.5, -4.0]);
        assert_eq!(t.lines, [2, 3]);
        assert_eq!(t.detected.describe(), None);
    }

    #[test]
    fn reads_a_european_spreadsheet_export() {
        let t = read(b"\xEF\xBB\xBFage;bmi;smoker\r\n75;1,83;SI\r\n60;;NO\r\n\r\n").unwrap();
        assert_eq!(t.names(), ["age", "bmi", "smoker"]);
        assert_eq!(numbers(&t, 1)[0], 1.83);
        assert!(t.columns[1].is_missing(1));
        assert!(matches!(t.columns[2].data, ColumnData::Text(_)));
        assert!(t.detected.bom);
        assert_eq!(
            t.detected.describe().unwrap(),
            "detected delimiter ';' and decimal comma"
        );
    }

    #[test]
    fn headerless_space_delimited_file_gets_numbered_columns() {
        let t = read(b"  1.0  2 3\n4   5.5 6\n").unwrap();
        assert_eq!(t.names(), ["c0", "c1", "c2"]);
        assert_eq!(numbers(&t, 1), [2.0, 5.5]);
        assert_eq!(t.lines, [1, 2]);
        assert!(!t.detected.header);
    }

    #[test]
    fn trailing_delimiters_and_quoted_numbers() {
        let t = read(b"a,b,\n\"1\",2,\n3,\" 4 \",\n").unwrap();
        assert_eq!(t.names(), ["a", "b"]);
        assert_eq!(numbers(&t, 0), [1.0, 3.0]);
        assert_eq!(numbers(&t, 1), [2.0, 4.0]);
        assert!(t.detected.trailing_delimiter);
        let t = read(b"a,b\n1,2,\n3,4,\n").unwrap();
        assert_eq!(t.n_cols(), 2);
    }

    #[test]
    fn lines_count_blank_lines_and_crlf() {
        let t = read(b"a\r\n1\r\n\r\n2\r\n\r\n\r\n").unwrap();
        assert_eq!(t.lines, [2, 4]);
        let t = read(b"a,b\n\n1,\"x\ny\"\n\n\n3,z\n").unwrap();
        assert_eq!(t.lines, [3, 7]);
        let t = read(b"a\r1\r\r2\r").unwrap();
        assert_eq!(t.lines, [2, 4]);
    }

    #[test]
    fn header_field_count_mismatch_shows_both_counts() {
        let e = read(b"a,b,c\n1,2\n3,4\n")
            .unwrap_err()
            .worded(&crate::error::TestFlags);
        assert!(
            e.contains("has 3 field(s)") && e.contains("rows have 2"),
            "{e}"
        );
        assert!(e.contains("--no-header"), "{e}");
        let e = read(b"a,b\n1,2\n3\n").unwrap_err().to_string();
        assert!(
            e.contains("line 3") && e.contains("expected 2 fields"),
            "{e}"
        );
    }

    #[test]
    fn bad_cells_are_named() {
        let e = read(b"a,b\n1,caf\xe9\n").unwrap_err().to_string();
        assert!(
            e.contains("line 2, column 2 ('b')") && e.contains("UTF-8"),
            "{e}"
        );
        let e = read(b"a,a\n1,2\n").unwrap_err().to_string();
        assert!(e.contains("'a' twice"), "{e}");
        let e = read(b"\x89PNG\r\n\x1a\n\0\0\0").unwrap_err().to_string();
        assert!(e.contains("not a CSV text file"), "{e}");
        assert!(read(b"").unwrap_err().to_string().contains("empty"));
        assert!(read(b"\n\n  \n").unwrap_err().to_string().contains("empty"));
    }

    /// Every file of the test corpus reads the same cut in pieces of any
    /// size: the same table, or the same error (but for the first data
    /// row's field-count message, which looks at the first piece's rows).
    #[test]
    fn small_pieces_read_the_same_tables() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/data_corpus");
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.is_file())
            .collect();
        files.sort();
        assert!(files.len() > 20);
        let mut texts: Vec<(String, Vec<u8>)> = files
            .iter()
            .map(|p| (p.display().to_string(), std::fs::read(p).unwrap()))
            .collect();
        texts.push((
            "quote late".into(),
            b"a,b\n1,2\n3,4\n5,\"x\ny\"\n7,8\n".to_vec(),
        ));
        texts.push(("crlf".into(), b"a;b\r\n1,5;2\r\n\r\n3;4\r\n".to_vec()));
        for (name, text) in &texts {
            let show = |r: Result<Table>| match r {
                Ok(t) => format!("{t:?}"),
                Err(e) => e.to_string(),
            };
            let whole = show(read_table(text, "f", &ReadOptions::default()));
            if whole.contains("the header (line 1) has") {
                continue;
            }
            for (chunk, split) in [(1, 1), (7, 3), (64, 16), (1000, 100)] {
                let pieces = Pieces { chunk, split };
                let cut = read_in_pieces(&text[..], "f", &ReadOptions::default(), pieces);
                assert_eq!(show(cut), whole, "{name}, pieces of {chunk}/{split}");
            }
        }
    }

    proptest::proptest! {
        /// Random texts with quotes, line breaks in quoted fields, blank
        /// lines and CRLF read the same cut in pieces of any size.
        #[test]
        fn quoted_text_reads_the_same_in_pieces(
            cells in proptest::collection::vec(
                proptest::sample::select(vec![
                    "1", "2.5", "x", "\"a\nb\"", "\"q\"\"\"", "\"1,5\"", ",", ",", "\n", "\n",
                    "\r\n", "NA", "b\"c",
                ]),
                0..60,
            ),
            chunk in 1usize..40,
            split in 1usize..30,
        ) {
            let text = format!("a,b,c\n{}", cells.concat()).into_bytes();
            let show = |r: Result<Table>| match r {
                Ok(t) => format!("{t:?}"),
                Err(e) => e.to_string(),
            };
            let whole = show(read_table(&text, "f", &ReadOptions::default()));
            let pieces = Pieces { chunk, split };
            let cut = show(read_in_pieces(&text[..], "f", &ReadOptions::default(), pieces));
            if whole.contains("the header (line 1) has") {
                // The hint after it looks at the rows of the first piece only.
                proptest::prop_assert!(cut.contains("the header (line 1) has"), "{}", cut);
            } else {
                proptest::prop_assert_eq!(cut, whole, "{:?}", String::from_utf8_lossy(&text));
            }
        }
    }

    /// A synthetic table of a few MB: production piece sizes (two halves
    /// on two threads) and small pieces read the values `nonlin synth` wrote.
    #[test]
    fn a_multi_megabyte_table_reads_the_same_in_any_pieces() {
        let rows = 20_000;
        let mut text = Vec::new();
        crate::data::synth::write_csv(&mut text, rows, 5).unwrap();
        assert!(text.len() > 2 * SPLIT_BYTES);
        let t = read_table(&text, "s.csv", &ReadOptions::default()).unwrap();
        let s = crate::data::synth::samples(rows, 5);
        assert_eq!(t.n_rows(), rows);
        assert_eq!(t.lines.last(), Some(&(rows as u64 + 1)));
        for j in [0, 7, 11] {
            let col = t.columns[j].numbers().unwrap();
            assert!(col
                .iter()
                .enumerate()
                .all(|(i, v)| v as f32 == s.xt[j * rows + i]));
        }
        let pieces = Pieces {
            chunk: 300_000,
            split: 50_000,
        };
        let cut = read_in_pieces(&text[..], "s.csv", &ReadOptions::default(), pieces).unwrap();
        assert_eq!(format!("{cut:?}"), format!("{t:?}"));
    }

    #[test]
    fn options_force_the_header_and_delimiter() {
        let o = ReadOptions {
            header: Some(false),
            ..ReadOptions::default()
        };
        let t = read_table(b"a,b\n1,2\n", "f", &o).unwrap();
        assert_eq!(t.names(), ["c0", "c1"]);
        assert_eq!(t.n_rows(), 2);
        let o = ReadOptions {
            header: Some(true),
            ..ReadOptions::default()
        };
        let t = read_table(b"1,2\n3,4\n", "f", &o).unwrap();
        assert_eq!(t.names(), ["1", "2"]);
    }
}
