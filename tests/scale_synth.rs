//! The synthetic scale-test table: deterministic, balanced, and non-linear
//! enough that a ReLU network beats logistic regression on it.

use nonlin::data::synth;
use nonlin::model::{Activation, Architecture, Network};
use nonlin::train::{OptimizerConfig, TrainConfig, Trainer};

/// Final test accuracy (in correct rows) of `arch` after a few epochs of Adam.
fn test_correct(arch: Architecture) -> (usize, usize) {
    let train = synth::samples(4000, 1);
    let test = synth::samples(2000, 2);
    let config = TrainConfig {
        optimizer: OptimizerConfig::adam(0.01),
        batch_size: Some(64),
        ..TrainConfig::tutorial(15, 0.01)
    };
    let mut t = Trainer::new("m", Network::new(arch, 0), config, &train, &test, None).unwrap();
    t.run(|_, _| {}).unwrap();
    (t.history.last().unwrap().test_correct.unwrap(), test.n)
}

#[test]
fn a_relu_network_beats_logistic_regression() {
    let (linear, n) = test_correct(Architecture::mlp(12, &[], Activation::Identity));
    let (relu, _) = test_correct(Architecture::mlp(12, &[32, 32], Activation::Relu));
    let (lin_acc, relu_acc) = (linear as f64 / n as f64, relu as f64 / n as f64);
    assert!(
        relu_acc > lin_acc + 0.05,
        "ReLU {relu_acc:.3} vs logistic {lin_acc:.3}"
    );
    assert!(
        lin_acc > 0.6,
        "the linear part of the rule is learnable: {lin_acc}"
    );
}

#[test]
fn the_cli_writes_the_same_bytes_as_the_library() {
    let dir = std::env::temp_dir().join(format!("nonlin-synth-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("s.csv");
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_nonlin"))
        .args(["synth", "--rows", "300", "--seed", "5", "--out"])
        .arg(&path)
        .status()
        .unwrap();
    assert!(status.success());
    let mut want = Vec::new();
    synth::write_csv(&mut want, 300, 5).unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), want);
    // Refuses to overwrite without --force.
    let again = std::process::Command::new(env!("CARGO_BIN_EXE_nonlin"))
        .args(["synth", "--rows", "3", "--out"])
        .arg(&path)
        .output()
        .unwrap();
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("--force"));
    std::fs::remove_dir_all(&dir).unwrap();
}
