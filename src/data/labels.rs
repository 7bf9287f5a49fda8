//! The target column → 0/1: any two distinct values, the positive class the
//! greater of the two as scikit-learn's `LabelEncoder` sorts them (numbers
//! by value, text by code point) unless named.

use super::column::{ColumnData, MISSING_CODE};
use super::table::nonfinite_message;
use super::Table;
use crate::error::{setting_value, Error, Result};
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::collections::HashMap;

/// One target value: a number (numeric column) or text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Label {
    Number(f64),
    Text(String),
}

impl std::fmt::Display for Label {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Label::Number(v) => write!(f, "{v}"),
            Label::Text(s) => f.write_str(s),
        }
    }
}

impl Label {
    fn cmp_sklearn(&self, other: &Label) -> Ordering {
        match (self, other) {
            (Label::Number(a), Label::Number(b)) => a.total_cmp(b),
            _ => self.to_string().cmp(&other.to_string()),
        }
    }
}

/// The two classes: `negative` is 0, `positive` is 1.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BinaryLabels {
    pub negative: Label,
    pub positive: Label,
}

impl Default for BinaryLabels {
    /// 0 and 1.
    fn default() -> Self {
        BinaryLabels {
            negative: Label::Number(0.0),
            positive: Label::Number(1.0),
        }
    }
}

impl BinaryLabels {
    /// The value of a predicted class: `positive` if true, else `negative`.
    pub fn of(&self, positive: bool) -> &Label {
        if positive {
            &self.positive
        } else {
            &self.negative
        }
    }
}

/// The target as 0.0/1.0 for the rows where it is present.
#[derive(Debug, Clone)]
pub struct EncodedTarget {
    /// 0.0/1.0 per row, NaN where the target is missing.
    pub y: Vec<f32>,
    pub labels: BinaryLabels,
    /// Rows whose target is missing.
    pub n_missing: usize,
}

/// A distinct value with its count and first row.
struct Seen {
    label: Label,
    count: usize,
    first_row: usize,
}

/// Encodes column `col` of `table` as the binary target. `positive` names the
/// positive class (as written in the file); by default the greater value.
pub fn encode_target(table: &Table, col: usize, positive: Option<&str>) -> Result<EncodedTarget> {
    let column = &table.columns[col];
    let name = &column.name;
    let mut seen: Vec<Seen> = Vec::new();
    let code: Vec<u32> = match &column.data {
        ColumnData::Numeric(v) => {
            if let Some((row, text)) = &column.first_nonfinite {
                return Err(Error::Cell {
                    source_name: table.source.clone(),
                    line: table.lines[*row],
                    column: column.position + 1,
                    column_name: name.clone(),
                    message: nonfinite_message(text),
                });
            }
            let mut index: HashMap<u64, u32> = HashMap::new();
            v.iter()
                .enumerate()
                .map(|(r, x)| {
                    if x.is_nan() {
                        return MISSING_CODE;
                    }
                    let x = x + 0.0; // -0 is 0
                    let k = *index.entry(x.to_bits()).or_insert_with(|| {
                        seen.push(Seen {
                            label: Label::Number(x),
                            count: 0,
                            first_row: r,
                        });
                        (seen.len() - 1) as u32
                    });
                    seen[k as usize].count += 1;
                    k
                })
                .collect()
        }
        ColumnData::Text(t) => {
            seen = t
                .levels
                .iter()
                .map(|l| Seen {
                    label: Label::Text(l.clone()),
                    count: 0,
                    first_row: usize::MAX,
                })
                .collect();
            for (r, &c) in t.codes.iter().enumerate() {
                if c != MISSING_CODE {
                    let s = &mut seen[c as usize];
                    s.count += 1;
                    s.first_row = s.first_row.min(r);
                }
            }
            t.codes.clone()
        }
    };
    let listing = |seen: &[Seen]| -> String {
        let mut by_count: Vec<&Seen> = seen.iter().collect();
        by_count.sort_by(|a, b| b.count.cmp(&a.count).then(a.label.cmp_sklearn(&b.label)));
        let shown: Vec<String> = by_count
            .iter()
            .take(12)
            .map(|s| {
                let rows = if s.count == 1 { "row" } else { "rows" };
                format!(
                    "'{}' ({} {rows})",
                    crate::data::notes::excerpt(&s.label.to_string(), 40),
                    s.count
                )
            })
            .collect();
        let more = if seen.len() > 12 {
            format!(", … and {} more", seen.len() - 12)
        } else {
            String::new()
        };
        format!("{}{more}", shown.join(", "))
    };
    let source = &table.source;
    match seen.len() {
        0 => {
            return Err(Error::Data(format!(
                "{source}: the target column '{name}' has no values (every cell is missing)"
            )))
        }
        1 => {
            return Err(Error::Data(format!(
                "{source}: the target column '{name}' holds a single value: {}; a classifier \
                 needs two classes",
                listing(&seen)
            )))
        }
        2 => {}
        n => {
            let mut firsts: Vec<usize> = seen.iter().map(|s| s.first_row).collect();
            firsts.sort_unstable();
            let line = table.lines[firsts[2]];
            return Err(Error::Data(format!(
                "{source}, line {line}: the target column '{name}' must hold 0 or 1, or any two \
                 distinct values; it holds {n}: {}. nonlin trains binary classifiers: recode \
                 the target, or keep only the rows of two classes.",
                listing(&seen)
            )));
        }
    }
    let greater = usize::from(seen[0].label.cmp_sklearn(&seen[1].label) == Ordering::Less);
    let pos = match positive {
        None => greater,
        Some(p) => {
            let p = p.trim();
            let matches = |l: &Label| match l {
                Label::Number(v) => p.parse::<f64>().is_ok_and(|q| q == *v),
                Label::Text(s) => s == p,
            };
            match seen.iter().position(|s| matches(&s.label)) {
                Some(k) => k,
                None => {
                    return Err(Error::Data(format!(
                        "{source}: {} is not a value of the target column '{name}', which \
                         holds {}",
                        setting_value("positive", &format!("'{p}'")),
                        listing(&seen)
                    )))
                }
            }
        }
    };
    let y = code
        .iter()
        .map(|&c| match c {
            MISSING_CODE => f32::NAN,
            c if c as usize == pos => 1.0,
            _ => 0.0,
        })
        .collect();
    Ok(EncodedTarget {
        y,
        labels: BinaryLabels {
            negative: seen[1 - pos].label.clone(),
            positive: seen[pos].label.clone(),
        },
        n_missing: column.n_missing,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encode(csv: &str, positive: Option<&str>) -> Result<EncodedTarget> {
        let t = Table::from_csv_bytes(csv.as_bytes(), "t.csv").unwrap();
        encode_target(&t, t.n_cols() - 1, positive)
    }

    fn pair(csv: &str) -> (String, String, Vec<f32>) {
        let e = encode(csv, None).unwrap();
        (
            e.labels.negative.to_string(),
            e.labels.positive.to_string(),
            e.y,
        )
    }

    #[test]
    fn the_greater_value_is_positive() {
        assert_eq!(
            pair("y\n1\n0\n1\n"),
            ("0".into(), "1".into(), vec![1.0, 0.0, 1.0])
        );
        assert_eq!(pair("y\n1\n2\n").1, "2");
        assert_eq!(pair("y\n-1\n1\n").1, "1");
        assert_eq!(pair("y\n1.0\n0.0\n").1, "1");
        assert_eq!(pair("y\n2\n4\n").1, "4");
        assert_eq!(pair("y\n10\n9\n").1, "10"); // numerically, not as text
        assert_eq!(pair("y\nyes\nno\n").1, "yes");
        assert_eq!(pair("y\ntrue\nfalse\n").1, "true");
        assert_eq!(pair("y\nSI\nNO\n").1, "SI");
        assert_eq!(pair("y\nM\nB\n").1, "M");
    }

    #[test]
    fn positive_can_be_named() {
        let e = encode("y\nM\nB\nM\n", Some("B")).unwrap();
        assert_eq!(e.y, [0.0, 1.0, 0.0]);
        assert_eq!(e.labels.positive, Label::Text("B".into()));
        let e = encode("y\n0\n1\n", Some("0.0")).unwrap();
        assert_eq!(e.y, [1.0, 0.0]);
        let err = encode("y\n0\n1\n1\n", Some("yes")).unwrap_err().to_string();
        assert!(
            err.contains("'yes'") && err.contains("'1' (2 rows), '0' (1 row)"),
            "{err}"
        );
    }

    #[test]
    fn missing_targets_are_nan_and_counted() {
        let e = encode("y\n0\nNA\n1\n", None).unwrap();
        assert!(e.y[1].is_nan());
        assert_eq!(e.n_missing, 1);
    }

    #[test]
    fn wrong_number_of_classes_lists_the_values() {
        let err = encode("y\n0\n1\n1\n2\n", None).unwrap_err().to_string();
        assert!(
            err.contains("line 5") && err.contains("must hold 0 or 1"),
            "{err}"
        );
        assert!(
            err.contains("'1' (2 rows), '0' (1 row), '2' (1 row)"),
            "{err}"
        );
        let err = encode("y\nyes\nyes\n", None).unwrap_err().to_string();
        assert!(err.contains("single value: 'yes' (2 rows)"), "{err}");
    }

    #[test]
    fn labels_serialize_as_numbers_or_text() {
        let l = BinaryLabels {
            negative: Label::Text("NO".into()),
            positive: Label::Text("SI".into()),
        };
        let j = serde_json::to_string(&l).unwrap();
        assert_eq!(j, r#"{"negative":"NO","positive":"SI"}"#);
        let back: BinaryLabels = serde_json::from_str(&j).unwrap();
        assert_eq!(back, l);
        let j = serde_json::to_string(&BinaryLabels::default()).unwrap();
        assert_eq!(j, r#"{"negative":0.0,"positive":1.0}"#);
    }
}
