//! Study experiment files: a small TOML list of models and, optionally,
//! the design (`repeats`, `folds`, `seed`).

use crate::error::{Error, Result};
use crate::experiment::ModelSpec;
use crate::model::Architecture;
use serde::Deserialize;

/// A model list from an experiment file.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExperimentFile {
    pub repeats: Option<usize>,
    pub folds: Option<usize>,
    pub seed: Option<u64>,
    #[serde(default, rename = "model")]
    pub models: Vec<ExperimentModel>,
}

/// `[[model]]` of an experiment file: a name and a hidden-layer spec.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExperimentModel {
    pub name: String,
    /// Hidden spec as for `--arch` (`5-relu`, `20-20`).
    pub arch: String,
}

impl ExperimentFile {
    /// Parses TOML; `source` names the file in errors.
    pub fn parse(text: &str, source: &str) -> Result<ExperimentFile> {
        let file: ExperimentFile = toml::from_str(text)
            .map_err(|e| Error::Config(format!("{source}: {}", e.to_string().trim_end())))?;
        if file.models.is_empty() {
            return Err(Error::Config(format!(
                "{source}: no models; add [[model]] tables with name and arch"
            )));
        }
        Ok(file)
    }

    /// The models for `d` input features; names must be unique.
    pub fn model_specs(&self, d: usize) -> Result<Vec<ModelSpec>> {
        let mut specs: Vec<ModelSpec> = Vec::new();
        for m in &self.models {
            if specs.iter().any(|s| s.name == m.name) {
                return Err(Error::Config(format!(
                    "model name '{}' is used twice",
                    m.name
                )));
            }
            let arch = Architecture::parse_hidden(&m.arch, d)
                .map_err(|e| Error::Config(format!("model '{}': {e}", m.name)))?;
            specs.push(ModelSpec::new(&m.name, arch));
        }
        Ok(specs)
    }
}
