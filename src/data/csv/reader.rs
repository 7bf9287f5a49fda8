//! CSV bytes → [`Table`]: detects the delimiter, decimal separator and
//! header (unless told), then reads every cell once, numbers straight into
//! f64 columns without allocating. Errors name the file, line, column and
//! value.

use super::cell::{classify, trim, Cell};
use super::options::{Delimiter, Detected, ReadOptions};
use super::sniff::{collapse_whitespace, sniff};
use crate::data::column::ColumnBuilder;
use crate::data::notes::{excerpt, name_list};
use crate::data::Table;
use crate::error::{Error, Result};
use std::borrow::Cow;
use std::collections::HashMap;

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Reads CSV bytes into a table. `source` names the data in errors.
pub fn read_table(bytes: &[u8], source: &str, options: &ReadOptions) -> Result<Table> {
    let csv_err = |line: u64, message: String| Error::Csv {
        source_name: source.to_string(),
        line,
        message,
    };
    let bom = bytes.starts_with(BOM);
    let bytes = if bom { &bytes[BOM.len()..] } else { bytes };
    if bytes[..bytes.len().min(8192)].contains(&0) {
        return Err(csv_err(
            1,
            "this is not a CSV text file (it holds NUL bytes: an image, a spreadsheet or \
             another binary file?); export the table as CSV"
                .into(),
        ));
    }
    let sniffed = sniff(bytes, options);
    let (bytes, delimiter): (Cow<[u8]>, u8) = match sniffed.delimiter {
        Delimiter::Byte(d) => (Cow::Borrowed(bytes), d),
        Delimiter::Whitespace => (Cow::Owned(collapse_whitespace(bytes)), b' '),
    };
    let decimal_comma = sniffed.decimal_comma;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(&bytes[..]);
    let mut record = csv::ByteRecord::new();
    let read = |reader: &mut csv::Reader<&[u8]>, record: &mut csv::ByteRecord| loop {
        match reader.read_byte_record(record) {
            Ok(false) => return Ok(false),
            Ok(true) if is_blank(record) => continue,
            Ok(true) => return Ok(true),
            Err(e) => {
                let line = e.position().map_or(0, |p| line_in(&bytes, p.byte()));
                return Err(csv_err(line, format!("unreadable CSV: {e}")));
            }
        }
    };
    let mut lines_at = LineCounter::new(&bytes);

    if !read(&mut reader, &mut record)? {
        return Err(csv_err(
            1,
            "the file is empty; expected a header row with column names and data rows".into(),
        ));
    }
    let first_line = lines_at.line_of(&record);
    let looks_numeric = first_row_is_numeric(&record, decimal_comma);
    let (header, header_detected) = match options.header {
        Some(h) => (h, false),
        None => (!looks_numeric, true),
    };
    let width = record.len();
    let mut names: Vec<String> = Vec::with_capacity(width);
    let mut unnamed_last = false;
    if header {
        for (i, field) in record.iter().enumerate() {
            let name = std::str::from_utf8(trim(field)).map_err(|_| Error::Csv {
                source_name: source.to_string(),
                line: first_line,
                message: format!(
                    "the name of column {} is not UTF-8 text ('{}'); save the file as UTF-8",
                    i + 1,
                    excerpt(&String::from_utf8_lossy(field), 40)
                ),
            })?;
            if name.is_empty() {
                unnamed_last = i + 1 == width;
                names.push(format!("Unnamed: {i}"));
            } else {
                names.push(name.to_string());
            }
        }
        let mut seen: HashMap<&str, usize> = HashMap::with_capacity(width);
        for (i, n) in names.iter().enumerate() {
            if let Some(first) = seen.insert(n.as_str(), i) {
                return Err(csv_err(
                    first_line,
                    format!(
                        "the header names column '{}' twice (columns {} and {}); column names \
                         must be unique",
                        excerpt(n, 60),
                        first + 1,
                        i + 1
                    ),
                ));
            }
        }
    } else {
        names.extend((0..width).map(|i| format!("c{i}")));
    }
    let mut columns: Vec<ColumnBuilder> = names
        .iter()
        .enumerate()
        .map(|(i, n)| ColumnBuilder::new(n.clone(), i))
        .collect();
    let mut lines: Vec<u64> = Vec::new();
    let mut last_all_empty = true;
    let mut extra_empty_field = false;
    let mut have_row = !header;
    let mut data_rows = 0usize;
    loop {
        if have_row {
            let line = lines_at.line_of(&record);
            let mut n = record.len();
            if n == width + 1 && trim(&record[width]).is_empty() {
                extra_empty_field = true;
                n = width;
            }
            // The header ends with a delimiter, this row does not.
            let short_by_trailing = unnamed_last && n + 1 == width;
            if short_by_trailing {
                n = width;
            }
            if n != width {
                if record.iter().any(|f| f.contains(&b'\n')) {
                    return Err(csv_err(
                        line,
                        format!(
                            "a quoted field on this line runs over several lines and the row \
                             has {n} field(s) where {width} are expected: is a closing quote \
                             (\") missing?"
                        ),
                    ));
                }
                return Err(field_count_error(
                    source,
                    &bytes,
                    delimiter,
                    header,
                    width,
                    &names,
                    data_rows,
                    line,
                    n,
                    looks_numeric,
                ));
            }
            let row = lines.len();
            for (j, col) in columns.iter_mut().enumerate() {
                let raw = if short_by_trailing && j + 1 == width {
                    &b""[..]
                } else {
                    &record[j]
                };
                let cell = classify(raw, decimal_comma);
                match cell {
                    Cell::NotUtf8 => {
                        return Err(Error::Cell {
                            source_name: source.to_string(),
                            line,
                            column: j + 1,
                            column_name: names[j].clone(),
                            message: format!(
                                "the cell is not UTF-8 text ('{}'); save the file as UTF-8",
                                excerpt(&String::from_utf8_lossy(trim(raw)), 40)
                            ),
                        })
                    }
                    Cell::NonFinite(_) => {
                        col.push(cell, row);
                        let text = String::from_utf8_lossy(trim(raw));
                        col.set_nonfinite_text(row, &excerpt(&text, 40));
                    }
                    _ => col.push(cell, row),
                }
            }
            if width > 0 && !short_by_trailing && !trim(&record[width - 1]).is_empty() {
                last_all_empty = false;
            }
            lines.push(line);
            data_rows += 1;
        }
        if !read(&mut reader, &mut record)? {
            break;
        }
        have_row = true;
    }
    // A delimiter at the end of every line: an empty last column, dropped.
    let trailing =
        width > 1 && last_all_empty && (if header { unnamed_last } else { data_rows > 0 });
    if trailing {
        columns.pop();
    }
    Ok(Table {
        source: source.to_string(),
        columns: columns.into_iter().map(ColumnBuilder::finish).collect(),
        lines,
        detected: Detected {
            delimiter: sniffed.delimiter,
            delimiter_detected: sniffed.delimiter_detected,
            decimal_comma,
            decimal_detected: sniffed.decimal_detected,
            header,
            header_detected,
            bom,
            trailing_delimiter: trailing || extra_empty_field,
        },
    })
}

/// The 1-based line of each record, counted from the bytes: the `csv`
/// crate's own line numbers skip blank lines and miscount CRLF. A record's
/// byte position is where the previous one's terminator began, so line ends
/// after it are skipped first. Records come in order, so this is linear.
struct LineCounter<'a> {
    bytes: &'a [u8],
    pos: usize,
    line: u64,
}

impl<'a> LineCounter<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        LineCounter {
            bytes,
            pos: 0,
            line: 1,
        }
    }

    fn line_of(&mut self, record: &csv::ByteRecord) -> u64 {
        let mut start = record.position().map_or(0, |p| p.byte() as usize);
        while start < self.bytes.len() && matches!(self.bytes[start], b'\r' | b'\n') {
            start += 1;
        }
        let start = start.min(self.bytes.len()).max(self.pos);
        self.line += count_line_breaks(&self.bytes[self.pos..start], self.bytes.get(start));
        self.pos = start;
        self.line
    }
}

/// Line breaks in `b` (`\n`, or a `\r` not followed by `\n`); `next` is
/// the byte after `b`.
fn count_line_breaks(b: &[u8], next: Option<&u8>) -> u64 {
    if !b.contains(&b'\r') {
        return b.iter().filter(|&&c| c == b'\n').count() as u64;
    }
    let mut n = 0;
    for (i, &c) in b.iter().enumerate() {
        let following = b.get(i + 1).or(if i + 1 == b.len() { next } else { None });
        if c == b'\n' || (c == b'\r' && following != Some(&b'\n')) {
            n += 1;
        }
    }
    n
}

/// The line of a byte offset (for errors).
fn line_in(bytes: &[u8], byte: u64) -> u64 {
    let end = (byte as usize).min(bytes.len());
    1 + count_line_breaks(&bytes[..end], bytes.get(end))
}

/// A line with nothing but spaces.
fn is_blank(record: &csv::ByteRecord) -> bool {
    record.len() == 1 && trim(&record[0]).is_empty()
}

/// Every present cell of the first row is a number (and one is): no header.
fn first_row_is_numeric(record: &csv::ByteRecord, decimal_comma: bool) -> bool {
    let mut numbers = 0;
    for f in record.iter() {
        match classify(f, decimal_comma) {
            Cell::Number(_) | Cell::NonFinite(_) => numbers += 1,
            Cell::Missing => {}
            _ => return false,
        }
    }
    numbers > 0
}

/// A row whose field count differs from the header's (or the first row's).
/// On the first data row it is the header that disagrees: both counts are
/// shown, with `--no-header` suggested when the header looks like data.
#[allow(clippy::too_many_arguments)]
fn field_count_error(
    source: &str,
    bytes: &[u8],
    delimiter: u8,
    header: bool,
    width: usize,
    names: &[String],
    data_rows: usize,
    line: u64,
    found: usize,
    header_has_numbers: bool,
) -> Error {
    let csv_err = |message: String| Error::Csv {
        source_name: source.to_string(),
        line,
        message,
    };
    let what = if header {
        "as in the header"
    } else {
        "as in the first row"
    };
    if !header || data_rows > 0 {
        return csv_err(format!(
            "expected {width} fields ({what}), found {found}; every row needs one value per \
             column"
        ));
    }
    // First data row: do the rows agree among themselves?
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(bytes);
    let counts: Vec<usize> = reader
        .byte_records()
        .filter_map(|r| r.ok())
        .filter(|r| !is_blank(r))
        .skip(1)
        .take(100)
        .map(|r| r.len())
        .collect();
    let rows_agree = counts.iter().all(|&c| c == found);
    let mut message = if rows_agree {
        format!(
            "the header (line 1) has {width} field(s) ({}) but the rows have {found}",
            name_list(names, 8)
        )
    } else {
        format!(
            "the header (line 1) has {width} field(s) but this row has {found}; the rows \
             disagree among themselves too"
        )
    };
    let delim = Delimiter::Byte(delimiter).describe();
    let delim = if delimiter == b' ' {
        "runs of spaces".to_string()
    } else {
        delim
    };
    if header_has_numbers || (rows_agree && found != width) {
        message.push_str(&format!(
            ". If the first line is data, not column names, pass --no-header; the delimiter \
             read is {delim} (--delimiter to choose another)"
        ));
    }
    csv_err(message)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::column::ColumnData;

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
        let e = read(b"a,b,c\n1,2\n3,4\n").unwrap_err().to_string();
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
