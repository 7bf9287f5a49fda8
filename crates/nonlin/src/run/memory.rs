//! Whether a model fits in memory, checked before anything is allocated: an
//! architecture such as `--hidden 100000,100000` is refused with the bytes
//! it would need instead of aborting on a failed allocation.

use super::models::ModelSpec;
use crate::error::{setting, Error, Result};
use crate::model::architecture::Layer;
use crate::train::block_plan::{Plan, FULL_BATCH_SPLIT_MIN_ROWS, SPLIT_MIN_ROWS};
use crate::train::{OptimizerConfig, TrainConfig};

/// The memory one training run of a model needs, in bytes (f32 everywhere).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MemoryNeed {
    /// The parameters and every copy of their size: gradients (two
    /// buffers), the optimizer's state, the early-stopping best weights.
    pub parameters: u128,
    /// Activations and their gradients for the rows of one block, on each
    /// thread that trains a block at a time.
    pub activations: u128,
    /// The rows each thread's activation buffers hold.
    pub rows: usize,
}

impl MemoryNeed {
    /// What training `spec` with `config` on batches of at most `rows` rows
    /// needs. Computed without overflow for any width.
    pub fn of(spec: &ModelSpec, config: &TrainConfig, rows: usize) -> MemoryNeed {
        // The cut-off of the training steps (a full batch's, or a
        // mini-batch's), as `BlockedBatch::step` applies it.
        let split_min = match config.batch_size {
            None => FULL_BATCH_SPLIT_MIN_ROWS,
            Some(_) => SPLIT_MIN_ROWS,
        };
        let block = Plan::largest_block(rows.max(1), split_min);
        // A batch in several blocks is trained on every thread at once.
        let workers = if block < rows.max(1) {
            config.thread_count() as u128
        } else {
            1
        };
        let mut n_params: u128 = 0;
        let mut widths: u128 = 0;
        let mut width = spec.arch.input_width() as u128;
        for layer in &spec.arch.layers {
            if let Layer::Linear {
                in_features,
                out_features,
            } = *layer
            {
                n_params += (in_features as u128 + 1) * out_features as u128;
                width = out_features as u128;
            }
            widths += width;
        }
        let optimizer_copies = match config.optimizer {
            OptimizerConfig::Sgd { momentum, .. } => u128::from(momentum != 0.0),
            OptimizerConfig::Adam(_) | OptimizerConfig::AdamW(_) => 2,
        };
        // params + the workspace's and the blocks' gradients + optimizer + best weights.
        let copies = 3 + optimizer_copies + u128::from(config.early_stopping.is_some());
        MemoryNeed {
            parameters: 4 * n_params * copies,
            // values and gradients of every module's output
            activations: 4 * 2 * widths * block as u128 * workers,
            rows: block,
        }
    }

    /// Both parts.
    pub fn total(&self) -> u128 {
        self.parameters + self.activations
    }
}

/// The memory a run may use: the machine's physical memory when it can be
/// read (Linux `/proc/meminfo`), else 16 GiB.
pub fn memory_limit() -> u128 {
    std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|text| {
            text.lines()
                .find_map(|l| l.strip_prefix("MemTotal:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u128>().ok())
        })
        .map_or(16 << 30, |kib| kib * 1024)
}

/// Refuses a model whose training would need more than `limit` bytes,
/// naming what it would need.
pub fn check_fits(spec: &ModelSpec, config: &TrainConfig, rows: usize, limit: u128) -> Result<()> {
    let need = MemoryNeed::of(spec, config, rows);
    if need.total() <= limit {
        return Ok(());
    }
    Err(Error::Config(format!(
        "model '{}' ({}) would need about {} of memory to train: {} for its parameters, \
         gradients and optimizer state, and {} for the activations of {} rows; this machine \
         has {}. Use narrower or fewer hidden layers ({}, {}){}",
        spec.name,
        spec.arch,
        bytes(need.total()),
        bytes(need.parameters),
        bytes(need.activations),
        need.rows,
        bytes(limit),
        setting("hidden"),
        setting("models"),
        if need.activations > need.parameters {
            format!(" or a smaller {}", setting("batch_size"))
        } else {
            String::new()
        }
    )))
}

/// "1.5 GB" (decimal units) or "123 bytes".
pub fn bytes(n: u128) -> String {
    const UNITS: [&str; 5] = ["kB", "MB", "GB", "TB", "PB"];
    if n < 1000 {
        return format!("{n} bytes");
    }
    let mut v = n as f64 / 1000.0;
    let mut unit = 0;
    while v >= 1000.0 && unit + 1 < UNITS.len() {
        v /= 1000.0;
        unit += 1;
    }
    format!("{v:.1} {}", UNITS[unit])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Activation, Architecture};

    fn spec(hidden: &[usize]) -> ModelSpec {
        ModelSpec::new("m", Architecture::mlp(12, hidden, Activation::Relu))
    }

    #[test]
    fn counts_parameters_and_activations() {
        let config = TrainConfig::default(); // plain SGD, no early stopping
        let need = MemoryNeed::of(&spec(&[5]), &config, 239);
        // 12·5+5 + 5·1+1 = 71 parameters, 3 copies.
        assert_eq!(need.parameters, 4 * 71 * 3);
        // outputs 5 (linear) + 5 (relu) + 1 per row, values and gradients.
        assert_eq!(need.activations, 4 * 2 * 11 * 239);
        assert!(check_fits(&spec(&[5]), &config, 239, memory_limit()).is_ok());
        // A 100k-row batch runs in 2048-row blocks, one on each thread.
        let two = TrainConfig {
            threads: Some(2),
            ..TrainConfig::default()
        };
        let need = MemoryNeed::of(&spec(&[5]), &two, 100_000);
        assert_eq!((need.rows, need.activations), (2048, 4 * 2 * 11 * 2048 * 2));
    }

    #[test]
    fn refuses_what_cannot_fit_naming_the_size() {
        let config = TrainConfig::recommended();
        let e = check_fits(&spec(&[100_000, 100_000]), &config, 32, 64 << 30)
            .unwrap_err()
            .worded(&crate::error::TestFlags);
        assert!(e.contains("240.0 GB for its parameters"), "{e}");
        assert!(e.contains("--hidden"), "{e}");
        assert_eq!(bytes(999), "999 bytes");
        assert_eq!(bytes(1_500_000), "1.5 MB");
    }
}
