//! Real-world tables end to end: a model trained on a table with a text
//! column, missing values and text labels keeps its encoding in
//! model.safetensors, and `nonlin predict` applies it to a raw file read
//! like the training file (delimiter, decimal comma), writing the original
//! labels. Old checkpoints (before the encoding was stored) still predict.

mod cli_util;
use cli_util::{nonlin, s, temp_dir, text};
use nonlin::data::transform::preprocessing::{Encoding, Fill};
use nonlin::data::{
    BinaryLabels, Dataset, DatasetOptions, ImputeStrategy, Label, MissingPolicy, Table,
};
use nonlin::eval::predict;
use nonlin::io::checkpoint::KEY_PREPROCESSING;
use nonlin::io::{Checkpoint, StateDict};
use nonlin::run::{outputs, split_run, Cancel, OutputOptions, RunConfig, RunResult, Silent};
use nonlin::train::OptimizerConfig;
use std::path::Path;

/// 60 patients: `age` (a few `NA` unless `complete`), `sex` M/F (a few
/// empty unless `complete`), `smoker` yes/no, outcome SI/NO.
fn training_csv(complete: bool) -> String {
    let mut out = String::from("age,sex,smoker,outcome\n");
    for i in 0..60 {
        let age = 30 + (i * 7) % 40;
        let sex = ["M", "F"][i % 2];
        let smoker = ["yes", "no"][(i / 3) % 2];
        let outcome = if (age > 50) != (i % 5 == 0) {
            "SI"
        } else {
            "NO"
        };
        let age = if !complete && i % 13 == 4 {
            "NA".to_string()
        } else {
            age.to_string()
        };
        let sex = if !complete && i % 11 == 5 { "" } else { sex };
        out += &format!("{age},{sex},{smoker},{outcome}\n");
    }
    out
}

/// Trains the tutorial's small network (Adam, 200 epochs) and writes the run.
fn train(csv: &str, missing: MissingPolicy, dir: &Path) -> RunResult {
    let table = Table::from_csv_bytes(csv.as_bytes(), "patients.csv").unwrap();
    let options = DatasetOptions {
        missing,
        ..DatasetOptions::new("outcome")
    };
    let data = Dataset::from_table_with(&table, &options).unwrap();
    let mut config = RunConfig::train_tutorial();
    config.train.epochs = 200;
    config.train.optimizer = OptimizerConfig::adam(0.01);
    let result = split_run::run(&data, &config, &mut Silent, &Cancel::new()).unwrap();
    let opts = OutputOptions {
        dir: Some(dir.to_path_buf()),
        plots: false,
        ..OutputOptions::default()
    };
    outputs::write_run(&result, &opts, &mut Silent).unwrap();
    result
}

/// The median of the present training ages, as scikit-learn's `SimpleImputer`.
fn training_median_age(csv: &str, rows: &[usize]) -> f64 {
    let ages: Vec<Option<f64>> = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap().parse().ok())
        .collect();
    let mut present: Vec<f64> = rows.iter().filter_map(|&r| ages[r]).collect();
    present.sort_by(f64::total_cmp);
    let n = present.len();
    if n % 2 == 1 {
        present[n / 2]
    } else {
        (present[n / 2 - 1] + present[n / 2]) / 2.0
    }
}

#[test]
fn predict_applies_the_stored_encoding_and_writes_the_original_labels() {
    let dir = temp_dir("encoded");
    let csv = training_csv(false);
    let result = train(
        &csv,
        MissingPolicy::Impute(ImputeStrategy::Median),
        &dir.join("run"),
    );
    let model = dir.join("run").join("model.safetensors");

    // The checkpoint holds the preprocessing and the labels, as trained.
    let ckpt = Checkpoint::read(&model).unwrap();
    assert_eq!(ckpt.preprocessing, result.preprocessing);
    assert_eq!(
        ckpt.features,
        ["age", "sex=F", "sex=M", "smoker=no", "smoker=yes"]
    );
    assert_eq!(
        ckpt.labels,
        BinaryLabels {
            negative: Label::Text("NO".into()),
            positive: Label::Text("SI".into()),
        }
    );
    let median = training_median_age(&csv, &result.prepared.split.train);
    assert_eq!(
        ckpt.preprocessing.columns[0].fill,
        Some(Fill::Number(median))
    );
    assert!(matches!(
        ckpt.preprocessing.columns[1].encoding,
        Encoding::OneHot(ref h) if h.categories == ["F", "M"]
    ));

    // Still a plain state dict of the encoded width, metadata all strings.
    let sd = StateDict::read(&model).unwrap();
    let names: Vec<&str> = sd.tensors.keys().map(String::as_str).collect();
    assert_eq!(names, ["0.bias", "0.weight", "2.bias", "2.weight"]);
    assert_eq!(sd.tensors["0.weight"].0, [5, 5]);
    assert!(sd.metadata[KEY_PREPROCESSING].contains(r#""categories":["F","M"]"#));
    assert_eq!(
        sd.metadata["nonlin.labels"],
        r#"{"positive":"SI","negative":"NO"}"#
    );

    // New rows, as a European spreadsheet writes them: `;`, decimal
    // commas, the columns in another order, an id column, an unseen
    // category (twice) and missing cells.
    let rows = "id;smoker;sex;age\n\
                a-1;yes;X;45,5\n\
                a-2;no;M;NA\n\
                a-3;yes;F;61\n\
                a-4;no;X;\n\
                a-5;no;;38\n";
    let data = dir.join("new.csv");
    std::fs::write(&data, rows).unwrap();
    let out = nonlin(&["predict", "--model", s(&model), "--data", s(&data)]);
    assert!(out.status.success(), "{}", text(&out.stderr));

    // The expected output, encoded by hand: [age, sex=F, sex=M, smoker=no,
    // smoker=yes]; unseen 'X' is all zeros, a missing age the training
    // median, a missing sex the most frequent training category.
    let sex_fill = match &ckpt.preprocessing.columns[1].fill {
        Some(Fill::Category(c)) => c.clone(),
        other => panic!("sex fill {other:?}"),
    };
    let f_fill = if sex_fill == "F" { 1.0 } else { 0.0 };
    let raw = [
        [45.5, 0.0, 0.0, 0.0, 1.0],
        [median, 0.0, 1.0, 1.0, 0.0],
        [61.0, 1.0, 0.0, 0.0, 1.0],
        [median, 0.0, 0.0, 1.0, 0.0],
        [38.0, f_fill, 1.0 - f_fill, 1.0, 0.0],
    ]
    .concat();
    let xt = predict::standardize(&raw, &ckpt.scaler_mean, &ckpt.scaler_scale);
    let probs = predict::probabilities(&ckpt.net, &xt, 5);
    let mut expected = String::from("row,probability,label\n");
    for (i, p) in probs.iter().enumerate() {
        let label = if *p > 0.5 { "SI" } else { "NO" };
        expected += &format!("{},{p},{label}\n", i + 1);
    }
    assert_eq!(text(&out.stdout), expected);
    assert!(
        expected.contains(",SI\n") && expected.contains(",NO\n"),
        "{expected}"
    );

    // Each kind of note once: delimiter, unseen categories, filled cells.
    let stderr = text(&out.stderr);
    assert_eq!(
        stderr.matches("not seen in training").count(),
        1,
        "{stderr}"
    );
    assert!(
        stderr.contains("column 'sex': 2 row(s) hold categories not seen in training (e.g. 'X')"),
        "{stderr}"
    );
    assert!(
        stderr.contains("column 'age': 2 missing value(s) filled in"),
        "{stderr}"
    );
    assert!(
        stderr.contains("column 'sex': 1 missing value(s) filled in"),
        "{stderr}"
    );
    assert!(stderr.contains("';'"), "{stderr}");
    assert!(
        stderr.contains("ignoring 1 column(s) the model does not use: id"),
        "{stderr}"
    );
    assert!(stderr.contains("P(outcome = 'SI')"), "{stderr}");

    // A column of the model missing from the file is named.
    std::fs::write(&data, "smoker;age\nyes;40\n").unwrap();
    let out = nonlin(&["predict", "--model", s(&model), "--data", s(&data)]);
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(err.contains("new.csv") && err.contains("'sex'"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_model_trained_without_filling_refuses_missing_cells_at_predict_time() {
    let dir = temp_dir("nofill");
    let result = train(&training_csv(true), MissingPolicy::Error, &dir.join("run"));
    assert!(result
        .preprocessing
        .columns
        .iter()
        .all(|c| c.fill.is_none()));
    let model = dir.join("run").join("model.safetensors");
    let data = dir.join("rows.csv");
    std::fs::write(&data, "age,sex,smoker\n40,F,no\n52,,yes\n").unwrap();
    let out = nonlin(&["predict", "--model", s(&model), "--data", s(&data)]);
    assert!(!out.status.success());
    assert!(out.stdout.is_empty());
    let err = text(&out.stderr);
    assert!(
        err.contains("rows.csv, line 3, column 2 ('sex')") && err.contains("missing"),
        "{err}"
    );
    // A text cell in a numeric column: file, line, column and the value.
    std::fs::write(&data, "age,sex,smoker\n40,F,no\nold,M,yes\n").unwrap();
    let out = nonlin(&["predict", "--model", s(&model), "--data", s(&data)]);
    let err = text(&out.stderr);
    assert!(
        err.contains("rows.csv, line 3, column 1 ('age')") && err.contains("'old'"),
        "{err}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A checkpoint written by nonlin 0.1.0 before the encoding and text labels
/// were stored (`nonlin train --preset tutorial --features
/// age,ejection_fraction,serum_creatinine --hidden 3 --epochs 5`).
const OLD_MODEL: &str = "tests/fixtures/checkpoints/v0.1.0-3-3-relu-1.safetensors";

#[test]
fn checkpoints_without_the_encoding_still_load_and_predict_the_same() {
    let ckpt = Checkpoint::read(Path::new(OLD_MODEL)).unwrap();
    assert!(!StateDict::read(Path::new(OLD_MODEL))
        .unwrap()
        .metadata
        .contains_key(KEY_PREPROCESSING));
    assert!(ckpt.preprocessing.is_identity());
    assert_eq!(
        ckpt.preprocessing.column_names(),
        ["age", "ejection_fraction", "serum_creatinine"]
    );
    assert_eq!(ckpt.labels, BinaryLabels::default());

    // Rows 1, 2, 14 and 71 of the embedded data; the output of nonlin
    // 0.1.0's own `predict` on them.
    let csv = nonlin::data::HEART_FAILURE_CSV;
    let lines: Vec<&str> = csv.lines().collect();
    let rows = [0, 1, 2, 14, 71].map(|i| lines[i]).join("\n") + "\n";
    let dir = temp_dir("old");
    let data = dir.join("rows.csv");
    std::fs::write(&data, rows).unwrap();
    let out = nonlin(&["predict", "--model", OLD_MODEL, "--data", s(&data)]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        "row,probability,label\n1,0.55559015,1\n2,0.5124118,1\n3,0.4986586,0\n4,0.4786187,0\n"
    );
    // Written again, it gains the preprocessing key and loads the same.
    let again = Checkpoint::from_bytes(&ckpt.to_bytes().unwrap(), "again").unwrap();
    assert_eq!(again, ckpt);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn predict_reads_files_as_training_does_even_without_a_header() {
    let dir = temp_dir("noheader");
    // The embedded data without its header row: columns c0 … c12.
    let body: String = nonlin::data::HEART_FAILURE_CSV
        .lines()
        .skip(1)
        .map(|l| format!("{l}\n"))
        .collect();
    let train_csv = dir.join("train.csv");
    std::fs::write(&train_csv, &body).unwrap();
    let run = dir.join("run");
    let out = nonlin(&[
        "train",
        "--data",
        s(&train_csv),
        "--target",
        "c12",
        "--features",
        "c0,c4,c7",
        "--preset",
        "tutorial",
        "--epochs",
        "5",
        "-q",
        "--no-plots",
        "--out",
        s(&run),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let model = run.join("model.safetensors");

    // Five rows with `;` and decimal commas, no header: detected, or forced.
    let rows: String = body
        .lines()
        .take(5)
        .map(|l| l.replace(',', ";").replace('.', ",") + "\n")
        .collect();
    let data = dir.join("rows.csv");
    std::fs::write(&data, &rows).unwrap();
    let detected = nonlin(&["predict", "--model", s(&model), "--data", s(&data)]);
    assert!(detected.status.success(), "{}", text(&detected.stderr));
    let forced = nonlin(&[
        "predict",
        "--model",
        s(&model),
        "--data",
        s(&data),
        "--no-header",
        "--delimiter",
        ";",
        "--decimal",
        ",",
    ]);
    assert!(forced.status.success(), "{}", text(&forced.stderr));
    assert_eq!(forced.stdout, detected.stdout);
    let plain = dir.join("plain.csv");
    std::fs::write(&plain, body.lines().take(5).collect::<Vec<_>>().join("\n")).unwrap();
    let comma = nonlin(&["predict", "--model", s(&model), "--data", s(&plain)]);
    assert_eq!(comma.stdout, detected.stdout);
    assert_eq!(text(&comma.stdout).lines().count(), 6);

    // Forced to read the first row as a header, it is refused (names repeat).
    let header = nonlin(&[
        "predict",
        "--model",
        s(&model),
        "--data",
        s(&data),
        "--header",
    ]);
    assert!(!header.status.success());
    let err = text(&header.stderr);
    assert!(err.contains("rows.csv, line 1"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}
