use super::*;
use crate::model::Architecture;

fn ckpt(spec: &str) -> Checkpoint {
    let arch = Architecture::parse_outputs(spec).unwrap();
    let d = arch.input_width();
    Checkpoint {
        net: Network::new(arch, 1),
        features: (0..d).map(|j| format!("f{j}")).collect(),
        scaler_mean: (0..d).map(|j| j as f64 * 0.1).collect(),
        scaler_scale: (0..d).map(|j| 1.0 + j as f64 / 3.0).collect(),
        target: "y".into(),
        preprocessing: Preprocessing::identity(
            &(0..d).map(|j| format!("f{j}")).collect::<Vec<_>>(),
        ),
        head: Head::Binary,
        labels: BinaryLabels::default(),
        threshold: 0.5,
        version: "0.1.0".into(),
    }
}

#[test]
fn layers_name_torch_modules_and_their_arguments() {
    let a = Architecture::parse("12-5-relu-1").unwrap();
    assert_eq!(
        layers_json(&a),
        r#"[{"type":"Linear","in_features":12,"out_features":5},{"type":"ReLU"},{"type":"Linear","in_features":5,"out_features":1}]"#
    );
    let a = Architecture::parse("3-4-elu:0.3-2-leaky_relu-2-gelu_tanh-2-softplus:2-1").unwrap();
    let j = layers_json(&a);
    assert!(j.contains(r#"{"type":"ELU","alpha":0.3}"#), "{j}");
    assert!(
        j.contains(r#"{"type":"LeakyReLU","negative_slope":0.01}"#),
        "{j}"
    );
    assert!(j.contains(r#"{"type":"GELU","approximate":"tanh"}"#), "{j}");
    assert!(
        j.contains(r#"{"type":"Softplus","beta":2.0,"threshold":20.0}"#),
        "{j}"
    );
}

#[test]
fn round_trips_with_parameterized_activations() {
    for spec in [
        "12-5-relu-1",
        "3-4-elu:0.3-2-leaky_relu:0.2-2-gelu_tanh-1",
        "2-1",
    ] {
        let c = ckpt(spec);
        let back = Checkpoint::from_bytes(&c.to_bytes().unwrap(), "m").unwrap();
        assert_eq!(back, c, "{spec}");
    }
    let sd = ckpt("12-5-relu-1").to_state_dict().unwrap();
    assert_eq!(sd.metadata[KEY_LABELS], r#"{"positive":1,"negative":0}"#);
    assert_eq!(sd.metadata[KEY_THRESHOLD], "0.5");
    assert_eq!(sd.metadata[KEY_FEATURES].matches('"').count(), 24);
}

/// Inputs `age`, `sex=F`, `sex=M` from a numeric and a one-hot column,
/// missing cells filled; labels SI/NO.
fn encoded() -> Checkpoint {
    use crate::data::transform::one_hot::OneHot;
    use crate::data::transform::preprocessing::{Encoding, Fill, InputColumn};
    use crate::data::Label;
    let preprocessing = Preprocessing {
        columns: vec![
            InputColumn {
                name: "age".into(),
                encoding: Encoding::Numeric,
                fill: Some(Fill::Number(61.5)),
            },
            InputColumn {
                name: "sex".into(),
                encoding: Encoding::OneHot(OneHot {
                    categories: vec!["F".into(), "M".into()],
                }),
                fill: Some(Fill::Category("M".into())),
            },
        ],
    };
    Checkpoint {
        features: preprocessing.input_names(),
        preprocessing,
        labels: BinaryLabels {
            negative: Label::Text("NO".into()),
            positive: Label::Text("SI".into()),
        },
        ..ckpt("3-4-tanh-1")
    }
}

#[test]
fn the_encoding_and_text_labels_round_trip() {
    let c = encoded();
    let sd = c.to_state_dict().unwrap();
    assert_eq!(
        sd.metadata[KEY_LABELS],
        r#"{"positive":"SI","negative":"NO"}"#
    );
    assert_eq!(sd.metadata[KEY_FEATURES], r#"["age","sex=F","sex=M"]"#);
    assert_eq!(
        sd.metadata[KEY_PREPROCESSING],
        r#"{"columns":[{"name":"age","encoding":{"kind":"numeric"},"fill":{"number":61.5}},{"name":"sex","encoding":{"kind":"one_hot","categories":["F","M"]},"fill":{"category":"M"}}]}"#
    );
    let back = Checkpoint::from_bytes(&c.to_bytes().unwrap(), "m").unwrap();
    assert_eq!(back, c);

    // Predicting on a raw table applies it.
    let t = Table::from_csv_bytes(
        b"sex,age
M,50
X,
",
        "new.csv",
    )
    .unwrap();
    let (predicted, notes) = back.predict_table(&t).unwrap();
    let direct = back
        .predict_proba(&[50.0, 0.0, 1.0, 61.5, 0.0, 0.0])
        .unwrap();
    assert_eq!(
        predicted,
        Predicted::Binary {
            probabilities: direct
        }
    );
    assert_eq!(notes.len(), 2, "{notes:?}");
    assert_eq!(back.label(0.7).to_string(), "SI");
    assert_eq!(back.label(0.5).to_string(), "NO");
}

#[test]
fn an_encoding_that_disagrees_with_the_inputs_is_refused() {
    let mut c = encoded();
    c.features.swap(1, 2);
    let e = c.to_bytes().unwrap_err().to_string();
    assert!(
        e.contains("names an input 'sex=F' where nonlin.features has 'sex=M'"),
        "{e}"
    );
    let mut c = encoded();
    c.labels.negative = crate::data::Label::Number(0.0);
    let e = c.to_bytes().unwrap_err().to_string();
    assert!(
        e.contains("'nonlin.labels': positive 'SI' and negative '0'"),
        "{e}"
    );
}

#[test]
fn writing_refuses_bad_values_and_existing_files() {
    let mut c = ckpt("2-3-tanh-1");
    c.scaler_scale[1] = f64::INFINITY;
    let e = c.to_bytes().unwrap_err().to_string();
    assert!(e.contains("the scale of 'f1' is inf"), "{e}");
    let c = ckpt("2-3-tanh-1");
    let path = std::env::temp_dir().join(format!("nonlin-ckpt-{}.st", std::process::id()));
    c.write(&path, false).unwrap();
    let e = c.write(&path, false).unwrap_err().to_string();
    assert!(e.contains("already exists"), "{e}");
    c.write(&path, true).unwrap();
    assert_eq!(Checkpoint::read(&path).unwrap(), c);
    std::fs::remove_file(&path).unwrap();
}

fn texts(names: &[&str]) -> Vec<Label> {
    names.iter().map(|c| Label::Text(c.to_string())).collect()
}

fn multiclass() -> Checkpoint {
    Checkpoint {
        head: Head::Multiclass {
            classes: texts(&["a", "b, c", "d"]),
        },
        ..ckpt("2-4-tanh-3")
    }
}

fn regression() -> Checkpoint {
    Checkpoint {
        head: Head::Regression {
            scale: crate::data::TargetScale {
                mean: 152.13348416289594,
                scale: 77.00574586945044,
            },
        },
        ..ckpt("2-4-tanh-1")
    }
}

/// The message of reading `c`'s state dict after `edit`.
fn read_error(c: &Checkpoint, edit: impl FnOnce(&mut StateDict)) -> String {
    let mut sd = c.to_state_dict().unwrap();
    edit(&mut sd);
    let bytes = sd.to_bytes().unwrap();
    Checkpoint::from_bytes(&bytes, "m").unwrap_err().to_string()
}

#[test]
fn the_task_keys_are_written_for_other_tasks_only_and_round_trip() {
    let sd = ckpt("2-4-tanh-1").to_state_dict().unwrap();
    for k in TASK_KEYS {
        assert!(!sd.metadata.contains_key(k), "binary has {k}");
    }
    assert!(BINARY_KEYS.iter().all(|k| sd.metadata.contains_key(*k)));

    let c = multiclass();
    let sd = c.to_state_dict().unwrap();
    assert_eq!(sd.metadata[KEY_TASK], "multiclass");
    assert_eq!(sd.metadata[KEY_CLASSES], r#"["a","b, c","d"]"#);
    assert_eq!(sd.tensors["2.weight"].0, [3, 4]);
    assert_eq!(sd.tensors["2.bias"].0, [3]);
    for k in BINARY_KEYS.iter().chain(&[KEY_TARGET_SCALE]) {
        assert!(!sd.metadata.contains_key(*k), "multiclass has {k}");
    }
    assert_eq!(
        Checkpoint::from_bytes(&c.to_bytes().unwrap(), "m").unwrap(),
        c
    );
    // Numeric classes, whole numbers without `.0`.
    let numbers = Checkpoint {
        head: Head::Multiclass {
            classes: [3.0, 5.0, 7.5].map(Label::Number).to_vec(),
        },
        ..multiclass()
    };
    let sd = numbers.to_state_dict().unwrap();
    assert_eq!(sd.metadata[KEY_CLASSES], "[3,5,7.5]");
    let back = Checkpoint::from_bytes(&numbers.to_bytes().unwrap(), "m").unwrap();
    assert_eq!(back, numbers);

    let c = regression();
    let sd = c.to_state_dict().unwrap();
    assert_eq!(sd.metadata[KEY_TASK], "regression");
    assert_eq!(
        sd.metadata[KEY_TARGET_SCALE],
        r#"{"mean":152.13348416289594,"scale":77.00574586945044}"#
    );
    for k in BINARY_KEYS.iter().chain(&[KEY_CLASSES]) {
        assert!(!sd.metadata.contains_key(*k), "regression has {k}");
    }
    assert_eq!(
        Checkpoint::from_bytes(&c.to_bytes().unwrap(), "m").unwrap(),
        c
    );
}

#[test]
fn bad_task_keys_are_refused_naming_the_key() {
    let m = multiclass();
    let e = read_error(&m, |sd| {
        sd.metadata
            .insert(KEY_CLASSES.into(), r#"["a","b"]"#.into());
    });
    assert!(
        e.contains(
            "'nonlin.classes': it lists 2 class(es) but architecture 2-4-tanh-3 has 3 outputs"
        ),
        "{e}"
    );
    let e = read_error(&m, |sd| {
        sd.metadata
            .insert(KEY_CLASSES.into(), r#"["a","b","a"]"#.into());
    });
    assert!(
        e.contains("'nonlin.classes': classes 1 and 3 are both 'a'"),
        "{e}"
    );
    let e = read_error(&m, |sd| {
        sd.metadata
            .insert(KEY_CLASSES.into(), r#"["a",2,"c"]"#.into());
    });
    assert!(
        e.contains("'nonlin.classes': class 2 '2' is not a non-empty text"),
        "{e}"
    );
    let e = read_error(&m, |sd| {
        sd.metadata.insert(KEY_CLASSES.into(), r#"{"a": 1}"#.into());
    });
    assert!(
        e.contains("'nonlin.classes' is not a JSON list of class labels"),
        "{e}"
    );
    let e = read_error(&m, |sd| {
        sd.metadata.remove(KEY_CLASSES);
    });
    assert!(
        e.contains("nonlin.classes missing; a multiclass nonlin checkpoint has"),
        "{e}"
    );
    let e = read_error(&m, |sd| {
        sd.metadata.insert(KEY_TASK.into(), "ternary".into());
    });
    assert!(
        e.contains("'nonlin.task': 'ternary' is not binary, multiclass or regression"),
        "{e}"
    );
    // Without nonlin.task the file is binary: a 3-output spec is refused
    // as every version refused it, and the class list does not apply.
    let e = read_error(&m, |sd| {
        sd.metadata.remove(KEY_TASK);
        sd.metadata
            .insert(KEY_LABELS.into(), labels_json(&BinaryLabels::default()));
        sd.metadata.insert(KEY_THRESHOLD.into(), "0.5".into());
    });
    assert!(
        e.contains("'nonlin.classes' applies to a multiclass model, but this one is binary"),
        "{e}"
    );
    let e = read_error(&m, |sd| {
        sd.metadata.insert(KEY_THRESHOLD.into(), "0.5".into());
    });
    assert!(
        e.contains("'nonlin.threshold' applies to a binary model, but this one is multiclass"),
        "{e}"
    );

    let r = regression();
    for (scale, what) in [
        (
            r#"{"mean":1.5,"scale":0}"#,
            "the scale is 0; it must be finite and positive",
        ),
        (r#"{"mean":1.5,"scale":-2}"#, "the scale is -2;"),
        (r#"{"mean":1.5}"#, "is not a JSON object {\"mean\""),
        (
            r#"{"mean":1.5,"scale":2,"shift":1}"#,
            "unknown field `shift`",
        ),
    ] {
        let e = read_error(&r, |sd| {
            sd.metadata.insert(KEY_TARGET_SCALE.into(), scale.into());
        });
        assert!(
            e.contains("'nonlin.target_scale'") && e.contains(what),
            "{scale}: {e}"
        );
    }
    let e = read_error(&r, |sd| {
        sd.metadata
            .insert(KEY_CLASSES.into(), r#"["a","b","c"]"#.into());
    });
    assert!(
        e.contains("'nonlin.classes' applies to a multiclass model, but this one is regression"),
        "{e}"
    );
}

#[test]
fn writing_refuses_a_head_that_disagrees_with_the_network() {
    // A binary head on 3 outputs (what a multiclass run wrote before
    // the task keys existed) and a regression head on 3.
    let e = ckpt("2-4-tanh-3").to_bytes().unwrap_err().to_string();
    assert!(
        e.contains("'nonlin.arch': architecture 2-4-tanh-3 has 3 outputs; a binary model has one"),
        "{e}"
    );
    let c = Checkpoint {
        net: ckpt("2-4-tanh-3").net,
        ..regression()
    };
    let e = c.to_bytes().unwrap_err().to_string();
    assert!(e.contains("a regression model has one"), "{e}");
    let c = Checkpoint {
        head: Head::Multiclass {
            classes: texts(&["a", "b"]),
        },
        ..ckpt("2-4-tanh-2")
    };
    let e = c.to_bytes().unwrap_err().to_string();
    assert!(e.contains("at least 3 classes; it lists 2"), "{e}");
    // Binary settings on another task's checkpoint do not apply.
    let c = Checkpoint {
        threshold: 0.3,
        ..multiclass()
    };
    let e = c.to_bytes().unwrap_err().to_string();
    assert!(
        e.contains("'nonlin.threshold': applies to a binary model; this one is multiclass"),
        "{e}"
    );
}

#[test]
fn each_task_predicts_on_a_raw_table() {
    let t = Table::from_csv_bytes(b"f1,f0\n2,1\n-1,0.5\n", "new.csv").unwrap();
    let rows = [1.0, 2.0, 0.5, -1.0];
    let m = multiclass();
    let (p, _) = m.predict_table(&t).unwrap();
    assert_eq!(p.len(), 2);
    let logits = m.predict_logits(&rows).unwrap();
    assert_eq!(p, m.head.predictions(&logits, 2));
    assert_eq!(m.predict_proba(&rows).unwrap().len(), 6);
    assert!(m.predict_values(&rows).is_err());

    let r = regression();
    let (p, _) = r.predict_table(&t).unwrap();
    let out = r.predict_logits(&rows).unwrap();
    let want: Vec<f64> = out
        .iter()
        .map(|&o| o as f64 * 77.00574586945044 + 152.13348416289594)
        .collect();
    assert_eq!(
        p,
        Predicted::Regression {
            values: want.clone()
        }
    );
    assert_eq!(r.predict_values(&rows).unwrap(), want);
    let e = r.predict_proba(&rows).unwrap_err().to_string();
    assert!(e.contains("predicts values, not probabilities"), "{e}");
}
