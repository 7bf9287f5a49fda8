//! Trains model_non_linear for many epochs, for profilers (perf, callgrind):
//! `cargo run --release --example profile_epochs -- [epochs] [model]`
use nonlin::data::{prepare, Dataset, PrepareOptions, ScalingMode};
use nonlin::model::Network;
use nonlin::run::tutorial_models;
use nonlin::train::{TrainConfig, Trainer};

fn main() {
    let mut args = std::env::args().skip(1);
    let epochs: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(20_000);
    let name = args.next().unwrap_or_else(|| "model_non_linear".into());
    let ds = Dataset::heart_failure();
    let p = prepare(
        &ds,
        &PrepareOptions {
            scaling: ScalingMode::BeforeSplit,
            ..Default::default()
        },
    )
    .unwrap();
    let spec = tutorial_models(12)
        .into_iter()
        .find(|m| m.name == name)
        .expect("model_0, deeper_model or model_non_linear");
    let mut t = Trainer::new(
        &name,
        Network::new(spec.arch, 0),
        TrainConfig::tutorial(epochs, 0.01),
        &p.train,
        &p.test,
        None,
    )
    .unwrap();
    let start = std::time::Instant::now();
    t.run(|_, _| {}).unwrap();
    let el = start.elapsed();
    println!(
        "{name}: {epochs} epochs in {el:?} ({:.2} µs/epoch), final train loss {}",
        el.as_secs_f64() * 1e6 / epochs as f64,
        t.history.last().unwrap().train_loss
    );
}
