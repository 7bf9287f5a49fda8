//! A network: its architecture, one flat parameter block in state-dict order,
//! and explicit forward/backward passes over a preallocated [`Workspace`].

use super::{init, linear, Architecture, Layer};
use crate::error::{Error, Result};
use std::ops::Range;

/// Where a layer's tensors live in the flat parameter block.
#[derive(Debug, Clone, PartialEq)]
pub struct ParamTensor {
    /// State-dict name, e.g. `2.weight` (index in `nn.Sequential`).
    pub name: String,
    pub shape: Vec<usize>,
    pub range: Range<usize>,
}

/// An MLP with its parameters. Gradients and activations live in a
/// [`Workspace`], so one network can be evaluated with several batch sizes.
#[derive(Debug, Clone, PartialEq)]
pub struct Network {
    pub arch: Architecture,
    pub params: Vec<f32>,
    tensors: Vec<ParamTensor>,
    /// For each layer: (weight range, bias range) of Linear layers.
    offsets: Vec<Option<(Range<usize>, Range<usize>)>>,
}

impl Network {
    /// A network with PyTorch's default initialisation from `seed`.
    pub fn new(arch: Architecture, seed: u64) -> Network {
        let params = init::torch_default(&arch, seed);
        Network::with_params(arch, params).expect("init produces the right length")
    }

    /// A network initialised from `seed` with the chosen random stream.
    pub fn with_init(arch: Architecture, seed: u64, rng: init::InitRng) -> Network {
        let params = init::initialize(&arch, seed, rng);
        Network::with_params(arch, params).expect("init produces the right length")
    }

    /// A network with the given parameters (state-dict order).
    pub fn with_params(arch: Architecture, params: Vec<f32>) -> Result<Network> {
        let mut tensors = Vec::new();
        let mut offsets = Vec::new();
        let mut at = 0;
        for (k, layer) in arch.layers.iter().enumerate() {
            if let Layer::Linear {
                in_features,
                out_features,
            } = *layer
            {
                let w = at..at + in_features * out_features;
                let b = w.end..w.end + out_features;
                at = b.end;
                tensors.push(ParamTensor {
                    name: format!("{k}.weight"),
                    shape: vec![out_features, in_features],
                    range: w.clone(),
                });
                tensors.push(ParamTensor {
                    name: format!("{k}.bias"),
                    shape: vec![out_features],
                    range: b.clone(),
                });
                offsets.push(Some((w, b)));
            } else {
                offsets.push(None);
            }
        }
        if params.len() != at {
            return Err(Error::Config(format!(
                "architecture {arch} has {at} parameters, {} were given",
                params.len()
            )));
        }
        Ok(Network {
            arch,
            params,
            tensors,
            offsets,
        })
    }

    /// The parameter tensors in state-dict order.
    pub fn tensors(&self) -> &[ParamTensor] {
        &self.tensors
    }

    /// The values of one named tensor.
    pub fn tensor(&self, name: &str) -> Option<&[f32]> {
        self.tensors
            .iter()
            .find(|t| t.name == name)
            .map(|t| &self.params[t.range.clone()])
    }

    /// Forward pass over `n` feature-major rows; returns the `n` logits.
    pub fn forward<'w>(&self, ws: &'w mut Workspace, x: &[f32], n: usize) -> &'w [f32] {
        assert!(
            n <= ws.capacity,
            "batch of {n} exceeds the workspace capacity {}",
            ws.capacity
        );
        for (k, layer) in self.arch.layers.iter().enumerate() {
            let (done, rest) = ws.acts.split_at_mut(k);
            let input: &[f32] = if k == 0 { x } else { &done[k - 1] };
            let out = &mut rest[0];
            match *layer {
                Layer::Linear {
                    in_features,
                    out_features,
                } => {
                    let (w, b) = self.offsets[k].clone().expect("linear layer has offsets");
                    linear::Forward {
                        w: &self.params[w],
                        bias: &self.params[b],
                        x: input,
                        y: out,
                        n_in: in_features,
                        n_out: out_features,
                        n,
                    }
                    .apply();
                }
                Layer::Activation(act) => {
                    let width = ws.widths[k];
                    act.forward(&input[..width * n], &mut out[..width * n]);
                }
            }
        }
        &ws.acts[self.arch.layers.len() - 1][..n]
    }

    /// Backward pass after [`Network::forward`] on the same `x` and `n`, with
    /// ∂L/∂logits already in [`Workspace::logits_and_grad`]. Writes ∂L/∂θ
    /// into `ws.grads` (overwriting).
    pub fn backward(&self, ws: &mut Workspace, x: &[f32], n: usize) {
        let Workspace {
            acts,
            dacts,
            grads,
            widths,
            ..
        } = ws;
        for k in (0..self.arch.layers.len()).rev() {
            let input: &[f32] = if k == 0 { x } else { &acts[k - 1] };
            let (dbefore, dafter) = dacts.split_at_mut(k);
            let dout = &dafter[0];
            match self.arch.layers[k] {
                Layer::Linear {
                    in_features,
                    out_features,
                } => {
                    let (w, b) = self.offsets[k].clone().expect("linear layer has offsets");
                    let (gw, gb) = grads.split_at_mut(b.start);
                    let dx = if k == 0 {
                        None
                    } else {
                        Some(&mut dbefore[k - 1][..])
                    };
                    linear::Backward {
                        w: &self.params[w.clone()],
                        x: input,
                        dy: dout,
                        dw: &mut gw[w],
                        db: &mut gb[..b.len()],
                        dx,
                        n_in: in_features,
                        n_out: out_features,
                        n,
                    }
                    .apply();
                }
                Layer::Activation(act) => {
                    let m = widths[k] * n;
                    act.backward(
                        &input[..m],
                        &acts[k][..m],
                        &dout[..m],
                        &mut dbefore[k - 1][..m],
                    );
                }
            }
        }
    }
}

/// Activation and gradient buffers for batches of up to `capacity` rows,
/// plus the parameter-gradient block. Allocated once, reused every step.
#[derive(Debug, Clone)]
pub struct Workspace {
    capacity: usize,
    widths: Vec<usize>,
    acts: Vec<Vec<f32>>,
    dacts: Vec<Vec<f32>>,
    /// ∂L/∂θ, same layout as [`Network::params`].
    pub grads: Vec<f32>,
}

impl Workspace {
    pub fn new(arch: &Architecture, capacity: usize) -> Workspace {
        let mut widths = Vec::new();
        let mut width = arch.input_width();
        for layer in &arch.layers {
            if let Layer::Linear { out_features, .. } = *layer {
                width = out_features;
            }
            widths.push(width);
        }
        let acts: Vec<Vec<f32>> = widths.iter().map(|w| vec![0.0; w * capacity]).collect();
        Workspace {
            capacity,
            dacts: acts.clone(),
            acts,
            widths,
            grads: vec![0.0; arch.n_params()],
        }
    }

    /// The logits of the last forward pass and the buffer for ∂L/∂logits.
    pub fn logits_and_grad(&mut self, n: usize) -> (&[f32], &mut [f32]) {
        let last = self.acts.len() - 1;
        (&self.acts[last][..n], &mut self.dacts[last][..n])
    }
}
