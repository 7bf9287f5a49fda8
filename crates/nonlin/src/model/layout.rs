//! Where every parameter lives in a network's one flat parameter block —
//! the only place that computes it (as llm.c's `ParameterTensors`).
//!
//! The block is in state-dict order: for each `Linear` module `k` of the
//! `nn.Sequential`, its weight `k.weight` (`[out, in]`, row-major), then its
//! bias `k.bias` (`[out]`). Activations hold no parameters. Initialisation,
//! the forward and backward passes, the optimizer's gradient block and the
//! safetensors files all read this layout.

use super::{Architecture, Layer};
use std::ops::Range;

/// One parameter tensor of the block, as a state dict names it.
#[derive(Debug, Clone, PartialEq)]
pub struct ParamTensor {
    /// State-dict name, e.g. `2.weight` (index in `nn.Sequential`).
    pub name: String,
    pub shape: Vec<usize>,
    pub range: Range<usize>,
}

/// The parameters of one `Linear` module.
#[derive(Debug, Clone, PartialEq)]
pub struct LinearParams {
    /// Index of the module in `nn.Sequential` (the `N` of `N.weight`).
    pub module: usize,
    pub in_features: usize,
    pub out_features: usize,
    /// The weight `[out_features, in_features]`, row-major.
    pub weight: Range<usize>,
    /// The bias `[out_features]`, right after the weight.
    pub bias: Range<usize>,
}

impl LinearParams {
    /// State-dict name of the weight, `N.weight`.
    pub fn weight_name(&self) -> String {
        format!("{}.weight", self.module)
    }

    /// State-dict name of the bias, `N.bias`.
    pub fn bias_name(&self) -> String {
        format!("{}.bias", self.module)
    }

    /// Shape of the weight, `[out_features, in_features]`.
    pub fn weight_shape(&self) -> [usize; 2] {
        [self.out_features, self.in_features]
    }
}

/// The layout of an architecture's parameter block.
///
/// Sizes saturate instead of overflowing, so an architecture read from an
/// untrusted file that claims absurd widths gets a layout (to compare
/// shapes against, and refuse) rather than a panic; nothing here allocates
/// per parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct ParamLayout {
    /// Every `Linear`, in module order.
    linears: Vec<LinearParams>,
    /// Per module: its index in `linears`, or `None` for an activation.
    by_module: Vec<Option<usize>>,
    /// Weight and bias of every `Linear`, in state-dict order.
    tensors: Vec<ParamTensor>,
    len: usize,
}

impl ParamLayout {
    /// The layout of `arch`'s parameters.
    pub fn new(arch: &Architecture) -> ParamLayout {
        let mut linears = Vec::new();
        let mut by_module = Vec::with_capacity(arch.layers.len());
        let mut tensors = Vec::new();
        let mut at = 0usize;
        for (module, layer) in arch.layers.iter().enumerate() {
            let Layer::Linear {
                in_features,
                out_features,
            } = *layer
            else {
                by_module.push(None);
                continue;
            };
            let weight = at..at.saturating_add(in_features.saturating_mul(out_features));
            let bias = weight.end..weight.end.saturating_add(out_features);
            at = bias.end;
            let l = LinearParams {
                module,
                in_features,
                out_features,
                weight,
                bias,
            };
            tensors.push(ParamTensor {
                name: l.weight_name(),
                shape: l.weight_shape().to_vec(),
                range: l.weight.clone(),
            });
            tensors.push(ParamTensor {
                name: l.bias_name(),
                shape: vec![out_features],
                range: l.bias.clone(),
            });
            by_module.push(Some(linears.len()));
            linears.push(l);
        }
        ParamLayout {
            linears,
            by_module,
            tensors,
            len: at,
        }
    }

    /// Total number of parameters (the length of the block).
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether there are no parameters at all.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Every `Linear` module's parameters, in module order.
    pub fn linears(&self) -> &[LinearParams] {
        &self.linears
    }

    /// The parameters of module `module`, if it is a `Linear`.
    #[inline]
    pub fn linear(&self, module: usize) -> Option<&LinearParams> {
        self.by_module
            .get(module)
            .copied()
            .flatten()
            .map(|i| &self.linears[i])
    }

    /// The parameter tensors in state-dict order (`0.weight`, `0.bias`, ...).
    pub fn tensors(&self) -> &[ParamTensor] {
        &self.tensors
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tensors_follow_each_other_in_state_dict_order() {
        let arch = Architecture::parse("12-5-relu-3-1").unwrap();
        let layout = ParamLayout::new(&arch);
        assert_eq!(layout.len(), 5 * 13 + 3 * 6 + 4);
        let got: Vec<(String, Vec<usize>, Range<usize>)> = layout
            .tensors()
            .iter()
            .map(|t| (t.name.clone(), t.shape.clone(), t.range.clone()))
            .collect();
        assert_eq!(
            got,
            [
                ("0.weight".to_string(), vec![5, 12], 0..60),
                ("0.bias".to_string(), vec![5], 60..65),
                ("2.weight".to_string(), vec![3, 5], 65..80),
                ("2.bias".to_string(), vec![3], 80..83),
                ("3.weight".to_string(), vec![1, 3], 83..86),
                ("3.bias".to_string(), vec![1], 86..87),
            ]
        );
        assert!(layout.linear(1).is_none());
        assert_eq!(layout.linear(2).unwrap().weight, 65..80);
        assert!(layout.linear(9).is_none());
    }

    #[test]
    fn absurd_widths_saturate_instead_of_overflowing() {
        let arch = Architecture::parse("3-18446744073709551615-18446744073709551615-1").unwrap();
        let layout = ParamLayout::new(&arch);
        assert_eq!(layout.len(), usize::MAX);
        assert_eq!(layout.tensors()[0].shape, vec![usize::MAX, 3]);
    }
}
