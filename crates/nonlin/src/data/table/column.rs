//! A column of a [`super::Table`]: numbers (f64, column-major, NaN for a
//! missing cell) or text (interned: each distinct value stored once, a code
//! per row), built cell by cell as the CSV is read.

use super::compact_numbers::Numbers;
use crate::data::csv::cell::Cell;
use std::collections::HashMap;
use std::fmt::Write;

/// The code of a missing cell in a [`TextColumn`].
pub const MISSING_CODE: u32 = u32::MAX;

/// A column with at least one cell that is not a number.
#[derive(Debug, Clone, PartialEq)]
pub struct TextColumn {
    /// Distinct values in order of first appearance. A cell that reads as a
    /// number is stored as Rust formats the number (`2.50` → `2.5`), so the
    /// same value is always the same level.
    pub levels: Vec<String>,
    /// Index into `levels` per row, or [`MISSING_CODE`].
    pub codes: Vec<u32>,
    /// How many cells read as numbers.
    pub n_numbers: usize,
    /// Row of the first cell that reads as a number, if any.
    pub first_number: Option<usize>,
    /// Row of the first cell that does not.
    pub first_text: usize,
}

/// The cells of a column.
#[derive(Debug, Clone, PartialEq)]
pub enum ColumnData {
    /// Every present cell is a number; NaN marks a missing cell, ±inf a cell
    /// such as `inf` or `1e999` (see [`Column::first_nonfinite`]). Stored
    /// compactly where that is exact ([`Numbers`]).
    Numeric(Numbers),
    /// At least one cell is text.
    Text(TextColumn),
}

/// One named column.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub name: String,
    /// 0-based position in the file (for "column 3" in messages).
    pub position: usize,
    pub data: ColumnData,
    /// Number of missing cells.
    pub n_missing: usize,
    /// The first cell that reads as a number but is not finite: row and text.
    pub first_nonfinite: Option<(usize, String)>,
}

impl Column {
    /// Number of rows.
    pub fn len(&self) -> usize {
        match &self.data {
            ColumnData::Numeric(v) => v.len(),
            ColumnData::Text(t) => t.codes.len(),
        }
    }

    /// Whether the column has no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether every present cell is a number.
    pub fn is_numeric(&self) -> bool {
        matches!(self.data, ColumnData::Numeric(_))
    }

    /// The numbers, if the column is numeric.
    pub fn numbers(&self) -> Option<&Numbers> {
        match &self.data {
            ColumnData::Numeric(v) => Some(v),
            ColumnData::Text(_) => None,
        }
    }

    /// Whether the cell of `row` is missing.
    pub fn is_missing(&self, row: usize) -> bool {
        match &self.data {
            ColumnData::Numeric(v) => v.get(row).is_nan(),
            ColumnData::Text(t) => t.codes[row] == MISSING_CODE,
        }
    }

    /// The cell of `row` as text (numbers as Rust formats them), `None` if missing.
    pub fn text(&self, row: usize) -> Option<String> {
        match &self.data {
            ColumnData::Numeric(v) => {
                let v = v.get(row);
                (!v.is_nan()).then(|| format!("{v}"))
            }
            ColumnData::Text(t) => {
                let c = t.codes[row];
                (c != MISSING_CODE).then(|| t.levels[c as usize].clone())
            }
        }
    }
}

/// Interned text cells.
#[derive(Debug, Default)]
struct TextBuilder {
    levels: Vec<String>,
    index: HashMap<String, u32>,
    codes: Vec<u32>,
    n_numbers: usize,
    first_number: Option<usize>,
    first_text: usize,
    buf: String,
}

impl TextBuilder {
    fn push_str(&mut self, s: &str) {
        let code = match self.index.get(s) {
            Some(&c) => c,
            None => {
                let c = self.levels.len() as u32;
                self.levels.push(s.to_string());
                self.index.insert(s.to_string(), c);
                c
            }
        };
        self.codes.push(code);
    }

    fn push_number(&mut self, v: f64, row: usize) {
        self.n_numbers += 1;
        self.first_number.get_or_insert(row);
        let mut buf = std::mem::take(&mut self.buf);
        buf.clear();
        let _ = write!(buf, "{v}");
        self.push_str(&buf);
        self.buf = buf;
    }
}

/// Builds a [`Column`] one cell at a time: numeric until the first text cell.
#[derive(Debug)]
pub struct ColumnBuilder {
    name: String,
    position: usize,
    numbers: Numbers,
    text: Option<TextBuilder>,
    n_missing: usize,
    first_nonfinite: Option<(usize, String)>,
}

impl ColumnBuilder {
    /// An empty column named `name` at file position `position`.
    pub fn new(name: String, position: usize) -> ColumnBuilder {
        ColumnBuilder {
            name,
            position,
            numbers: Numbers::new(),
            text: None,
            n_missing: 0,
            first_nonfinite: None,
        }
    }

    /// Adds the cell of `row` (the next row). `Cell::NotUtf8` must be
    /// handled by the caller; it is stored as missing.
    pub fn push(&mut self, cell: Cell<'_>, row: usize) {
        match cell {
            Cell::Missing | Cell::NotUtf8 => {
                self.n_missing += 1;
                match &mut self.text {
                    None => self.numbers.push(f64::NAN),
                    Some(t) => t.codes.push(MISSING_CODE),
                }
            }
            Cell::Number(v) | Cell::NonFinite(v) => {
                if let (Cell::NonFinite(_), None) = (cell, &self.first_nonfinite) {
                    self.first_nonfinite = Some((row, format!("{v}")));
                }
                match &mut self.text {
                    None => self.numbers.push(v),
                    Some(t) => t.push_number(v, row),
                }
            }
            Cell::Text(s) => {
                if self.text.is_none() {
                    self.convert_to_text(row);
                }
                self.text.as_mut().expect("text").push_str(s);
            }
        }
    }

    /// Adds finite numbers as the cells of rows `first_row`, `first_row + 1`, ….
    pub fn extend_numbers(&mut self, values: &Numbers, first_row: usize) {
        match &mut self.text {
            None => self.numbers.extend(values),
            Some(t) => {
                for (k, v) in values.iter().enumerate() {
                    t.push_number(v, first_row + k);
                }
            }
        }
    }

    /// Records the text of the first non-finite cell as written in the file.
    pub fn set_nonfinite_text(&mut self, row: usize, text: &str) {
        if let Some((r, t)) = &mut self.first_nonfinite {
            if *r == row {
                *t = text.to_string();
            }
        }
    }

    fn convert_to_text(&mut self, row: usize) {
        let mut t = TextBuilder {
            first_text: row,
            codes: Vec::with_capacity(self.numbers.len()),
            ..TextBuilder::default()
        };
        for (r, v) in self.numbers.iter().enumerate() {
            if v.is_nan() {
                t.codes.push(MISSING_CODE);
            } else {
                t.push_number(v, r);
            }
        }
        self.numbers = Numbers::new();
        self.text = Some(t);
    }

    /// Number of cells added.
    pub fn len(&self) -> usize {
        match &self.text {
            None => self.numbers.len(),
            Some(t) => t.codes.len(),
        }
    }

    /// Whether no cell was added.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The finished column.
    pub fn finish(self) -> Column {
        let data = match self.text {
            None => ColumnData::Numeric(self.numbers),
            Some(t) => ColumnData::Text(TextColumn {
                levels: t.levels,
                codes: t.codes,
                n_numbers: t.n_numbers,
                first_number: t.first_number,
                first_text: t.first_text,
            }),
        };
        Column {
            name: self.name,
            position: self.position,
            data,
            n_missing: self.n_missing,
            first_nonfinite: self.first_nonfinite,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn build(cells: &[Cell]) -> Column {
        let mut b = ColumnBuilder::new("c".into(), 0);
        for (r, &c) in cells.iter().enumerate() {
            b.push(c, r);
        }
        b.finish()
    }

    #[test]
    fn numbers_stay_numbers_with_nan_for_missing() {
        let c = build(&[Cell::Number(1.5), Cell::Missing, Cell::Number(-2.0)]);
        let v = c.numbers().unwrap();
        assert_eq!((v.get(0), v.get(2)), (1.5, -2.0));
        assert!(c.is_missing(1) && v.get(1).is_nan());
        assert_eq!(c.n_missing, 1);
    }

    #[test]
    fn first_text_cell_turns_the_column_to_text() {
        let c = build(&[
            Cell::Number(2.5),
            Cell::Missing,
            Cell::Text("M"),
            Cell::Number(2.5),
            Cell::Text("F"),
        ]);
        let ColumnData::Text(t) = &c.data else {
            panic!("text")
        };
        assert_eq!(t.levels, ["2.5", "M", "F"]);
        assert_eq!(t.codes, [0, MISSING_CODE, 1, 0, 2]);
        assert_eq!((t.n_numbers, t.first_number, t.first_text), (2, Some(0), 2));
        assert_eq!(c.text(4).as_deref(), Some("F"));
        assert_eq!(c.text(1), None);
    }

    #[test]
    fn non_finite_cells_are_remembered() {
        let mut b = ColumnBuilder::new("c".into(), 0);
        b.push(Cell::Number(1.0), 0);
        b.push(Cell::NonFinite(f64::INFINITY), 1);
        b.set_nonfinite_text(1, "1e999");
        let c = b.finish();
        assert_eq!(c.first_nonfinite, Some((1, "1e999".to_string())));
        assert!(c.is_numeric());
    }
}
