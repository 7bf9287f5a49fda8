//! What each feature column is — numbers or categories — decided once from
//! the whole table: text columns are categorical, `--categorical` makes
//! integer-coded ones so too; a column mixing numbers and text, holding
//! infinities, or with too many distinct values to be categories is refused.

use crate::data::notes::excerpt;
use crate::data::table::column::{Column, ColumnData, TextColumn, MISSING_CODE};
use crate::data::table::compact_numbers::Numbers;
use crate::data::table::nonfinite_message;
use crate::data::Table;
use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};

/// At most this many categories in a column (`DatasetOptions::max_categories`).
pub const MAX_CATEGORIES: usize = 50;

/// How a feature column feeds the model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FeatureKind {
    /// Its numbers, standardized.
    Numeric,
    /// One-hot encoded. `levels` are every value of the column, sorted
    /// (numbers by value, text by code point); the data set's matrix holds
    /// the index into them.
    Categorical { levels: Vec<String> },
}

impl FeatureKind {
    /// Whether the column is categorical.
    pub fn is_categorical(&self) -> bool {
        matches!(self, FeatureKind::Categorical { .. })
    }
}

/// The values of one feature column on the kept `rows`: numbers, or indexes
/// into the sorted levels; NaN for a missing cell.
pub fn feature_values(
    table: &Table,
    col: usize,
    rows: &[usize],
    categorical: bool,
    max_categories: usize,
) -> Result<(FeatureKind, Numbers)> {
    let column = &table.columns[col];
    let (levels, values) = match &column.data {
        ColumnData::Numeric(v) if !categorical => {
            if let Some((row, text)) = &column.first_nonfinite {
                return Err(Error::Cell {
                    source_name: table.source.clone(),
                    line: table.lines[*row],
                    column: column.position + 1,
                    column_name: column.name.clone(),
                    message: nonfinite_message(text),
                });
            }
            return Ok((FeatureKind::Numeric, v.select(rows)));
        }
        ColumnData::Numeric(v) => number_categories(v, rows),
        ColumnData::Text(t) => {
            let present = rows.iter().filter(|&&r| t.codes[r] != MISSING_CODE).count();
            let n_text = present.saturating_sub(t.n_numbers);
            if t.n_numbers > 0 && !categorical {
                return Err(mixed_error(table, column, t.n_numbers, n_text));
            }
            text_categories(t, rows)
        }
    };
    check_category_count(table, column, &levels, rows.len(), max_categories)?;
    Ok((FeatureKind::Categorical { levels }, values))
}

/// A numeric column's values on `rows` as categories: the distinct numbers,
/// sorted (-0 counted as 0), and each row's index into them.
fn number_categories(v: &Numbers, rows: &[usize]) -> (Vec<String>, Numbers) {
    let mut distinct: Vec<f64> = rows
        .iter()
        .map(|&r| v.get(r) + 0.0)
        .filter(|x| !x.is_nan())
        .collect();
    distinct.sort_by(f64::total_cmp);
    distinct.dedup();
    let values = rows
        .iter()
        .map(|&r| {
            let x = v.get(r) + 0.0;
            if x.is_nan() {
                f64::NAN
            } else {
                distinct.partition_point(|d| d.total_cmp(&x).is_lt()) as f64
            }
        })
        .collect();
    let levels = distinct.iter().map(|d| format!("{d}")).collect();
    (levels, values)
}

/// A text column's values on `rows` as categories: the levels used by
/// those rows, sorted by code point, and each row's index into them.
fn text_categories(t: &TextColumn, rows: &[usize]) -> (Vec<String>, Numbers) {
    let mut used = vec![false; t.levels.len()];
    for &r in rows {
        if t.codes[r] != MISSING_CODE {
            used[t.codes[r] as usize] = true;
        }
    }
    let mut order: Vec<usize> = (0..t.levels.len()).filter(|&k| used[k]).collect();
    order.sort_by(|&a, &b| t.levels[a].cmp(&t.levels[b]));
    let mut rank = vec![u32::MAX; t.levels.len()];
    for (i, &k) in order.iter().enumerate() {
        rank[k] = i as u32;
    }
    let values = rows
        .iter()
        .map(|&r| match t.codes[r] {
            MISSING_CODE => f64::NAN,
            c => rank[c as usize] as f64,
        })
        .collect();
    let levels = order.iter().map(|&k| t.levels[k].clone()).collect();
    (levels, values)
}

/// Refuses a categorical column with more than `max_categories` levels or
/// more than half as many levels as rows (an identifier or free text).
fn check_category_count(
    table: &Table,
    column: &Column,
    levels: &[String],
    n: usize,
    max_categories: usize,
) -> Result<()> {
    if levels.len() <= max_categories && levels.len() * 2 <= n.max(2) {
        return Ok(());
    }
    let why = if levels.len() > max_categories {
        format!("more than {max_categories}")
    } else {
        format!("more than half of the {n} rows")
    };
    Err(Error::Data(format!(
        "{}: column '{}' has {} distinct values ({why}), too many to be categories: \
         it is probably an identifier or free text. Leave it out with {}{}",
        table.source,
        column.name,
        levels.len(),
        crate::error::setting_value("drop", &column.name),
        if column.is_numeric() {
            String::new()
        } else {
            format!(
                " (first values: {})",
                levels
                    .iter()
                    .take(5)
                    .map(|l| format!("'{}'", excerpt(l, 30)))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        }
    )))
}

/// A column with numbers and text cells: the minority kind's first cell is
/// the one to point at.
fn mixed_error(table: &Table, column: &Column, n_numbers: usize, n_text: usize) -> Error {
    let ColumnData::Text(t) = &column.data else {
        unreachable!("only text columns mix")
    };
    if n_numbers >= n_text {
        let row = t.first_text;
        Error::NotANumber {
            source_name: table.source.clone(),
            line: table.lines[row],
            column: column.position + 1,
            column_name: column.name.clone(),
            text: column.text(row).unwrap_or_default(),
        }
    } else {
        let row = t.first_number.expect("numbers were counted");
        Error::Cell {
            source_name: table.source.clone(),
            line: table.lines[row],
            column: column.position + 1,
            column_name: column.name.clone(),
            message: format!(
                "found the number '{}' in a column of text ({n_text} text cells, {n_numbers} \
                 numbers). If the column holds categories, some spelled as numbers, pass \
                 {}; or leave it out with {}",
                column.text(row).unwrap_or_default(),
                crate::error::setting_value("categorical", &column.name),
                crate::error::setting_value("drop", &column.name)
            ),
        }
    }
}

/// Whether the values are distinct integers in increasing order (row ids):
/// at least 3 of them, none missing.
pub fn looks_like_identifier(values: impl IntoIterator<Item = f64>) -> bool {
    let mut count = 0usize;
    let mut last = f64::NEG_INFINITY;
    for v in values {
        if v.fract() != 0.0 || v <= last || v.is_nan() {
            return false;
        }
        last = v;
        count += 1;
    }
    count >= 3
}

/// Whether every present value is the same (or none is present).
pub fn is_constant(values: &[f64]) -> bool {
    let mut present = values.iter().filter(|v| !v.is_nan());
    match present.next() {
        None => true,
        Some(first) => present.all(|v| v == first),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(csv: &str) -> Table {
        Table::from_csv_bytes(csv.as_bytes(), "t.csv").unwrap()
    }

    fn all(t: &Table) -> Vec<usize> {
        (0..t.n_rows()).collect()
    }

    #[test]
    fn text_becomes_sorted_categories() {
        let t = table("s\nM\nF\n\nM\nF\nM\n");
        let (kind, v) = feature_values(&t, 0, &all(&t), false, 50).unwrap();
        assert_eq!(
            kind,
            FeatureKind::Categorical {
                levels: vec!["F".into(), "M".into()]
            }
        );
        assert_eq!(v.to_vec(), [1.0, 0.0, 1.0, 0.0, 1.0]);
    }

    #[test]
    fn integer_codes_become_categories_on_request() {
        let t = table("g\n3\n1\n10\n1\n3\n1\nNA\n");
        let (kind, v) = feature_values(&t, 0, &all(&t), false, 50).unwrap();
        assert_eq!(kind, FeatureKind::Numeric);
        assert_eq!(v.get(2), 10.0);
        let (kind, v) = feature_values(&t, 0, &all(&t), true, 50).unwrap();
        assert_eq!(
            kind,
            FeatureKind::Categorical {
                levels: vec!["1".into(), "3".into(), "10".into()]
            }
        );
        assert_eq!(&v.to_vec()[..6], [1.0, 0.0, 2.0, 0.0, 1.0, 0.0]);
        assert!(v.get(6).is_nan());
    }

    #[test]
    fn refusals_name_the_column() {
        let t = table("a\n1\n2\nabc\n");
        let e = feature_values(&t, 0, &all(&t), false, 50)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("line 4, column 1 ('a')") && e.contains("found 'abc'"),
            "{e}"
        );
        let t = table("a\nx\ny\n3\n");
        let e = feature_values(&t, 0, &all(&t), false, 50)
            .unwrap_err()
            .to_string();
        assert!(e.contains("line 4") && e.contains("the number '3'"), "{e}");
        assert!(feature_values(&t, 0, &all(&t), true, 50).is_err()); // 3 of 3 distinct
        let t = table("id\nA1\nA2\nA3\nA4\n");
        let e = feature_values(&t, 0, &all(&t), false, 50)
            .unwrap_err()
            .worded(&crate::error::TestFlags);
        assert!(
            e.contains("'id' has 4 distinct") && e.contains("--drop id"),
            "{e}"
        );
        let t = table("a\n1\ninf\n");
        let e = feature_values(&t, 0, &all(&t), false, 50)
            .unwrap_err()
            .to_string();
        assert!(e.contains("line 3") && e.contains("'inf'"), "{e}");
    }

    #[test]
    fn identifiers_and_constants() {
        assert!(looks_like_identifier([1.0, 2.0, 5.0]));
        assert!(!looks_like_identifier([1.0, 2.0, 2.0]));
        assert!(!looks_like_identifier([1.0, 2.5, 3.0]));
        assert!(!looks_like_identifier([1.0, 2.0]));
        assert!(is_constant(&[2.0, f64::NAN, 2.0]));
        assert!(!is_constant(&[2.0, 3.0]));
    }
}
