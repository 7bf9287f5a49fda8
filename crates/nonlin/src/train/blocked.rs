//! A batch in fixed row blocks: the one path for full batches, mini-batches
//! and evaluation sets, on one thread or several.
//!
//! A batch of `n` rows is cut into blocks by a rule that depends on `n` only
//! ([`Plan`]), never on the thread count. In a training step each block's
//! forward, loss and backward run as one task on one thread with the
//! one-thread kernels, in that thread's own workspace; the block's mean
//! gradient is kept in the block's own slot, and the slots are added in block
//! order, each weighted by its share of the rows. So the bits do not depend
//! on which thread ran which block nor on how many threads there are, and a
//! step costs one synchronisation. A batch of one block is exactly the
//! one-pass step (the tutorial's bits).
//!
//! An evaluation pass is split the same way; a row's logit does not depend
//! on the other rows of its block, and the loss is summed as it always was
//! (one pass up to [`BLOCK_ROWS`] rows, per [`BLOCK_ROWS`]-row block above).
//!
//! Per-row weights ([`Samples::weight`]) travel with a block's rows; a
//! block's share is then its weight `Σ w[yᵢ]·sᵢ` over the batch's
//! ([`Objective::weight`]), so the blocks combine into the batch's weighted
//! mean, and a batch of one block is the one-pass weighted step.

pub use super::block_plan::{
    macs_per_row, Cutoffs, Plan, Rows, BLOCK_ROWS, FULL_BATCH_SPLIT_MIN_ROWS, MIN_THREADED_WORK,
    SPLIT_MIN_ROWS,
};
use super::loss::LossValue;
use super::regression_loss::ErrorSums;
use super::Objective;
use crate::data::Samples;
use crate::kernels::pool::{Disjoint, Pool};
use crate::model::network::touched;
use crate::model::{Architecture, Network, Workspace};
use std::ops::Range;

/// One thread's buffers: a block's rows and its activations.
struct Lane {
    ws: Workspace,
    rows: RowBuffers,
}

/// A block's rows, copied out of their samples.
struct RowBuffers {
    xb: Vec<f32>,
    yb: Vec<f32>,
    /// A regression target's values in their units (empty for classes).
    vb: Vec<f64>,
    /// Per-row weights of a block of picked rows (used only with weights).
    wb: Vec<f32>,
}

/// A block's rows, as the network and the loss read them.
struct Gathered<'a> {
    x: &'a [f32],
    y: &'a [f32],
    /// A regression target's values in their units.
    values: Option<&'a [f64]>,
    /// Per-row weights, if the samples have them.
    weight: Option<&'a [f32]>,
}

impl Gathered<'_> {
    /// The errors of the outputs `out` in the target's units (zero for
    /// classes).
    fn errors(&self, s: &Samples, out: &[f32]) -> ErrorSums {
        let mut e = ErrorSums::default();
        if let (Some(values), Some(t)) = (self.values, &s.target) {
            e.add(out, values, &t.scale);
        }
        e
    }
}

/// The feature-major inputs and labels of `block` (positions in `rows`):
/// `s`'s own buffers when the block is all of `s`, else a copy in the
/// lane's buffers.
fn gather<'a>(
    buffers: &'a mut RowBuffers,
    s: &'a Samples,
    rows: Rows,
    block: Range<usize>,
) -> Gathered<'a> {
    let RowBuffers { xb, yb, vb, wb } = buffers;
    let len = block.len();
    let values = s.target.as_ref().map(|t| t.values.as_slice());
    let weight = s.weight.as_deref();
    match rows {
        Rows::Range(start, _) if start + block.start == 0 && len == s.n => Gathered {
            x: &s.xt,
            y: &s.y,
            values,
            weight,
        },
        Rows::Range(start, _) => {
            let first = start + block.start;
            for j in 0..s.d {
                let src = &s.xt[j * s.n + first..j * s.n + first + len];
                xb[j * len..(j + 1) * len].copy_from_slice(src);
            }
            yb[..len].copy_from_slice(&s.y[first..first + len]);
            Gathered {
                x: &xb[..s.d * len],
                y: &yb[..len],
                values: values.map(|v| &v[first..first + len]),
                weight: weight.map(|w| &w[first..first + len]),
            }
        }
        Rows::Picked(picked) => {
            let picked = &picked[block];
            for j in 0..s.d {
                let src = &s.xt[j * s.n..(j + 1) * s.n];
                for (dst, &r) in xb[j * len..(j + 1) * len].iter_mut().zip(picked) {
                    *dst = src[r];
                }
            }
            for (dst, &r) in yb.iter_mut().zip(picked) {
                *dst = s.y[r];
            }
            let values = values.map(|v| {
                for (dst, &r) in vb.iter_mut().zip(picked) {
                    *dst = v[r];
                }
                &vb[..len]
            });
            let weight = weight.map(|w| {
                for (dst, &r) in wb.iter_mut().zip(picked) {
                    *dst = w[r];
                }
                &wb[..len]
            });
            Gathered {
                x: &xb[..s.d * len],
                y: &yb[..len],
                values,
                weight,
            }
        }
    }
}

/// A training step's result.
pub struct Step<'a> {
    /// The batch's mean gradient, in [`Network::params`]' layout.
    pub grads: &'a [f32],
    /// Σ over the blocks of the block's mean loss × its weight.
    pub loss_sum: f64,
    /// The batch's weight: the denominator of its mean loss
    /// ([`Objective::weight`]; its rows without class or row weights).
    pub weight: f64,
    /// Correct predictions on the batch's rows.
    pub correct: usize,
    /// A regression target's errors on the batch, in its units.
    pub errors: ErrorSums,
}

/// An evaluation's result.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Measured {
    /// The mean loss.
    pub loss: f32,
    pub correct: usize,
    /// A regression target's errors, in its units.
    pub errors: ErrorSums,
}

impl Measured {
    pub fn value(&self) -> LossValue {
        LossValue {
            loss: self.loss,
            correct: self.correct,
        }
    }
}

/// A block's results in a multi-block pass.
#[derive(Debug, Clone, Copy, Default)]
struct BlockStats {
    loss: f32,
    correct: usize,
    weight: f64,
    errors: ErrorSums,
}

/// Buffers and threads for batches in blocks, allocated once.
pub struct BlockedBatch {
    pool: Option<Pool>,
    cutoffs: Cutoffs,
    macs_per_row: usize,
    /// One per thread; lane 0 is the calling thread's.
    lanes: Vec<Lane>,
    /// The mean gradients of the blocks of one job (a wave of blocks), the
    /// wave's block `t` at `t·n_params`: all the blocks of a batch in one
    /// job unless that would take more than [`MAX_SLOT_FLOATS`].
    slots: Vec<f32>,
    /// Block `j`'s results.
    stats: Vec<BlockStats>,
    /// The weighted sum of the slots.
    grads: Vec<f32>,
    /// An evaluation set's logits, when it has at most [`BLOCK_ROWS`] rows.
    logits: Vec<f32>,
}

impl BlockedBatch {
    /// Buffers for training steps of up to `batch_rows` rows and
    /// evaluations of up to `eval_rows` rows, on `threads` threads. No thread
    /// is started when `threads` is 1 or no batch would be worth threading
    /// ([`MIN_THREADED_WORK`]).
    pub fn new(
        arch: &Architecture,
        threads: usize,
        batch_rows: usize,
        eval_rows: usize,
    ) -> std::io::Result<BlockedBatch> {
        let cutoffs = Cutoffs::default();
        BlockedBatch::with_cutoffs(arch, threads, batch_rows, eval_rows, cutoffs)
    }

    /// [`BlockedBatch::new`] for a regression target: also buffers for its
    /// values, for the errors in its units.
    pub fn for_regression(mut self, batch_rows: usize, eval_rows: usize) -> BlockedBatch {
        let split_min = self
            .cutoffs
            .split_min_rows
            .max(self.cutoffs.full_batch_split_min_rows);
        let rows = Plan::largest_block(batch_rows.max(eval_rows), split_min);
        for lane in &mut self.lanes {
            lane.rows.vb = vec![0.0; rows.max(1)];
        }
        self
    }

    /// [`BlockedBatch::new`] with other cut-offs than the measured ones
    /// (for the benchmarks that measure them).
    pub fn with_cutoffs(
        arch: &Architecture,
        threads: usize,
        batch_rows: usize,
        eval_rows: usize,
        cutoffs: Cutoffs,
    ) -> std::io::Result<BlockedBatch> {
        let macs_per_row = macs_per_row(arch);
        let worth = |n: usize| worth_threads(n, macs_per_row, cutoffs);
        let pool = if threads > 1 && (worth(batch_rows) || worth(eval_rows)) {
            Some(Pool::new(threads)?)
        } else {
            None
        };
        let split_min = cutoffs.split_min_rows;
        let plan = |n: usize| Plan::split_from(n, split_min);
        let (train, eval) = (plan(batch_rows), plan(eval_rows));
        // A full batch may run as one block up to its own cut-off.
        let one_block_min = split_min.max(cutoffs.full_batch_split_min_rows);
        let rows = Plan::largest_block(batch_rows.max(eval_rows), one_block_min).max(1);
        let (d, np, k) = (arch.input_width(), arch.n_params(), arch.outputs());
        let lanes = pool.as_ref().map_or(1, Pool::threads);
        let split = |plan: Plan, len: usize| if plan.count() > 1 { len } else { 0 };
        Ok(BlockedBatch {
            pool,
            cutoffs,
            macs_per_row,
            lanes: (0..lanes)
                .map(|_| Lane {
                    ws: Workspace::new(arch, rows),
                    rows: RowBuffers {
                        xb: touched(rows * d),
                        yb: touched(rows),
                        vb: Vec::new(),
                        wb: touched(rows),
                    },
                })
                .collect(),
            slots: touched(split(train, wave(train.count(), np, lanes) * np)),
            stats: vec![BlockStats::default(); train.count().max(eval.count())],
            grads: touched(split(train, np)),
            logits: touched(split(eval, k * eval_rows.min(BLOCK_ROWS))),
        })
    }

    /// Threads a large batch runs on.
    pub fn threads(&self) -> usize {
        self.pool.as_ref().map_or(1, Pool::threads)
    }

    /// Forward, loss and backward of the batch `rows` of `s`, block by block:
    /// the batch's mean gradient (the blocks' mean gradients added in block
    /// order, each weighted by its share of the batch's weight — of its
    /// rows without class or row weights), its summed loss and its correct
    /// count. A batch whose weight is 0 (every row weighs 0) has gradient 0.
    /// `rows` must fit the sizes given to [`BlockedBatch::new`].
    pub fn step(&mut self, net: &Network, loss: &Objective, s: &Samples, rows: Rows) -> Step<'_> {
        let n = rows.len();
        let plan = Plan::split_from(n, self.cutoffs.split_min_for(rows));
        let blocks = plan.count();
        if blocks == 1 {
            // One block: the one-pass step, its gradient used in place.
            let Lane { ws, rows: buffers } = &mut self.lanes[0];
            let g = gather(buffers, s, rows, 0..n);
            net.forward(ws, g.x, n);
            let (logits, grad) = ws.logits_and_grad(n);
            let v = loss.forward_backward(logits, g.y, g.weight, grad);
            let errors = g.errors(s, logits);
            let weight = loss.weight(g.y, g.weight);
            net.backward(ws, g.x, n);
            return Step {
                grads: &ws.grads,
                loss_sum: v.loss as f64 * weight,
                weight,
                correct: v.correct,
                errors,
            };
        }
        let np = self.grads.len();
        let wave = self.slots.len() / np;
        let threaded = worth_threads(n, self.macs_per_row, self.cutoffs);
        let total = if loss.is_weighted() || s.weight.is_some() {
            rows_weight(loss, s, rows)
        } else {
            n as f64
        };
        let (mut loss_sum, mut correct, mut errors) = (0.0f64, 0, ErrorSums::default());
        // Blocks `first..first + count` per job: as many as there are slots.
        let mut first = 0;
        while first < blocks {
            let count = wave.min(blocks - first);
            let lanes = Disjoint::new(&mut self.lanes[..]);
            let slots = Disjoint::new(&mut self.slots[..]);
            let stats = Disjoint::new(&mut self.stats[..]);
            let job = |thread: usize, t: usize| {
                // SAFETY: one thread runs one task at a time, so lane
                // `thread` is used by one task at a time; slot `t` is one task's.
                let (lane, slot, stat) = unsafe {
                    (
                        &mut lanes.part(thread..thread + 1)[0],
                        slots.part(t * np..(t + 1) * np),
                        &mut stats.part(t..t + 1)[0],
                    )
                };
                let block = plan.block(first + t);
                let len = block.len();
                let Lane { ws, rows: buffers } = lane;
                let g = gather(buffers, s, rows, block);
                net.forward(ws, g.x, len);
                let (logits, grad) = ws.logits_and_grad(len);
                let v = loss.forward_backward(logits, g.y, g.weight, grad);
                let errors = g.errors(s, logits);
                let weight = loss.weight(g.y, g.weight);
                net.backward(ws, g.x, len);
                slot.copy_from_slice(&ws.grads);
                *stat = BlockStats {
                    loss: v.loss,
                    correct: v.correct,
                    weight,
                    errors,
                };
            };
            match self.pool.as_mut().filter(|_| threaded) {
                Some(pool) => pool.run_on_threads(count, &job),
                None => (0..count).for_each(|t| job(0, t)),
            }
            // In block order, whatever the waves.
            for t in 0..count {
                let j = first + t;
                let b = self.stats[t];
                // A batch of weight 0: every block's share is 0.
                let share = if total > 0.0 {
                    (b.weight / total) as f32
                } else {
                    0.0
                };
                let slot = &self.slots[t * np..(t + 1) * np];
                if j == 0 {
                    for (g, &v) in self.grads.iter_mut().zip(slot) {
                        *g = share * v;
                    }
                } else {
                    for (g, &v) in self.grads.iter_mut().zip(slot) {
                        *g += share * v;
                    }
                }
                loss_sum += b.loss as f64 * b.weight;
                correct += b.correct;
                errors = errors.plus(b.errors);
            }
            first += count;
        }
        Step {
            grads: &self.grads,
            loss_sum,
            weight: total,
            correct,
            errors,
        }
    }

    /// Mean loss, correct count and errors of `net` on all of `s`: one pass
    /// up to [`BLOCK_ROWS`] rows, the blocks' losses weighted by their
    /// weights above (the logits computed block by block, on the threads
    /// when worth it).
    pub fn evaluate(&mut self, net: &Network, loss: &Objective, s: &Samples) -> Measured {
        let n = s.n;
        let k = loss.outputs();
        let plan = Plan::split_from(n, self.cutoffs.split_min_rows);
        let blocks = plan.count();
        if blocks == 1 {
            let Lane { ws, rows: buffers } = &mut self.lanes[0];
            let g = gather(buffers, s, Rows::Range(0, n), 0..n);
            let logits = net.forward(ws, g.x, n);
            let v = loss.evaluate(logits, g.y, g.weight);
            return Measured {
                loss: v.loss,
                correct: v.correct,
                errors: g.errors(s, logits),
            };
        }
        let whole = n <= BLOCK_ROWS;
        let threaded = worth_threads(n, self.macs_per_row, self.cutoffs);
        let lanes = Disjoint::new(&mut self.lanes[..]);
        let all_logits = Disjoint::new(&mut self.logits[..]);
        let stats = Disjoint::new(&mut self.stats[..]);
        let job = |thread: usize, j: usize| {
            // SAFETY: as in `step`; block `j` owns its logits and stats.
            let lane = unsafe { &mut lanes.part(thread..thread + 1)[0] };
            let block = plan.block(j);
            let len = block.len();
            let Lane { ws, rows: buffers } = lane;
            let g = gather(buffers, s, Rows::Range(0, n), block.clone());
            let logits = net.forward(ws, g.x, len);
            if whole {
                for c in 0..k {
                    let rows = c * n + block.start..c * n + block.end;
                    // SAFETY: block `j`'s rows of class `c`.
                    unsafe { all_logits.part(rows) }
                        .copy_from_slice(&logits[c * len..(c + 1) * len]);
                }
            } else {
                let v = loss.evaluate(logits, g.y, g.weight);
                let b = BlockStats {
                    loss: v.loss,
                    correct: v.correct,
                    weight: loss.weight(g.y, g.weight),
                    errors: g.errors(s, logits),
                };
                // SAFETY: block `j`'s entry.
                unsafe { stats.part(j..j + 1)[0] = b };
            }
        };
        match self.pool.as_mut().filter(|_| threaded) {
            Some(pool) => pool.run_on_threads(blocks, &job),
            None => (0..blocks).for_each(|j| job(0, j)),
        }
        if whole {
            let logits = &self.logits[..k * n];
            let v = loss.evaluate(logits, &s.y, s.weight.as_deref());
            let mut errors = ErrorSums::default();
            if let Some(t) = &s.target {
                errors.add(logits, &t.values, &t.scale);
            }
            return Measured {
                loss: v.loss,
                correct: v.correct,
                errors,
            };
        }
        let (mut total, mut weight, mut correct) = (0.0f64, 0.0f64, 0);
        let mut errors = ErrorSums::default();
        for b in &self.stats[..blocks] {
            total += b.loss as f64 * b.weight;
            weight += b.weight;
            correct += b.correct;
            errors = errors.plus(b.errors);
        }
        Measured {
            loss: (total / weight) as f32,
            correct,
            errors,
        }
    }
}

/// The weight of the batch `rows` of `s` ([`Objective::weight`] of their
/// targets and row weights), row by row.
fn rows_weight(loss: &Objective, s: &Samples, rows: Rows) -> f64 {
    let one = |r: usize| {
        let w = s.weight.as_ref().map(|w| std::slice::from_ref(&w[r]));
        loss.weight(std::slice::from_ref(&s.y[r]), w)
    };
    match rows {
        Rows::Range(start, end) => (start..end).map(one).sum(),
        Rows::Picked(p) => p.iter().map(|&r| one(r)).sum(),
    }
}

#[cfg(test)]
impl BlockedBatch {
    /// Slots for `blocks` blocks a job (tests of the waves).
    fn with_wave(mut self, blocks: usize) -> BlockedBatch {
        self.slots = touched(blocks * self.grads.len());
        self
    }
}

/// The most floats the gradient slots take (16 MB): a batch of more blocks
/// than fit runs in several jobs (waves) of blocks, with the same sums.
const MAX_SLOT_FLOATS: usize = 1 << 22;

/// Blocks per job for a batch of `blocks` blocks of a network of `np`
/// parameters on `threads` threads: all, unless their slots would take more
/// than [`MAX_SLOT_FLOATS`]; at least one per thread.
fn wave(blocks: usize, np: usize, threads: usize) -> usize {
    blocks.min((MAX_SLOT_FLOATS / np.max(1)).max(threads))
}

/// Whether a batch of `n` rows is worth running on several threads.
fn worth_threads(n: usize, macs_per_row: usize, cutoffs: Cutoffs) -> bool {
    Plan::split_from(n, cutoffs.split_min_rows).count() > 1
        && n.saturating_mul(macs_per_row) >= cutoffs.min_threaded_work
}

#[cfg(test)]
mod tests;
