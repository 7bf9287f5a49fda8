//! The first record of a CSV text: column names (or, without a header,
//! numbered ones), whether it is a header at all (detected from whether it
//! is all numbers, unless told), and where the data records start.

use super::cell::{classify, trim, Cell};
use super::options::ReadOptions;
use super::records::{csv_reader, line_in, next_record, LineCounter};
use crate::data::notes::excerpt;
use crate::error::{Error, Result};
use std::collections::HashMap;

/// The header (or first) row and where the data rows start.
pub struct Header {
    pub names: Vec<String>,
    pub header: bool,
    pub header_detected: bool,
    pub unnamed_last: bool,
    /// Every present cell of the first row is a number.
    pub looks_numeric: bool,
    /// Byte offset and line where the data records start.
    pub data_start: usize,
    pub data_line: u64,
}

/// Reads the first record of `bytes`: the column names, or (no header) the
/// width and numbered names.
pub fn read_header(
    bytes: &[u8],
    source: &str,
    options: &ReadOptions,
    decimal_comma: bool,
    delimiter: u8,
) -> Result<Header> {
    let csv_err = |line: u64, message: String| Error::Csv {
        source_name: source.to_string(),
        line,
        message,
    };
    let mut reader = csv_reader(bytes, delimiter);
    let mut record = csv::ByteRecord::new();
    let found = next_record(&mut reader, &mut record, bytes, 1).map_err(|(l, m)| csv_err(l, m))?;
    if !found {
        return Err(csv_err(
            1,
            "the file is empty; expected a header row with column names and data rows".into(),
        ));
    }
    let first_line = LineCounter::new(bytes, 1).line_of(&record);
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
            let name = std::str::from_utf8(trim(field)).map_err(|_| {
                csv_err(
                    first_line,
                    format!(
                        "the name of column {} is not UTF-8 text ('{}'); save the file as UTF-8",
                        i + 1,
                        excerpt(&String::from_utf8_lossy(field), 40)
                    ),
                )
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
    let (data_start, data_line) = if header {
        let end = reader.position().byte() as usize;
        (end, line_in(bytes, end as u64))
    } else {
        (0, 1)
    };
    Ok(Header {
        names,
        header,
        header_detected,
        unnamed_last,
        looks_numeric,
        data_start,
        data_line,
    })
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
