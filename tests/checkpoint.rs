//! Checkpoints: round trip and PyTorch interop with the fixture state dicts;
//! multiclass and regression checkpoints of short runs on the bundled data.
//! The corpus of malformed model files is in tests/checkpoint_malformed.rs.

mod common;

use common::{arch, fixture_dir, history, meta, numeric_checkpoint, prepared, tensor};
use nonlin::data::{Dataset, DatasetOptions, Label, Prepared, Task};
use nonlin::eval::predict::{self, Predict};
use nonlin::io::checkpoint::{
    init_network, BINARY_KEYS, KEYS, KEY_CLASSES, KEY_PREPROCESSING, TASK_KEYS,
};
use nonlin::io::{Checkpoint, StateDict};
use nonlin::model::{Activation, Architecture, Network};
use nonlin::run::{
    split_run, Cancel, DataConfig, Fit, ModelSpec, RunResult, RunSettings, Silent, TrainSettings,
};
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

// ---------- multiclass and regression ----------

/// A short run (a few epochs, no early stopping) of the default model on
/// a bundled CSV, and the data set it ran on.
fn short_run(csv: &str, target: &str) -> (Dataset, RunResult) {
    let config = DataConfig {
        path: Some(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("data")
                .join(csv),
        ),
        dataset: DatasetOptions::new(target),
        ..DataConfig::default()
    };
    let data = config.load().unwrap();
    let settings = RunSettings {
        train: TrainSettings {
            epochs: Some(5),
            no_early_stopping: true,
            ..TrainSettings::default()
        },
        ..RunSettings::default()
    };
    let result = split_run::run(
        &data,
        &settings.config().unwrap(),
        &mut Silent,
        &Cancel::new(),
    )
    .unwrap();
    (data, result)
}

/// The checkpoint `run::outputs` writes for the run's model.
fn run_checkpoint(r: &RunResult) -> Checkpoint {
    Checkpoint::for_task(
        r.models[0].net.clone(),
        &r.prepared,
        r.preprocessing.clone(),
        r.labels.clone(),
        r.task,
        &r.classes,
    )
    .unwrap()
}

#[test]
fn multiclass_and_regression_checkpoints_round_trip_and_predict_bit_identically() {
    for (csv, target, task, k) in [
        ("wine.csv", "cultivar", Task::Multiclass, 3),
        ("diabetes.csv", "progression", Task::Regression, 1),
    ] {
        let (data, r) = short_run(csv, target);
        assert_eq!(r.task, task);
        let ckpt = run_checkpoint(&r);
        let bytes = ckpt.to_bytes().unwrap();
        let back = Checkpoint::from_bytes(&bytes, csv).unwrap();
        assert_eq!(back, ckpt, "{csv}");
        assert_eq!(back.head.task(), task);

        // The state dict PyTorch's `load_state_dict(strict=True)` takes
        // into nn.Sequential(Linear(d, h), ReLU(), Linear(h, k)): exactly
        // these names and shapes, read by the safetensors crate itself.
        let d = data.n_features();
        assert_eq!(
            r.models[0].net.arch.layers.len(),
            3,
            "{csv}: Linear, ReLU, Linear"
        );
        let st = safetensors::SafeTensors::deserialize(&bytes).unwrap();
        let mut names: Vec<String> = st.names().into_iter().map(String::from).collect();
        names.sort();
        assert_eq!(names, ["0.bias", "0.weight", "2.bias", "2.weight"], "{csv}");
        let (shape, _) = tensor(&bytes, "0.weight");
        let width = shape[0];
        assert_eq!(shape, [width, d]);
        assert_eq!(tensor(&bytes, "0.bias").0, [width]);
        assert_eq!(tensor(&bytes, "2.weight").0, [k, width], "{csv}");
        assert_eq!(tensor(&bytes, "2.bias").0, [k], "{csv}");

        // Raw test rows through the file give the outputs of the net in
        // memory on the prepared test rows, bit for bit.
        let test = &r.prepared.test;
        let raw: Vec<f64> = test.rows.iter().flat_map(|&row| data.row(row)).collect();
        let in_memory = predict::logits(&r.models[0].net, &test.xt, test.n);
        assert_eq!(in_memory.len(), k * test.n);
        assert_eq!(bits(&back.predict_logits(&raw).unwrap()), bits(&in_memory));
        assert_eq!(
            back.predict(&raw).unwrap(),
            ckpt.head.predictions(&in_memory, test.n)
        );
    }
}

#[test]
fn a_class_list_of_the_wrong_length_is_refused_naming_the_key() {
    let (_, r) = short_run("wine.csv", "cultivar");
    let mut sd = run_checkpoint(&r).to_state_dict().unwrap();
    assert_eq!(
        sd.metadata[KEY_CLASSES],
        r#"["class_0","class_1","class_2"]"#
    );
    sd.metadata.insert(
        KEY_CLASSES.into(),
        r#"["class_0","class_1","class_2","class_3"]"#.into(),
    );
    let e = Checkpoint::from_bytes(&sd.to_bytes().unwrap(), "wine")
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("metadata 'nonlin.classes': it lists 4 class(es) but architecture 13-32-relu-3 has 3 outputs"),
        "{e}"
    );
}

#[test]
fn a_binary_run_writes_the_keys_and_bytes_it_always_wrote() {
    let (_, r) = short_run("heart_failure_clinical_records_dataset.csv", "DEATH_EVENT");
    assert_eq!(r.task, Task::Binary);
    let ckpt = run_checkpoint(&r);
    let sd = ckpt.to_state_dict().unwrap();
    let mut want: Vec<&str> = KEYS.iter().chain(&BINARY_KEYS).copied().collect();
    want.push(KEY_PREPROCESSING);
    want.sort();
    let keys: Vec<&str> = sd.metadata.keys().map(String::as_str).collect();
    assert_eq!(keys, want);
    assert!(TASK_KEYS.iter().all(|k| !sd.metadata.contains_key(*k)));
    // The binary constructor of every earlier version gives the same bytes.
    let old = Checkpoint::new(
        r.models[0].net.clone(),
        &r.prepared,
        r.preprocessing.clone(),
        r.labels.clone(),
    );
    assert_eq!(old.to_bytes().unwrap(), ckpt.to_bytes().unwrap());
}
