//! The data records of one piece of CSV text, classified cell by cell into
//! per-column numbers (and the few cells that are not numbers), with the
//! file line of each row. Pieces are independent, so two can be parsed at
//! once; the reader merges them in file order ([`super::reader`]).

use super::cell::{classify, trim, Cell};
use super::parse_number::parse_decimal_parts;
use crate::data::notes::excerpt;
use crate::data::table::compact_numbers::Numbers;

/// What every row is checked against (from the header or first row).
#[derive(Debug, Clone, Copy)]
pub struct Shape {
    pub width: usize,
    /// The header's last name is empty: a row may lack the last field.
    pub unnamed_last: bool,
    pub decimal_comma: bool,
    pub delimiter: u8,
}

/// A cell that is not a finite number.
#[derive(Debug, Clone, PartialEq)]
pub enum Other {
    Missing,
    Text(String),
    /// The value and the cell's text as written (an excerpt).
    NonFinite(f64, String),
}

/// Why parsing stopped before the end of the piece.
#[derive(Debug, Clone, PartialEq)]
pub enum Stop {
    /// A row with `found` fields where the header has another count.
    FieldCount {
        line: u64,
        found: usize,
        /// A field of the row holds a line break (an unclosed quote?).
        multiline: bool,
    },
    /// A cell that is not UTF-8 (0-based column, text excerpt).
    NotUtf8 {
        line: u64,
        column: usize,
        text: String,
    },
    /// The `csv` crate's own error.
    Unreadable { line: u64, message: String },
}

/// The rows of one piece.
#[derive(Debug, Default)]
pub struct Parsed {
    /// File line of each row.
    pub lines: Vec<u64>,
    /// Per column, one value per row (NaN where `others` holds the cell).
    pub numbers: Vec<Numbers>,
    /// Per column, the cells that are not finite numbers: (row in the piece, cell).
    pub others: Vec<Vec<(usize, Other)>>,
    /// No row had a non-empty last field.
    pub last_all_empty: bool,
    /// Some row had one extra, empty field (a trailing delimiter).
    pub extra_empty_field: bool,
    /// The first bad row; the rows before it are in `lines`.
    pub stop: Option<Stop>,
}

impl Parsed {
    /// Emptied for a piece of a table `width` columns wide (buffers kept).
    fn reset(&mut self, width: usize) {
        self.numbers.resize_with(width, Numbers::new);
        self.others.resize_with(width, Vec::new);
        self.numbers.iter_mut().for_each(Numbers::clear);
        self.others.iter_mut().for_each(Vec::clear);
        self.lines.clear();
        self.last_all_empty = true;
        self.extra_empty_field = false;
        self.stop = None;
    }

    /// Ends at a bad row: the cells of its first fields are taken back.
    fn stop_at(&mut self, stop: Stop) {
        let rows = self.lines.len();
        for (numbers, others) in self.numbers.iter_mut().zip(&mut self.others) {
            numbers.truncate(rows);
            others.retain(|(r, _)| *r < rows);
        }
        self.stop = Some(stop);
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.lines.len()
    }

    /// Whether the piece held no row.
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }
}

/// A `csv` reader over a piece, with the options every piece is read with.
pub fn csv_reader(bytes: &[u8], delimiter: u8) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(bytes)
}

/// Reads the next record that is not blank; `Err` holds the line and the
/// `csv` crate's message.
pub fn next_record(
    reader: &mut csv::Reader<&[u8]>,
    record: &mut csv::ByteRecord,
    bytes: &[u8],
    first_line: u64,
) -> Result<bool, (u64, String)> {
    loop {
        match reader.read_byte_record(record) {
            Ok(false) => return Ok(false),
            Ok(true) if is_blank(record) => continue,
            Ok(true) => return Ok(true),
            Err(e) => {
                let line = e
                    .position()
                    .map_or(0, |p| first_line - 1 + line_in(bytes, p.byte()));
                return Err((line, format!("unreadable CSV: {e}")));
            }
        }
    }
}

/// Parses every data record of `bytes`, whose first byte is on file line
/// `first_line`, stopping at the first bad row: with the `csv` crate when
/// the text holds a quote, else by splitting lines and fields directly
/// ([`parse_plain`], the same records).
pub fn parse_records(bytes: &[u8], first_line: u64, shape: &Shape) -> Parsed {
    let mut out = Parsed::default();
    parse_records_into(bytes, first_line, shape, &mut out);
    out
}

/// [`parse_records`] into `out`, whose buffers are reused.
pub fn parse_records_into(bytes: &[u8], first_line: u64, shape: &Shape, out: &mut Parsed) {
    out.reset(shape.width);
    if memchr::memchr(b'"', bytes).is_none() {
        parse_plain(bytes, first_line, shape, out)
    } else {
        parse_quoted(bytes, first_line, shape, out)
    }
}

/// [`parse_records`] with the `csv` crate (quotes, escaped quotes, line
/// breaks inside quoted fields).
fn parse_quoted(bytes: &[u8], first_line: u64, shape: &Shape, out: &mut Parsed) {
    let mut reader = csv_reader(bytes, shape.delimiter);
    let mut record = csv::ByteRecord::new();
    let mut lines_at = LineCounter::new(bytes, first_line);
    loop {
        match next_record(&mut reader, &mut record, bytes, first_line) {
            Ok(true) => {}
            Ok(false) => break,
            Err((line, message)) => {
                out.stop = Some(Stop::Unreadable { line, message });
                break;
            }
        }
        let line = lines_at.line_of(&record);
        if let Err(stop) = push_row(out, record.len(), |j| &record[j], line, shape) {
            out.stop_at(stop);
            break;
        }
    }
}

/// [`parse_records`] on text without quotes: a record is a non-empty run of
/// bytes between `\n`/`\r` line ends (as the `csv` crate reads it, blank
/// lines skipped), its fields split at the delimiter.
pub fn parse_plain(bytes: &[u8], first_line: u64, shape: &Shape, out: &mut Parsed) {
    let mut fields: Vec<&[u8]> = Vec::with_capacity(shape.width + 1);
    let mut line = first_line;
    let mut pos = 0;
    while pos < bytes.len() {
        let end = memchr::memchr2(b'\n', b'\r', &bytes[pos..]).map_or(bytes.len(), |k| pos + k);
        let text = &bytes[pos..end];
        if !text.is_empty() {
            fields.clear();
            let mut start = 0;
            for d in memchr::memchr_iter(shape.delimiter, text) {
                fields.push(&text[start..d]);
                start = d + 1;
            }
            fields.push(&text[start..]);
            let blank = fields.len() == 1 && trim(fields[0]).is_empty();
            if !blank {
                if let Err(stop) = push_row(out, fields.len(), |j| fields[j], line, shape) {
                    out.stop_at(stop);
                    return;
                }
            }
        }
        if end < bytes.len() {
            let crlf = bytes[end] == b'\r' && bytes.get(end + 1) == Some(&b'\n');
            pos = end + 1 + usize::from(crlf);
            line += 1;
        } else {
            pos = end;
        }
    }
}

/// Checks one record's shape and classifies its cells.
/// `field(j)` is field `j` of the `n_fields` fields of the record.
fn push_row<'r>(
    out: &mut Parsed,
    n_fields: usize,
    field: impl Fn(usize) -> &'r [u8],
    line: u64,
    shape: &Shape,
) -> Result<(), Stop> {
    let width = shape.width;
    let mut n = n_fields;
    if n == width + 1 && trim(field(width)).is_empty() {
        out.extra_empty_field = true;
        n = width;
    }
    // The header ends with a delimiter, this row does not.
    let short_by_trailing = shape.unnamed_last && n + 1 == width;
    if short_by_trailing {
        n = width;
    }
    if n != width {
        return Err(Stop::FieldCount {
            line,
            found: n,
            multiline: (0..n_fields).any(|j| field(j).contains(&b'\n')),
        });
    }
    let row = out.lines.len();
    for j in 0..width {
        let raw = if short_by_trailing && j + 1 == width {
            &b""[..]
        } else {
            field(j)
        };
        // The common cell: a decimal stored as its own digits.
        if let Some(d) = parse_decimal_parts(trim(raw)) {
            out.numbers[j].push_decimal(d);
            continue;
        }
        let (value, other) = match classify(raw, shape.decimal_comma) {
            Cell::Number(v) => (v, None),
            Cell::Missing => (f64::NAN, Some(Other::Missing)),
            Cell::Text(s) => (f64::NAN, Some(Other::Text(s.to_string()))),
            Cell::NonFinite(v) => {
                let text = excerpt(&String::from_utf8_lossy(trim(raw)), 40);
                (f64::NAN, Some(Other::NonFinite(v, text)))
            }
            Cell::NotUtf8 => {
                return Err(Stop::NotUtf8 {
                    line,
                    column: j,
                    text: excerpt(&String::from_utf8_lossy(trim(raw)), 40),
                })
            }
        };
        out.numbers[j].push(value);
        if let Some(o) = other {
            out.others[j].push((row, o));
        }
    }
    if width > 0 && !short_by_trailing && !trim(field(width - 1)).is_empty() {
        out.last_all_empty = false;
    }
    out.lines.push(line);
    Ok(())
}

/// The 1-based line of each record, counted from the bytes: the `csv`
/// crate's own line numbers skip blank lines and miscount CRLF. A record's
/// byte position is where the previous one's terminator began, so line ends
/// after it are skipped first. Records come in order, so this is linear.
pub struct LineCounter<'a> {
    bytes: &'a [u8],
    pos: usize,
    line: u64,
}

impl<'a> LineCounter<'a> {
    /// Lines of `bytes`, whose first byte is on line `first_line`.
    pub fn new(bytes: &'a [u8], first_line: u64) -> Self {
        LineCounter {
            bytes,
            pos: 0,
            line: first_line,
        }
    }

    /// The line where `record` starts.
    pub fn line_of(&mut self, record: &csv::ByteRecord) -> u64 {
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
pub fn count_line_breaks(b: &[u8], next: Option<&u8>) -> u64 {
    if memchr::memchr(b'\r', b).is_none() {
        return memchr::memchr_iter(b'\n', b).count() as u64;
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

/// The 1-based line of a byte offset of `bytes`.
pub fn line_in(bytes: &[u8], byte: u64) -> u64 {
    let end = (byte as usize).min(bytes.len());
    1 + count_line_breaks(&bytes[..end], bytes.get(end))
}

/// A line with nothing but spaces.
pub fn is_blank(record: &csv::ByteRecord) -> bool {
    record.len() == 1 && trim(&record[0]).is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHAPE: Shape = Shape {
        width: 2,
        unnamed_last: false,
        decimal_comma: false,
        delimiter: b',',
    };

    #[test]
    fn numbers_and_other_cells_per_column() {
        let p = parse_records(b"\n1,x\n\nNA,inf\n", 1, &SHAPE);
        assert_eq!(p.lines, [2, 4]);
        assert_eq!(p.numbers[0].get(0), 1.0);
        assert_eq!(p.others[0], [(1, Other::Missing)]);
        assert_eq!(
            p.others[1],
            [
                (0, Other::Text("x".into())),
                (1, Other::NonFinite(f64::INFINITY, "inf".into()))
            ]
        );
        assert!(!p.last_all_empty && p.stop.is_none());
    }

    proptest::proptest! {
        /// Without quotes, splitting lines and fields directly gives what
        /// the `csv` crate gives: the same rows, lines, cells and stops.
        #[test]
        fn plain_splitting_matches_the_csv_crate(
            text in proptest::collection::vec(
                proptest::sample::select(vec![
                    "1", "2.5", "-3e2", "x", "NA", "", " ", ",", ",", "\n", "\n", "\r", "\r\n",
                    "inf", "\t", "\u{e9}",
                ]),
                0..40,
            ),
            width in 1usize..4,
            unnamed_last: bool,
        ) {
            let text = text.concat();
            let shape = Shape { width, unnamed_last, ..SHAPE };
            let (mut plain, mut quoted) = (Parsed::default(), Parsed::default());
            plain.reset(width);
            quoted.reset(width);
            parse_plain(text.as_bytes(), 3, &shape, &mut plain);
            parse_quoted(text.as_bytes(), 3, &shape, &mut quoted);
            proptest::prop_assert_eq!(format!("{plain:?}"), format!("{quoted:?}"), "{:?}", text);
        }
    }

    #[test]
    fn a_bad_row_stops_the_piece() {
        let p = parse_records(b"1,2\n3\n5,6\n", 10, &SHAPE);
        assert_eq!(p.lines, [10]);
        assert_eq!(
            p.stop,
            Some(Stop::FieldCount {
                line: 11,
                found: 1,
                multiline: false
            })
        );
        let p = parse_records(b"1,2\n3,\xe9\n", 1, &SHAPE);
        assert_eq!(p.len(), 1);
        assert_eq!(p.numbers[0].len(), 1);
        assert!(matches!(
            p.stop,
            Some(Stop::NotUtf8 {
                line: 2,
                column: 1,
                ..
            })
        ));
    }
}
