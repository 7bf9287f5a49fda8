//! Study experiment files: a small TOML list of models and, optionally,
//! the design (`repeats`, `folds`, `seed`).

use super::models::{ModelDef, ModelSpec};
use crate::error::{Error, Result};
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
    /// Only these raw feature columns (default: all).
    pub features: Option<Vec<String>>,
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

    /// The models as definitions (resolved against the data later).
    pub fn model_defs(&self) -> Vec<ModelDef> {
        self.models
            .iter()
            .map(|m| ModelDef::spec(&m.arch).named(&m.name))
            .collect()
    }

    /// The models for `d` input features; names must be unique.
    pub fn model_specs(&self, d: usize, outputs: usize) -> Result<Vec<ModelSpec>> {
        let mut specs: Vec<ModelSpec> = Vec::new();
        for m in &self.models {
            if specs.iter().any(|s| s.name == m.name) {
                return Err(Error::Config(format!(
                    "model name '{}' is used twice",
                    m.name
                )));
            }
            let arch = Architecture::parse_hidden_outputs(&m.arch, d, outputs)
                .map_err(|e| Error::Config(format!("model '{}': {e}", m.name)))?;
            let spec = ModelSpec::new(&m.name, arch);
            specs.push(match &m.features {
                Some(f) => spec.with_features(f.clone()),
                None => spec,
            });
        }
        Ok(specs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn experiment_file_parses_and_rejects_duplicates() {
        let f = ExperimentFile::parse(
            "repeats = 3\n[[model]]\nname = \"relu\"\narch = \"5-relu\"\n[[model]]\nname = \"linear\"\narch = \"5\"\n",
            "t.toml",
        )
        .unwrap();
        assert_eq!(f.repeats, Some(3));
        let specs = f.model_specs(12, 1).unwrap();
        assert_eq!(specs[0].arch.to_string(), "12-5-relu-1");
        assert_eq!(specs[1].name, "linear");
        let dup = ExperimentFile::parse(
            "[[model]]\nname = \"a\"\narch = \"5\"\n[[model]]\nname = \"a\"\narch = \"6\"\n",
            "t.toml",
        )
        .unwrap();
        assert!(dup
            .model_specs(12, 1)
            .unwrap_err()
            .to_string()
            .contains("twice"));
        let bad = ExperimentFile::parse("[[model]]\nname = \"a\"\narc = \"5\"\n", "t.toml");
        assert!(bad.unwrap_err().to_string().contains("t.toml"));
    }
}
