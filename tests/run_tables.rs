//! The run layer on real-world tables: `DataConfig` reads with detection and
//! column options, `train`/`compare` carry the fitted preprocessing and the
//! labels in their result, `study` fits encoders and imputers per training
//! fold, and an architecture that cannot fit in memory is refused first.

use nonlin::data::transform::preprocessing::{Encoding, Fill};
use nonlin::data::{DatasetOptions, Label, MissingPolicy, Preprocessing};
use nonlin::eval::study::fold_design;
use nonlin::model::{Activation, Architecture};
use nonlin::run::{
    split_run, study, Cancel, DataConfig, Hidden, ModelDef, ModelSpec, RunConfig, Silent,
    StudyConfig,
};
use nonlin::train::TrainConfig;
use std::path::PathBuf;

fn corpus(file: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data_corpus")
        .join(file)
}

fn quick(mut config: RunConfig) -> RunConfig {
    config.train.epochs = 3;
    config
}

#[test]
fn the_embedded_run_has_identity_preprocessing_and_labels_0_1() {
    let data = DataConfig::default().load().unwrap();
    let r = split_run::run(
        &data,
        &quick(RunConfig::train()),
        &mut Silent,
        &Cancel::new(),
    )
    .unwrap();
    assert!(r.preprocessing.is_identity());
    assert_eq!(r.preprocessing, Preprocessing::identity(&data.features));
    assert_eq!(r.labels, Default::default());
    assert!(r.notes.is_empty());
}

#[test]
fn a_european_export_trains_and_its_result_carries_fills_and_labels() {
    let config = DataConfig {
        path: Some(corpus("european_heart_failure.csv")),
        dataset: DatasetOptions {
            missing: MissingPolicy::parse("median").unwrap(),
            ..DataConfig::default().dataset
        },
        ..DataConfig::default()
    };
    let data = config.load().unwrap();
    assert!(data.notes[0]
        .text
        .contains("detected delimiter ';' and decimal comma"));
    let r = split_run::run(
        &data,
        &quick(RunConfig::train()),
        &mut Silent,
        &Cancel::new(),
    )
    .unwrap();
    assert_eq!(r.labels.positive, Label::Text("SI".into()));
    assert_eq!(r.labels.negative, Label::Text("NO".into()));
    assert_eq!(r.preprocessing.width(), 12);
    assert!(r
        .preprocessing
        .columns
        .iter()
        .all(|c| matches!(c.fill, Some(Fill::Number(_)))));
    assert_eq!(r.models[0].net.arch.input_width(), 12);
}

#[test]
fn text_columns_are_encoded_and_the_model_takes_the_encoded_width() {
    let config = DataConfig {
        path: Some(corpus("text_columns.csv")),
        dataset: DatasetOptions::new("outcome"),
        ..DataConfig::default()
    };
    let data = config.load().unwrap();
    let r = split_run::run(
        &data,
        &quick(RunConfig::train()),
        &mut Silent,
        &Cancel::new(),
    )
    .unwrap();
    assert_eq!(r.preprocessing.width(), 11);
    assert_eq!(r.prepared.train.d, 11);
    assert_eq!(r.models[0].net.arch.input_width(), 11);
    let sex = &r.preprocessing.columns[1];
    assert_eq!(sex.name, "sex");
    assert!(matches!(&sex.encoding, Encoding::OneHot(h) if h.categories == ["F", "M"]));
    assert_eq!(r.prepared.features, r.preprocessing.input_names());
}

#[test]
fn an_architecture_that_cannot_fit_is_refused_before_training() {
    let data = DataConfig::default().load().unwrap();
    let mut config = RunConfig::train();
    config.models = vec![ModelDef {
        name: Some("model".into()),
        hidden: Hidden::Widths {
            widths: vec![100_000, 100_000],
            activation: "relu".into(),
        },
    }];
    let e = split_run::run(&data, &config, &mut Silent, &Cancel::new())
        .unwrap_err()
        .to_string();
    assert!(e.contains("would need about") && e.contains("GB"), "{e}");

    let big = ModelSpec::new(
        "big",
        Architecture::mlp(12, &[100_000, 100_000], Activation::Relu),
    );
    let c = StudyConfig::new(vec![big], TrainConfig::default(), 0);
    let e = study::run(&data, &c, &mut Silent, &Cancel::new())
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("model 'big'") && e.contains("would need about"),
        "{e}"
    );
}

/// 40 rows, a text column whose category 'Z' is on one row only: the fold
/// that tests that row trains on one input fewer.
fn rare_category_csv() -> String {
    let mut csv = String::from("grp,x,y\n");
    for i in 0..40 {
        let grp = if i == 7 { "Z" } else { ["A", "B"][i % 2] };
        let x = if i == 11 {
            "NA".to_string()
        } else {
            format!("{}", (i * 37) % 23)
        };
        csv.push_str(&format!(
            "{grp},{x},{}\n",
            if (i / 2) % 2 == 0 { "yes" } else { "no" }
        ));
    }
    csv
}

#[test]
fn study_folds_fit_their_encoder_and_imputer_on_their_training_rows() {
    let path = std::env::temp_dir().join(format!("nonlin-rare-{}.csv", std::process::id()));
    std::fs::write(&path, rare_category_csv()).unwrap();
    let config = DataConfig {
        path: Some(path.clone()),
        dataset: DatasetOptions {
            missing: MissingPolicy::parse("mean").unwrap(),
            ..DatasetOptions::new("y")
        },
        ..DataConfig::default()
    };
    let data = config.load().unwrap();
    std::fs::remove_file(&path).unwrap();
    assert_eq!(study::input_width(&data).unwrap(), 4); // A, B, Z, x

    let design = fold_design(&data, 1, 4, 3).unwrap();
    let widths: Vec<usize> = design.iter().map(|(_, p)| p.train.d).collect();
    // Row 7 ('Z') is in exactly one test fold: that fold's encoder never saw 'Z'.
    assert_eq!(widths.iter().filter(|&&w| w == 3).count(), 1, "{widths:?}");
    assert_eq!(widths.iter().filter(|&&w| w == 4).count(), 3, "{widths:?}");
    for (split, p) in &design {
        assert_eq!(split.scaler_mean.len(), p.train.d);
    }

    let d = study::input_width(&data).unwrap();
    let models = vec![ModelSpec::new(
        "relu",
        Architecture::mlp(d, &[5], Activation::Relu),
    )];
    let mut c = StudyConfig::new(models, TrainConfig::tutorial(20, 0.01), 3);
    c.repeats = 1;
    c.folds = 4;
    let result = study::run(&data, &c, &mut Silent, &Cancel::new()).unwrap();
    assert_eq!(result.records.len(), 4 * 3);
}
