//! A cross-validation study as given.

use super::TrainSettings;
use crate::error::{Error, Result};
use crate::eval::study::InitSeeds;
use crate::model::init::InitRng;
use crate::run::experiment_file::ExperimentFile;
use crate::run::models::{resolve_all, study_models};
use crate::run::{ModelDef, StudyConfig};
use crate::train::TrainConfig;

/// A study as given; `None`: the default (10 × 5 folds, seed 0, the
/// default model set, the tutorial's training).
#[derive(Debug, Clone, Default)]
pub struct StudySettings {
    /// The models instead of the default set.
    pub models: Vec<ModelDef>,
    /// An experiment file: its models, and its repeats, folds and seed
    /// where these are not given.
    pub experiment: Option<ExperimentFile>,
    pub repeats: Option<usize>,
    pub folds: Option<usize>,
    /// The study seed: folds and (unless `fixed_init`) every initialisation.
    pub seed: Option<u64>,
    /// One initialisation seed for every run.
    pub fixed_init: Option<u64>,
    pub init_rng: Option<InitRng>,
    pub train: TrainSettings,
    /// The `logistic` and `majority` baselines (default: added).
    pub baselines: Option<bool>,
    /// Worker threads; results do not depend on it.
    pub threads: Option<usize>,
    /// Shuffles a feature of the permutation importance (0: none).
    pub importance_repeats: Option<usize>,
    /// Models that see only some raw feature columns: (model name,
    /// columns), applied to the models of the study by name.
    pub model_features: Vec<(String, Vec<String>)>,
}

impl StudySettings {
    /// The study's configuration for data of `inputs` model inputs and one
    /// output.
    pub fn config(&self, inputs: usize) -> Result<StudyConfig> {
        self.config_for(inputs, 1)
    }

    /// The study's configuration for data of `inputs` model inputs and
    /// `outputs` outputs (one per class of a multiclass target).
    pub fn config_for(&self, inputs: usize, outputs: usize) -> Result<StudyConfig> {
        let file = self.experiment.as_ref();
        if file.is_some() && !self.models.is_empty() {
            return Err(Error::not_applicable(
                "models",
                "does not apply with an experiment file, which lists the models",
            ));
        }
        let mut models = match file {
            Some(f) => f.model_specs(inputs, outputs)?,
            None if self.models.is_empty() => study_models(inputs, outputs),
            None => resolve_all(&self.models, inputs, outputs)?,
        };
        for (name, features) in &self.model_features {
            let Some(m) = models.iter_mut().find(|m| &m.name == name) else {
                let names: Vec<String> = models.iter().map(|m| m.name.clone()).collect();
                return Err(Error::invalid(
                    "model_features",
                    format!(
                        "names the model '{name}', which the study does not have; its models \
                         are {}",
                        names.join(", ")
                    ),
                ));
            };
            m.features = Some(features.clone());
        }
        let seed = self.seed.or(file.and_then(|f| f.seed)).unwrap_or(0);
        let train = TrainConfig {
            shuffle_seed: seed,
            ..self.train.apply(&TrainConfig::default())?
        };
        let mut config = StudyConfig::new(models, train, seed);
        config.repeats = self
            .repeats
            .or(file.and_then(|f| f.repeats))
            .unwrap_or(config.repeats);
        config.folds = self
            .folds
            .or(file.and_then(|f| f.folds))
            .unwrap_or(config.folds);
        config.init_rng = self.init_rng.unwrap_or(config.init_rng);
        config.baselines = self.baselines.unwrap_or(config.baselines);
        config.threads = self.threads;
        config.importance_repeats = self.importance_repeats.unwrap_or(config.importance_repeats);
        if let Some(s) = self.fixed_init {
            config.init = InitSeeds::Fixed(s);
        }
        config.validate()?;
        Ok(config)
    }
}
