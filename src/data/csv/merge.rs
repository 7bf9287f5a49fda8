//! Parsed pieces merged into the table's columns in file order, and the
//! error a piece stopped at, in the reader's words (file, line, column,
//! value, and for a first data row of the wrong width, what the header and
//! the rows say).

use super::cell::Cell;
use super::header::Header;
use super::options::{Delimiter, Detected};
use super::records::{csv_reader, is_blank, Other, Parsed, Stop};
use crate::data::column::ColumnBuilder;
use crate::data::notes::name_list;
use crate::data::Table;
use crate::error::{setting, Error, Result};

/// The columns being built, fed parsed pieces in file order.
pub struct Sink<'a> {
    pub source: &'a str,
    pub columns: Vec<ColumnBuilder>,
    pub lines: Vec<u64>,
    pub last_all_empty: bool,
    pub extra_empty_field: bool,
    /// The start of the text (for the first data row's field-count error).
    pub head: Vec<u8>,
    pub header: &'a Header,
    pub delimiter: u8,
}

impl Sink<'_> {
    /// Appends a piece's rows; its stop, if any, becomes the error.
    pub fn merge(&mut self, parsed: &mut Parsed) -> Result<()> {
        let base = self.lines.len();
        for ((col, numbers), others) in self
            .columns
            .iter_mut()
            .zip(&parsed.numbers)
            .zip(&mut parsed.others)
        {
            if others.is_empty() {
                col.extend_numbers(numbers, base);
                continue;
            }
            let mut others = others.drain(..).peekable();
            for (k, v) in numbers.iter().enumerate() {
                let row = base + k;
                match others.next_if(|(r, _)| *r == k) {
                    None => col.push(Cell::Number(v), row),
                    Some((_, Other::Missing)) => col.push(Cell::Missing, row),
                    Some((_, Other::Text(s))) => col.push(Cell::Text(&s), row),
                    Some((_, Other::NonFinite(v, text))) => {
                        col.push(Cell::NonFinite(v), row);
                        col.set_nonfinite_text(row, &text);
                    }
                }
            }
        }
        self.lines.extend_from_slice(&parsed.lines);
        self.last_all_empty &= parsed.last_all_empty;
        self.extra_empty_field |= parsed.extra_empty_field;
        match parsed.stop.take() {
            None => Ok(()),
            Some(stop) => Err(self.error(stop)),
        }
    }

    fn error(&self, stop: Stop) -> Error {
        let source = self.source;
        let width = self.header.names.len();
        match stop {
            Stop::Unreadable { line, message } => Error::Csv {
                source_name: source.to_string(),
                line,
                message,
            },
            Stop::NotUtf8 { line, column, text } => Error::Cell {
                source_name: source.to_string(),
                line,
                column: column + 1,
                column_name: self.header.names[column].clone(),
                message: format!("the cell is not UTF-8 text ('{text}'); save the file as UTF-8"),
            },
            Stop::FieldCount {
                line,
                found,
                multiline: true,
            } => Error::Csv {
                source_name: source.to_string(),
                line,
                message: format!(
                    "a quoted field on this line runs over several lines and the row has \
                     {found} field(s) where {width} are expected: is a closing quote (\") \
                     missing?"
                ),
            },
            Stop::FieldCount { line, found, .. } => field_count_error(
                source,
                &self.head,
                self.delimiter,
                self.header.header,
                width,
                &self.header.names,
                self.lines.len(),
                line,
                found,
                self.header.looks_numeric,
            ),
        }
    }

    pub fn finish(mut self, mut detected: Detected) -> Table {
        // A delimiter at the end of every line: an empty last column, dropped.
        let width = self.columns.len();
        let data_rows = self.lines.len();
        let trailing = width > 1
            && self.last_all_empty
            && (if self.header.header {
                self.header.unnamed_last
            } else {
                data_rows > 0
            });
        if trailing {
            self.columns.pop();
        }
        detected.trailing_delimiter = trailing || self.extra_empty_field;
        Table {
            source: self.source.to_string(),
            columns: self
                .columns
                .into_iter()
                .map(ColumnBuilder::finish)
                .collect(),
            lines: self.lines,
            detected,
        }
    }
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
    let mut reader = csv_reader(bytes, delimiter);
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
            ". If the first line is data, not column names, pass {}; the delimiter \
             read is {delim} ({} to choose another)",
            setting("no_header"),
            setting("delimiter")
        ));
    }
    csv_err(message)
}
