//! `nonlin study`: determinism across thread counts, the folds, the scaler,
//! the baselines and the output files.

use nonlin::data::{Dataset, PrepareOptions, Prepared, ScalingMode, Split, StandardScaler};
use nonlin::eval::study::{
    init_seed, ModelKind, StudyResult, COMPARED, LOGISTIC, MAJORITY, METRICS,
};
use nonlin::model::{Activation, Architecture};
use nonlin::run::models::study_models;
use nonlin::run::study_outputs::stage as stage_outputs;
use nonlin::run::{study, Cancel, Event, ExperimentFile, Fit, ModelSpec, Silent, StudyConfig};
use nonlin::train::history::percent;
use nonlin::train::TrainConfig;
use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::Command;

/// The study pipeline without an observer.
fn run_study(ds: &Dataset, config: &StudyConfig) -> nonlin::Result<StudyResult> {
    study::run(ds, config, &mut Silent, &Cancel::new())
}

fn heart() -> Dataset {
    Dataset::heart_failure()
}

/// 2 repeats × 3 folds, 100 epochs, two networks (+ the two baselines).
fn small_config(d: usize, seed: u64) -> StudyConfig {
    let models = vec![
        ModelSpec::new("linear", Architecture::mlp(d, &[5], Activation::Identity)),
        ModelSpec::new("relu", Architecture::mlp(d, &[5], Activation::Relu)),
    ];
    let mut c = StudyConfig::new(models, TrainConfig::tutorial(100, 0.01), seed);
    c.repeats = 2;
    c.folds = 3;
    c
}

fn run_with_threads(ds: &Dataset, config: &StudyConfig, threads: usize) -> StudyResult {
    let config = StudyConfig {
        threads: Some(threads),
        ..config.clone()
    };
    run_study(ds, &config).unwrap()
}

/// Every staged file, plots included, as (name, bytes).
fn outputs(r: &StudyResult) -> Vec<(String, Vec<u8>)> {
    stage_outputs(r, true).unwrap().files
}

#[test]
fn output_is_byte_identical_with_one_and_two_threads() {
    let ds = heart();
    let config = small_config(ds.n_features(), 7);
    let one = outputs(&run_with_threads(&ds, &config, 1));
    let two = outputs(&run_with_threads(&ds, &config, 2));
    assert_eq!(one.len(), 8);
    for ((name_a, a), (name_b, b)) in one.iter().zip(&two) {
        assert_eq!(name_a, name_b);
        assert!(a == b, "{name_a} differs between 1 and 2 threads");
    }
    // The seed matters: another seed gives other folds and other numbers.
    let other = outputs(&run_with_threads(&ds, &small_config(ds.n_features(), 8), 2));
    let json = |o: &[(String, Vec<u8>)]| o.iter().find(|f| f.0 == "study.json").unwrap().1.clone();
    assert_ne!(json(&one), json(&other));
}

#[test]
fn progress_ticks_once_per_run() {
    let ds = heart();
    let mut config = small_config(ds.n_features(), 1);
    config.train.epochs = 5;
    let count = std::sync::atomic::AtomicUsize::new(0);
    let mut observer = |e: &Event| {
        if let Event::FoldFinished { .. } = e {
            count.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
    };
    let r = study::run(&ds, &config, &mut observer, &Cancel::new()).unwrap();
    assert_eq!(count.into_inner(), config.n_runs());
    assert_eq!(r.records.len(), config.n_runs());
    assert_eq!(config.n_runs(), 2 * 3 * 4);
}

#[test]
fn folds_partition_the_rows_and_keep_the_class_ratio() {
    let ds = heart();
    let mut config = small_config(ds.n_features(), 3);
    config.train.epochs = 5;
    config.folds = 5;
    let r = run_study(&ds, &config).unwrap();
    assert_eq!(r.splits.len(), 2 * 5);
    let share = ds.n_positive() as f64 / ds.n_rows() as f64;
    let mut per_repeat = Vec::new();
    for rep in 0..2 {
        let mut seen = vec![0usize; ds.n_rows()];
        let folds: Vec<_> = r.splits.iter().filter(|s| s.repeat == rep).collect();
        assert_eq!(folds.len(), 5);
        for s in &folds {
            for &i in &s.test_rows {
                seen[i] += 1;
            }
            let pos = s.test_rows.iter().filter(|&&i| ds.y[i] == 1.0).count();
            assert_eq!(Some(pos), s.n_test_positive);
            assert!((pos as f64 - share * s.test_rows.len() as f64).abs() <= 1.0);
            assert_eq!(s.n_train + s.test_rows.len(), ds.n_rows());
        }
        assert!(seen.iter().all(|&c| c == 1), "repeat {rep} is no partition");
        per_repeat.push(folds[0].test_rows.clone());
    }
    assert_ne!(per_repeat[0], per_repeat[1], "repeats reuse the same folds");
}

#[test]
fn scaler_is_fit_on_the_training_fold_only() {
    let ds = heart();
    let config = small_config(ds.n_features(), 5);
    let r = run_study(&ds, &config).unwrap();
    let all: Vec<usize> = (0..ds.n_rows()).collect();
    let on_all = StandardScaler::fit_columns(&ds.x, &all);
    for s in &r.splits {
        let train: Vec<usize> = all
            .iter()
            .copied()
            .filter(|i| !s.test_rows.contains(i))
            .collect();
        let fit = StandardScaler::fit_columns(&ds.x, &train);
        assert_eq!(s.scaler_mean, fit.mean);
        assert_eq!(s.scaler_scale, fit.scale);
        assert_ne!(s.scaler_mean, on_all.mean);
    }
    // Retrain one run by hand on train-fold-scaled data: same numbers.
    let s = &r.splits[1];
    let train: Vec<usize> = all
        .iter()
        .copied()
        .filter(|i| !s.test_rows.contains(i))
        .collect();
    let scaler = StandardScaler::fit_columns(&ds.x, &train);
    let p = Prepared {
        train: nonlin::data::prepare::scale_rows(&ds, &scaler, &train),
        test: nonlin::data::prepare::scale_rows(&ds, &scaler, &s.test_rows),
        scaler,
        split: Split {
            train,
            test: s.test_rows.clone(),
        },
        options: PrepareOptions {
            scaling: ScalingMode::TrainOnly,
            ..PrepareOptions::default()
        },
        features: ds.features.clone(),
        target: ds.target.clone(),
        target_scale: None,
    };
    let m = 1;
    let seed = init_seed(config.seed, s.repeat, s.fold, m);
    let mut train_cfg = config.train.clone();
    train_cfg.shuffle_seed = seed;
    let t = Fit::new(&config.models[m], &p, &train_cfg)
        .seed(seed)
        .run(&mut Silent)
        .unwrap();
    let last = t.history.last().unwrap();
    let rec = r
        .records
        .iter()
        .find(|x| x.repeat == s.repeat && x.fold == s.fold && x.model == "relu")
        .unwrap();
    assert_eq!(rec.seed, Some(seed));
    assert_eq!(
        rec.binary().unwrap().accuracy * 100.0,
        percent(t.history.test_accuracy(last).unwrap())
    );
    assert_eq!(rec.test_loss, last.test_loss.unwrap() as f64);
}

#[test]
fn baselines_are_majority_and_logistic() {
    let ds = heart();
    let config = small_config(ds.n_features(), 11);
    let r = run_study(&ds, &config).unwrap();
    let names: Vec<&str> = r.models.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(names, ["linear", "relu", LOGISTIC, MAJORITY]);
    assert_eq!(r.models[2].arch, "12-1");
    assert_eq!(r.models[2].kind, ModelKind::LogisticBaseline);
    assert_eq!(r.models[3].kind, ModelKind::MajorityBaseline);
    for s in &r.splits {
        let rec = r
            .records
            .iter()
            .find(|x| x.repeat == s.repeat && x.fold == s.fold && x.model == MAJORITY)
            .unwrap();
        let train_pos_rate = s.n_train_positive.unwrap() as f64 / s.n_train as f64;
        let majority = if train_pos_rate > 0.5 { 1.0 } else { 0.0 };
        let hits = s.test_rows.iter().filter(|&&i| ds.y[i] == majority).count();
        assert_eq!(
            rec.binary().unwrap().accuracy,
            hits as f64 / s.test_rows.len() as f64
        );
        assert_eq!(rec.binary().unwrap().roc_auc, 0.5);
        assert_eq!(rec.binary().unwrap().mcc, 0.0);
        let test_rate = s.n_test_positive.unwrap() as f64 / s.test_rows.len() as f64;
        assert!((rec.binary().unwrap().pr_auc - test_rate).abs() < 1e-12);
    }
}

#[test]
fn duplicate_names_are_rejected() {
    let ds = heart();
    let d = ds.n_features();
    let mut config = small_config(d, 0);
    config.models.push(ModelSpec::new(
        LOGISTIC,
        Architecture::mlp(d, &[], Activation::Identity),
    ));
    let e = run_study(&ds, &config).unwrap_err().to_string();
    assert!(e.contains("'logistic' is used twice"), "{e}");
}

#[test]
fn output_files_parse_and_have_one_row_per_record() {
    let ds = heart();
    let config = small_config(ds.n_features(), 2);
    let r = run_study(&ds, &config).unwrap();
    let files = outputs(&r);
    let get = |n: &str| {
        let f = files
            .iter()
            .find(|f| f.0 == n)
            .unwrap_or_else(|| panic!("no {n}"));
        String::from_utf8(f.1.clone()).unwrap_or_default()
    };
    let n_models = 4;
    let n_folds = 2 * 3;
    let rows = |text: &str| {
        let mut rd = csv::Reader::from_reader(text.as_bytes());
        rd.records().map(|x| x.unwrap()).collect::<Vec<_>>()
    };
    let folds = rows(&get("folds.csv"));
    assert_eq!(folds.len(), n_folds * n_models);
    assert_eq!(folds[0].len(), 7 + METRICS.len());
    let summary = rows(&get("study.csv"));
    assert_eq!(summary.len(), n_models * METRICS.len());
    let acc = summary
        .iter()
        .find(|x| &x[0] == "relu" && &x[1] == "accuracy")
        .unwrap();
    let mean: f64 = acc[3].parse().unwrap();
    assert!((0.5..1.0).contains(&mean), "{mean}");
    assert_eq!(&acc[2], "6");
    let pairs = n_models * (n_models - 1) / 2;
    let comps = rows(&get("comparisons.csv"));
    assert_eq!(comps.len(), COMPARED.len() * pairs);
    assert!(
        comps[0][11].starts_with("linear vs relu: "),
        "{:?}",
        &comps[0]
    );

    let json: serde_json::Value = serde_json::from_str(&get("study.json")).unwrap();
    assert_eq!(
        json["records"].as_array().unwrap().len(),
        n_folds * n_models
    );
    assert_eq!(json["models"].as_array().unwrap().len(), n_models);
    assert_eq!(json["repeats"], 2);

    let md = get("study.md");
    for m in ["linear", "relu", LOGISTIC, MAJORITY] {
        assert!(
            md.contains(&format!("| {m} |")),
            "{m} missing from study.md"
        );
    }
    assert!(md.contains("### MCC") && md.contains("linear vs majority: "));

    let svg = get("accuracy_mcc.svg");
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let boxes = doc
        .descendants()
        .filter(|n| n.attribute("class") == Some("box"))
        .count();
    assert_eq!(boxes, 2 * n_models);
    let points = doc
        .descendants()
        .filter(|n| n.attribute("class") == Some("point"))
        .count();
    assert_eq!(points, 2 * n_models * n_folds);
    let png = &files.iter().find(|f| f.0 == "accuracy_mcc.png").unwrap().1;
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("nonlin-study-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

#[test]
fn cli_writes_the_files_and_rejects_split_flags() {
    let out = temp_dir("cli");
    let status = Command::new(env!("CARGO_BIN_EXE_nonlin"))
        .args(["study", "--repeats", "2", "--folds", "3", "--epochs", "20"])
        .args([
            "--arch",
            "5-relu",
            "--drop",
            "time",
            "--threads",
            "2",
            "--quiet",
        ])
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(status.status.success(), "{:?}", status);
    let names: BTreeSet<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let want: BTreeSet<String> = [
        "study.md",
        "study.csv",
        "folds.csv",
        "comparisons.csv",
        "study.json",
        "importance.csv",
        "accuracy_mcc.svg",
        "accuracy_mcc.png",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    assert_eq!(names, want);
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("study.json")).unwrap()).unwrap();
    assert_eq!(json["features"].as_array().unwrap().len(), 11);
    assert_eq!(json["models"][0]["name"], "11-5-relu-1");
    std::fs::remove_dir_all(&out).unwrap();

    let bad = Command::new(env!("CARGO_BIN_EXE_nonlin"))
        .args(["study", "--test-size", "0.3", "--quiet"])
        .output()
        .unwrap();
    assert!(!bad.status.success());
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(err.contains("--test-size does not apply"), "{err}");
}

#[test]
fn experiment_file_sets_models_and_design() {
    let dir = temp_dir("exp");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("e.toml");
    std::fs::write(
        &path,
        "repeats = 1\nfolds = 2\n[[model]]\nname = \"tiny\"\narch = \"2-tanh\"\n",
    )
    .unwrap();
    let out = dir.join("out");
    let run = Command::new(env!("CARGO_BIN_EXE_nonlin"))
        .args(["study", "--epochs", "5", "--no-plots", "--experiment"])
        .arg(&path)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(run.status.success(), "{run:?}");
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(stdout.contains("1 × 2-fold"), "{stdout}");
    assert!(stdout.contains("tiny vs logistic: "), "{stdout}");
    let folds = std::fs::read_to_string(out.join("folds.csv")).unwrap();
    assert_eq!(folds.lines().count(), 1 + 2 * 3);
    assert!(!out.join("accuracy_mcc.svg").exists());
    // The shipped experiment file parses.
    let shipped = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("experiments/tutorial.toml"),
    )
    .unwrap();
    let f = ExperimentFile::parse(&shipped, "tutorial.toml").unwrap();
    let specs = f.model_specs(12, 1).unwrap();
    let default = study_models(12, 1);
    assert_eq!(specs, default);
    std::fs::remove_dir_all(&dir).unwrap();
}
