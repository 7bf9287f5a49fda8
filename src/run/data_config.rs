//! Which table a run reads, how, and which of its columns it uses.

use crate::data::dataset::FeatureSelection;
use crate::data::dataset::MAX_CATEGORIES;
use crate::data::{
    Dataset, DatasetOptions, MissingPolicy, ReadOptions, Table, HEART_FAILURE_TARGET,
};
use crate::error::{Error, Result};
use std::path::PathBuf;

/// The data of a run: the file and how to read it (delimiter, decimal
/// separator, header: detected unless given), the target and features, and
/// what to do with text columns, missing cells and labels.
#[derive(Debug, Clone, PartialEq)]
pub struct DataConfig {
    /// A CSV file; `None`: the embedded Heart Failure data.
    pub path: Option<PathBuf>,
    /// How to read the file; every field `None` (the default) means detect.
    /// Only for a file: the embedded data is a plain CSV.
    pub read: ReadOptions,
    /// The target column: any two distinct values.
    pub target: String,
    pub features: FeatureSelection,
    /// Numeric (integer-coded) columns to one-hot encode as categories;
    /// text columns always are.
    pub categorical: Vec<String>,
    /// Missing feature cells: an error, drop the rows, or impute from the
    /// training rows.
    pub missing: MissingPolicy,
    /// The target value that is class 1, as written in the file; `None`:
    /// the greater of the two (scikit-learn's `LabelEncoder` order).
    pub positive: Option<String>,
    /// A categorical column with more distinct values is refused.
    pub max_categories: usize,
}

impl Default for DataConfig {
    /// The embedded data set, target `DEATH_EVENT`, every other column.
    fn default() -> DataConfig {
        DataConfig {
            path: None,
            read: ReadOptions::default(),
            target: HEART_FAILURE_TARGET.to_string(),
            features: FeatureSelection::All,
            categorical: Vec::new(),
            missing: MissingPolicy::Error,
            positive: None,
            max_categories: MAX_CATEGORIES,
        }
    }
}

impl DataConfig {
    /// The options [`Dataset::from_table_with`] takes.
    pub fn dataset_options(&self) -> DatasetOptions {
        DatasetOptions {
            target: self.target.clone(),
            selection: self.features.clone(),
            categorical: self.categorical.clone(),
            missing: self.missing,
            positive: self.positive.clone(),
            max_categories: self.max_categories,
        }
    }

    /// Reads the table: the file as [`DataConfig::read`] says (its
    /// `detected` field tells what was found), or the embedded data.
    pub fn read_table(&self) -> Result<Table> {
        match &self.path {
            Some(path) => Table::from_path_with(path, &self.read),
            None => {
                let given = [
                    ("delimiter", self.read.delimiter.is_some()),
                    ("decimal", self.read.decimal.is_some()),
                    ("header", self.read.header.is_some()),
                ];
                if let Some((field, _)) = given.iter().find(|(_, g)| *g) {
                    return Err(Error::invalid(
                        *field,
                        "applies to a data file (--data); the embedded data set is a plain CSV",
                    ));
                }
                Ok(Table::heart_failure())
            }
        }
    }

    /// Reads the table and picks the features and target. The data set's
    /// `notes` say what was detected (delimiter, decimal comma, no header)
    /// and done (rows dropped, identifier-like columns); its `labels` which
    /// value is positive.
    pub fn load(&self) -> Result<Dataset> {
        Dataset::from_table_owned(self.read_table()?, &self.dataset_options())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::Delimiter;

    #[test]
    fn the_default_is_the_embedded_data_as_before() {
        let d = DataConfig::default().load().unwrap();
        let before = Dataset::heart_failure();
        assert_eq!(d.x, before.x);
        assert_eq!(d.y, before.y);
        assert_eq!(d.features, before.features);
        assert!(d.notes.is_empty());
        assert!(d.is_plain());
    }

    #[test]
    fn read_options_need_a_file() {
        let c = DataConfig {
            read: ReadOptions {
                delimiter: Some(Delimiter::Byte(b';')),
                ..ReadOptions::default()
            },
            ..DataConfig::default()
        };
        let e = c.load().unwrap_err();
        assert!(
            matches!(&e, Error::Invalid { field, .. } if field == "delimiter"),
            "{e}"
        );
    }
}
