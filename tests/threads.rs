//! Training on several threads gives the same bits as on one: history and
//! final weights, full batch (row blocks) and mini-batches (one block below
//! `SPLIT_MIN_ROWS`, two from it), for 1, 2 and 3 threads. The tutorial's
//! small problem stays on one thread.

mod common;

use nonlin::data::{synth, Samples};
use nonlin::model::{Activation, Architecture, Network};
use nonlin::train::blocked::SPLIT_MIN_ROWS;
use nonlin::train::{TrainConfig, Trainer};

/// Per epoch: the record's numbers as bits; then the final parameters' bits.
type Run = (Vec<[u32; 5]>, Vec<u32>);

fn train(
    arch: &Architecture,
    config: &TrainConfig,
    data: &(Samples, Samples),
    threads: usize,
) -> Run {
    let config = TrainConfig {
        threads: Some(threads),
        ..config.clone()
    };
    let mut t = Trainer::new(
        "m",
        Network::new(arch.clone(), 3),
        config,
        &data.0,
        &data.1,
        None,
    )
    .unwrap();
    assert_eq!(
        t.threads(),
        threads,
        "{arch}: the problem should be large enough to split"
    );
    t.run(|_, _| {}).unwrap();
    let records = t
        .history
        .records
        .iter()
        .map(|r| {
            [
                r.train_loss.to_bits(),
                r.train_correct as u32,
                r.test_loss.unwrap().to_bits(),
                r.test_correct.unwrap() as u32,
                r.lr.to_bits(),
            ]
        })
        .collect();
    (records, t.net.params.iter().map(|v| v.to_bits()).collect())
}

fn same_bits_on_1_2_3_threads(arch: Architecture, config: TrainConfig, rows: usize) {
    let data = (synth::samples(rows, 1), synth::samples(rows / 3, 2));
    let one = train(&arch, &config, &data, 1);
    for threads in [2, 3] {
        assert!(
            train(&arch, &config, &data, threads) == one,
            "{arch}, batch {:?}: {threads} threads differ from 1",
            config.batch_size
        );
    }
}

#[test]
fn full_batch_blocks_have_the_same_bits_on_any_thread_count() {
    let rows = 2 * nonlin::train::trainer::BLOCK_ROWS + 77;
    for arch in [
        Architecture::mlp(12, &[64, 64], Activation::Relu),
        Architecture::parse_hidden("16-tanh-8-gelu-4-softplus", 12).unwrap(),
        Architecture::parse_hidden("33-relu-tanh-7-sigmoid", 12).unwrap(),
    ] {
        same_bits_on_1_2_3_threads(arch, TrainConfig::tutorial(3, 0.1), rows);
    }
}

#[test]
fn full_batches_of_two_blocks_have_the_same_bits_on_any_thread_count() {
    same_bits_on_1_2_3_threads(
        Architecture::mlp(12, &[64, 64], Activation::Relu),
        TrainConfig::tutorial(3, 0.1),
        3001,
    );
}

#[test]
fn mini_batches_have_the_same_bits_on_any_thread_count() {
    // Under the cut-off, at it, just over it, 256, and an odd size whose
    // last batch is smaller than the cut-off.
    let mut sizes = vec![
        256,
        SPLIT_MIN_ROWS - 1,
        SPLIT_MIN_ROWS,
        SPLIT_MIN_ROWS + 9,
        1450,
    ];
    sizes.sort();
    sizes.dedup();
    for batch in sizes {
        let config = TrainConfig {
            batch_size: Some(batch),
            optimizer: nonlin::train::OptimizerConfig::adam(0.01),
            ..TrainConfig::tutorial(2, 0.1)
        };
        same_bits_on_1_2_3_threads(
            Architecture::mlp(12, &[64, 64], Activation::Relu),
            config,
            3000,
        );
    }
}

#[test]
fn the_tutorial_stays_on_one_thread() {
    let p = common::prepared("data");
    let config = TrainConfig {
        threads: Some(2),
        ..TrainConfig::tutorial(1, 0.01)
    };
    let arch = Architecture::mlp(12, &[20, 20], Activation::Identity);
    let t = Trainer::new("m", Network::new(arch, 0), config, &p.train, &p.test, None).unwrap();
    assert_eq!(t.threads(), 1);
}

#[test]
fn a_thread_count_of_zero_is_refused_by_name() {
    let config = TrainConfig {
        threads: Some(0),
        ..TrainConfig::default()
    };
    let e = config.validate().unwrap_err().to_string();
    assert!(e.contains("threads"), "{e}");
}

/// Per epoch, every figure of a record as bits (the regression metrics
/// too); then the final parameters' bits.
fn task_run(task: nonlin::data::Task, batch_size: Option<usize>, threads: usize) -> Vec<u64> {
    use nonlin::data::Task;
    use nonlin::train::{ClassWeight, LossConfig, RegressionLoss};
    let rows = 2 * nonlin::train::trainer::BLOCK_ROWS + 77;
    let (train, test) = (
        synth::task_samples(rows, 1, task),
        synth::task_samples(rows / 3, 2, task),
    );
    let k = if task == Task::Multiclass { 10 } else { 1 };
    let arch = Architecture::mlp_outputs(12, &[32, 16], Activation::Tanh, k);
    let loss = LossConfig {
        task: Some(task),
        class_weight: if task == Task::Multiclass {
            ClassWeight::Balanced
        } else {
            ClassWeight::None
        },
        label_smoothing: if task == Task::Multiclass { 0.1 } else { 0.0 },
        regression: (task == Task::Regression).then_some(RegressionLoss::Huber { delta: 0.7 }),
        ..LossConfig::default()
    };
    let config = TrainConfig {
        threads: Some(threads),
        batch_size,
        loss,
        optimizer: nonlin::train::OptimizerConfig::adam(0.01),
        ..TrainConfig::tutorial(3, 0.1)
    };
    let mut t = Trainer::new("m", Network::new(arch, 3), config, &train, &test, None).unwrap();
    t.run(|_, _| {}).unwrap();
    let mut bits = Vec::new();
    for r in &t.history.records {
        bits.extend([
            r.train_loss.to_bits() as u64,
            r.test_loss.unwrap().to_bits() as u64,
            r.train_correct as u64,
            r.test_correct.unwrap() as u64,
        ]);
        for fit in [r.train_fit, r.test_fit].into_iter().flatten() {
            bits.extend([fit.rmse.to_bits(), fit.mae.to_bits(), fit.r2.to_bits()]);
        }
    }
    bits.extend(t.net.params.iter().map(|v| v.to_bits() as u64));
    bits
}

#[test]
fn multiclass_and_regression_have_the_same_bits_on_any_thread_count() {
    use nonlin::data::Task;
    for task in [Task::Multiclass, Task::Regression] {
        for batch in [None, Some(256)] {
            let one = task_run(task, batch, 1);
            for threads in [2, 3] {
                assert!(
                    task_run(task, batch, threads) == one,
                    "{task}, batch {batch:?}: {threads} threads differ from 1"
                );
            }
        }
    }
}
