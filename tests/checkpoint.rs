//! Checkpoints: round trip and PyTorch interop with the fixture state dicts.
//! The corpus of malformed model files is in tests/checkpoint_malformed.rs.

mod common;

use common::{arch, fixture_dir, history, meta, numeric_checkpoint, prepared};
use nonlin::data::{Dataset, Label, Prepared};
use nonlin::eval::predict::{self, Predict};
use nonlin::io::checkpoint::init_network;
use nonlin::io::{Checkpoint, StateDict};
use nonlin::model::{Activation, Architecture, Network};
use nonlin::run::{Fit, ModelSpec, Silent};
use nonlin::train::{BceWithLogits, TrainConfig};

fn bits(v: &[f32]) -> Vec<u32> {
    v.iter().map(|x| x.to_bits()).collect()
}

/// Raw (unscaled) rows of the test split, row-major, in split order.
fn raw_test_rows(p: &Prepared) -> Vec<f64> {
    let ds = Dataset::heart_failure();
    p.test
        .rows
        .iter()
        .flat_map(|&r| ds.row(r).to_vec())
        .collect()
}

#[test]
fn train_save_load_predict_is_bit_identical() {
    for folder in ["data", "data_train_scaler"] {
        let p = prepared(folder);
        for act in [Activation::Relu, Activation::Elu { alpha: 0.5 }] {
            let spec = ModelSpec::new("m", Architecture::mlp(12, &[5], act));
            let m = Fit::new(&spec, &p, &TrainConfig::tutorial(50, 0.1))
                .seed(3)
                .run(&mut Silent)
                .unwrap();
            let in_memory = predict::probabilities(&m.net, &p.test.xt, p.test.n);

            let bytes = numeric_checkpoint(m.net.clone(), &p).to_bytes().unwrap();
            let loaded = Checkpoint::from_bytes(&bytes, "round-trip").unwrap();
            assert_eq!(loaded.net, m.net);
            assert_eq!(loaded.features, p.features);
            assert_eq!(loaded.scaler_mean, p.scaler.mean);
            assert_eq!(loaded.scaler_scale, p.scaler.scale);
            let probs = loaded.predict_proba(&raw_test_rows(&p)).unwrap();
            assert_eq!(bits(&probs), bits(&in_memory), "{folder} {act}");

            // The labels agree with the training loop's own test accuracy.
            let correct = probs
                .iter()
                .zip(&p.test.y)
                .filter(|(&q, &y)| *loaded.label(q) == Label::Number(y as f64))
                .count();
            assert_eq!(Some(correct), m.history.last().unwrap().test_correct);
        }
    }
}

const TORCH_VARIANTS: [&str; 5] = [
    "model_0",
    "deeper_model",
    "model_non_linear",
    "tanh_12_5_1",
    "elu_12_5_1",
];

#[test]
fn pytorch_state_dicts_load_and_reproduce_the_final_test_metrics() {
    for variant in TORCH_VARIANTS {
        let dir = fixture_dir().join(variant);
        let a = arch(variant);
        let init = StateDict::read(&dir.join("init.safetensors")).unwrap();
        assert!(!init.has_nonlin_metadata());
        init.to_network(a.clone(), variant).unwrap();
        // --init-weights takes the plain state dict as well.
        assert_eq!(
            init_network(&dir.join("init.safetensors"), &a).unwrap(),
            init.to_network(a.clone(), variant).unwrap()
        );

        let final_path = dir.join("final.safetensors");
        let net = StateDict::read(&final_path)
            .unwrap()
            .to_network(a.clone(), variant)
            .unwrap();
        let p = prepared("data");
        let logits = predict::logits(&net, &p.test.xt, p.test.n);
        let loss = BceWithLogits::default().evaluate(&logits, &p.test.y).loss as f64;
        let want = meta(variant)["final"]["test_loss"].as_f64().unwrap();
        assert!(
            (loss - want).abs() <= 1e-5,
            "{variant}: test loss {loss} vs torch {want}"
        );
        let probs = predict::probabilities(&net, &p.test.xt, p.test.n);
        let correct = probs
            .iter()
            .zip(&p.test.y)
            .filter(|(&q, &y)| predict::is_positive(q, 0.5) == (y == 1.0))
            .count();
        assert_eq!(
            correct,
            history(variant).last().unwrap().test_correct,
            "{variant}"
        );

        // Wrapped in a checkpoint with the data's scaler, raw rows give the same.
        let ckpt = numeric_checkpoint(net, &p);
        let again = Checkpoint::from_bytes(&ckpt.to_bytes().unwrap(), variant).unwrap();
        assert_eq!(
            bits(&again.predict_proba(&raw_test_rows(&p)).unwrap()),
            bits(&probs)
        );

        // A plain state dict cannot predict: it has no features or scaler.
        let e = Checkpoint::read(&final_path).unwrap_err().to_string();
        assert!(e.contains("no nonlin metadata"), "{e}");
    }
}

#[test]
fn init_weights_from_a_checkpoint_must_match_the_architecture() {
    let p = prepared("data");
    let a = Architecture::mlp(12, &[5], Activation::Relu);
    let net = Network::new(a.clone(), 4);
    let path = std::env::temp_dir().join(format!("nonlin-init-{}.safetensors", std::process::id()));
    numeric_checkpoint(net.clone(), &p)
        .write(&path, true)
        .unwrap();
    assert_eq!(init_network(&path, &a).unwrap(), net);
    let other = Architecture::mlp(12, &[5], Activation::Tanh);
    let e = init_network(&path, &other).unwrap_err().to_string();
    assert!(
        e.contains("architecture 12-5-relu-1") && e.contains("trains 12-5-tanh-1"),
        "{e}"
    );
    std::fs::remove_file(&path).unwrap();
}
