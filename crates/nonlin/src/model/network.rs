//! A network: its architecture, one flat parameter block in state-dict order,
//! and explicit forward/backward passes over a preallocated [`Workspace`].

use super::{init, Architecture, Layer, ParamLayout, ParamTensor};
use crate::error::{Error, Result};
use crate::kernels::linear;

/// An MLP with its parameters. Gradients and activations live in a
/// [`Workspace`], so one network can be evaluated with several batch sizes.
#[derive(Debug, Clone, PartialEq)]
pub struct Network {
    pub arch: Architecture,
    pub params: Vec<f32>,
    pub(super) layout: ParamLayout,
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
        let layout = ParamLayout::new(&arch);
        if params.len() != layout.len() {
            return Err(Error::Config(format!(
                "architecture {arch} has {} parameters, {} were given",
                layout.len(),
                params.len()
            )));
        }
        Ok(Network {
            arch,
            params,
            layout,
        })
    }

    /// Where each parameter lives in [`Network::params`].
    pub fn layout(&self) -> &ParamLayout {
        &self.layout
    }

    /// The parameter tensors in state-dict order.
    pub fn tensors(&self) -> &[ParamTensor] {
        self.layout.tensors()
    }

    /// The values of one named tensor.
    pub fn tensor(&self, name: &str) -> Option<&[f32]> {
        self.tensors()
            .iter()
            .find(|t| t.name == name)
            .map(|t| &self.params[t.range.clone()])
    }

    /// Forward pass over `n` feature-major rows; returns the logits,
    /// class-major `[K][n]` for `K` outputs (`out[c·n + i]` is output `c` of
    /// row `i`: every buffer is feature-major, so the last `Linear` writes
    /// that layout with no transpose); the `n` logits for one output.
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
                    let p = self.layout.linear(k).expect("a Linear has parameters");
                    linear::Forward {
                        w: &self.params[p.weight.clone()],
                        bias: &self.params[p.bias.clone()],
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
        let last = self.arch.layers.len() - 1;
        &ws.acts[last][..ws.widths[last] * n]
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
                    let p = self.layout.linear(k).expect("a Linear has parameters");
                    let (w, b) = (p.weight.clone(), p.bias.clone());
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
    pub(super) capacity: usize,
    pub(super) widths: Vec<usize>,
    pub(super) acts: Vec<Vec<f32>>,
    pub(super) dacts: Vec<Vec<f32>>,
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
        // Written, not just reserved (`vec![0.0; n]` maps pages that fault on
        // first use): the first epoch does not pay for the page faults.
        let acts: Vec<Vec<f32>> = widths.iter().map(|w| touched(w * capacity)).collect();
        Workspace {
            capacity,
            dacts: acts.clone(),
            acts,
            widths,
            grads: touched(arch.n_params()),
        }
    }

    /// The logits of the last forward pass over `n` rows and the buffer for
    /// ∂L/∂logits, both class-major `[K][n]` (`K·n` values; `n` for one output).
    pub fn logits_and_grad(&mut self, n: usize) -> (&[f32], &mut [f32]) {
        let last = self.acts.len() - 1;
        let m = self.widths[last] * n;
        (&self.acts[last][..m], &mut self.dacts[last][..m])
    }

    /// Outputs per row of the network this workspace was made for (`K`).
    pub fn outputs(&self) -> usize {
        self.widths.last().copied().unwrap_or(0)
    }
}

/// `len` zeros, written (so the pages are mapped now, not at first use).
pub(crate) fn touched(len: usize) -> Vec<f32> {
    let mut v = Vec::with_capacity(len);
    v.resize(len, 0.0);
    v
}
