//! A CSV file read into named f64 columns, remembering each row's line so
//! later checks can still point at the file.

use crate::error::{Error, Result};
use std::path::Path;

/// Numeric table: `values` is row-major, `n_rows × columns.len()`.
#[derive(Debug, Clone)]
pub struct Table {
    /// Where the data came from, for messages ("data.csv", or the embedded set).
    pub source: String,
    pub columns: Vec<String>,
    pub values: Vec<f64>,
    /// Raw text of every cell that failed to parse as a number is not kept;
    /// this holds the 1-based file line of each row.
    pub lines: Vec<u64>,
}

impl Table {
    pub fn n_rows(&self) -> usize {
        self.lines.len()
    }

    pub fn n_cols(&self) -> usize {
        self.columns.len()
    }

    pub fn get(&self, row: usize, col: usize) -> f64 {
        self.values[row * self.columns.len() + col]
    }

    /// Index of a column by exact name, or an error listing the columns there are.
    pub fn column_index(&self, name: &str) -> Result<usize> {
        self.columns
            .iter()
            .position(|c| c == name)
            .ok_or_else(|| Error::MissingColumn {
                source_name: self.source.clone(),
                column: name.to_string(),
                available: self.columns.clone(),
            })
    }

    /// Reads a CSV file with a header row; every cell must be a number.
    pub fn from_path(path: &Path) -> Result<Table> {
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, "read the data file", e))?;
        Table::from_csv_bytes(&bytes, &path.display().to_string())
    }

    /// The embedded Heart Failure data set.
    pub fn heart_failure() -> Table {
        Table::from_csv_bytes(
            super::HEART_FAILURE_CSV.as_bytes(),
            super::HEART_FAILURE_NAME,
        )
        .expect("the embedded data set is valid")
    }

    /// Parses CSV bytes (header row first). `source` names the data in errors.
    pub fn from_csv_bytes(bytes: &[u8], source: &str) -> Result<Table> {
        Table::parse(bytes, source, None).map(|(t, _)| t)
    }

    /// Reads only the named columns of a CSV file, in the order of `names`
    /// (wherever they are in the file); returns the table and the file's
    /// other columns, which are ignored (their cells need not be numbers).
    /// Every named column must exist.
    pub fn read_columns(path: &Path, names: &[String]) -> Result<(Table, Vec<String>)> {
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, "read the data file", e))?;
        Table::parse(&bytes, &path.display().to_string(), Some(names))
    }

    /// [`Table::read_columns`] on bytes; `source` names the data in errors.
    pub fn columns_from_csv_bytes(
        bytes: &[u8],
        source: &str,
        names: &[String],
    ) -> Result<(Table, Vec<String>)> {
        Table::parse(bytes, source, Some(names))
    }

    fn parse(
        bytes: &[u8],
        source: &str,
        select: Option<&[String]>,
    ) -> Result<(Table, Vec<String>)> {
        let csv_err = |line: u64, message: String| Error::Csv {
            source_name: source.to_string(),
            line,
            message,
        };
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(true)
            .from_reader(bytes);
        let columns: Vec<String> = reader
            .headers()
            .map_err(|e| csv_err(1, format!("could not read the header row: {e}")))?
            .iter()
            .map(|h| h.trim().to_string())
            .collect();
        if columns.is_empty() || columns.iter().all(|c| c.is_empty()) {
            return Err(csv_err(
                1,
                "the file is empty; expected a header row with column names".into(),
            ));
        }
        if let Some(i) = columns.iter().position(|c| c.is_empty()) {
            return Err(csv_err(
                1,
                format!("column {} of the header has no name", i + 1),
            ));
        }
        for (i, c) in columns.iter().enumerate() {
            if columns[..i].contains(c) {
                return Err(csv_err(1, format!("the header names column '{c}' twice")));
            }
        }
        // File column of each kept column, in output order.
        let (picks, ignored): (Vec<usize>, Vec<String>) = match select {
            None => ((0..columns.len()).collect(), Vec::new()),
            Some(names) => {
                let missing: Vec<String> = names
                    .iter()
                    .filter(|n| !columns.contains(n))
                    .cloned()
                    .collect();
                if !missing.is_empty() {
                    return Err(Error::MissingColumns {
                        source_name: source.to_string(),
                        missing,
                        available: columns,
                    });
                }
                (
                    names
                        .iter()
                        .map(|n| columns.iter().position(|c| c == n).expect("checked"))
                        .collect(),
                    columns
                        .iter()
                        .filter(|c| !names.contains(c))
                        .cloned()
                        .collect(),
                )
            }
        };
        let mut values = Vec::new();
        let mut lines = Vec::new();
        let mut record = csv::StringRecord::new();
        loop {
            match reader.read_record(&mut record) {
                Ok(false) => break,
                Ok(true) => {}
                Err(e) => {
                    let line = e.position().map_or(0, |p| p.line());
                    return Err(csv_err(line, format!("unreadable CSV: {e}")));
                }
            }
            let line = record.position().map_or(0, |p| p.line());
            if record.len() == 1 && record[0].trim().is_empty() {
                continue; // a blank line
            }
            if record.len() != columns.len() {
                return Err(csv_err(
                    line,
                    format!(
                        "expected {} fields (as in the header), found {}",
                        columns.len(),
                        record.len()
                    ),
                ));
            }
            for &col in &picks {
                let text = record[col].trim();
                let v: f64 = text
                    .parse()
                    .ok()
                    .filter(|v: &f64| v.is_finite())
                    .ok_or_else(|| Error::NotANumber {
                        source_name: source.to_string(),
                        line,
                        column: col + 1,
                        column_name: columns[col].clone(),
                        text: text.to_string(),
                    })?;
                values.push(v);
            }
            lines.push(line);
        }
        Ok((
            Table {
                source: source.to_string(),
                columns: picks.iter().map(|&c| columns[c].clone()).collect(),
                values,
                lines,
            },
            ignored,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_embedded_data_set() {
        let t = Table::heart_failure();
        assert_eq!(t.n_rows(), 299);
        assert_eq!(t.n_cols(), 13);
        assert_eq!(t.columns[12], "DEATH_EVENT");
        assert_eq!(t.get(1, 6), 263358.03);
        assert_eq!(t.lines[0], 2);
    }

    #[test]
    fn non_numeric_cell_names_line_and_column() {
        let err = Table::from_csv_bytes(b"a,b\n1,2\n3,x\n", "f.csv")
            .unwrap_err()
            .to_string();
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
}
