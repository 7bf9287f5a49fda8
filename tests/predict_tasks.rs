//! `predict` for multiclass and regression models, end to end through the
//! library: a short run on the bundled wine (3 cultivars) and diabetes
//! (disease progression) data written to a folder as `nonlin train` writes
//! it, then `run::predict::run` on the same CSV. The predictions on the
//! test rows must give the run's own final test accuracy or RMSE.

use nonlin::data::{DatasetOptions, Label};
use nonlin::eval::predict::{Head, Predicted};
use nonlin::io::checkpoint::{KEY_CLASSES, KEY_TARGET_SCALE, KEY_TASK};
use nonlin::io::{Checkpoint, StateDict};
use nonlin::run::{
    outputs, predict, Cancel, DataConfig, OutputOptions, Plan, PredictConfig, RunResult,
    RunSettings, Silent, TrainSettings,
};
use std::path::{Path, PathBuf};

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("data")
        .join(name)
}

fn temp_dir(tag: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("nonlin-predict-tasks-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A short run (no early stopping, so the final weights are the ones the
/// last history record measured) on `csv` for `target`, written into
/// `dir` without figures.
fn train(csv: &Path, target: &str, dir: &Path) -> RunResult {
    let config = DataConfig {
        path: Some(csv.to_path_buf()),
        dataset: DatasetOptions::new(target),
        ..DataConfig::default()
    };
    let settings = RunSettings {
        train: TrainSettings {
            epochs: Some(12),
            no_early_stopping: true,
            ..TrainSettings::default()
        },
        seed: Some(7),
        ..RunSettings::default()
    };
    let plan = Plan::new(config.load().unwrap(), &settings.config().unwrap()).unwrap();
    let result = plan.run(&mut Silent, &Cancel::new()).unwrap();
    let opts = OutputOptions {
        dir: Some(dir.to_path_buf()),
        plots: false,
        ..OutputOptions::default()
    };
    outputs::write_run(&result, &opts, &mut Silent).unwrap();
    result
}

/// `run::predict::run` of `dir/model.safetensors` on `csv`, written to
/// `dir/predictions.csv`; returns the predictions and the file's text.
fn predict_file(dir: &Path, csv: &Path) -> (predict::Predictions, String) {
    let out = dir.join("predictions.csv");
    let p = predict::run(&PredictConfig {
        model: dir.join("model.safetensors"),
        data: csv.to_path_buf(),
        read: Default::default(),
        out: Some(out.clone()),
        force: false,
        threshold: None,
    })
    .unwrap();
    let text = std::fs::read_to_string(&out).unwrap();
    (p, text)
}

/// Rows of the data set: the train and test rows.
fn n_rows(result: &RunResult) -> usize {
    result.prepared.split.train.len() + result.prepared.split.test.len()
}

/// The CSV's data rows split into fields (no field of these files is quoted).
fn rows(text: &str) -> (Vec<&str>, Vec<Vec<&str>>) {
    let mut lines = text.lines();
    let header = lines.next().unwrap().split(',').collect();
    (header, lines.map(|l| l.split(',').collect()).collect())
}

#[test]
fn multiclass_predictions_give_the_runs_test_accuracy() {
    let dir = temp_dir("wine");
    let csv = data("wine.csv");
    let result = train(&csv, "cultivar", &dir);
    let classes: Vec<Label> = ["class_0", "class_1", "class_2"]
        .map(|c| Label::Text(c.into()))
        .to_vec();
    assert_eq!(result.classes, classes);
    let (p, text) = predict_file(&dir, &csv);
    assert_eq!(
        p.checkpoint.head,
        Head::Multiclass {
            classes: classes.clone()
        }
    );

    let (header, rows) = rows(&text);
    assert_eq!(
        header,
        ["row", "p_class_0", "p_class_1", "p_class_2", "label"]
    );
    assert_eq!(rows.len(), n_rows(&result));
    for (i, r) in rows.iter().enumerate() {
        assert_eq!(r[0], (i + 1).to_string());
        let probs: Vec<f32> = r[1..4].iter().map(|v| v.parse().unwrap()).collect();
        let sum: f64 = probs.iter().map(|&q| q as f64).sum();
        assert!(
            (sum - 1.0).abs() <= 1e-6,
            "row {}: {probs:?} sums to {sum}",
            i + 1
        );
        assert!(classes.iter().any(|c| c.to_string() == r[4]), "{}", r[4]);
    }
    // The file holds exactly what the library returned.
    let Predicted::Multiclass {
        k,
        probabilities,
        class_index,
    } = &p.predicted
    else {
        panic!("a multiclass model predicts classes: {:?}", p.predicted);
    };
    assert_eq!(*k, 3);
    for (i, r) in rows.iter().enumerate() {
        for c in 0..3 {
            assert_eq!(r[1 + c].parse::<f32>().unwrap(), probabilities[i * 3 + c]);
        }
        assert_eq!(r[4], classes[class_index[i]].to_string());
    }

    // On the test rows, the labels score what training's last epoch scored.
    let test = &result.prepared.test;
    let correct = test
        .rows
        .iter()
        .zip(&test.y)
        .filter(|(&row, &y)| rows[row][4] == classes[y as usize].to_string())
        .count();
    let history = &result.models[0].history;
    let last = history.last().unwrap();
    assert_eq!(Some(correct), last.test_correct);
    assert_eq!(
        Some(correct as f64 / test.n as f64),
        history.test_accuracy(last)
    );
    assert!(
        p.meaning().contains("P(cultivar = <class>)"),
        "{}",
        p.meaning()
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn regression_predictions_give_the_runs_test_rmse() {
    let dir = temp_dir("diabetes");
    let csv = data("diabetes.csv");
    let result = train(&csv, "progression", &dir);
    let scale = result.prepared.target_scale.unwrap();
    let (p, text) = predict_file(&dir, &csv);
    assert_eq!(p.checkpoint.head, Head::Regression { scale });

    let (header, rows) = rows(&text);
    assert_eq!(header, ["row", "prediction"]);
    assert_eq!(rows.len(), n_rows(&result));
    let Predicted::Regression { values } = &p.predicted else {
        panic!("a regression model predicts values: {:?}", p.predicted);
    };
    for (r, &v) in rows.iter().zip(values) {
        // Printed exactly: the text reads back to the same f64.
        assert_eq!(r[1].parse::<f64>().unwrap(), v);
    }

    // The targets as the file writes them, in its units.
    let targets: Vec<f64> = std::fs::read_to_string(&csv)
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| l.rsplit(',').next().unwrap().parse().unwrap())
        .collect();
    let test_rows = &result.prepared.test.rows;
    let sse: f64 = test_rows
        .iter()
        .map(|&row| (rows[row][1].parse::<f64>().unwrap() - targets[row]).powi(2))
        .sum();
    let rmse = (sse / test_rows.len() as f64).sqrt();
    let want = result.models[0]
        .history
        .last()
        .unwrap()
        .test_fit
        .unwrap()
        .rmse;
    assert!(
        ((rmse - want) / want).abs() <= 1e-9,
        "RMSE of the predictions {rmse}, of the run {want}"
    );
    assert!(
        p.meaning().contains("predicted progression"),
        "{}",
        p.meaning()
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A copy of `dir`'s model file with one metadata entry replaced (or
/// removed), named after the key and the new value.
fn edited_model(dir: &Path, key: &str, value: Option<&str>) -> PathBuf {
    let mut sd = StateDict::read(&dir.join("model.safetensors")).unwrap();
    match value {
        Some(v) => sd.metadata.insert(key.into(), v.into()),
        None => sd.metadata.remove(key),
    };
    let tag: String = format!("{key}-{}", value.unwrap_or("none"))
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    let path = dir.join(format!("edited-{tag}.safetensors"));
    std::fs::write(&path, sd.to_bytes().unwrap()).unwrap();
    path
}

#[test]
fn a_model_file_lacking_what_its_task_needs_predicts_nothing() {
    let dir = temp_dir("lacking");
    let wine = data("wine.csv");
    let diabetes = data("diabetes.csv");
    train(&wine, "cultivar", &dir.join("wine"));
    train(&diabetes, "progression", &dir.join("diabetes"));
    let cases = [
        (
            edited_model(&dir.join("wine"), KEY_CLASSES, None),
            &wine,
            "nonlin.classes missing",
        ),
        (
            edited_model(
                &dir.join("wine"),
                KEY_CLASSES,
                Some(r#"["class_0","class_1"]"#),
            ),
            &wine,
            "'nonlin.classes': it lists 2 class(es)",
        ),
        (
            edited_model(&dir.join("wine"), KEY_TASK, None),
            &wine,
            "metadata key(s) nonlin.labels, nonlin.threshold missing; a (binary) nonlin",
        ),
        (
            edited_model(&dir.join("diabetes"), KEY_TARGET_SCALE, None),
            &diabetes,
            "nonlin.target_scale missing",
        ),
        (
            edited_model(
                &dir.join("diabetes"),
                KEY_TARGET_SCALE,
                Some(r#"{"mean":1,"scale":0}"#),
            ),
            &diabetes,
            "'nonlin.target_scale': the scale is 0",
        ),
    ];
    for (model, csv, want) in cases {
        let out = dir.join("out.csv");
        let e = predict::run(&PredictConfig {
            model: model.clone(),
            data: csv.to_path_buf(),
            read: Default::default(),
            out: Some(out.clone()),
            force: false,
            threshold: None,
        })
        .unwrap_err()
        .to_string();
        assert!(e.contains(want), "{}: {e}", model.display());
        assert!(
            !out.exists(),
            "{}: wrote {}",
            model.display(),
            out.display()
        );
        assert!(Checkpoint::read(&model).is_err());
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_binary_model_takes_another_threshold_and_the_others_refuse_it() {
    use nonlin::eval::predict::Predict;
    let dir = temp_dir("threshold");
    let heart = data("heart_failure_clinical_records_dataset.csv");
    train(&heart, "DEATH_EVENT", &dir);
    let run = |threshold: Option<f32>| {
        predict::run(&PredictConfig {
            model: dir.join("model.safetensors"),
            data: heart.clone(),
            read: Default::default(),
            out: None,
            force: false,
            threshold,
        })
    };
    let labels = |p: &predict::Predictions| -> Vec<bool> {
        let Predicted::Binary { probabilities } = &p.predicted else {
            panic!("a binary model")
        };
        probabilities
            .iter()
            .map(|&v| p.checkpoint.is_positive(v))
            .collect()
    };
    let (plain, strict) = (run(None).unwrap(), run(Some(0.9)).unwrap());
    let Predicted::Binary { probabilities } = &strict.predicted else {
        panic!("a binary model")
    };
    // Positive iff the probability is above 0.9, and the CSV says so.
    for (&p, &positive) in probabilities.iter().zip(&labels(&strict)) {
        assert_eq!(positive, p > 0.9);
    }
    let count = |v: Vec<bool>| v.into_iter().filter(|&b| b).count();
    assert!(count(labels(&strict)) < count(labels(&plain)));
    assert!(strict.meaning().contains("> 0.9"), "{}", strict.meaning());
    for bad in [1.0, -0.1] {
        assert_eq!(run(Some(bad)).unwrap_err().field(), Some("threshold"));
    }
    // A multiclass model has no threshold.
    let wine_dir = temp_dir("threshold-wine");
    train(&data("wine.csv"), "cultivar", &wine_dir);
    let e = predict::run(&PredictConfig {
        model: wine_dir.join("model.safetensors"),
        data: data("wine.csv"),
        read: Default::default(),
        out: None,
        force: false,
        threshold: Some(0.3),
    })
    .unwrap_err();
    assert!(matches!(e, nonlin::Error::NotApplicable { .. }), "{e}");
    assert_eq!(e.field(), Some("threshold"));
}
