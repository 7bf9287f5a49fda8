//! Time of one training epoch and of the tutorial's 1000 epochs for each seed
//! model, on the embedded Heart Failure split (239 train / 60 test rows).
//! One epoch = forward + loss + backward + SGD step on the train rows, then a
//! forward + loss on the test rows (what the tutorial's loop does).
//!
//! Run: `cargo bench --bench epoch`

use divan::Bencher;
use nonlin::data::{prepare, Dataset, PrepareOptions, Prepared, ScalingMode};
use nonlin::model::Network;
use nonlin::run::tutorial_models;
use nonlin::train::{TrainConfig, Trainer};
use std::sync::OnceLock;

fn main() {
    divan::main();
}

fn data() -> &'static Prepared {
    static DATA: OnceLock<Prepared> = OnceLock::new();
    DATA.get_or_init(|| {
        let ds = Dataset::heart_failure();
        prepare(
            &ds,
            &PrepareOptions {
                scaling: ScalingMode::BeforeSplit,
                ..Default::default()
            },
        )
        .unwrap()
    })
}

const MODELS: [&str; 3] = ["model_0", "deeper_model", "model_non_linear"];

fn trainer(name: &str, config: TrainConfig) -> Trainer<'static> {
    let p = data();
    let spec = tutorial_models(12)
        .into_iter()
        .find(|m| m.name == name)
        .unwrap();
    Trainer::new(
        name,
        Network::new(spec.arch, 0),
        config,
        &p.train,
        &p.test,
        None,
    )
    .unwrap()
}

/// One full-batch epoch (SGD, lr 0.01).
#[divan::bench(args = MODELS)]
fn one_epoch(bencher: Bencher, name: &str) {
    bencher
        .with_inputs(|| trainer(name, TrainConfig::tutorial(1, 0.01)))
        .bench_local_refs(|t| t.epoch().unwrap());
}

/// The tutorial's whole run: 1000 full-batch epochs.
#[divan::bench(args = MODELS, sample_count = 30)]
fn thousand_epochs(bencher: Bencher, name: &str) {
    bencher
        .with_inputs(|| trainer(name, TrainConfig::tutorial(1000, 0.01)))
        .bench_local_refs(|t| t.run(|_, _| {}).unwrap());
}

/// One epoch of mini-batches of 32 (8 steps: 7 full batches and one of 15).
#[divan::bench(args = MODELS)]
fn one_epoch_minibatch_32(bencher: Bencher, name: &str) {
    let config = TrainConfig {
        batch_size: Some(32),
        ..TrainConfig::tutorial(1, 0.01)
    };
    bencher
        .with_inputs(|| trainer(name, config.clone()))
        .bench_local_refs(|t| t.epoch().unwrap());
}

/// One full-batch epoch on the x86_64 baseline kernels (SSE; what a CPU
/// without AVX2 runs). Same bits as `one_epoch`, only slower.
#[divan::bench(args = MODELS)]
fn one_epoch_baseline_simd(bencher: Bencher, name: &str) {
    nonlin::bench_internals::force_baseline(true);
    bencher
        .with_inputs(|| trainer(name, TrainConfig::tutorial(1, 0.01)))
        .bench_local_refs(|t| t.epoch().unwrap());
    nonlin::bench_internals::force_baseline(false);
}

/// The default study's 5-unit networks with an activation other than ReLU
/// (12-5-tanh-1, 12-5-elu-1, ...): one full-batch epoch (SGD, lr 0.01).
#[divan::bench(args = ["5-relu", "5-tanh", "5-elu", "5-gelu_tanh"])]
fn one_epoch_activation(bencher: Bencher, hidden: &str) {
    let p = data();
    let arch = nonlin::model::Architecture::parse_hidden(hidden, 12).unwrap();
    bencher
        .with_inputs(|| {
            let net = Network::new(arch.clone(), 0);
            let config = TrainConfig::tutorial(1, 0.01);
            Trainer::new(hidden, net, config, &p.train, &p.test, None).unwrap()
        })
        .bench_local_refs(|t| t.epoch().unwrap());
}
