//! Which columns of a table are the features: all but the target, a list,
//! or all but a list (`--features` / `--drop`), checked against the table.

use super::Table;
use crate::error::{setting, Error, Result};

/// Which columns become features. The target is never a feature.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum FeatureSelection {
    /// Every column but the target, in file order.
    #[default]
    All,
    /// Exactly these columns, in this order (`--features`).
    Only(Vec<String>),
    /// Every column but the target and these (`--drop`).
    Drop(Vec<String>),
}

/// The feature columns (file indexes) a selection gives.
pub fn select_features(
    table: &Table,
    t: usize,
    selection: &FeatureSelection,
) -> Result<Vec<usize>> {
    let target = &table.columns[t].name;
    Ok(match selection {
        FeatureSelection::All => (0..table.n_cols()).filter(|&c| c != t).collect(),
        FeatureSelection::Only(names) => {
            let mut cols = Vec::new();
            for n in names {
                let c = table.column_index(n)?;
                if c == t {
                    return Err(Error::Config(format!(
                        "{}: '{n}' is the target; it cannot also be a feature",
                        setting("features")
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
                let c = table.column_index(n)?;
                if c == t {
                    return Err(Error::Config(format!(
                        "{}: '{target}' is the target; it is never a feature, so there is \
                         nothing to drop",
                        setting("drop")
                    )));
                }
                drop.push(c);
            }
            (0..table.n_cols())
                .filter(|&c| c != t && !drop.contains(&c))
                .collect()
        }
    })
}
