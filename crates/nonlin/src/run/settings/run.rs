//! A `train` or `compare` run as given: a preset, then the models, the
//! split and the training over it.

use super::TrainSettings;
use crate::data::{PrepareOptions, ScalingMode};
use crate::error::{setting, Error, Result};
use crate::model::init::InitRng;
use crate::run::{Hidden, ModelDef, RunConfig};
use std::path::PathBuf;

/// The defaults a run starts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Preset {
    /// `train`'s defaults for someone else's table ([`RunConfig::train`]).
    #[default]
    Default,
    /// The tutorial's `model_non_linear` and its training, leakage-free
    /// ([`RunConfig::train_tutorial`]).
    Tutorial,
    /// The tutorial's experiment exactly: its three models, its leak, its
    /// initial weights ([`RunConfig::compare`]).
    Compare,
}

impl Preset {
    /// The names a one-model run's preset goes by.
    pub const TRAIN_NAMES: &'static [&'static str] = &["default", "tutorial"];

    pub fn parse(name: &str) -> Result<Preset> {
        match name {
            "default" => Ok(Preset::Default),
            "tutorial" => Ok(Preset::Tutorial),
            _ => Err(Error::invalid(
                "preset",
                format!("must be default or tutorial, got '{name}'"),
            )),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Preset::Default => "default",
            Preset::Tutorial => "tutorial",
            Preset::Compare => "compare",
        }
    }

    /// The run configuration of this preset.
    pub fn config(self) -> RunConfig {
        match self {
            Preset::Default => RunConfig::train(),
            Preset::Tutorial => RunConfig::train_tutorial(),
            Preset::Compare => RunConfig::compare(),
        }
    }
}

/// Which models, as given.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ModelSettings {
    /// The models to train instead of the preset's (`--arch`, the page's
    /// layers, an experiment file).
    pub models: Vec<ModelDef>,
    /// Hidden widths of the preset's one model.
    pub widths: Option<Vec<usize>>,
    /// Activation after each hidden layer of the preset's one model.
    pub activation: Option<String>,
    /// The one model's name.
    pub name: Option<String>,
}

impl ModelSettings {
    /// The models over the preset's `base`.
    pub fn apply(&self, base: &[ModelDef]) -> Result<Vec<ModelDef>> {
        let reshape = self.widths.is_some() || self.activation.is_some();
        let mut models = if !self.models.is_empty() {
            if reshape {
                let field = if self.widths.is_some() {
                    "hidden"
                } else {
                    "activation"
                };
                return Err(Error::not_applicable(
                    field,
                    format!(
                        "does not apply with {}, which gives the whole stack",
                        setting("models")
                    ),
                ));
            }
            self.models.clone()
        } else if reshape {
            match base {
                [ModelDef {
                    name,
                    hidden: Hidden::Widths { widths, activation },
                }] => vec![ModelDef {
                    name: name.clone(),
                    hidden: Hidden::Widths {
                        widths: self.widths.clone().unwrap_or_else(|| widths.clone()),
                        activation: self
                            .activation
                            .clone()
                            .unwrap_or_else(|| activation.clone()),
                    },
                }],
                _ => {
                    return Err(Error::not_applicable(
                        if self.widths.is_some() {
                            "hidden"
                        } else {
                            "activation"
                        },
                        format!(
                            "applies to a run of one model; give each model with {}",
                            setting("models")
                        ),
                    ))
                }
            }
        } else {
            base.to_vec()
        };
        if let Some(name) = &self.name {
            match models.as_mut_slice() {
                [one] => one.name = Some(name.clone()),
                _ => {
                    return Err(Error::not_applicable(
                        "name",
                        "applies to a run of one model",
                    ))
                }
            }
        }
        Ok(models)
    }
}

/// The train/test split and the scaler, as given.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SplitSettings {
    pub test_size: Option<f64>,
    pub split_seed: Option<u32>,
    pub stratify: Option<bool>,
    pub scaling: Option<ScalingMode>,
    /// `false`: no test set, every row trains.
    pub test_set: Option<bool>,
}

impl SplitSettings {
    pub fn apply(&self, base: &PrepareOptions) -> PrepareOptions {
        PrepareOptions {
            test_size: self.test_size.unwrap_or(base.test_size),
            split_seed: self.split_seed.unwrap_or(base.split_seed),
            stratify: self.stratify.unwrap_or(base.stratify),
            scaling: self.scaling.unwrap_or(base.scaling),
            test_set: self.test_set.unwrap_or(base.test_set),
        }
    }

    /// True when something about a single split was given (a study has none).
    pub fn any(&self) -> Option<&'static str> {
        [
            ("test_size", self.test_size.is_some()),
            ("split_seed", self.split_seed.is_some()),
            ("stratify", self.stratify.is_some()),
            ("scaling", self.scaling.is_some()),
            ("test_set", self.test_set.is_some()),
        ]
        .into_iter()
        .find(|(_, given)| *given)
        .map(|(field, _)| field)
    }
}

/// A `train` or `compare` run as given.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RunSettings {
    pub preset: Preset,
    pub models: ModelSettings,
    pub split: SplitSettings,
    pub train: TrainSettings,
    /// Seeds the initial weights, the mini-batch shuffle and the
    /// early-stopping hold-out.
    pub seed: Option<u64>,
    pub init_rng: Option<InitRng>,
    pub init_weights: Option<PathBuf>,
}

impl RunSettings {
    /// The run configuration: the preset's, with every value given
    /// applied, checked as a whole.
    pub fn config(&self) -> Result<RunConfig> {
        let base = self.preset.config();
        let config = RunConfig {
            models: self.models.apply(&base.models)?,
            split: self.split.apply(&base.split),
            train: self.train.apply(&base.train)?,
            seed: self.seed.unwrap_or(base.seed),
            init_rng: self.init_rng.unwrap_or(base.init_rng),
            init_weights: self.init_weights.clone().or(base.init_weights.clone()),
            ..base
        };
        config.validate()?;
        Ok(config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_given_is_the_preset() {
        for preset in [Preset::Default, Preset::Tutorial, Preset::Compare] {
            let s = RunSettings {
                preset,
                ..Default::default()
            };
            assert_eq!(s.config().unwrap(), preset.config());
        }
    }

    #[test]
    fn widths_reshape_the_one_model_and_are_refused_with_several() {
        let s = RunSettings {
            models: ModelSettings {
                widths: Some(vec![16, 8]),
                ..Default::default()
            },
            ..Default::default()
        };
        let c = s.config().unwrap();
        assert_eq!(
            c.models[0].hidden,
            Hidden::Widths {
                widths: vec![16, 8],
                activation: "relu".into()
            }
        );
        let e = RunSettings {
            preset: Preset::Compare,
            ..s
        }
        .config()
        .unwrap_err();
        assert_eq!(e.field(), Some("hidden"));
    }
}
