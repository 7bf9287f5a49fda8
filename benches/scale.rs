//! One epoch of 12-64-ReLU-64-ReLU-1 on the synthetic table
//! (`nonlin::data::synth`) at 10k, 100k and (with `NONLIN_BENCH_1M=1`) 1M
//! rows, split 80/20: an epoch trains on the 80% (SGD, lr 0.1) and evaluates
//! the 20%, as the tutorial's loop does. Full batch and mini-batches of 256
//! (reshuffled every epoch), on 1 and 2 threads (`::<1>`, `::<2>`).
//!
//! Run: `cargo bench --bench scale` (add `NONLIN_BENCH_1M=1` for 1M rows,
//! `NONLIN_BENCH_10M=1` for 10M).
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
    if std::env::var_os("NONLIN_BENCH_10M").is_some() {
        v.push(10_000_000);
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
        threads: Some(threads),
        ..TrainConfig::tutorial(1, 0.1)
    };
    Trainer::new("scale", Network::new(arch, 0), config, train, test, None).unwrap()
}

/// One full-batch epoch on `T` threads.
#[divan::bench(args = sizes(), consts = [1, 2], sample_count = 5, sample_size = 1)]
fn full_batch<const T: usize>(bencher: Bencher, rows: usize) {
    bencher
        .with_inputs(|| trainer(rows, None, T))
        .bench_local_refs(|t| t.epoch().unwrap());
}

/// One epoch of mini-batches of 256 rows, reshuffled, on `T` threads.
#[divan::bench(args = sizes(), consts = [1, 2], sample_count = 5, sample_size = 1)]
fn mini_batch_256<const T: usize>(bencher: Bencher, rows: usize) {
    bencher
        .with_inputs(|| trainer(rows, Some(256), T))
        .bench_local_refs(|t| t.epoch().unwrap());
}

/// Layer calls `(n_in, n_out, rows)`: the scale network's at one row block
/// (2048 rows since main's `BLOCK_ROWS` change; 4096 before), and a
/// mini-batch (256), the tutorial's at its 239 training rows and 60 test
/// rows.
const SHAPES: [(usize, usize, usize); 19] = [
    (12, 64, 4096),
    (64, 64, 4096),
    (64, 1, 4096),
    (12, 64, 2048),
    (64, 64, 2048),
    (64, 1, 2048),
    (12, 64, 256),
    (64, 64, 256),
    (64, 1, 256),
    (12, 5, 239),
    (5, 1, 239),
    (12, 20, 239),
    (20, 20, 239),
    (20, 1, 239),
    (12, 5, 60),
    (5, 1, 60),
    (12, 20, 60),
    (20, 20, 60),
    (20, 1, 60),
];

/// One linear layer, forward then backward (with ∂input), on each kernel
/// family: the measurement behind `linear::choose`. Items: 6·in·out·rows
/// (2 FLOP per multiply-add; forward, ∂weight, ∂input).
#[divan::bench_group(sample_count = 30)]
mod kernels {
    use super::SHAPES;
    use divan::Bencher;
    use nonlin::bench_internals::{Backward, Forward, InputGrad, Path};

    /// `path`: a family for both passes, or `None` for `linear::choose`'s.
    fn layer(bencher: Bencher, (n_in, n_out, n): (usize, usize, usize), path: Option<Path>) {
        let val = |k: usize| ((k * 37 % 101) as f32 - 50.0) / 50.0;
        let w: Vec<f32> = (0..n_in * n_out).map(val).collect();
        let bias = vec![0.1; n_out];
        let x: Vec<f32> = (0..n_in * n).map(val).collect();
        let dy: Vec<f32> = (0..n_out * n).map(val).collect();
        let (mut y, mut dx) = (vec![0.0; n_out * n], vec![0.0; n_in * n]);
        let (mut dw, mut db) = (vec![0.0; n_in * n_out], vec![0.0; n_out]);
        bencher
            .counter(divan::counter::ItemsCount::new(6 * n_in * n_out * n))
            .bench_local(|| {
                let forward = Forward {
                    w: &w,
                    bias: &bias,
                    x: &x,
                    y: &mut y,
                    n_in,
                    n_out,
                    n,
                };
                match path {
                    Some(path) => forward.apply_on(path),
                    None => forward.apply(),
                }
                let backward = Backward {
                    w: &w,
                    x: &x,
                    dy: &dy,
                    dw: &mut dw,
                    db: &mut db,
                    dx: Some(&mut dx),
                    n_in,
                    n_out,
                    n,
                };
                match path {
                    Some(path) => backward.apply_on(path),
                    None => backward.apply(),
                }
            });
    }

    /// The families `linear::choose` picks (what training runs).
    #[divan::bench(args = SHAPES)]
    fn chosen(bencher: Bencher, shape: (usize, usize, usize)) {
        layer(bencher, shape, None)
    }

    /// Forward only, on each family (items: 2·in·out·rows).
    #[divan::bench(args = SHAPES, consts = [0, 1])]
    fn forward<const TILED: usize>(bencher: Bencher, (n_in, n_out, n): (usize, usize, usize)) {
        let path = [Path::Rows, Path::Tiled][TILED];
        let val = |k: usize| ((k * 37 % 101) as f32 - 50.0) / 50.0;
        let w: Vec<f32> = (0..n_in * n_out).map(val).collect();
        let bias = vec![0.1; n_out];
        let x: Vec<f32> = (0..n_in * n).map(val).collect();
        let mut y = vec![0.0; n_out * n];
        bencher
            .counter(divan::counter::ItemsCount::new(2 * n_in * n_out * n))
            .bench_local(|| {
                Forward {
                    w: &w,
                    bias: &bias,
                    x: &x,
                    y: &mut y,
                    n_in,
                    n_out,
                    n,
                }
                .apply_on(path)
            });
    }

    /// ∂weight and bias only, on each family (items: 2·in·out·rows).
    #[divan::bench(args = SHAPES, consts = [0, 1])]
    fn weight<const TILED: usize>(bencher: Bencher, (n_in, n_out, n): (usize, usize, usize)) {
        let path = [Path::Rows, Path::Tiled][TILED];
        let val = |k: usize| ((k * 37 % 101) as f32 - 50.0) / 50.0;
        let w: Vec<f32> = (0..n_in * n_out).map(val).collect();
        let x: Vec<f32> = (0..n_in * n).map(val).collect();
        let dy: Vec<f32> = (0..n_out * n).map(val).collect();
        let (mut dw, mut db) = (vec![0.0; n_in * n_out], vec![0.0; n_out]);
        bencher
            .counter(divan::counter::ItemsCount::new(2 * n_in * n_out * n))
            .bench_local(|| {
                Backward {
                    w: &w,
                    x: &x,
                    dy: &dy,
                    dw: &mut dw,
                    db: &mut db,
                    dx: None,
                    n_in,
                    n_out,
                    n,
                }
                .apply_on(path)
            });
    }

    /// ∂input only (one family: the tiles; items: 2·in·out·rows).
    #[divan::bench(args = SHAPES)]
    fn input(bencher: Bencher, (n_in, n_out, n): (usize, usize, usize)) {
        let val = |k: usize| ((k * 37 % 101) as f32 - 50.0) / 50.0;
        let w: Vec<f32> = (0..n_in * n_out).map(val).collect();
        let dy: Vec<f32> = (0..n_out * n).map(val).collect();
        let mut dx = vec![0.0; n_in * n];
        bencher
            .counter(divan::counter::ItemsCount::new(2 * n_in * n_out * n))
            .bench_local(|| {
                InputGrad {
                    w: &w,
                    dy: &dy,
                    dx: &mut dx,
                    n_in,
                    n_out,
                    n,
                    inputs: 0..n_in,
                }
                .apply()
            });
    }

    /// The row kernels.
    #[divan::bench(args = SHAPES)]
    fn rows(bencher: Bencher, shape: (usize, usize, usize)) {
        layer(bencher, shape, Some(Path::Rows))
    }

    /// The register-tiled kernels.
    #[divan::bench(args = SHAPES)]
    fn tiled(bencher: Bencher, shape: (usize, usize, usize)) {
        layer(bencher, shape, Some(Path::Tiled))
    }
}

/// `(hidden width, rows)` of 12-w-ReLU-w-ReLU-1 training steps in `steps`:
/// the tutorial's sizes, mini-batches around the block cut-off, batches of
/// up to two row blocks (`one_block` of more than `BLOCK_ROWS` rows runs in
/// blocks of `BLOCK_ROWS`).
const STEPS: [(usize, usize); 13] = [
    (5, 239),
    (20, 239),
    (5, 1024),
    (20, 1024),
    (64, 64),
    (64, 96),
    (64, 128),
    (64, 192),
    (64, 256),
    (64, 512),
    (64, 1024),
    (20, 2048),
    (64, 2048),
];

/// One training step (forward, loss, backward, the blocks' gradients
/// added) of a batch as one block or cut in two, on `T` threads with no
/// threading cut-off: the measurements behind `blocked::SPLIT_MIN_ROWS`
/// and `blocked::MIN_THREADED_WORK`.
#[divan::bench_group(sample_count = 200)]
mod steps {
    use super::STEPS;
    use divan::Bencher;
    use nonlin::data::synth;
    use nonlin::model::{Activation, Architecture, Network};
    use nonlin::train::blocked::{BlockedBatch, Cutoffs, Rows};
    use nonlin::train::BceWithLogits;

    fn step(bencher: Bencher, (width, rows): (usize, usize), threads: usize, split_min: usize) {
        let arch = Architecture::mlp(12, &[width, width], Activation::Relu);
        let net = Network::new(arch.clone(), 0);
        let s = synth::samples(rows, 1);
        let cutoffs = Cutoffs {
            split_min_rows: split_min,
            min_threaded_work: 0,
        };
        let mut b = BlockedBatch::with_cutoffs(&arch, threads, rows, 1, cutoffs).unwrap();
        let loss = &nonlin::train::Objective::Binary(BceWithLogits::default());
        bencher.bench_local(|| b.step(&net, loss, &s, Rows::Range(0, rows)).loss_sum);
    }

    /// The batch as one block (on one thread, whatever `T`).
    #[divan::bench(args = STEPS, consts = [1])]
    fn one_block<const T: usize>(bencher: Bencher, shape: (usize, usize)) {
        step(bencher, shape, T, usize::MAX)
    }

    /// The batch cut into two blocks, on `T` threads.
    #[divan::bench(args = STEPS, consts = [1, 2])]
    fn two_blocks<const T: usize>(bencher: Bencher, shape: (usize, usize)) {
        step(bencher, shape, T, 1)
    }
}
