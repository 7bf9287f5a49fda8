//! Which models a run trains: named architectures ([`ModelSpec`]), the
//! hidden-layer descriptions front ends give before the data's width is
//! known ([`ModelDef`]), and the tutorial's catalogue.

use crate::error::{Error, Result};
use crate::model::{Activation, Architecture};
use serde::Serialize;

/// A named architecture to train.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelSpec {
    pub name: String,
    pub arch: Architecture,
}

impl ModelSpec {
    pub fn new(name: &str, arch: Architecture) -> ModelSpec {
        ModelSpec {
            name: name.to_string(),
            arch,
        }
    }
}

/// Hidden layers, without the input width (which comes from the data) and
/// the output layer (one logit, always added).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Hidden {
    /// A spec as `--arch` takes it: `16-relu-8-tanh`, `20-20`, or `""`
    /// for no hidden layer.
    Spec(String),
    /// These widths with the same activation after each (`--hidden 20,20
    /// --activation relu`).
    Widths {
        widths: Vec<usize>,
        activation: String,
    },
}

/// A model as a front end describes it: an optional name and its hidden
/// layers. Without a name it is called by its full spec (`12-5-relu-1`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ModelDef {
    pub name: Option<String>,
    pub hidden: Hidden,
}

impl ModelDef {
    /// A model from a hidden spec such as `5-relu`.
    pub fn spec(spec: &str) -> ModelDef {
        ModelDef {
            name: None,
            hidden: Hidden::Spec(spec.to_string()),
        }
    }

    /// The same model under `name`.
    pub fn named(mut self, name: &str) -> ModelDef {
        self.name = Some(name.to_string());
        self
    }

    /// The architecture for `inputs` features, and its name.
    pub fn resolve(&self, inputs: usize) -> Result<ModelSpec> {
        let arch = match &self.hidden {
            Hidden::Spec(spec) => Architecture::parse_hidden(spec, inputs)?,
            Hidden::Widths { widths, activation } => {
                if widths.contains(&0) {
                    return Err(Error::invalid("hidden", "widths must be at least 1"));
                }
                Architecture::mlp(inputs, widths, Activation::parse(activation)?)
            }
        };
        let name = self.name.clone().unwrap_or_else(|| arch.to_string());
        Ok(ModelSpec { name, arch })
    }
}

/// Resolves every definition for `inputs` features; names must be unique.
pub fn resolve_all(defs: &[ModelDef], inputs: usize) -> Result<Vec<ModelSpec>> {
    let specs = defs
        .iter()
        .map(|d| d.resolve(inputs))
        .collect::<Result<Vec<_>>>()?;
    check_unique(&specs, &[])?;
    Ok(specs)
}

/// Fails when two models share a name, or a model takes one of the
/// `reserved` names (the study's baselines).
pub fn check_unique(specs: &[ModelSpec], reserved: &[&str]) -> Result<()> {
    for (i, s) in specs.iter().enumerate() {
        if specs[..i].iter().any(|t| t.name == s.name) || reserved.contains(&s.name.as_str()) {
            let baselines = match reserved {
                [] => String::new(),
                names => format!(
                    " (the baselines are called {})",
                    names
                        .iter()
                        .map(|n| format!("'{n}'"))
                        .collect::<Vec<_>>()
                        .join(" and ")
                ),
            };
            return Err(Error::Config(format!(
                "model name '{}' is used twice{baselines}",
                s.name
            )));
        }
    }
    Ok(())
}

/// The tutorial's three networks for `d` input features.
pub fn tutorial_models(d: usize) -> Vec<ModelSpec> {
    vec![
        ModelSpec::new("model_0", Architecture::mlp(d, &[5], Activation::Identity)),
        ModelSpec::new(
            "deeper_model",
            Architecture::mlp(d, &[20, 20], Activation::Identity),
        ),
        ModelSpec::new(
            "model_non_linear",
            Architecture::mlp(d, &[5], Activation::Relu),
        ),
    ]
}

/// The default study set: the tutorial's three networks plus `d-5-tanh-1`
/// and `d-5-elu-1`.
pub fn study_models(d: usize) -> Vec<ModelSpec> {
    let mut m = tutorial_models(d);
    m.push(ModelSpec::new(
        "model_tanh",
        Architecture::mlp(d, &[5], Activation::Tanh),
    ));
    m.push(ModelSpec::new(
        "model_elu",
        Architecture::mlp(d, &[5], Activation::Elu { alpha: 1.0 }),
    ));
    m
}
