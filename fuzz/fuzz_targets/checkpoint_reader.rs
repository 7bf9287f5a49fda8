//! Model files from anywhere through the checkpoint reader: any bytes as a
//! safetensors file, or (first byte < 0x80) any text as the value of one
//! `nonlin.*` metadata key of a valid checkpoint. Errors are fine; panics,
//! and huge allocations (libFuzzer's -rss_limit_mb), are not. A file that
//! loads must write back to the same checkpoint and predict on a table of
//! its own columns (or refuse with an error).
#![no_main]

use libfuzzer_sys::fuzz_target;
use nonlin::data::transform::preprocessing::{Encoding, Fill, InputColumn};
use nonlin::data::{BinaryLabels, Label, Preprocessing, Table};
use nonlin::eval::predict::Head;
use nonlin::io::checkpoint::{BINARY_KEYS, KEYS, OPTIONAL_KEYS, TASK_KEYS};
use nonlin::io::Checkpoint;
use nonlin::model::{Architecture, Network};

/// A valid checkpoint with a numeric and a one-hot column, text labels.
fn base() -> Checkpoint {
    let preprocessing = Preprocessing {
        columns: vec![
            InputColumn {
                name: "x".into(),
                encoding: Encoding::Numeric,
                fill: Some(Fill::Number(1.5)),
            },
            InputColumn {
                name: "sex".into(),
                encoding: Encoding::OneHot(nonlin::data::transform::one_hot::OneHot {
                    categories: vec!["F".into(), "M".into()],
                }),
                fill: Some(Fill::Category("F".into())),
            },
        ],
    };
    Checkpoint {
        net: Network::new(Architecture::parse("3-2-relu-1").unwrap(), 0),
        features: preprocessing.input_names(),
        scaler_mean: vec![0.5, 0.5, 0.5],
        scaler_scale: vec![2.0, 1.0, 1.0],
        target: "y".into(),
        preprocessing,
        head: Head::Binary,
        labels: BinaryLabels {
            negative: Label::Text("NO".into()),
            positive: Label::Text("SI".into()),
        },
        threshold: 0.5,
        version: "0.1.0".into(),
    }
}

/// `text` as one CSV field.
fn field(text: &str) -> String {
    format!("\"{}\"", text.replace('"', "\"\""))
}

fn exercise(c: &Checkpoint) {
    let bytes = c.to_bytes().expect("a loaded checkpoint writes");
    let back = Checkpoint::from_bytes(&bytes, "again").expect("what it wrote loads");
    assert_eq!(&back, c, "a checkpoint survives writing and reading");
    let names = c.preprocessing.column_names();
    if names.len() > 64 {
        return;
    }
    let header: Vec<String> = names.iter().map(|n| field(n)).collect();
    let zeros = vec!["0"; names.len()].join(",");
    let empty = vec![""; names.len()].join(",");
    let csv = format!("{}\n{zeros}\n{empty}\n", header.join(","));
    if let Ok(table) = Table::from_csv_bytes(csv.as_bytes(), "rows.csv") {
        if let Ok((probs, _)) = c.predict_table(&table) {
            assert_eq!(probs.len(), table.n_rows());
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&flag, rest)) = data.split_first() else {
        return;
    };
    let loaded = if flag < 0x80 {
        let keys: Vec<&str> = KEYS
            .iter()
            .chain(&BINARY_KEYS)
            .chain(&OPTIONAL_KEYS)
            .chain(&TASK_KEYS)
            .copied()
            .collect();
        let key = keys[flag as usize % keys.len()];
        let mut sd = base().to_state_dict().expect("the base is valid");
        sd.metadata
            .insert(key.to_string(), String::from_utf8_lossy(rest).into_owned());
        match sd.to_bytes() {
            Ok(bytes) => Checkpoint::from_bytes(&bytes, "fuzz.safetensors"),
            Err(_) => return,
        }
    } else {
        Checkpoint::from_bytes(rest, "fuzz.safetensors")
    };
    if let Ok(c) = loaded {
        exercise(&c);
    }
});
