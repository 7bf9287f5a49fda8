//! Which models a run trains: named architectures ([`ModelSpec`]), the
//! hidden-layer descriptions front ends give before the data's width is
//! known ([`ModelDef`]), and the tutorial's catalogue.

use crate::error::{Error, Result};
use crate::model::architecture::Layer;
use crate::model::{Activation, Architecture};
use serde::Serialize;

/// A named architecture to train.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelSpec {
    pub name: String,
    pub arch: Architecture,
    /// The raw feature columns this model sees (a study's models may
    /// differ by their features); `None`: all of them.
    pub features: Option<Vec<String>>,
}

impl ModelSpec {
    pub fn new(name: &str, arch: Architecture) -> ModelSpec {
        ModelSpec {
            name: name.to_string(),
            arch,
            features: None,
        }
    }

    /// The same model on only these raw feature columns.
    pub fn with_features(mut self, features: Vec<String>) -> ModelSpec {
        self.features = Some(features);
        self
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
    /// Each hidden layer with its own activation (the page's layer list);
    /// an empty list is logistic regression.
    Layers(Vec<LayerDef>),
}

/// One hidden layer as given: its width and the activation after it
/// (`relu`, `elu:0.5`, ...; `identity` adds an `Identity` module, as it
/// does in a spec).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LayerDef {
    pub width: usize,
    pub activation: String,
}

impl LayerDef {
    pub fn new(width: usize, activation: &str) -> LayerDef {
        LayerDef {
            width,
            activation: activation.to_string(),
        }
    }
}

/// The architecture of `layers` for `inputs` features. A bad layer is
/// refused naming it: `hidden[1].width`, `hidden[0].activation`.
fn layers_arch(layers: &[LayerDef], inputs: usize, outputs: usize) -> Result<Architecture> {
    let mut stack = Vec::new();
    let mut width = inputs;
    for (i, l) in layers.iter().enumerate() {
        if l.width == 0 {
            return Err(Error::invalid(
                format!("hidden[{i}].width"),
                "must be at least 1",
            ));
        }
        let act = Activation::parse(&l.activation).map_err(|e| {
            Error::invalid(
                format!("hidden[{i}].activation"),
                format!("is refused: {e}"),
            )
        })?;
        stack.push(Layer::Linear {
            in_features: width,
            out_features: l.width,
        });
        stack.push(Layer::Activation(act));
        width = l.width;
    }
    stack.push(Layer::Linear {
        in_features: width,
        out_features: outputs,
    });
    Ok(Architecture { layers: stack })
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

    /// The architecture for `inputs` features and one output, and its name.
    pub fn resolve(&self, inputs: usize) -> Result<ModelSpec> {
        self.resolve_outputs(inputs, 1)
    }

    /// The architecture for `inputs` features and `outputs` outputs (one
    /// per class of a multiclass target), and its name.
    pub fn resolve_outputs(&self, inputs: usize, outputs: usize) -> Result<ModelSpec> {
        let arch = match &self.hidden {
            Hidden::Spec(spec) => Architecture::parse_hidden_outputs(spec, inputs, outputs)?,
            Hidden::Widths { widths, activation } => {
                if widths.contains(&0) {
                    return Err(Error::invalid("hidden", "widths must be at least 1"));
                }
                let act = Activation::parse(activation)?;
                Architecture::mlp_outputs(inputs, widths, act, outputs)
            }
            Hidden::Layers(layers) => layers_arch(layers, inputs, outputs)?,
        };
        let name = self.name.clone().unwrap_or_else(|| arch.to_string());
        Ok(ModelSpec::new(&name, arch))
    }
}

/// Resolves every definition for `inputs` features and `outputs` outputs;
/// names must be unique.
pub fn resolve_all(defs: &[ModelDef], inputs: usize, outputs: usize) -> Result<Vec<ModelSpec>> {
    let specs = defs
        .iter()
        .map(|d| d.resolve_outputs(inputs, outputs))
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
/// and `d-5-elu-1`, each with `outputs` outputs (one per class of a
/// multiclass target).
pub fn study_models(d: usize, outputs: usize) -> Vec<ModelSpec> {
    let net = |hidden: &[usize], act| Architecture::mlp_outputs(d, hidden, act, outputs);
    vec![
        ModelSpec::new("model_0", net(&[5], Activation::Identity)),
        ModelSpec::new("deeper_model", net(&[20, 20], Activation::Identity)),
        ModelSpec::new("model_non_linear", net(&[5], Activation::Relu)),
        ModelSpec::new("model_tanh", net(&[5], Activation::Tanh)),
        ModelSpec::new("model_elu", net(&[5], Activation::Elu { alpha: 1.0 })),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_layer_list_is_the_spec_it_spells() {
        let layers = ModelDef {
            name: None,
            hidden: Hidden::Layers(vec![LayerDef::new(5, "relu"), LayerDef::new(3, "elu:0.5")]),
        };
        let spec = ModelDef::spec("5-relu-3-elu:0.5");
        assert_eq!(layers.resolve(7).unwrap(), spec.resolve(7).unwrap());
        let none = ModelDef {
            name: None,
            hidden: Hidden::Layers(Vec::new()),
        };
        assert_eq!(
            none.resolve(4).unwrap().arch,
            Architecture::mlp(4, &[], Activation::Identity)
        );
        for (layers, field) in [
            (
                vec![LayerDef::new(5, "relu"), LayerDef::new(0, "relu")],
                "hidden[1].width",
            ),
            (vec![LayerDef::new(5, "nope")], "hidden[0].activation"),
        ] {
            let def = ModelDef {
                name: None,
                hidden: Hidden::Layers(layers),
            };
            assert_eq!(def.resolve(3).unwrap_err().field(), Some(field));
        }
    }
}
