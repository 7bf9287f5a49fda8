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

pub use super::block_plan::{
    macs_per_row, Cutoffs, Plan, Rows, BLOCK_ROWS, MIN_THREADED_WORK, SPLIT_MIN_ROWS,
};
use super::loss::{BceWithLogits, LossValue};
use crate::data::Samples;
use crate::kernels::pool::{Disjoint, Pool};
use crate::model::network::touched;
use crate::model::{Architecture, Network, Workspace};
use std::ops::Range;

/// One thread's buffers: a block's rows and its activations.
struct Lane {
    ws: Workspace,
    xb: Vec<f32>,
    yb: Vec<f32>,
}

/// The feature-major inputs and labels of `block` (positions in `rows`):
/// `s`'s own buffers when the block is all of `s`, else a copy in `xb`, `yb`.
fn gather<'a>(
    xb: &'a mut [f32],
    yb: &'a mut [f32],
    s: &'a Samples,
    rows: Rows,
    block: Range<usize>,
) -> (&'a [f32], &'a [f32]) {
    let len = block.len();
    match rows {
        Rows::Range(start, _) if start + block.start == 0 && len == s.n => (&s.xt, &s.y),
        Rows::Range(start, _) => {
            let first = start + block.start;
            for j in 0..s.d {
                let src = &s.xt[j * s.n + first..j * s.n + first + len];
                xb[j * len..(j + 1) * len].copy_from_slice(src);
            }
            yb[..len].copy_from_slice(&s.y[first..first + len]);
            (&xb[..s.d * len], &yb[..len])
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
            (&xb[..s.d * len], &yb[..len])
        }
    }
}

/// A training step's result.
pub struct Step<'a> {
    /// The batch's mean gradient, in [`Network::params`]' layout.
    pub grads: &'a [f32],
    /// Σ over the blocks of the block's mean loss × its rows.
    pub loss_sum: f64,
    /// Correct predictions on the batch's rows.
    pub correct: usize,
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
    /// Block `j`'s mean loss and correct count.
    stats: Vec<(f32, usize)>,
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
        let rows = Plan::largest_block(batch_rows.max(eval_rows), split_min).max(1);
        let (d, np) = (arch.input_width(), arch.n_params());
        let lanes = pool.as_ref().map_or(1, Pool::threads);
        let split = |plan: Plan, len: usize| if plan.count() > 1 { len } else { 0 };
        Ok(BlockedBatch {
            pool,
            cutoffs,
            macs_per_row,
            lanes: (0..lanes)
                .map(|_| Lane {
                    ws: Workspace::new(arch, rows),
                    xb: touched(rows * d),
                    yb: touched(rows),
                })
                .collect(),
            slots: touched(split(train, wave(train.count(), np, lanes) * np)),
            stats: vec![(0.0, 0); train.count().max(eval.count())],
            grads: touched(split(train, np)),
            logits: touched(split(eval, eval_rows.min(BLOCK_ROWS))),
        })
    }

    /// Threads a large batch runs on.
    pub fn threads(&self) -> usize {
        self.pool.as_ref().map_or(1, Pool::threads)
    }

    /// Forward, loss and backward of the batch `rows` of `s`, block by block:
    /// the batch's mean gradient (the blocks' mean gradients added in block
    /// order, each weighted by its share of the rows), its summed loss and
    /// its correct count. `rows` must fit the sizes given to
    /// [`BlockedBatch::new`].
    pub fn step(
        &mut self,
        net: &Network,
        loss: BceWithLogits,
        s: &Samples,
        rows: Rows,
    ) -> Step<'_> {
        let n = rows.len();
        let plan = Plan::split_from(n, self.cutoffs.split_min_rows);
        let blocks = plan.count();
        if blocks == 1 {
            // One block: the one-pass step, its gradient used in place.
            let Lane { ws, xb, yb } = &mut self.lanes[0];
            let (x, y) = gather(xb, yb, s, rows, 0..n);
            net.forward(ws, x, n);
            let (logits, grad) = ws.logits_and_grad(n);
            let v = loss.forward_backward(logits, y, grad);
            net.backward(ws, x, n);
            return Step {
                grads: &ws.grads,
                loss_sum: v.loss as f64 * n as f64,
                correct: v.correct,
            };
        }
        let np = self.grads.len();
        let wave = self.slots.len() / np;
        let threaded = worth_threads(n, self.macs_per_row, self.cutoffs);
        let (mut loss_sum, mut correct) = (0.0f64, 0);
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
                let Lane { ws, xb, yb } = lane;
                let (x, y) = gather(xb, yb, s, rows, block);
                net.forward(ws, x, len);
                let (logits, grad) = ws.logits_and_grad(len);
                let v = loss.forward_backward(logits, y, grad);
                net.backward(ws, x, len);
                slot.copy_from_slice(&ws.grads);
                *stat = (v.loss, v.correct);
            };
            match self.pool.as_mut().filter(|_| threaded) {
                Some(pool) => pool.run_on_threads(count, &job),
                None => (0..count).for_each(|t| job(0, t)),
            }
            // In block order, whatever the waves.
            for t in 0..count {
                let j = first + t;
                let len = plan.block(j).len();
                let share = (len as f64 / n as f64) as f32;
                let slot = &self.slots[t * np..(t + 1) * np];
                if j == 0 {
                    for (g, &b) in self.grads.iter_mut().zip(slot) {
                        *g = share * b;
                    }
                } else {
                    for (g, &b) in self.grads.iter_mut().zip(slot) {
                        *g += share * b;
                    }
                }
                let (l, c) = self.stats[t];
                loss_sum += l as f64 * len as f64;
                correct += c;
            }
            first += count;
        }
        Step {
            grads: &self.grads,
            loss_sum,
            correct,
        }
    }

    /// Mean loss and correct count of `net` on all of `s`: one pass up to
    /// [`BLOCK_ROWS`] rows, the blocks' losses weighted by their rows above
    /// (the logits computed block by block, on the threads when worth it).
    pub fn evaluate(&mut self, net: &Network, loss: BceWithLogits, s: &Samples) -> LossValue {
        let n = s.n;
        let plan = Plan::split_from(n, self.cutoffs.split_min_rows);
        let blocks = plan.count();
        if blocks == 1 {
            let Lane { ws, xb, yb } = &mut self.lanes[0];
            let (x, y) = gather(xb, yb, s, Rows::Range(0, n), 0..n);
            let logits = net.forward(ws, x, n);
            return loss.evaluate(logits, y);
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
            let Lane { ws, xb, yb } = lane;
            let (x, y) = gather(xb, yb, s, Rows::Range(0, n), block.clone());
            let logits = net.forward(ws, x, len);
            if whole {
                // SAFETY: block `j`'s rows.
                unsafe { all_logits.part(block) }.copy_from_slice(logits);
            } else {
                let v = loss.evaluate(logits, y);
                // SAFETY: block `j`'s entry.
                unsafe { stats.part(j..j + 1)[0] = (v.loss, v.correct) };
            }
        };
        match self.pool.as_mut().filter(|_| threaded) {
            Some(pool) => pool.run_on_threads(blocks, &job),
            None => (0..blocks).for_each(|j| job(0, j)),
        }
        if whole {
            return loss.evaluate(&self.logits[..n], &s.y);
        }
        let (mut total, mut correct) = (0.0f64, 0);
        for j in 0..blocks {
            let (l, c) = self.stats[j];
            total += l as f64 * plan.block(j).len() as f64;
            correct += c;
        }
        LossValue {
            loss: (total / n as f64) as f32,
            correct,
        }
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
mod tests {
    use super::*;
    use crate::data::synth;
    use crate::model::Activation;

    fn bits(v: LossValue) -> (u32, usize) {
        (v.loss.to_bits(), v.correct)
    }

    #[test]
    fn evaluation_has_the_bits_of_one_pass_then_of_row_blocks() {
        let arch = Architecture::mlp(12, &[24, 8], Activation::Tanh);
        let net = Network::new(arch.clone(), 5);
        let loss = BceWithLogits::default();
        for n in [7, 300, 3001, 9000] {
            let s = synth::samples(n, 4);
            let mut ws = Workspace::new(&arch, n);
            let expected = if n <= BLOCK_ROWS {
                loss.evaluate(net.forward(&mut ws, &s.xt, n), &s.y)
            } else {
                let (mut total, mut correct) = (0.0f64, 0);
                for start in (0..n).step_by(BLOCK_ROWS) {
                    let len = BLOCK_ROWS.min(n - start);
                    let sub = s.select(&(start..start + len).collect::<Vec<_>>());
                    let v = loss.evaluate(net.forward(&mut ws, &sub.xt, len), &sub.y);
                    total += v.loss as f64 * len as f64;
                    correct += v.correct;
                }
                LossValue {
                    loss: (total / n as f64) as f32,
                    correct,
                }
            };
            for threads in [1, 2] {
                let cutoffs = Cutoffs {
                    min_threaded_work: 0,
                    ..Cutoffs::default()
                };
                let mut b = BlockedBatch::with_cutoffs(&arch, threads, 1, n, cutoffs).unwrap();
                assert_eq!(bits(b.evaluate(&net, loss, &s)), bits(expected), "n {n}");
            }
        }
    }

    #[test]
    fn waves_of_blocks_give_the_sums_of_one_job() {
        let arch = Architecture::mlp(12, &[16], Activation::Relu);
        let net = Network::new(arch.clone(), 5);
        let loss = BceWithLogits::default();
        let s = synth::samples(4 * BLOCK_ROWS + 808, 4);
        let rows = Rows::Range(0, s.n);
        let cutoffs = Cutoffs {
            min_threaded_work: 0,
            ..Cutoffs::default()
        };
        let run = |threads: usize, wave: Option<usize>| {
            let mut b = BlockedBatch::with_cutoffs(&arch, threads, s.n, 1, cutoffs).unwrap();
            if let Some(w) = wave {
                b = b.with_wave(w);
            }
            let step = b.step(&net, loss, &s, rows);
            let grads: Vec<u32> = step.grads.iter().map(|v| v.to_bits()).collect();
            (grads, step.loss_sum.to_bits(), step.correct)
        };
        let one_job = run(1, None);
        for threads in [1, 2] {
            for wave in [1, 2, 3] {
                assert!(
                    run(threads, Some(wave)) == one_job,
                    "{threads} threads, wave {wave}"
                );
            }
        }
    }

    #[test]
    fn a_batch_of_one_block_is_the_one_pass_step() {
        let arch = Architecture::mlp(12, &[16], Activation::Relu);
        let net = Network::new(arch.clone(), 5);
        let loss = BceWithLogits::default();
        let s = synth::samples(SPLIT_MIN_ROWS - 1, 4);
        let n = s.n;
        let mut ws = Workspace::new(&arch, n);
        net.forward(&mut ws, &s.xt, n);
        let (logits, grad) = ws.logits_and_grad(n);
        let v = loss.forward_backward(logits, &s.y, grad);
        net.backward(&mut ws, &s.xt, n);
        let mut b = BlockedBatch::new(&arch, 1, n, 1).unwrap();
        let step = b.step(&net, loss, &s, Rows::Range(0, n));
        assert_eq!(step.loss_sum, v.loss as f64 * n as f64);
        assert_eq!(step.correct, v.correct);
        let as_bits = |g: &[f32]| g.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
        assert_eq!(as_bits(step.grads), as_bits(&ws.grads));
    }
}
