//! The fitted preprocessing between raw columns and the scaler: per feature
//! column, the fill value for missing cells and the encoding (the number
//! itself, or one-hot over the training categories). Serializable, so a
//! checkpoint can store it and `predict` apply it to a new table.

use super::missing_values::{category_fill, numeric_fill};
use super::one_hot::OneHot;
use crate::data::notes::{excerpt, Note};
use crate::data::table::column::{Column, ColumnData};
use crate::data::table::nonfinite_message;
use crate::data::{Dataset, FeatureKind, Table};
use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};

/// How one raw column becomes model inputs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Encoding {
    /// One input: the number.
    Numeric,
    /// One input per category, in this order.
    OneHot(OneHot),
}

/// The value a missing cell is replaced with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Fill {
    Number(f64),
    Category(String),
}

/// One raw feature column and what becomes of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InputColumn {
    /// The column's name in the data file.
    pub name: String,
    pub encoding: Encoding,
    /// The fill for a missing cell; `None`: a missing cell is an error.
    pub fill: Option<Fill>,
}

impl InputColumn {
    /// Number of model inputs this column gives.
    pub fn width(&self) -> usize {
        match &self.encoding {
            Encoding::Numeric => 1,
            Encoding::OneHot(h) => h.width(),
        }
    }
}

/// Raw feature columns → model inputs (before the scaler), in column order;
/// a one-hot column's inputs sit where the column was.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Preprocessing {
    pub columns: Vec<InputColumn>,
}

/// A table turned into model inputs at predict time.
#[derive(Debug, Clone)]
pub struct Applied {
    /// Row-major `n_rows × width` (before scaling).
    pub x: Vec<f64>,
    pub n_rows: usize,
    /// Unseen categories (counted, per column) and filled-in cells.
    pub notes: Vec<Note>,
}

impl Preprocessing {
    /// Every column numeric, nothing filled in: inputs are the columns.
    pub fn identity(names: &[String]) -> Preprocessing {
        Preprocessing {
            columns: names
                .iter()
                .map(|n| InputColumn {
                    name: n.clone(),
                    encoding: Encoding::Numeric,
                    fill: None,
                })
                .collect(),
        }
    }

    /// Whether the inputs are the raw numeric columns as they are.
    pub fn is_identity(&self) -> bool {
        self.columns
            .iter()
            .all(|c| c.encoding == Encoding::Numeric && c.fill.is_none())
    }

    /// Number of model inputs.
    pub fn width(&self) -> usize {
        self.columns.iter().map(InputColumn::width).sum()
    }

    /// The raw column names, in order.
    pub fn column_names(&self) -> Vec<String> {
        self.columns.iter().map(|c| c.name.clone()).collect()
    }

    /// The name of each input: the column's, or `column=category` for a
    /// one-hot input.
    pub fn input_names(&self) -> Vec<String> {
        let mut names = Vec::with_capacity(self.width());
        for c in &self.columns {
            match &c.encoding {
                Encoding::Numeric => names.push(c.name.clone()),
                Encoding::OneHot(h) => {
                    names.extend(h.categories.iter().map(|cat| format!("{}={cat}", c.name)))
                }
            }
        }
        names
    }

    /// Fits fills and encoders on `rows` of the data set.
    pub fn fit(data: &Dataset, rows: &[usize]) -> Result<Preprocessing> {
        let d = data.n_features();
        let mut columns = Vec::with_capacity(d);
        for (j, (name, kind)) in data.features.iter().zip(&data.kinds).enumerate() {
            let values = || rows.iter().map(move |&r| data.value(r, j));
            let no_values = || {
                Error::Data(format!(
                    "{}: column '{name}' has no values in the training rows, so there is \
                     nothing to fill its missing cells with; leave it out with {}",
                    data.source,
                    crate::error::setting_value("drop", name)
                ))
            };
            // With imputation, every column gets a fill (new data may miss any).
            let column = match kind {
                FeatureKind::Numeric => InputColumn {
                    name: name.clone(),
                    encoding: Encoding::Numeric,
                    fill: match data.impute {
                        Some(s) => Some(Fill::Number(
                            numeric_fill(values(), s).ok_or_else(no_values)?,
                        )),
                        None => None,
                    },
                },
                FeatureKind::Categorical { levels } => {
                    let (hot, _) = OneHot::fit(values(), levels);
                    let fill = match data.impute {
                        Some(_) => {
                            let k = category_fill(values(), levels.len()).ok_or_else(no_values)?;
                            Some(Fill::Category(levels[k].clone()))
                        }
                        None => None,
                    };
                    InputColumn {
                        name: name.clone(),
                        encoding: Encoding::OneHot(hot),
                        fill,
                    }
                }
            };
            columns.push(column);
        }
        Ok(Preprocessing { columns })
    }

    /// Encodes every row of the data set (fit on it by [`Preprocessing::fit`]):
    /// row-major `n × width`, and per column the rows whose category was not
    /// seen in the fit (encoded as zeros).
    pub fn encode_dataset(&self, data: &Dataset) -> (Vec<f64>, Vec<Vec<usize>>) {
        let (n, d, w) = (data.n_rows(), data.n_features(), self.width());
        let mut x = vec![0.0; n * w];
        let mut unseen = vec![Vec::new(); d];
        // Per categorical column: level index → input slot.
        let slots: Vec<Vec<Option<usize>>> = self
            .columns
            .iter()
            .zip(&data.kinds)
            .map(|(c, kind)| match (&c.encoding, kind) {
                (Encoding::OneHot(h), FeatureKind::Categorical { levels }) => {
                    let index = h.index();
                    levels
                        .iter()
                        .map(|l| index.get(l.as_str()).copied())
                        .collect()
                }
                _ => Vec::new(),
            })
            .collect();
        let fill_slots: Vec<Option<usize>> = self
            .columns
            .iter()
            .map(|c| match (&c.encoding, &c.fill) {
                (Encoding::OneHot(h), Some(Fill::Category(cat))) => {
                    h.categories.iter().position(|x| x == cat)
                }
                _ => None,
            })
            .collect();
        for r in 0..n {
            let out = &mut x[r * w..(r + 1) * w];
            let mut at = 0;
            for (j, c) in self.columns.iter().enumerate() {
                let v = data.value(r, j);
                let width = c.width();
                match &c.encoding {
                    Encoding::Numeric => {
                        out[at] = match (&c.fill, v.is_nan()) {
                            (Some(Fill::Number(f)), true) => *f,
                            _ => v,
                        }
                    }
                    Encoding::OneHot(h) => {
                        let slot = if v.is_nan() {
                            fill_slots[j]
                        } else {
                            let s = slots[j][v as usize];
                            if s.is_none() {
                                unseen[j].push(r);
                            }
                            s
                        };
                        h.write(slot, &mut out[at..at + width]);
                    }
                }
                at += width;
            }
        }
        (x, unseen)
    }

    /// Model inputs for the rows of a new table (predict): columns found by
    /// name, missing cells filled (or refused), categories one-hot (unseen:
    /// zeros, counted in the notes).
    pub fn apply(&self, table: &Table) -> Result<Applied> {
        self.check_columns(table)?;
        let (n, w) = (table.n_rows(), self.width());
        let mut x = vec![0.0; n * w];
        let mut notes = Vec::new();
        let mut at = 0;
        for c in &self.columns {
            let col = table.column(&c.name)?;
            let inputs = Inputs { x: &mut x, w, at };
            let n_filled = match &c.encoding {
                Encoding::Numeric => apply_numeric(table, col, c, inputs)?,
                Encoding::OneHot(h) => apply_one_hot(table, col, c, h, inputs, &mut notes)?,
            };
            if n_filled > 0 {
                notes.push(Note::info(
                    Some(&c.name),
                    format!(
                        "column '{}': {n_filled} missing value(s) filled in as in training",
                        c.name
                    ),
                ));
            }
            at += c.width();
        }
        Ok(Applied {
            x,
            n_rows: n,
            notes,
        })
    }

    /// Every raw column is in the table, or the error lists those that are not.
    fn check_columns(&self, table: &Table) -> Result<()> {
        let names = table.names();
        let missing: Vec<String> = self
            .columns
            .iter()
            .filter(|c| !names.contains(&c.name))
            .map(|c| c.name.clone())
            .collect();
        if !missing.is_empty() {
            return Err(Error::MissingColumns {
                source_name: table.source.clone(),
                missing,
                available: names,
            });
        }
        Ok(())
    }
}

/// Where one column's inputs go in the row-major `n × w` inputs: from
/// column `at` of each row.
struct Inputs<'a> {
    x: &'a mut [f64],
    w: usize,
    at: usize,
}

/// A numeric column's values into its input, missing cells filled in;
/// returns how many were.
fn apply_numeric(table: &Table, col: &Column, c: &InputColumn, inputs: Inputs) -> Result<usize> {
    let v = match &col.data {
        ColumnData::Numeric(v) => v,
        ColumnData::Text(t) => {
            return Err(Error::NotANumber {
                source_name: table.source.clone(),
                line: table.lines[t.first_text],
                column: col.position + 1,
                column_name: col.name.clone(),
                text: col.text(t.first_text).unwrap_or_default(),
            })
        }
    };
    if let Some((row, text)) = &col.first_nonfinite {
        return Err(cell_error(table, col, *row, nonfinite_message(text)));
    }
    let Inputs { x, w, at } = inputs;
    let mut n_filled = 0;
    for (r, value) in v.iter().enumerate() {
        x[r * w + at] = if value.is_nan() {
            n_filled += 1;
            match &c.fill {
                Some(Fill::Number(f)) => *f,
                _ => return Err(no_fill_error(table, col, r)),
            }
        } else {
            value
        };
    }
    Ok(n_filled)
}

/// A categorical column one-hot into its inputs, missing cells filled in
/// (unseen categories: zeros, noted); returns how many cells were filled.
fn apply_one_hot(
    table: &Table,
    col: &Column,
    c: &InputColumn,
    h: &OneHot,
    inputs: Inputs,
    notes: &mut Vec<Note>,
) -> Result<usize> {
    let Inputs { x, w, at } = inputs;
    let width = h.width();
    let index = h.index();
    let mut n_filled = 0;
    let mut unseen = 0;
    let mut example = None;
    for r in 0..table.n_rows() {
        let slot = match col.text(r) {
            None => {
                n_filled += 1;
                match &c.fill {
                    Some(Fill::Category(cat)) => index.get(cat.as_str()).copied(),
                    _ => return Err(no_fill_error(table, col, r)),
                }
            }
            Some(text) => {
                let s = index.get(text.as_str()).copied();
                if s.is_none() {
                    unseen += 1;
                    example.get_or_insert(text);
                }
                s
            }
        };
        h.write(slot, &mut x[r * w + at..r * w + at + width]);
    }
    if unseen > 0 {
        notes.push(Note::warning(
            Some(&c.name),
            format!(
                "column '{}': {unseen} row(s) hold categories not seen in training (e.g. \
                 '{}'); they are encoded as all zeros",
                c.name,
                excerpt(&example.unwrap_or_default(), 40)
            ),
        ));
    }
    Ok(n_filled)
}

/// An error at one cell of `col`.
fn cell_error(table: &Table, col: &Column, row: usize, message: String) -> Error {
    Error::Cell {
        source_name: table.source.clone(),
        line: table.lines[row],
        column: col.position + 1,
        column_name: col.name.clone(),
        message,
    }
}

/// A missing cell in a column trained without a fill.
fn no_fill_error(table: &Table, col: &Column, row: usize) -> Error {
    cell_error(
        table,
        col,
        row,
        format!(
            "the value is missing and the model was trained without filling in missing values \
             ({})",
            crate::error::setting_value("missing", "mean|median|most-frequent")
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::{DatasetOptions, ImputeStrategy, MissingPolicy};

    const CSV: &str = "sex,bmi,y\nM,20,0\nF,,1\nM,30,1\nF,25,0\nX,22,1\n,21,0\n";

    fn data() -> Dataset {
        let t = Table::from_csv_bytes(CSV.as_bytes(), "t.csv").unwrap();
        let o = DatasetOptions {
            missing: MissingPolicy::Impute(ImputeStrategy::Mean),
            ..DatasetOptions::new("y")
        };
        Dataset::from_table_with(&t, &o).unwrap()
    }

    #[test]
    fn fits_on_training_rows_and_encodes() {
        let d = data();
        let p = Preprocessing::fit(&d, &[0, 1, 2, 3]).unwrap();
        assert_eq!(p.input_names(), ["sex=F", "sex=M", "bmi"]);
        assert_eq!(p.columns[1].fill, Some(Fill::Number(25.0)));
        assert_eq!(p.columns[0].fill, Some(Fill::Category("F".into())));
        let (x, unseen) = p.encode_dataset(&d);
        assert_eq!(&x[..3], [0.0, 1.0, 20.0]);
        assert_eq!(&x[3..6], [1.0, 0.0, 25.0]); // bmi filled
        assert_eq!(&x[12..15], [0.0, 0.0, 22.0]); // 'X' unseen: zeros
        assert_eq!(&x[15..18], [1.0, 0.0, 21.0]); // missing sex: most frequent (F, first of ties)
        assert_eq!(unseen[0], [4]);
    }

    #[test]
    fn applies_to_a_new_table_and_round_trips_as_json() {
        let p = Preprocessing::fit(&data(), &[0, 1, 2, 3]).unwrap();
        let json = serde_json::to_string(&p).unwrap();
        let back: Preprocessing = serde_json::from_str(&json).unwrap();
        assert_eq!(back, p);
        let t = Table::from_csv_bytes(b"bmi,sex,extra\n,Z\n23,M,1\n".as_ref(), "new.csv");
        assert!(t.is_err()); // ragged
        let t = Table::from_csv_bytes(b"bmi,sex,extra\nNA,Z,0\n23,M,1\n", "new.csv").unwrap();
        let a = back.apply(&t).unwrap();
        assert_eq!(a.x, [0.0, 0.0, 25.0, 0.0, 1.0, 23.0]);
        assert!(a
            .notes
            .iter()
            .any(|n| n.text.contains("1 row(s) hold categories not seen")));
        let t = Table::from_csv_bytes(b"sex\nM\n", "new.csv").unwrap();
        let e = back.apply(&t).unwrap_err().to_string();
        assert!(e.contains("'bmi'"), "{e}");
    }

    #[test]
    fn without_fill_a_missing_cell_is_refused_at_predict_time() {
        let p = Preprocessing::identity(&["a".to_string()]);
        assert!(p.is_identity());
        let t = Table::from_csv_bytes(b"a\n1\n\n?\n", "new.csv").unwrap();
        let e = p.apply(&t).unwrap_err().to_string();
        assert!(e.contains("line 4") && e.contains("missing"), "{e}");
    }
}
