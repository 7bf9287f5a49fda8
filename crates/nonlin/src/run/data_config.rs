//! Which table a run reads, how, and which of its columns it uses.

use crate::data::{Dataset, DatasetOptions, ReadOptions, Table, HEART_FAILURE_TARGET};
use crate::error::{Error, Result};
use std::path::PathBuf;

/// The data of a run: the file and how to read it (delimiter, decimal
/// separator, header: detected unless given), and how its columns become a
/// data set (target, features, text columns, missing cells, labels).
#[derive(Debug, Clone, PartialEq)]
pub struct DataConfig {
    /// A CSV file; `None`: the embedded Heart Failure data.
    pub path: Option<PathBuf>,
    /// How to read the file; every field `None` (the default) means detect.
    /// Only for a file: the embedded data is a plain CSV.
    pub read: ReadOptions,
    /// The target, the features, and what to do with text columns, missing
    /// cells and labels.
    pub dataset: DatasetOptions,
}

impl Default for DataConfig {
    /// The embedded data set, target `DEATH_EVENT`, every other column.
    fn default() -> DataConfig {
        DataConfig {
            path: None,
            read: ReadOptions::default(),
            dataset: DatasetOptions::new(HEART_FAILURE_TARGET),
        }
    }
}

impl DataConfig {
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
                        format!(
                            "applies to a data file ({}); the embedded data set is a plain CSV",
                            crate::error::setting("data")
                        ),
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
        Dataset::from_table_owned(self.read_table()?, &self.dataset)
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
