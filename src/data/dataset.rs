//! Features and a 0/1 target picked out of a [`Table`].

use super::Table;
use crate::error::{Error, Result};

/// Which columns become features. The target is never a feature.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum FeatureSelection {
    /// Every column but the target, in file order.
    #[default]
    All,
    /// Exactly these columns, in this order.
    Only(Vec<String>),
    /// Every column but the target and these.
    Drop(Vec<String>),
}

/// Raw (unscaled) features, row-major `n × d`, and the target as 0.0/1.0.
#[derive(Debug, Clone)]
pub struct Dataset {
    pub source: String,
    pub features: Vec<String>,
    pub target: String,
    pub x: Vec<f64>,
    pub y: Vec<f32>,
}

impl Dataset {
    pub fn n_rows(&self) -> usize {
        self.y.len()
    }

    pub fn n_features(&self) -> usize {
        self.features.len()
    }

    pub fn row(&self, r: usize) -> &[f64] {
        let d = self.features.len();
        &self.x[r * d..(r + 1) * d]
    }

    /// Number of rows with target 1.
    pub fn n_positive(&self) -> usize {
        self.y.iter().filter(|&&v| v == 1.0).count()
    }

    /// The embedded Heart Failure data set: all 12 features, target `DEATH_EVENT`.
    pub fn heart_failure() -> Dataset {
        Dataset::from_table(
            &Table::heart_failure(),
            super::HEART_FAILURE_TARGET,
            &FeatureSelection::All,
        )
        .expect("the embedded data set has its target")
    }

    /// Picks the target and feature columns; the target must hold only 0 and 1.
    pub fn from_table(
        table: &Table,
        target: &str,
        selection: &FeatureSelection,
    ) -> Result<Dataset> {
        let t = table.column_index(target)?;
        let feature_cols: Vec<usize> = match selection {
            FeatureSelection::All => (0..table.n_cols()).filter(|&c| c != t).collect(),
            FeatureSelection::Only(names) => {
                let mut cols = Vec::new();
                for n in names {
                    let c = table.column_index(n)?;
                    if c == t {
                        return Err(Error::Config(format!(
                            "'{n}' is the target; it cannot also be a feature"
                        )));
                    }
                    if cols.contains(&c) {
                        return Err(Error::Config(format!("feature '{n}' is listed twice")));
                    }
                    cols.push(c);
                }
                cols
            }
            FeatureSelection::Drop(names) => {
                let mut drop = Vec::new();
                for n in names {
                    drop.push(table.column_index(n)?);
                }
                (0..table.n_cols())
                    .filter(|&c| c != t && !drop.contains(&c))
                    .collect()
            }
        };
        if feature_cols.is_empty() {
            return Err(Error::Data(format!(
                "{}: no feature columns are left besides the target '{target}'",
                table.source
            )));
        }
        let mut x = Vec::with_capacity(table.n_rows() * feature_cols.len());
        let mut y = Vec::with_capacity(table.n_rows());
        for r in 0..table.n_rows() {
            let v = table.get(r, t);
            if v != 0.0 && v != 1.0 {
                return Err(Error::BadTarget {
                    source_name: table.source.clone(),
                    line: table.lines[r],
                    column: target.to_string(),
                    text: v.to_string(),
                });
            }
            y.push(v as f32);
            x.extend(feature_cols.iter().map(|&c| table.get(r, c)));
        }
        Ok(Dataset {
            source: table.source.clone(),
            features: feature_cols
                .iter()
                .map(|&c| table.columns[c].clone())
                .collect(),
            target: target.to_string(),
            x,
            y,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> Table {
        Table::from_csv_bytes(b"a,b,y,c\n1,2,0,3\n4,5,1,6\n", "t.csv").unwrap()
    }

    #[test]
    fn selects_features_in_order() {
        let t = table();
        let all = Dataset::from_table(&t, "y", &FeatureSelection::All).unwrap();
        assert_eq!(all.features, ["a", "b", "c"]);
        assert_eq!(all.row(1), [4.0, 5.0, 6.0]);
        assert_eq!(all.y, [0.0, 1.0]);
        let only = Dataset::from_table(
            &t,
            "y",
            &FeatureSelection::Only(vec!["c".into(), "a".into()]),
        )
        .unwrap();
        assert_eq!(only.row(0), [3.0, 1.0]);
        let drop = Dataset::from_table(&t, "y", &FeatureSelection::Drop(vec!["b".into()])).unwrap();
        assert_eq!(drop.features, ["a", "c"]);
    }

    #[test]
    fn missing_target_lists_columns() {
        let err = Dataset::from_table(&table(), "z", &FeatureSelection::All)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("no column named 'z'") && err.contains("a, b, y, c"),
            "{err}"
        );
    }

    #[test]
    fn non_binary_target_is_rejected_with_its_line() {
        let t = Table::from_csv_bytes(b"a,y\n1,0\n2,2\n", "t.csv").unwrap();
        let err = Dataset::from_table(&t, "y", &FeatureSelection::All)
            .unwrap_err()
            .to_string();
        assert!(err.contains("line 3") && err.contains("found '2'"), "{err}");
    }
}
