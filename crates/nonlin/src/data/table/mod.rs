//! A CSV file read into named, typed columns ([`mod@column`]: numbers, stored
//! compactly by [`compact_numbers`], or text; missing cells marked),
//! remembering each row's line so later checks can still point at the file.

pub mod column;
pub mod compact_numbers;

use super::csv::{read_table, read_table_from, Detected, ReadOptions};
use super::notes::Note;
use crate::error::{Error, Result};
use column::{Column, ColumnData};
use compact_numbers::Numbers;
use std::path::Path;

/// A table of typed columns, stored column by column.
#[derive(Debug, Clone)]
pub struct Table {
    /// Where the data came from, for messages ("data.csv", or the embedded set).
    pub source: String,
    pub columns: Vec<Column>,
    /// The 1-based file line of each row.
    pub lines: Vec<u64>,
    /// How the file was read (delimiter, decimal comma, header...).
    pub detected: Detected,
}

/// Numbers only, row-major `n_rows × columns.len()`: the columns a model
/// reads at predict time ([`Table::read_columns`]).
#[derive(Debug, Clone)]
pub struct NumericTable {
    pub source: String,
    pub columns: Vec<String>,
    pub values: Vec<f64>,
    /// The 1-based file line of each row.
    pub lines: Vec<u64>,
}

impl NumericTable {
    pub fn n_rows(&self) -> usize {
        self.lines.len()
    }

    pub fn n_cols(&self) -> usize {
        self.columns.len()
    }

    pub fn get(&self, row: usize, col: usize) -> f64 {
        self.values[row * self.columns.len() + col]
    }
}

impl Table {
    pub fn n_rows(&self) -> usize {
        self.lines.len()
    }

    pub fn n_cols(&self) -> usize {
        self.columns.len()
    }

    /// The column names, in file order.
    pub fn names(&self) -> Vec<String> {
        self.columns.iter().map(|c| c.name.clone()).collect()
    }

    /// Index of a column by exact name, or an error listing the columns
    /// there are (with a "did you mean").
    pub fn column_index(&self, name: &str) -> Result<usize> {
        self.columns
            .iter()
            .position(|c| c.name == name)
            .ok_or_else(|| Error::MissingColumn {
                source_name: self.source.clone(),
                column: name.to_string(),
                available: self.names(),
            })
    }

    /// A column by exact name.
    pub fn column(&self, name: &str) -> Result<&Column> {
        Ok(&self.columns[self.column_index(name)?])
    }

    /// What the reader detected, as notes (nothing for a plain CSV).
    pub fn notes(&self) -> Vec<Note> {
        let mut notes = Vec::new();
        if let Some(d) = self.detected.describe() {
            notes.push(Note::info(None, format!("{}: {d}", self.source)));
        }
        if !self.detected.header {
            let last = self.n_cols().saturating_sub(1);
            notes.push(Note::info(
                None,
                format!(
                    "{}: no header row; the columns are named c0 … c{last} in file order \
                     (e.g. {})",
                    self.source,
                    crate::error::setting_value("target", &format!("c{last}"))
                ),
            ));
        }
        notes
    }

    /// Reads a CSV file, detecting its delimiter, decimal separator and header.
    pub fn from_path(path: &Path) -> Result<Table> {
        Table::from_path_with(path, &ReadOptions::default())
    }

    /// Reads a CSV file as `options` say (detecting what they leave open).
    pub fn from_path_with(path: &Path, options: &ReadOptions) -> Result<Table> {
        let file = open_file(path)?;
        read_table_from(file, &path.display().to_string(), options)
    }

    /// The embedded Heart Failure data set.
    pub fn heart_failure() -> Table {
        Table::from_csv_bytes(
            super::HEART_FAILURE_CSV.as_bytes(),
            super::HEART_FAILURE_NAME,
        )
        .expect("the embedded data set is valid")
    }

    /// Parses CSV bytes, detecting the format. `source` names the data in errors.
    pub fn from_csv_bytes(bytes: &[u8], source: &str) -> Result<Table> {
        read_table(bytes, source, &ReadOptions::default())
    }

    /// Parses CSV bytes as `options` say.
    pub fn from_csv_bytes_with(bytes: &[u8], source: &str, options: &ReadOptions) -> Result<Table> {
        read_table(bytes, source, options)
    }

    /// The value of a numeric cell (NaN if missing or the column is text).
    pub fn get(&self, row: usize, col: usize) -> f64 {
        match &self.columns[col].data {
            ColumnData::Numeric(v) => v.get(row),
            ColumnData::Text(_) => f64::NAN,
        }
    }

    /// Reads only the named columns of a CSV file, in the order of `names`
    /// (wherever they are in the file); returns them as numbers and the
    /// file's other columns, which are ignored (their cells need not be
    /// numbers). Every named column must exist and hold only finite numbers.
    pub fn read_columns(path: &Path, names: &[String]) -> Result<(NumericTable, Vec<String>)> {
        Table::from_path(path)?.select_numeric(names)
    }

    /// [`Table::read_columns`] on bytes; `source` names the data in errors.
    pub fn columns_from_csv_bytes(
        bytes: &[u8],
        source: &str,
        names: &[String],
    ) -> Result<(NumericTable, Vec<String>)> {
        Table::from_csv_bytes(bytes, source)?.select_numeric(names)
    }

    /// The named columns as a row-major numeric table, and the names of the
    /// others. Text, missing or non-finite cells in them are errors.
    pub fn select_numeric(&self, names: &[String]) -> Result<(NumericTable, Vec<String>)> {
        let all = self.names();
        let missing: Vec<String> = names.iter().filter(|n| !all.contains(n)).cloned().collect();
        if !missing.is_empty() {
            return Err(Error::MissingColumns {
                source_name: self.source.clone(),
                missing,
                available: all,
            });
        }
        let picks: Vec<usize> = names
            .iter()
            .map(|n| self.column_index(n))
            .collect::<Result<_>>()?;
        let mut cols: Vec<&Numbers> = Vec::with_capacity(picks.len());
        for &p in &picks {
            cols.push(self.numeric_column(p)?);
        }
        let n = self.n_rows();
        let mut values = Vec::with_capacity(n * picks.len());
        for r in 0..n {
            values.extend(cols.iter().map(|c| c.get(r)));
        }
        Ok((
            NumericTable {
                source: self.source.clone(),
                columns: names.to_vec(),
                values,
                lines: self.lines.clone(),
            },
            all.into_iter().filter(|c| !names.contains(c)).collect(),
        ))
    }

    /// The numbers of column `c`, or an error naming its first cell that is
    /// not a finite number (text, missing, `inf`).
    pub fn numeric_column(&self, c: usize) -> Result<&Numbers> {
        let col = &self.columns[c];
        let cell_err = |row: usize, message: String| Error::Cell {
            source_name: self.source.clone(),
            line: self.lines[row],
            column: col.position + 1,
            column_name: col.name.clone(),
            message,
        };
        match &col.data {
            ColumnData::Text(t) => {
                let row = t.first_text;
                Err(Error::NotANumber {
                    source_name: self.source.clone(),
                    line: self.lines[row],
                    column: col.position + 1,
                    column_name: col.name.clone(),
                    text: col.text(row).unwrap_or_default(),
                })
            }
            ColumnData::Numeric(v) => {
                if let Some((row, text)) = &col.first_nonfinite {
                    return Err(cell_err(*row, nonfinite_message(text)));
                }
                if col.n_missing > 0 {
                    let row = v.iter().position(f64::is_nan).expect("counted");
                    return Err(cell_err(
                        row,
                        "the value is missing (empty or a marker such as NA); a number is \
                         needed here"
                            .into(),
                    ));
                }
                Ok(v)
            }
        }
    }
}

/// The message for a cell such as `inf` or `1e999`.
pub fn nonfinite_message(text: &str) -> String {
    format!(
        "'{text}' is not a finite number (it reads as infinity); use finite values, or mark \
         the cell as missing (empty or NA)"
    )
}

fn open_file(path: &Path) -> Result<std::fs::File> {
    if path.is_dir() {
        return Err(Error::Data(format!(
            "'{}' is a directory; {} needs a CSV file",
            path.display(),
            crate::error::setting("data")
        )));
    }
    std::fs::File::open(path).map_err(|e| Error::io(path, "read the data file", e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_embedded_data_set() {
        let t = Table::heart_failure();
        assert_eq!(t.n_rows(), 299);
        assert_eq!(t.n_cols(), 13);
        assert_eq!(t.columns[12].name, "DEATH_EVENT");
        assert_eq!(t.get(1, 6), 263358.03);
        assert_eq!(t.lines[0], 2);
        assert!(t.columns.iter().all(|c| c.is_numeric() && c.n_missing == 0));
        assert!(t.notes().is_empty());
    }

    #[test]
    fn non_numeric_cell_names_line_and_column() {
        let t = Table::from_csv_bytes(b"a,b\n1,2\n3,x\n", "f.csv").unwrap();
        let err = t.numeric_column(1).unwrap_err().to_string();
        assert!(err.contains("f.csv, line 3, column 2 ('b')"), "{err}");
        assert!(err.contains("found 'x'"), "{err}");
    }

    #[test]
    fn wrong_field_count_is_an_error() {
        let err = Table::from_csv_bytes(b"a,b\n1,2\n3\n", "f.csv")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("line 3") && err.contains("expected 2 fields"),
            "{err}"
        );
    }

    #[test]
    fn empty_and_duplicate_headers_are_errors() {
        assert!(Table::from_csv_bytes(b"", "f.csv").is_err());
        let err = Table::from_csv_bytes(b"a,a\n1,2\n", "f.csv")
            .unwrap_err()
            .to_string();
        assert!(err.contains("twice"), "{err}");
    }

    #[test]
    fn selected_columns_come_in_the_asked_order_and_others_are_ignored() {
        let names = ["c".to_string(), "a".to_string()];
        let (t, ignored) =
            Table::columns_from_csv_bytes(b"a,b,c\n1,x,3\n4,y,6\n", "f.csv", &names).unwrap();
        assert_eq!(t.columns, ["c", "a"]);
        assert_eq!(t.values, [3.0, 1.0, 6.0, 4.0]);
        assert_eq!(ignored, ["b"]);
        let err = Table::columns_from_csv_bytes(b"a,b,c\n1,2,z\n", "f.csv", &names)
            .unwrap_err()
            .to_string();
        assert!(err.contains("f.csv, line 2, column 3 ('c')"), "{err}");
        let names = ["c".into(), "d".into(), "e".into()];
        let err = Table::columns_from_csv_bytes(b"a,b,c\n1,2,3\n", "f.csv", &names)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("'d', 'e'") && err.contains("The columns are: a, b, c"),
            "{err}"
        );
    }

    #[test]
    fn missing_and_infinite_cells_in_numeric_selections_are_named() {
        let names = ["a".to_string()];
        let err = Table::columns_from_csv_bytes(b"a\n1\nNA\n", "f.csv", &names)
            .unwrap_err()
            .to_string();
        assert!(err.contains("line 3") && err.contains("missing"), "{err}");
        let err = Table::columns_from_csv_bytes(b"a\n1\n1e999\n", "f.csv", &names)
            .unwrap_err()
            .to_string();
        assert!(err.contains("line 3") && err.contains("'1e999'"), "{err}");
    }

    #[test]
    fn unknown_column_suggests_the_closest() {
        let t = Table::heart_failure();
        let err = t.column_index("DEATH").unwrap_err().to_string();
        assert!(err.contains("Did you mean 'DEATH_EVENT'?"), "{err}");
    }
}
