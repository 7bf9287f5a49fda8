//! Which table a run reads and which of its columns it uses.

use crate::data::dataset::FeatureSelection;
use crate::data::{Dataset, DatasetOptions, Table, HEART_FAILURE_TARGET};
use crate::error::Result;
use std::path::PathBuf;

/// The data of a run.
#[derive(Debug, Clone, PartialEq)]
pub struct DataConfig {
    /// A CSV file with a header row; `None`: the embedded Heart Failure data.
    pub path: Option<PathBuf>,
    /// The 0/1 target column.
    pub target: String,
    pub features: FeatureSelection,
}

impl Default for DataConfig {
    /// The embedded data set, target `DEATH_EVENT`, every other column.
    fn default() -> DataConfig {
        DataConfig {
            path: None,
            target: HEART_FAILURE_TARGET.to_string(),
            features: FeatureSelection::All,
        }
    }
}

impl DataConfig {
    /// Reads the table and picks the features and target.
    pub fn load(&self) -> Result<Dataset> {
        let table = match &self.path {
            Some(path) => Table::from_path(path)?,
            None => Table::heart_failure(),
        };
        let options = DatasetOptions {
            selection: self.features.clone(),
            ..DatasetOptions::new(&self.target)
        };
        Dataset::from_table_owned(table, &options)
    }
}
