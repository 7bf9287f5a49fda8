//! Shared by the training option tests (tests/training_options.rs,
//! tests/training_optimizers.rs): the data, a model spec, a plain
//! configuration, one fit, and bit views of parameters and histories. The
//! test crate must declare `mod common;` too.
#![allow(dead_code)]

use nonlin::data::Prepared;
use nonlin::model::Architecture;
use nonlin::run::{Fit, ModelSpec, Silent};
use nonlin::train::{History, LossConfig, LrSchedule, OptimizerConfig, TrainConfig, TrainedModel};

/// The embedded Heart Failure data, scaler fit on the training rows
/// (239 train rows, 60 test rows).
pub fn data() -> Prepared {
    let p = crate::common::prepared("data_train_scaler");
    assert_eq!((p.train.n, p.test.n), (239, 60));
    p
}

pub fn spec(hidden: &str) -> ModelSpec {
    ModelSpec::new(hidden, Architecture::parse_hidden(hidden, 12).unwrap())
}

pub fn config(epochs: usize, optimizer: OptimizerConfig) -> TrainConfig {
    TrainConfig {
        epochs,
        optimizer,
        schedule: LrSchedule::Constant,
        loss: LossConfig::default(),
        batch_size: None,
        shuffle_seed: 0,
        early_stopping: None,
        plateau: None,
        threads: None,
    }
}

pub fn run(hidden: &str, data: &Prepared, config: &TrainConfig, seed: u64) -> TrainedModel {
    Fit::new(&spec(hidden), data, config)
        .seed(seed)
        .run(&mut Silent)
        .unwrap()
}

pub fn bits(v: &[f32]) -> Vec<u32> {
    v.iter().map(|x| x.to_bits()).collect()
}

pub fn history_bits(h: &History) -> Vec<[u64; 6]> {
    h.records
        .iter()
        .map(|r| {
            [
                r.train_loss.to_bits() as u64,
                r.test_loss.unwrap().to_bits() as u64,
                r.train_correct as u64,
                r.test_correct.unwrap() as u64,
                r.val_loss.map_or(u64::MAX, |v| v.to_bits() as u64),
                r.lr.to_bits() as u64,
            ]
        })
        .collect()
}

pub fn max_abs_diff(a: &[f32], b: &[f32]) -> f32 {
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y).abs())
        .fold(0.0, f32::max)
}
