//! How a batch is cut into row blocks: a rule that depends on the batch's
//! row count only, never on the thread count (so neither do the bits), and
//! the measured cut-offs behind it. [`super::blocked`] runs the blocks.

use crate::model::{Architecture, Layer};
use std::ops::Range;

/// Rows per block of a batch larger than this (a full batch of 800k rows is
/// 391 blocks): the activation memory is bounded by it, and a block's
/// activations stay in cache. Measured (`cargo bench --bench scale --
/// steps`, BENCHMARKS.md "Mini-batches in row blocks"): 12-64-ReLU-64-ReLU-1
/// costs 0.71–0.72 µs a row in blocks of 1024 or 2048 rows on one thread,
/// 0.91 µs in blocks of 4096 (the activations, 1 MB a layer, no longer fit
/// the 1 MB L2), so 2048 (it was 4096).
pub const BLOCK_ROWS: usize = 2048;

/// Batches of at least this many rows (and at most [`BLOCK_ROWS`]) are cut
/// into two blocks; smaller ones run as one block, with the bits they always
/// had. Measured (`cargo bench --bench scale -- steps`, BENCHMARKS.md
/// "Mini-batches in row blocks"): two blocks on two threads beat one block
/// on one thread for 12-64-ReLU-64-ReLU-1 from 96–128 rows (1.6× at 256); the
/// tutorial's 239-row full batch must stay one block (its bits are PyTorch's
/// within the parity tolerances, and its golden outputs are fixed), so the
/// cut-off is the first power of two above it.
pub const SPLIT_MIN_ROWS: usize = 256;

/// A full batch (the epoch's one step, [`Rows::Range`]) of at most
/// [`BLOCK_ROWS`] rows is one block whatever its size: its mean gradient is
/// then summed in one pass, as PyTorch sums it. Cutting it in two changes
/// the gradient by an ulp, and a long Adam run that overfits amplifies
/// that: on `diabetes_relu_relu_adam` (353 training rows,
/// `tests/fixtures/torch_tasks`) two blocks drift from PyTorch by 2.8e-3 in
/// test loss at epoch 250, where one block stays within 3e-5. A full batch
/// of a few hundred rows is a few microseconds; mini-batches keep
/// [`SPLIT_MIN_ROWS`].
pub const FULL_BATCH_SPLIT_MIN_ROWS: usize = BLOCK_ROWS + 1;

/// Rows × multiply-adds per row (through the linear layers) below which a
/// batch's blocks run one after the other on the calling thread; the bits
/// are the same either way. Measured like [`SPLIT_MIN_ROWS`]: two threads
/// gained from the smallest split batch measured (12-5-ReLU-5-ReLU-1 at 239
/// rows, 21.5 k, 1.2×; 1.7× at 92 k); the cut-off keeps a margin for a
/// worker that has to be woken (below it a step is a few microseconds).
pub const MIN_THREADED_WORK: usize = 1 << 16;

/// The measured cut-offs; other values only for the benchmarks that chose
/// them (`cargo bench --bench scale -- steps`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cutoffs {
    /// [`SPLIT_MIN_ROWS`].
    pub split_min_rows: usize,
    /// [`FULL_BATCH_SPLIT_MIN_ROWS`].
    pub full_batch_split_min_rows: usize,
    /// [`MIN_THREADED_WORK`].
    pub min_threaded_work: usize,
}

impl Default for Cutoffs {
    fn default() -> Cutoffs {
        Cutoffs {
            split_min_rows: SPLIT_MIN_ROWS,
            full_batch_split_min_rows: FULL_BATCH_SPLIT_MIN_ROWS,
            min_threaded_work: MIN_THREADED_WORK,
        }
    }
}

/// How a batch of `n` rows is cut into blocks: depends on `n` only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Plan {
    n: usize,
    /// Rows of every block but the last.
    rows: usize,
}

impl Plan {
    /// The blocks of a batch of `n` rows: one block below
    /// [`SPLIT_MIN_ROWS`]; two up to [`BLOCK_ROWS`] (the first of half the
    /// rows rounded up to a multiple of 8); blocks of [`BLOCK_ROWS`] above.
    pub fn of(n: usize) -> Plan {
        Plan::split_from(n, SPLIT_MIN_ROWS)
    }

    /// [`Plan::of`] with another cut-off than [`SPLIT_MIN_ROWS`].
    pub fn split_from(n: usize, split_min: usize) -> Plan {
        let rows = if n > BLOCK_ROWS {
            BLOCK_ROWS
        } else if n < split_min {
            n.max(1)
        } else {
            n.div_ceil(2).next_multiple_of(8)
        };
        Plan { n, rows }
    }

    /// Number of blocks.
    pub fn count(&self) -> usize {
        self.n.div_ceil(self.rows)
    }

    /// Rows of block `j`, as positions in the batch.
    pub fn block(&self, j: usize) -> Range<usize> {
        let start = j * self.rows;
        start..(start + self.rows).min(self.n)
    }

    /// Rows of the largest block of any batch of at most `n` rows (batches
    /// just under [`SPLIT_MIN_ROWS`] are one block larger than half of one
    /// just over it).
    pub fn largest_block(n: usize, split_min: usize) -> usize {
        if n > BLOCK_ROWS {
            BLOCK_ROWS
        } else if n < split_min {
            n
        } else {
            split_min
                .saturating_sub(1)
                .max(Plan::split_from(n, split_min).rows)
        }
    }
}

/// Which rows of a [`crate::data::Samples`] form a batch.
#[derive(Debug, Clone, Copy)]
pub enum Rows<'a> {
    /// Consecutive rows (a full batch, an evaluation set).
    Range(usize, usize),
    /// Rows by index (a shuffled mini-batch).
    Picked(&'a [usize]),
}

impl Rows<'_> {
    /// Number of rows.
    pub fn len(&self) -> usize {
        match *self {
            Rows::Range(start, end) => end - start,
            Rows::Picked(rows) => rows.len(),
        }
    }

    /// True for an empty batch.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

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

impl Cutoffs {
    /// The cut-off for a training step over `rows`: a full batch's, or a
    /// mini-batch's.
    pub fn split_min_for(&self, rows: Rows) -> usize {
        match rows {
            Rows::Range(..) => self.full_batch_split_min_rows,
            Rows::Picked(_) => self.split_min_rows,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plans_cover_the_batch_in_order_and_fit_the_largest_block() {
        for cap in [1, 255, 256, 300, 2048, 2049, 4097, 9000] {
            let largest = Plan::largest_block(cap, SPLIT_MIN_ROWS);
            for n in 1..=cap.min(9000) {
                let plan = Plan::of(n);
                let mut next = 0;
                for j in 0..plan.count() {
                    let b = plan.block(j);
                    assert_eq!(b.start, next, "n {n}");
                    assert!(!b.is_empty() && b.len() <= largest, "n {n} cap {cap}");
                    next = b.end;
                }
                assert_eq!(next, n);
                let expected = match n {
                    0..SPLIT_MIN_ROWS => 1,
                    SPLIT_MIN_ROWS..=BLOCK_ROWS => 2,
                    _ => n.div_ceil(BLOCK_ROWS),
                };
                assert_eq!(plan.count(), expected, "n {n}");
                assert_eq!(plan.block(0).len() % 8, n % 8 * usize::from(expected == 1));
            }
        }
    }
}
