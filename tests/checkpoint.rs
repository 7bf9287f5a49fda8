//! Checkpoints: round trip, PyTorch interop with the fixture state dicts,
//! and a corpus of malformed model files.

mod common;

use common::{arch, fixture_dir, history, meta, prepared};
use nonlin::data::{BinaryLabels, Dataset, Label, Prepared, Preprocessing};
use nonlin::eval::predict::{self, Predict};
use nonlin::io::checkpoint::{init_network, KEY_ARCH, KEY_FEATURES, KEY_LAYERS};
use nonlin::io::{Checkpoint, StateDict};
use nonlin::model::{Activation, Architecture, Network};
use nonlin::run::{Fit, ModelSpec, Silent};
use nonlin::train::{BceWithLogits, TrainConfig};
use safetensors::tensor::TensorView;
use safetensors::Dtype;
use serde_json::{json, Value};
use std::collections::HashMap;

fn bits(v: &[f32]) -> Vec<u32> {
    v.iter().map(|x| x.to_bits()).collect()
}

/// A checkpoint of a model trained on numeric columns with 0/1 labels.
fn numeric_checkpoint(net: Network, p: &Prepared) -> Checkpoint {
    let identity = Preprocessing::identity(&p.features);
    Checkpoint::new(net, p, identity, BinaryLabels::default())
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

// ---------- malformed files ----------

/// A file as tensors and metadata, to be mutated and serialized.
#[derive(Clone)]
struct Raw {
    tensors: Vec<(String, Dtype, Vec<usize>, Vec<u8>)>,
    meta: HashMap<String, String>,
}

impl Raw {
    fn valid() -> Raw {
        let p = prepared("data");
        let net = Network::new(Architecture::mlp(12, &[5], Activation::Relu), 0);
        let sd = numeric_checkpoint(net, &p).to_state_dict().unwrap();
        Raw {
            tensors: sd
                .tensors
                .iter()
                .map(|(n, (s, v))| {
                    let b = v.iter().flat_map(|x| x.to_le_bytes()).collect();
                    (n.clone(), Dtype::F32, s.clone(), b)
                })
                .collect(),
            meta: sd.metadata.into_iter().collect(),
        }
    }

    fn bytes(&self) -> Vec<u8> {
        let views: Vec<(String, TensorView)> = self
            .tensors
            .iter()
            .map(|(n, d, s, b)| (n.clone(), TensorView::new(*d, s.clone(), b).unwrap()))
            .collect();
        safetensors::serialize(views, Some(self.meta.clone())).unwrap()
    }

    fn tensor(&mut self, name: &str) -> &mut (String, Dtype, Vec<usize>, Vec<u8>) {
        self.tensors.iter_mut().find(|t| t.0 == name).unwrap()
    }

    fn set(mut self, key: &str, value: &str) -> Raw {
        self.meta.insert(key.into(), value.into());
        self
    }
}

/// Rewrites the JSON header of a valid file, keeping its data.
fn with_header(bytes: &[u8], edit: impl FnOnce(&mut Value)) -> Vec<u8> {
    let n = u64::from_le_bytes(bytes[..8].try_into().unwrap()) as usize;
    let mut header: Value = serde_json::from_slice(&bytes[8..8 + n]).unwrap();
    edit(&mut header);
    let h = serde_json::to_vec(&header).unwrap();
    let mut out = (h.len() as u64).to_le_bytes().to_vec();
    out.extend_from_slice(&h);
    out.extend_from_slice(&bytes[8 + n..]);
    out
}

fn header_len(bytes: &[u8]) -> usize {
    8 + u64::from_le_bytes(bytes[..8].try_into().unwrap()) as usize
}

fn f64_bytes(n: usize) -> Vec<u8> {
    (0..n)
        .flat_map(|k| (k as f64 * 0.1).to_le_bytes())
        .collect()
}

#[test]
fn malformed_model_files_are_rejected_with_clear_errors() {
    let good = Raw::valid();
    let valid = good.bytes();
    Checkpoint::from_bytes(&valid, "valid").expect("the base file is valid");
    let h = header_len(&valid);
    let mut corpus: Vec<(String, Vec<u8>, &str)> = Vec::new();
    let mut add = |what: &str, bytes: Vec<u8>, fragment: &'static str| {
        corpus.push((what.to_string(), bytes, fragment))
    };

    // Truncated at several points.
    add("empty", Vec::new(), "too short");
    add("4 bytes", valid[..4].to_vec(), "too short");
    add("length only", valid[..8].to_vec(), "the header claims");
    add("mid header", valid[..h / 2].to_vec(), "the header claims");
    add(
        "header only",
        valid[..h].to_vec(),
        "does not match the file size",
    );
    add(
        "mid data",
        valid[..(h + valid.len()) / 2].to_vec(),
        "does not match the file size",
    );
    add(
        "last byte",
        valid[..valid.len() - 1].to_vec(),
        "does not match the file size",
    );
    // Header lengths that lie.
    let mut b = valid.clone();
    b[..8].copy_from_slice(&(valid.len() as u64).to_le_bytes());
    add("length > file", b, "the header claims");
    let mut b = valid.clone();
    b[..8].copy_from_slice(&u64::MAX.to_le_bytes());
    add(
        "length u64::MAX",
        b,
        "the header claims 18446744073709551615 bytes",
    );
    let mut b = valid.clone();
    b[8..h].fill(b'{');
    add("invalid JSON", b, "not valid safetensors JSON");
    // Offsets.
    add(
        "offsets beyond data",
        with_header(&valid, |hd| {
            let o = &mut hd["2.weight"]["data_offsets"];
            o[1] = json!(o[1].as_u64().unwrap() + 400);
        }),
        "offsets",
    );
    add(
        "overlapping offsets",
        with_header(&valid, |hd| {
            hd["0.weight"]["data_offsets"] = json!([0, 240]);
        }),
        "invalid data offsets",
    );
    // Dtypes, shapes, tensors.
    let mut r = good.clone();
    *r.tensor("0.bias") = ("0.bias".into(), Dtype::F64, vec![5], f64_bytes(5));
    add("F64 tensor", r.bytes(), "tensor '0.bias' is F64");
    let mut r = good.clone();
    *r.tensor("2.bias") = (
        "2.bias".into(),
        Dtype::I64,
        vec![1],
        7i64.to_le_bytes().to_vec(),
    );
    add("I64 tensor", r.bytes(), "tensor '2.bias' is I64");
    let mut r = good.clone();
    r.tensor("0.weight").2 = vec![12, 5];
    add(
        "wrong shape",
        r.bytes(),
        "tensor '0.weight' has shape [12, 5], architecture 12-5-relu-1 needs [5, 12]",
    );
    let mut r = good.clone();
    r.tensors.retain(|t| t.0 != "2.bias");
    add("missing tensor", r.bytes(), "tensor '2.bias' is missing");
    let mut r = good.clone();
    r.tensors.push((
        "4.weight".into(),
        Dtype::F32,
        vec![1],
        1f32.to_le_bytes().to_vec(),
    ));
    add(
        "extra tensor",
        r.bytes(),
        "tensor '4.weight' does not belong",
    );
    let mut r = good.clone();
    let nan = r.tensor("0.weight");
    nan.3[8..12].copy_from_slice(&f32::NAN.to_le_bytes());
    add(
        "NaN weight",
        r.bytes(),
        "tensor '0.weight' holds NaN at index 2",
    );
    // Metadata.
    let mut r = good.clone();
    r.meta.remove(KEY_FEATURES);
    add("missing key", r.bytes(), "nonlin.features missing");
    let mut r = good.clone();
    r.meta.clear();
    add("no metadata", r.bytes(), "no nonlin metadata");
    let l6 = r#"[{"type":"Linear","in_features":12,"out_features":6},{"type":"ReLU"},{"type":"Linear","in_features":6,"out_features":1}]"#;
    add(
        "arch disagrees with tensors",
        good.clone()
            .set(KEY_ARCH, "12-6-relu-1")
            .set(KEY_LAYERS, l6)
            .bytes(),
        "tensor '0.weight' has shape [5, 12], architecture 12-6-relu-1 needs [6, 12]",
    );
    add(
        "layers disagree with arch",
        good.clone().set(KEY_LAYERS, l6).bytes(),
        "disagrees with nonlin.arch '12-5-relu-1'",
    );
    add(
        "huge arch",
        good.clone()
            .set(KEY_ARCH, "12-4000000000-relu-1")
            .set(
                KEY_LAYERS,
                r#"[{"type":"Linear","in_features":12,"out_features":4000000000},{"type":"ReLU"},{"type":"Linear","in_features":4000000000,"out_features":1}]"#,
            )
            .bytes(),
        "needs [4000000000, 12]",
    );
    add(
        "unparseable arch",
        good.clone().set(KEY_ARCH, "12-5-rleu-1").bytes(),
        "metadata 'nonlin.arch': architecture '12-5-rleu-1': token 3",
    );
    let eleven: Vec<String> = (0..11).map(|j| format!("f{j}")).collect();
    add(
        "features of wrong length",
        good.clone()
            .set(KEY_FEATURES, &serde_json::to_string(&eleven).unwrap())
            .bytes(),
        "'nonlin.features': it has 11 entries but architecture 12-5-relu-1 takes 12 inputs",
    );
    add(
        "features not a list",
        good.clone().set(KEY_FEATURES, "age,sex").bytes(),
        "'nonlin.features' is not a JSON list of names",
    );
    let scale = |first: &str| {
        let rest = ["1.0"; 11].join(",");
        format!("[{first},{rest}]")
    };
    add(
        "non-finite scale",
        good.clone()
            .set("nonlin.scaler_scale", &scale("1e999"))
            .bytes(),
        "'nonlin.scaler_scale' is not a JSON list of numbers",
    );
    add(
        "null scale",
        good.clone()
            .set("nonlin.scaler_scale", &scale("null"))
            .bytes(),
        "'nonlin.scaler_scale' is not a JSON list of numbers",
    );
    add(
        "zero scale",
        good.clone().set("nonlin.scaler_scale", &scale("0")).bytes(),
        "the scale of 'age' is 0; scales must be finite and positive",
    );
    add(
        "threshold not a number",
        good.clone().set("nonlin.threshold", "half").bytes(),
        "'nonlin.threshold': 'half' is not a number",
    );
    add(
        "threshold out of range",
        good.clone().set("nonlin.threshold", "1.5").bytes(),
        "1.5 is not a probability",
    );
    add(
        "labels of another shape",
        good.clone()
            .set("nonlin.labels", r#"{"1": 1, "0": 0}"#)
            .bytes(),
        "'nonlin.labels' is not a JSON object",
    );
    add(
        "target is a feature",
        good.clone().set("nonlin.target", "age").bytes(),
        "'age' is also listed as a feature",
    );

    // The stored preprocessing must give exactly the listed inputs.
    let pre = |edit: &dyn Fn(&mut Value)| {
        let mut v: Value = serde_json::from_str(&good.meta["nonlin.preprocessing"]).unwrap();
        edit(&mut v);
        good.clone()
            .set("nonlin.preprocessing", &v.to_string())
            .bytes()
    };
    add(
        "preprocessing not JSON",
        good.clone().set("nonlin.preprocessing", "{").bytes(),
        "'nonlin.preprocessing' is not a JSON object",
    );
    add(
        "preprocessing of another width",
        pre(&|v| v["columns"].as_array_mut().unwrap().truncate(1)),
        "its 1 column(s) give 1 inputs but nonlin.features lists 12",
    );
    add(
        "preprocessing names another column",
        pre(&|v| v["columns"][0]["name"] = json!("agee")),
        "it names an input 'agee' where nonlin.features has 'age'",
    );
    add(
        "preprocessing lists a column twice",
        pre(&|v| v["columns"][1]["name"] = json!("age")),
        "column 'age' is listed twice",
    );
    add(
        "preprocessing uses the target",
        pre(&|v| v["columns"][0]["name"] = json!("DEATH_EVENT")),
        "column 'DEATH_EVENT' is the target",
    );
    add(
        "numeric column filled with a category",
        pre(&|v| v["columns"][0]["fill"] = json!({"category": "x"})),
        "the fill 'x' of numeric column 'age' is not a finite number",
    );
    add(
        "one-hot column filled with another category",
        pre(&|v| {
            v["columns"].as_array_mut().unwrap().truncate(11);
            v["columns"][10] = json!({"name": "smoking",
                "encoding": {"kind": "one_hot", "categories": ["0", "1"]},
                "fill": {"category": "2"}});
        }),
        "the fill '2' of column 'smoking' is not one of its categories",
    );
    add(
        "one-hot column with a category twice",
        pre(&|v| {
            v["columns"].as_array_mut().unwrap().truncate(11);
            v["columns"][10] = json!({"name": "smoking",
                "encoding": {"kind": "one_hot", "categories": ["1", "1"]}, "fill": null});
        }),
        "column 'smoking' lists category '1' twice",
    );
    add(
        "labels of two kinds",
        good.clone()
            .set("nonlin.labels", r#"{"positive": "SI", "negative": 0}"#)
            .bytes(),
        "positive 'SI' and negative '0' must be two different",
    );
    add(
        "labels the same text",
        good.clone()
            .set("nonlin.labels", r#"{"positive": "SI", "negative": "SI"}"#)
            .bytes(),
        "must be two different finite numbers or two different non-empty texts",
    );

    assert!(corpus.len() >= 30);
    for (what, bytes, fragment) in &corpus {
        let result = std::panic::catch_unwind(|| Checkpoint::from_bytes(bytes, "bad.safetensors"));
        let result = result.unwrap_or_else(|_| panic!("{what}: loading panicked"));
        let e = match result {
            Ok(_) => panic!("{what}: loaded without error"),
            Err(e) => e.to_string(),
        };
        assert!(
            e.starts_with("model file 'bad.safetensors': ") && e.contains(fragment),
            "{what}: expected '{fragment}' in: {e}"
        );
    }
}
