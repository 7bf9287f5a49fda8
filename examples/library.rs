//! The README's library snippet, compiled and run:
//! `cargo run --release --example library`
use nonlin::data::{dataset::FeatureSelection, prepare, Dataset, PrepareOptions, Table};
use nonlin::experiment::{train_one, ModelSpec};
use nonlin::model::{Activation, Architecture};
use nonlin::train::{OptimizerConfig, TrainConfig};

fn main() -> nonlin::Result<()> {
    let ds = Dataset::from_table(
        &Table::heart_failure(),
        "DEATH_EVENT",
        &FeatureSelection::All,
    )?;
    let data = prepare(&ds, &PrepareOptions::default())?; // sklearn split, leakage-free scaler
    let spec = ModelSpec::new(
        "relu",
        Architecture::mlp(ds.n_features(), &[5], Activation::Relu),
    );
    let config = TrainConfig {
        optimizer: OptimizerConfig::adam(0.01),
        ..TrainConfig::tutorial(300, 0.01)
    };
    let trained = train_one(&spec, &data, &config, 0, None, |_, _| {})?;
    println!(
        "{}",
        trained.history.log_line(trained.history.last().unwrap())
    );
    Ok(())
}
