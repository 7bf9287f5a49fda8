//! The network's forward and backward passes on several threads, with the
//! same bits as the one-thread passes of [`Network`] whatever the thread
//! count.
//!
//! Each layer is split *within* itself so that every sum keeps its order:
//! the forward pass and ∂weight/∂bias by output units (each unit's sums over
//! inputs and over rows are computed by one thread, exactly as on one), ∂input
//! by input units (each `dx[i,b]` sums over the outputs in order). An
//! activation is element-wise and runs on the units its neighbouring linear
//! layer split, in the same phase. Phases are [`Pool::run`] calls, each
//! split into tasks of [`UNITS_PER_TASK`] units (which thread runs a task
//! does not matter): a 12-64-ReLU-64-ReLU-1 step is three forward and three
//! backward phases.
//!
//! Small passes stay on the calling thread: below [`MIN_PARALLEL_WORK`]
//! multiply-adds a phase's synchronisation costs more than the second core
//! saves.

use super::linear::{self, InputGrad};
use super::pool::{part, Disjoint, Pool};
use super::{Architecture, Layer, Network, Workspace};

/// Rows × multiply-adds per row below which a pass runs on one thread.
/// Measured (`cargo bench --bench scale -- passes`, BENCHMARKS.md "Two
/// threads"): 12-64-ReLU-64-ReLU-1 gained from two threads from 128 rows
/// (0.6 M) up; the tutorial's 239 rows of 12-5-1 and 12-20-20-1 (0.16 M)
/// lost; the cut-off keeps a margin above the smallest gain. Taken on a
/// loaded machine: the least certain number here.
pub const MIN_PARALLEL_WORK: usize = 1 << 20;

/// Multiply-adds of one row's forward pass through the linear layers.
pub fn macs_per_row(arch: &Architecture) -> usize {
    arch.layers
        .iter()
        .map(|l| match *l {
            Layer::Linear {
                in_features,
                out_features,
            } => in_features.saturating_mul(out_features),
            Layer::Activation(_) => 0,
        })
        .fold(0usize, usize::saturating_add)
}

/// Runs a network's passes on a [`Pool`] when they are large enough, on the
/// calling thread otherwise. Same bits either way.
pub struct Parallel {
    pool: Option<Pool>,
    macs_per_row: usize,
    min_work: usize,
}

impl Parallel {
    /// Passes of `arch` on `threads` threads; no worker is started when
    /// `threads` is 1 or when no pass of up to `max_rows` rows would be
    /// large enough to split.
    pub fn new(arch: &Architecture, threads: usize, max_rows: usize) -> std::io::Result<Parallel> {
        Parallel::with_min_work(arch, threads, max_rows, MIN_PARALLEL_WORK)
    }

    /// [`Parallel::new`] with another cut-off than [`MIN_PARALLEL_WORK`]
    /// (the benchmark that chose it splits every pass: `min_work` 0).
    pub fn with_min_work(
        arch: &Architecture,
        threads: usize,
        max_rows: usize,
        min_work: usize,
    ) -> std::io::Result<Parallel> {
        let macs_per_row = macs_per_row(arch);
        let worth = max_rows.saturating_mul(macs_per_row) >= min_work;
        let pool = if threads > 1 && worth {
            Some(Pool::new(threads)?)
        } else {
            None
        };
        Ok(Parallel {
            pool,
            macs_per_row,
            min_work,
        })
    }

    /// The pool, when this network's passes are split at all.
    pub fn pool(&mut self) -> Option<&mut Pool> {
        self.pool.as_mut()
    }

    /// Threads a large pass runs on.
    pub fn threads(&self) -> usize {
        self.pool.as_ref().map_or(1, Pool::threads)
    }

    /// The pool, when a pass of `n` rows is worth splitting.
    fn pool_for(&mut self, n: usize) -> Option<&mut Pool> {
        let work = n.saturating_mul(self.macs_per_row);
        let min_work = self.min_work;
        self.pool.as_mut().filter(|_| work >= min_work)
    }

    /// [`Network::forward`], split over the pool's threads when worth it.
    pub fn forward<'w>(
        &mut self,
        net: &Network,
        ws: &'w mut Workspace,
        x: &[f32],
        n: usize,
    ) -> &'w [f32] {
        match self.pool_for(n) {
            Some(pool) => forward_on(pool, net, ws, x, n),
            None => net.forward(ws, x, n),
        }
    }

    /// [`Network::backward`], split over the pool's threads when worth it.
    pub fn backward(&mut self, net: &Network, ws: &mut Workspace, x: &[f32], n: usize) {
        match self.pool_for(n) {
            Some(pool) => backward_on(pool, net, ws, x, n),
            None => net.backward(ws, x, n),
        }
    }
}

/// The forward pass, one phase per linear layer (with the activation after
/// it) or per lone activation.
fn forward_on<'w>(
    pool: &mut Pool,
    net: &Network,
    ws: &'w mut Workspace,
    x: &[f32],
    n: usize,
) -> &'w [f32] {
    assert!(
        n <= ws.capacity,
        "batch of {n} exceeds the workspace capacity {}",
        ws.capacity
    );
    let layers = &net.arch.layers;
    let mut k = 0;
    while k < layers.len() {
        let width = ws.widths[k];
        let (done, rest) = ws.acts.split_at_mut(k);
        let input: &[f32] = if k == 0 { x } else { &done[k - 1] };
        let (out, after) = rest.split_first_mut().expect("layer k has a buffer");
        let out = Disjoint::new(&mut out[..width * n]);
        match layers[k] {
            Layer::Linear {
                in_features: n_in,
                out_features: n_out,
            } => {
                let p = net.layout.linear(k).expect("a Linear has parameters");
                let (w, b) = (&net.params[p.weight.clone()], &net.params[p.bias.clone()]);
                let act = match layers.get(k + 1) {
                    Some(Layer::Activation(a)) => {
                        Some((*a, Disjoint::new(&mut after[0][..width * n])))
                    }
                    _ => None,
                };
                let tasks = tasks_for(n_out);
                pool.run(tasks, &|t| {
                    let units = part(n_out, tasks, t);
                    let cells = units.start * n..units.end * n;
                    // SAFETY: `part` gives each task its own units.
                    let y = unsafe { out.part(cells.clone()) };
                    linear::Forward {
                        w: &w[units.start * n_in..units.end * n_in],
                        bias: &b[units.clone()],
                        x: input,
                        y,
                        n_in,
                        n_out: units.len(),
                        n,
                    }
                    .apply();
                    if let Some((a, next)) = &act {
                        // SAFETY: as above.
                        a.forward(y, unsafe { next.part(cells) });
                    }
                });
                k += 1 + usize::from(act.is_some());
            }
            Layer::Activation(a) => {
                let tasks = tasks_for(width);
                pool.run(tasks, &|t| {
                    let cells = scaled(part(width, tasks, t), n);
                    // SAFETY: `part` gives each task its own units.
                    a.forward(&input[cells.clone()], unsafe { out.part(cells) });
                });
                k += 1;
            }
        }
    }
    &ws.acts[layers.len() - 1][..n]
}

/// The backward pass, one phase per linear layer (with the activation
/// before it) or per lone activation; ∂L/∂logits must be in place.
fn backward_on(pool: &mut Pool, net: &Network, ws: &mut Workspace, x: &[f32], n: usize) {
    let Workspace {
        acts,
        dacts,
        grads,
        widths,
        ..
    } = ws;
    let grads = Disjoint::new(grads);
    let layers = &net.arch.layers;
    let mut k = layers.len();
    while k > 0 {
        k -= 1;
        match layers[k] {
            Layer::Linear {
                in_features: n_in,
                out_features: n_out,
            } => {
                let p = net.layout.linear(k).expect("a Linear has parameters");
                let (wr, br) = (p.weight.clone(), p.bias.clone());
                let w = &net.params[wr.clone()];
                let input: &[f32] = if k == 0 { x } else { &acts[k - 1] };
                // The activation before this layer, when it has a gradient to pass on.
                let act = match (k >= 2).then(|| &layers[k - 1]) {
                    Some(Layer::Activation(a)) => Some(*a),
                    _ => None,
                };
                let (dbefore, dafter) = dacts.split_at_mut(k);
                let dout = &dafter[0][..n_out * n];
                let (dx, dact) = match (k, act) {
                    (0, _) => (None, None),
                    (_, None) => (Some(Disjoint::new(&mut dbefore[k - 1][..n_in * n])), None),
                    (_, Some(_)) => {
                        let (lo, hi) = dbefore.split_at_mut(k - 1);
                        (
                            Some(Disjoint::new(&mut hi[0][..n_in * n])),
                            Some(Disjoint::new(&mut lo[k - 2][..n_in * n])),
                        )
                    }
                };
                let acts = &*acts;
                // Tasks: ∂W/∂b of some output units, then ∂input of some input units.
                let out_tasks = tasks_for(n_out);
                let in_tasks = if dx.is_some() { tasks_for(n_in) } else { 0 };
                pool.run(out_tasks + in_tasks, &|t| {
                    if t < out_tasks {
                        let outs = part(n_out, out_tasks, t);
                        // SAFETY: `part` gives each task its own output
                        // units, so its own rows of ∂W and entries of ∂b.
                        let (dw, db) = unsafe {
                            (
                                grads
                                    .part(wr.start + outs.start * n_in..wr.start + outs.end * n_in),
                                grads.part(br.start + outs.start..br.start + outs.end),
                            )
                        };
                        linear::Backward {
                            w: &w[outs.start * n_in..outs.end * n_in],
                            x: input,
                            dy: &dout[outs.start * n..outs.end * n],
                            dw,
                            db,
                            dx: None,
                            n_in,
                            n_out: outs.len(),
                            n,
                        }
                        .apply();
                        return;
                    }
                    let Some(dx) = &dx else { return };
                    let ins = part(n_in, in_tasks, t - out_tasks);
                    let cells = scaled(ins.clone(), n);
                    // SAFETY: `part` gives each task its own input units.
                    let dxp = unsafe { dx.part(cells.clone()) };
                    InputGrad {
                        w,
                        dy: dout,
                        dx: dxp,
                        n_in,
                        n_out,
                        n,
                        inputs: ins,
                    }
                    .apply();
                    if let (Some(a), Some(dact)) = (act, &dact) {
                        a.backward(
                            &acts[k - 2][cells.clone()],
                            &acts[k - 1][cells.clone()],
                            dxp,
                            // SAFETY: as above.
                            unsafe { dact.part(cells) },
                        );
                    }
                });
                if act.is_some() {
                    k -= 1;
                }
            }
            Layer::Activation(a) => {
                let m = widths[k] * n;
                let (dbefore, dafter) = dacts.split_at_mut(k);
                let (dout, din) = (&dafter[0][..m], Disjoint::new(&mut dbefore[k - 1][..m]));
                let (input, output) = (&acts[k - 1][..m], &acts[k][..m]);
                let tasks = tasks_for(widths[k]);
                pool.run(tasks, &|t| {
                    let cells = scaled(part(widths[k], tasks, t), n);
                    // SAFETY: `part` gives each task its own units.
                    let d = unsafe { din.part(cells.clone()) };
                    a.backward(
                        &input[cells.clone()],
                        &output[cells.clone()],
                        &dout[cells],
                        d,
                    );
                });
            }
        }
    }
}

/// Units a task takes at most: a task is a few output (or input) rows of a
/// layer, so a late thread's share is small enough for the others to take.
const UNITS_PER_TASK: usize = 8;

/// Tasks for a layer of `units` units.
fn tasks_for(units: usize) -> usize {
    units.div_ceil(UNITS_PER_TASK)
}

/// Units `u` of a feature-major buffer of `n` rows: cells `u.start·n..u.end·n`.
fn scaled(u: std::ops::Range<usize>, n: usize) -> std::ops::Range<usize> {
    u.start * n..u.end * n
}
