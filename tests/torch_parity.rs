//! Parity with real PyTorch runs (`tests/fixtures/torch_parity`, copied from
//! `shared/fixtures/torch_parity`; its README gives the semantics and the
//! tolerances used here).

mod common;

use common::*;
use nonlin::io::StateDict;
use nonlin::model::{Network, Workspace};
use nonlin::train::history::percent;
use nonlin::train::{BceWithLogits, Optimizer, TrainConfig, Trainer};

// ---------- data: split, scaler, standardized inputs ----------

#[test]
fn split_indices_equal_sklearn_train_test_split() {
    for folder in ["data", "data_train_scaler"] {
        let bytes = read(&fixture_dir().join(folder).join("split_indices.safetensors"));
        let p = prepared(folder);
        let train: Vec<usize> = tensor(&bytes, "train_index")
            .1
            .iter()
            .map(|&v| v as usize)
            .collect();
        let test: Vec<usize> = tensor(&bytes, "test_index")
            .1
            .iter()
            .map(|&v| v as usize)
            .collect();
        assert_eq!(p.split.train, train, "{folder}");
        assert_eq!(p.split.test, test, "{folder}");
    }
}

#[test]
fn scaler_and_standardized_inputs_are_bit_identical() {
    for folder in ["data", "data_train_scaler"] {
        let dir = fixture_dir().join(folder);
        let scaler: serde_json::Value =
            serde_json::from_slice(&read(&dir.join("scaler.json"))).unwrap();
        let p = prepared(folder);
        let want = |k: &str| -> Vec<f64> {
            scaler[k]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_f64().unwrap())
                .collect()
        };
        assert_eq!(p.scaler.mean, want("mean"), "{folder} mean");
        assert_eq!(p.scaler.scale, want("scale"), "{folder} scale");
        assert_eq!(p.scaler.var, want("var"), "{folder} var");
        assert_eq!(
            p.scaler.n_samples_seen as u64,
            scaler["n_samples_seen"].as_u64().unwrap()
        );
        let split = read(&dir.join("split.safetensors"));
        let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!(
            bits(&p.train.x_rows()),
            bits(&tensor_f32(&split, "X_train")),
            "{folder} X_train"
        );
        assert_eq!(
            bits(&p.test.x_rows()),
            bits(&tensor_f32(&split, "X_test")),
            "{folder} X_test"
        );
        assert_eq!(p.train.y, tensor_f32(&split, "y_train"));
        assert_eq!(p.test.y, tensor_f32(&split, "y_test"));
    }
}

// ---------- model variants ----------

fn init_network(variant: &str) -> Network {
    let path = fixture_dir().join(variant).join("init.safetensors");
    StateDict::read(&path)
        .unwrap()
        .to_network(arch(variant), variant)
        .unwrap()
}

fn assert_close(what: &str, got: &[f32], want: &[f32]) {
    let tol = 1e-6 * max_abs(want);
    let d = max_abs_diff(got, want);
    assert!(d <= tol, "{what}: max |Δ| = {d:e} > {tol:e}");
}

/// The step-0 internals: logits at θ₀, ∂L/∂θ at θ₀, θ₁, test logits at θ₁.
fn check_step0(variant: &str) {
    let p = prepared(&data_folder(variant));
    let step0 = read(&fixture_dir().join(variant).join("step0.safetensors"));
    let mut net = init_network(variant);
    let mut ws = Workspace::new(&net.arch, p.train.n);
    let logits = net.forward(&mut ws, &p.train.xt, p.train.n).to_vec();
    assert_close(
        &format!("{variant} train_logits_init"),
        &logits,
        &tensor_f32(&step0, "train_logits_init"),
    );
    let (logits, grad) = ws.logits_and_grad(p.train.n);
    BceWithLogits::default().forward_backward(logits, &p.train.y, grad);
    net.backward(&mut ws, &p.train.xt, p.train.n);
    for t in net.tensors() {
        assert_close(
            &format!("{variant} grad.{}", t.name),
            &ws.grads[t.range.clone()],
            &tensor_f32(&step0, &format!("grad.{}", t.name)),
        );
    }
    let config = optimizer(variant);
    Optimizer::new(config, net.params.len()).step(&mut net.params, &ws.grads, config.lr());
    for t in net.tensors() {
        let want = tensor_f32(&step0, &format!("after_step1.{}", t.name));
        assert_close(
            &format!("{variant} after_step1.{}", t.name),
            &net.params[t.range.clone()],
            &want,
        );
    }
    let logits = net.forward(&mut ws, &p.test.xt, p.test.n).to_vec();
    assert_close(
        &format!("{variant} test_logits_after_step1"),
        &logits,
        &tensor_f32(&step0, "test_logits_after_step1"),
    );
}

/// Tolerances for one variant's 1000 epochs.
struct Tolerance {
    /// Epochs compared strictly (loss 1e-5·max(1,|loss|), counts exact).
    strict_until: usize,
    /// After `strict_until`: absolute loss tolerance and count slack.
    loose_loss: f32,
    loose_count: usize,
    /// (epoch, train-count slack) for documented float ties.
    ties: &'static [(usize, usize)],
    final_params: f32,
}

const STRICT: Tolerance = Tolerance {
    strict_until: 1000,
    loose_loss: 0.0,
    loose_count: 0,
    ties: &[],
    final_params: 1e-4,
};

fn check_training(variant: &str, tol: Tolerance) {
    let p = prepared(&data_folder(variant));
    let config = TrainConfig {
        optimizer: optimizer(variant),
        ..TrainConfig::tutorial(1000, 0.0)
    };
    let mut trainer = Trainer::new(
        variant,
        init_network(variant),
        config,
        &p.train,
        &p.test,
        None,
    )
    .unwrap();
    trainer.run(|_, _| {}).unwrap();
    let (net, hist) = trainer.finish();
    let want = history(variant);
    assert_eq!(hist.records.len(), want.len());
    let mut worst = (0.0f32, 0usize);
    for (got, w) in hist.records.iter().zip(&want) {
        assert_eq!(got.epoch, w.epoch);
        let e = w.epoch;
        if e < tol.strict_until {
            for (what, g, x) in [
                ("train", got.train_loss, w.train_loss),
                ("test", got.test_loss.unwrap(), w.test_loss),
            ] {
                let d = (g - x).abs();
                let allowed = 1e-5 * x.abs().max(1.0);
                assert!(
                    d <= allowed,
                    "{variant} epoch {e}: {what} loss {g} vs torch {x} (|Δ| {d:e})"
                );
                if d > worst.0 {
                    worst = (d, e);
                }
            }
            let slack = tol.ties.iter().find(|t| t.0 == e).map_or(0, |t| t.1);
            assert!(
                got.train_correct.abs_diff(w.train_correct) <= slack,
                "{variant} epoch {e}: train correct {} vs {}",
                got.train_correct,
                w.train_correct
            );
            assert_eq!(
                got.test_correct.unwrap(),
                w.test_correct,
                "{variant} epoch {e}: test correct"
            );
            if slack == 0 {
                assert_eq!(
                    percent(hist.train_accuracy(got)),
                    w.train_acc,
                    "{variant} epoch {e}: train acc float"
                );
            }
            assert_eq!(
                percent(hist.test_accuracy(got).unwrap()),
                w.test_acc,
                "{variant} epoch {e}: test acc float"
            );
        } else {
            assert!(
                (got.train_loss - w.train_loss).abs() <= tol.loose_loss,
                "{variant} epoch {e}: train loss"
            );
            assert!(
                (got.test_loss.unwrap() - w.test_loss).abs() <= tol.loose_loss,
                "{variant} epoch {e}: test loss"
            );
            assert!(
                got.train_correct.abs_diff(w.train_correct) <= tol.loose_count,
                "{variant} epoch {e}: train correct"
            );
            assert!(
                got.test_correct.unwrap().abs_diff(w.test_correct) <= tol.loose_count,
                "{variant} epoch {e}: test correct"
            );
        }
    }
    let fin = read(&fixture_dir().join(variant).join("final.safetensors"));
    for t in net.tensors() {
        let d = max_abs_diff(&net.params[t.range.clone()], &tensor_f32(&fin, &t.name));
        assert!(
            d <= tol.final_params,
            "{variant} final {}: max |Δ| {d:e}",
            t.name
        );
    }
    eprintln!(
        "{variant}: worst strict loss |Δ| {:e} at epoch {}",
        worst.0, worst.1
    );
}

macro_rules! parity {
    ($name:ident, $variant:literal, $tol:expr) => {
        mod $name {
            use super::*;
            #[test]
            fn step0() {
                check_step0($variant);
            }
            #[test]
            fn thousand_epochs() {
                check_training($variant, $tol);
            }
        }
    };
}

parity!(model_0, "model_0", STRICT);
parity!(deeper_model, "deeper_model", STRICT);
parity!(model_non_linear, "model_non_linear", STRICT);
parity!(model_0_lr001, "model_0_lr0.01", STRICT);
parity!(deeper_model_lr001, "deeper_model_lr0.01", STRICT);
// LR001.md: train row 174 sits on a float tie at epoch 725 (logit ≈ −2.6e-5).
parity!(
    model_non_linear_lr001,
    "model_non_linear_lr0.01",
    Tolerance {
        ties: &[(725, 1)],
        ..STRICT
    }
);
parity!(
    model_non_linear_train_scaler,
    "model_non_linear_train_scaler",
    STRICT
);
// README: f32 vs f64 agree to ~1e-7 until epoch ~440, then drift; strict on the
// first 400 epochs, then loss 5e-3, counts ±1, params 1e-2.
parity!(
    relu_12_16_16_1,
    "relu_12_16_16_1",
    Tolerance {
        strict_until: 400,
        loose_loss: 5e-3,
        loose_count: 1,
        ties: &[],
        final_params: 1e-2
    }
);
parity!(tanh_12_5_1, "tanh_12_5_1", STRICT);
parity!(elu_12_5_1, "elu_12_5_1", STRICT);
parity!(
    model_non_linear_sgd_momentum_wd,
    "model_non_linear_sgd_momentum_wd",
    STRICT
);
parity!(model_non_linear_adam, "model_non_linear_adam", STRICT);

/// `torch.manual_seed(0)` + `nn.Linear` default init, reproduced bit for bit:
/// nonlin's Torch init stream gives exactly the fixtures' `init.safetensors`.
#[test]
fn torch_manual_seed_init_is_bit_identical() {
    use nonlin::model::init::{initialize, InitRng};
    for variant in [
        "model_0",
        "deeper_model",
        "model_non_linear",
        "relu_12_16_16_1",
        "tanh_12_5_1",
    ] {
        let want = init_network(variant);
        let got = initialize(&want.arch, 0, InitRng::Torch);
        let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&got), bits(&want.params), "{variant}");
        assert_ne!(
            initialize(&want.arch, 1, InitRng::Torch),
            got,
            "the seed matters"
        );
    }
}
