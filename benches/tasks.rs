//! One epoch of each task on the synthetic table (`nonlin::data::synth`:
//! the same rows with a 0/1 label, ten classes or a number), split 80/20 as
//! `benches/scale.rs` splits it: the cost of a multiclass (10 logits,
//! cross entropy) or regression (MSE on the standardized target, RMSE/MAE/R²
//! per epoch) epoch against a binary one of the same hidden widths and rows.
//!
//! - `small`: the tutorial's size, 239 train / 60 test rows, 12-5-ReLU-K,
//!   full batch, one thread.
//! - `wide`: 12-64-ReLU-64-ReLU-K at 100k rows (and 1M with
//!   `NONLIN_BENCH_1M=1`), full batch and mini-batches of 256, on 1 and 2
//!   threads.
//!
//! Run: `cargo bench --bench tasks` (add `NONLIN_BENCH_1M=1` for 1M rows).
//! The same workloads in PyTorch: `bench/pytorch/scale.py --task …`.

use divan::Bencher;
use nonlin::data::{synth, Samples, Task};
use nonlin::model::{Activation, Architecture, Network};
use nonlin::train::{LossConfig, TrainConfig, Trainer};
use std::collections::BTreeMap;
use std::sync::{Mutex, OnceLock};

fn main() {
    divan::main();
}

/// (train, test) of `task` for `rows` rows (`rows` train + `test` test),
/// generated once.
fn data(task: Task, train: usize, test: usize) -> &'static (Samples, Samples) {
    type Cache = Mutex<BTreeMap<(u8, usize, usize), &'static (Samples, Samples)>>;
    static DATA: OnceLock<Cache> = OnceLock::new();
    let mut map = DATA.get_or_init(Default::default).lock().unwrap();
    map.entry((task as u8, train, test)).or_insert_with(|| {
        let pair = (
            synth::task_samples(train, 1, task),
            synth::task_samples(test, 2, task),
        );
        Box::leak(Box::new(pair))
    })
}

fn trainer(
    task: Task,
    (train, test): (usize, usize),
    hidden: &[usize],
    batch_size: Option<usize>,
    threads: usize,
) -> Trainer<'static> {
    let (train, test) = data(task, train, test);
    let k = if task == Task::Multiclass { 10 } else { 1 };
    let arch = Architecture::mlp_outputs(12, hidden, Activation::Relu, k);
    let config = TrainConfig {
        batch_size,
        threads: Some(threads),
        loss: LossConfig {
            task: Some(task),
            ..LossConfig::default()
        },
        ..TrainConfig::tutorial(1, 0.1)
    };
    Trainer::new("tasks", Network::new(arch, 0), config, train, test, None).unwrap()
}

/// Row counts of `wide`: 100k, and 1M on request.
fn sizes() -> Vec<usize> {
    let mut v = vec![100_000];
    if std::env::var_os("NONLIN_BENCH_1M").is_some() {
        v.push(1_000_000);
    }
    v
}

/// A task as a type, for divan's `types`.
trait Kind {
    const TASK: Task;
}

struct Binary;
struct Multiclass;
struct Regression;

impl Kind for Binary {
    const TASK: Task = Task::Binary;
}

impl Kind for Multiclass {
    const TASK: Task = Task::Multiclass;
}

impl Kind for Regression {
    const TASK: Task = Task::Regression;
}

/// The tutorial's size: one full-batch epoch of 12-5-ReLU-K.
#[divan::bench(types = [Binary, Multiclass, Regression], sample_count = 2000)]
fn small<K: Kind>(bencher: Bencher) {
    bencher
        .with_inputs(|| trainer(K::TASK, (239, 60), &[5], None, 1))
        .bench_local_refs(|t| t.epoch().unwrap());
}

/// 12-64-ReLU-64-ReLU-K, full batch, on `T` threads.
#[divan::bench(
    types = [Binary, Multiclass, Regression],
    args = sizes(),
    consts = [1, 2],
    sample_count = 5,
    sample_size = 1
)]
fn wide_full_batch<K: Kind, const T: usize>(bencher: Bencher, rows: usize) {
    let n_test = rows / 5;
    bencher
        .with_inputs(|| trainer(K::TASK, (rows - n_test, n_test), &[64, 64], None, T))
        .bench_local_refs(|t| t.epoch().unwrap());
}

/// 12-64-ReLU-64-ReLU-K, mini-batches of 256, on `T` threads.
#[divan::bench(
    types = [Binary, Multiclass, Regression],
    args = sizes(),
    consts = [1, 2],
    sample_count = 5,
    sample_size = 1
)]
fn wide_mini_batch_256<K: Kind, const T: usize>(bencher: Bencher, rows: usize) {
    let n_test = rows / 5;
    bencher
        .with_inputs(|| trainer(K::TASK, (rows - n_test, n_test), &[64, 64], Some(256), T))
        .bench_local_refs(|t| t.epoch().unwrap());
}
