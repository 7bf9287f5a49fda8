//! Which inputs a study's models see: the data's input width (one-hot
//! columns counted per category), a model's feature subset checked and
//! its width, and a fold's inputs of some raw columns.

use crate::data::{Dataset, Preprocessing};
use crate::error::{Error, Result};
use crate::eval::importance::input_groups;
use crate::eval::study::FoldSplit;
use crate::model::{Architecture, Layer};

/// The number of model inputs of `data`: its features, with each
/// categorical column counted as one input per category (over all rows).
/// The models of a study are resolved for this width; a fold whose training
/// rows lack a category trains the same layers on one input fewer.
pub fn input_width(data: &Dataset) -> Result<usize> {
    if data.is_plain() {
        return Ok(data.n_features());
    }
    let all: Vec<usize> = (0..data.n_rows()).collect();
    Ok(Preprocessing::fit(data, &all)?.width())
}

/// `arch` with its first layer taking `inputs` inputs.
pub(super) fn with_inputs(arch: &Architecture, inputs: usize) -> Architecture {
    let mut arch = arch.clone();
    if let Some(Layer::Linear { in_features, .. }) = arch.layers.first_mut() {
        *in_features = inputs;
    }
    arch
}

/// A model's feature list names distinct columns of the data set.
pub(super) fn check_features(data: &Dataset, model: &str, features: &[String]) -> Result<()> {
    if features.is_empty() {
        return Err(Error::invalid(
            "model_features",
            format!("model '{model}' is given no feature"),
        ));
    }
    for (i, f) in features.iter().enumerate() {
        if !data.features.contains(f) {
            return Err(Error::invalid(
                "model_features",
                format!(
                    "model '{model}': '{f}' is not a feature of the data; the features are {}",
                    crate::data::notes::name_list(&data.features, 60)
                ),
            ));
        }
        if features[..i].contains(f) {
            return Err(Error::invalid(
                "model_features",
                format!("model '{model}' names '{f}' twice"),
            ));
        }
    }
    Ok(())
}

/// The model inputs of the raw columns `features` (over all rows).
pub(super) fn subset_width(data: &Dataset, features: &[String]) -> Result<usize> {
    if data.is_plain() {
        return Ok(features.len());
    }
    let all: Vec<usize> = (0..data.n_rows()).collect();
    let pre = Preprocessing::fit(data, &all)?;
    Ok(pre
        .columns
        .iter()
        .filter(|c| features.contains(&c.name))
        .map(|c| c.width())
        .sum())
}

/// The positions of `names` among `features`, in the order given.
pub(super) fn column_indices(features: &[String], names: &[String]) -> Vec<usize> {
    names
        .iter()
        .filter_map(|n| features.iter().position(|f| f == n))
        .collect()
}

/// The fold's inputs of the raw columns `columns`, in that order.
pub(super) fn fold_inputs(split: &FoldSplit, columns: &[usize]) -> Vec<usize> {
    let groups = input_groups(&split.column_widths);
    columns.iter().flat_map(|&c| groups[c].clone()).collect()
}
