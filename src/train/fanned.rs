//! A full-batch step with its row blocks spread over threads: each block is
//! a task run on one thread with the one-thread kernels, its gradient kept
//! in the block's own slot; the slots are then added in block order exactly
//! as the one-thread loop adds them. Same bits for any thread count, one
//! synchronisation a step instead of one per layer per block.

use super::loss::BceWithLogits;
use super::trainer::BLOCK_ROWS;
use crate::data::Samples;
use crate::model::pool::{Disjoint, Pool};
use crate::model::{Architecture, Network, Workspace};

/// One thread's buffers: a block's rows and its activations.
struct Lane {
    ws: Workspace,
    xb: Vec<f32>,
    yb: Vec<f32>,
}

/// Buffers for a full batch of `n` rows in blocks on `threads` threads,
/// allocated once.
pub(super) struct FannedBlocks {
    lanes: Vec<Lane>,
    /// Block `j`'s mean gradient at `j·n_params`.
    slots: Vec<f32>,
    /// Block `j`'s mean loss and correct count.
    stats: Vec<(f32, usize)>,
}

/// Copies rows `start..start + len` of `s` into `xb` (feature-major) and `yb`.
pub(super) fn gather(s: &Samples, start: usize, len: usize, xb: &mut [f32], yb: &mut [f32]) {
    for j in 0..s.d {
        xb[j * len..(j + 1) * len].copy_from_slice(&s.xt[j * s.n + start..j * s.n + start + len]);
    }
    yb[..len].copy_from_slice(&s.y[start..start + len]);
}

impl FannedBlocks {
    pub(super) fn new(arch: &Architecture, threads: usize, n: usize) -> FannedBlocks {
        let d = arch.input_width();
        let blocks = n.div_ceil(BLOCK_ROWS);
        FannedBlocks {
            lanes: (0..threads)
                .map(|_| Lane {
                    ws: Workspace::new(arch, BLOCK_ROWS),
                    xb: vec![0.0; BLOCK_ROWS * d],
                    yb: vec![0.0; BLOCK_ROWS],
                })
                .collect(),
            slots: vec![0.0; blocks * arch.n_params()],
            stats: vec![(0.0, 0); blocks],
        }
    }

    /// Forward, loss and backward of every block of `train`; writes the
    /// full-batch gradient into `grads` and returns the mean loss and the
    /// correct count.
    pub(super) fn step(
        &mut self,
        net: &Network,
        pool: &mut Pool,
        loss: BceWithLogits,
        train: &Samples,
        grads: &mut [f32],
    ) -> (f32, usize) {
        let n = train.n;
        let blocks = n.div_ceil(BLOCK_ROWS);
        let np = grads.len();
        let lanes = Disjoint::new(&mut self.lanes[..]);
        let slots = Disjoint::new(&mut self.slots[..]);
        let stats = Disjoint::new(&mut self.stats[..]);
        pool.run_on_threads(blocks, &|thread, j| {
            // SAFETY: one thread runs one task at a time, so lane `thread`
            // is used by one task at a time; block `j` is one task.
            let (lane, slot, stat) = unsafe {
                (
                    &mut lanes.part(thread..thread + 1)[0],
                    slots.part(j * np..(j + 1) * np),
                    &mut stats.part(j..j + 1)[0],
                )
            };
            let (start, len) = (j * BLOCK_ROWS, BLOCK_ROWS.min(n - j * BLOCK_ROWS));
            gather(train, start, len, &mut lane.xb, &mut lane.yb);
            net.forward(&mut lane.ws, &lane.xb, len);
            let (logits, grad) = lane.ws.logits_and_grad(len);
            let v = loss.forward_backward(logits, &lane.yb[..len], grad);
            net.backward(&mut lane.ws, &lane.xb, len);
            slot.copy_from_slice(&lane.ws.grads);
            *stat = (v.loss, v.correct);
        });
        // The one-thread loop's sums, in its order.
        let (mut total, mut correct) = (0.0f64, 0);
        for j in 0..blocks {
            let len = BLOCK_ROWS.min(n - j * BLOCK_ROWS);
            let share = (len as f64 / n as f64) as f32;
            let slot = &self.slots[j * np..(j + 1) * np];
            if j == 0 {
                for (g, &b) in grads.iter_mut().zip(slot) {
                    *g = share * b;
                }
            } else {
                for (g, &b) in grads.iter_mut().zip(slot) {
                    *g += share * b;
                }
            }
            let (l, c) = self.stats[j];
            total += l as f64 * len as f64;
            correct += c;
        }
        ((total / n as f64) as f32, correct)
    }
}
