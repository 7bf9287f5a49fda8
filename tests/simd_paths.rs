//! The AVX2 and AVX-512 kernels are a speed choice only: training with the
//! best level this CPU has and with the x86_64 baseline (SSE) gives the same
//! bits — history and parameters. (`kernels::linear`'s unit tests compare
//! every level's kernels on the tile edges one call at a time.)

mod common;

use nonlin::bench_internals as simd;
use nonlin::model::{Architecture, Network};
use nonlin::train::{OptimizerConfig, TrainConfig, Trainer};

fn train(hidden: &str, config: &TrainConfig) -> (Vec<u32>, Vec<u32>) {
    let p = common::prepared("data");
    let net = Network::new(Architecture::parse_hidden(hidden, 12).unwrap(), 3);
    let mut t = Trainer::new("m", net, config.clone(), &p.train, &p.test, None).unwrap();
    t.run(|_, _| {}).unwrap();
    let (net, hist) = t.finish();
    let losses = hist
        .records
        .iter()
        .flat_map(|r| {
            [
                r.train_loss.to_bits(),
                r.test_loss.unwrap().to_bits(),
                r.train_correct as u32,
                r.test_correct.unwrap() as u32,
            ]
        })
        .collect();
    (losses, net.params.iter().map(|v| v.to_bits()).collect())
}

#[test]
fn avx2_and_baseline_kernels_give_identical_bits() {
    let configs = [
        TrainConfig::tutorial(300, 0.1),
        TrainConfig {
            optimizer: OptimizerConfig::adam(0.01),
            batch_size: Some(32),
            ..TrainConfig::tutorial(100, 0.01)
        },
    ];
    // Ragged widths too: remainders of the output, input and ∂weight tiles.
    for hidden in [
        "5",
        "20-20",
        "5-relu",
        "16-tanh-8-gelu",
        "7-elu-3-softplus",
        "9-relu-6-2",
    ] {
        for config in &configs {
            simd::force_baseline(true);
            assert!(!simd::avx2());
            let baseline = train(hidden, config);
            simd::force_baseline(false);
            let best = train(hidden, config);
            assert_eq!(baseline, best, "{hidden}: the kernels disagree");
        }
    }
    simd::force_baseline(false);
}
