//! Shared helpers for the integration tests: reading the PyTorch fixtures.
#![allow(dead_code)]

use nonlin::data::{
    prepare, BinaryLabels, Dataset, PrepareOptions, Prepared, Preprocessing, ScalingMode,
};
use nonlin::io::Checkpoint;
use nonlin::model::{Architecture, Network};
use nonlin::train::OptimizerConfig;
use safetensors::{Dtype, SafeTensors};
use std::path::PathBuf;

pub fn fixture_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/torch_parity")
}

pub fn read(path: &std::path::Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A tensor of a safetensors file, widened to f64 (f32, f64 and i64 supported).
pub fn tensor(bytes: &[u8], name: &str) -> (Vec<usize>, Vec<f64>) {
    let st = SafeTensors::deserialize(bytes).unwrap();
    let t = st
        .tensor(name)
        .unwrap_or_else(|_| panic!("no tensor {name}"));
    let vals = match t.dtype() {
        Dtype::F32 => t
            .data()
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes(b.try_into().unwrap()) as f64)
            .collect(),
        Dtype::F64 => t
            .data()
            .chunks_exact(8)
            .map(|b| f64::from_le_bytes(b.try_into().unwrap()))
            .collect(),
        Dtype::I64 => t
            .data()
            .chunks_exact(8)
            .map(|b| i64::from_le_bytes(b.try_into().unwrap()) as f64)
            .collect(),
        d => panic!("unsupported dtype {d:?}"),
    };
    (t.shape().to_vec(), vals)
}

pub fn tensor_f32(bytes: &[u8], name: &str) -> Vec<f32> {
    tensor(bytes, name)
        .1
        .into_iter()
        .map(|v| v as f32)
        .collect()
}

pub fn meta(variant: &str) -> serde_json::Value {
    serde_json::from_slice(&read(&fixture_dir().join(variant).join("meta.json"))).unwrap()
}

pub fn arch(variant: &str) -> Architecture {
    Architecture::parse(meta(variant)["arch"].as_str().unwrap()).unwrap()
}

pub fn optimizer(variant: &str) -> OptimizerConfig {
    let m = meta(variant);
    let o = &m["optimizer"];
    let f = |k: &str| o[k].as_f64().unwrap() as f32;
    match o["name"].as_str().unwrap() {
        "SGD" => OptimizerConfig::Sgd {
            lr: f("lr"),
            momentum: f("momentum"),
            dampening: f("dampening"),
            nesterov: o["nesterov"].as_bool().unwrap(),
            weight_decay: f("weight_decay"),
        },
        "Adam" => OptimizerConfig::Adam(nonlin::train::AdamParams {
            lr: f("lr"),
            beta1: o["betas"][0].as_f64().unwrap() as f32,
            beta2: o["betas"][1].as_f64().unwrap() as f32,
            eps: f("eps"),
            weight_decay: f("weight_decay"),
        }),
        other => panic!("unknown optimizer {other}"),
    }
}

/// The fixture's data folder (`data` or `data_train_scaler`) for a variant.
pub fn data_folder(variant: &str) -> String {
    meta(variant)["data"]
        .as_str()
        .unwrap()
        .trim_end_matches('/')
        .to_string()
}

/// nonlin's own preparation of the embedded data, in the mode of `folder`.
pub fn prepared(folder: &str) -> Prepared {
    let scaling = match folder {
        "data" => ScalingMode::BeforeSplit,
        "data_train_scaler" => ScalingMode::TrainOnly,
        f => panic!("unknown data folder {f}"),
    };
    let ds = Dataset::heart_failure();
    prepare(
        &ds,
        &PrepareOptions {
            scaling,
            ..PrepareOptions::default()
        },
    )
    .unwrap()
}

/// One row of a fixture history.csv.
#[derive(Debug, Clone, Copy)]
pub struct Row {
    pub epoch: usize,
    pub train_loss: f32,
    pub train_acc: f64,
    pub test_loss: f32,
    pub test_acc: f64,
    pub train_correct: usize,
    pub test_correct: usize,
}

pub fn history(variant: &str) -> Vec<Row> {
    let text = String::from_utf8(read(&fixture_dir().join(variant).join("history.csv"))).unwrap();
    text.lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            Row {
                epoch: f[0].parse().unwrap(),
                train_loss: f[1].parse::<f64>().unwrap() as f32,
                train_acc: f[2].parse().unwrap(),
                test_loss: f[3].parse::<f64>().unwrap() as f32,
                test_acc: f[4].parse().unwrap(),
                train_correct: f[5].parse().unwrap(),
                test_correct: f[6].parse().unwrap(),
            }
        })
        .collect()
}

/// max |a − b|
pub fn max_abs_diff(a: &[f32], b: &[f32]) -> f32 {
    assert_eq!(a.len(), b.len());
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y).abs())
        .fold(0.0, f32::max)
}

pub fn max_abs(a: &[f32]) -> f32 {
    a.iter().map(|x| x.abs()).fold(0.0, f32::max)
}

/// A checkpoint of a model trained on numeric columns with 0/1 labels.
pub fn numeric_checkpoint(net: Network, p: &Prepared) -> Checkpoint {
    let identity = Preprocessing::identity(&p.features);
    Checkpoint::new(net, p, identity, BinaryLabels::default())
}
