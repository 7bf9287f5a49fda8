//! One epoch of 12-64-ReLU-64-ReLU-1 on the synthetic table
//! (`nonlin::data::synth`) at 10k, 100k and (with `NONLIN_BENCH_1M=1`) 1M
//! rows, split 80/20: an epoch trains on the 80% (SGD, lr 0.1) and evaluates
//! the 20%, as the tutorial's loop does. Full batch and mini-batches of 256
//! (reshuffled every epoch), on 1 and 2 threads.
//!
//! Run: `cargo bench --bench scale` (add `NONLIN_BENCH_1M=1` for 1M rows).
//! The same workloads in PyTorch: `bench/pytorch/scale.py`.

use divan::Bencher;
use nonlin::data::{synth, Samples};
use nonlin::model::{Activation, Architecture, Network};
use nonlin::train::{TrainConfig, Trainer};
use std::collections::BTreeMap;
use std::sync::{Mutex, OnceLock};

fn main() {
    divan::main();
}

/// Row counts to run: 1M only on request (data generation and each epoch take seconds).
fn sizes() -> Vec<usize> {
    let mut v = vec![10_000, 100_000];
    if std::env::var_os("NONLIN_BENCH_1M").is_some() {
        v.push(1_000_000);
    }
    v
}

/// (train, test) for `rows` rows, generated once per size.
fn data(rows: usize) -> &'static (Samples, Samples) {
    static DATA: OnceLock<Mutex<BTreeMap<usize, &'static (Samples, Samples)>>> = OnceLock::new();
    let mut map = DATA.get_or_init(Default::default).lock().unwrap();
    map.entry(rows).or_insert_with(|| {
        let n_test = rows / 5;
        let train = synth::samples(rows - n_test, 1);
        let test = synth::samples(n_test, 2);
        Box::leak(Box::new((train, test)))
    })
}

fn trainer(rows: usize, batch_size: Option<usize>, threads: usize) -> Trainer<'static> {
    let (train, test) = data(rows);
    let arch = Architecture::mlp(12, &[64, 64], Activation::Relu);
    let config = TrainConfig {
        batch_size,
        ..TrainConfig::tutorial(1, 0.1)
    };
    Trainer::new("scale", Network::new(arch, 0), config, train, test, None)
        .unwrap()
        .with_threads(threads)
}

const THREADS: [usize; 2] = [1, 2];

/// One full-batch epoch.
#[divan::bench(args = sizes(), consts = THREADS, sample_count = 5, sample_size = 1)]
fn full_batch<const T: usize>(bencher: Bencher, rows: usize) {
    bencher
        .with_inputs(|| trainer(rows, None, T))
        .bench_local_refs(|t| t.epoch().unwrap());
}

/// One epoch of mini-batches of 256 rows, reshuffled.
#[divan::bench(args = sizes(), consts = THREADS, sample_count = 5, sample_size = 1)]
fn mini_batch_256<const T: usize>(bencher: Bencher, rows: usize) {
    bencher
        .with_inputs(|| trainer(rows, Some(256), T))
        .bench_local_refs(|t| t.epoch().unwrap());
}
