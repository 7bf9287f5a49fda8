//! `study` beyond yes/no: a multiclass study (wine) and a regression study
//! (diabetes) — folds stratified by class or plain, the task's metrics and
//! baselines, comparisons in the main metric (lower RMSE is better), the
//! outputs, and the errors a fold design can meet.

use nonlin::data::{Dataset, DatasetOptions, Table, Task};
use nonlin::eval::study::{ModelKind, StudyResult, LINEAR, LOGISTIC, MAJORITY, MEAN};
use nonlin::model::{Activation, Architecture};
use nonlin::run::study_outputs::stage as stage_outputs;
use nonlin::run::{study, Cancel, ModelSpec, Silent, StudyConfig};
use nonlin::train::{LossConfig, TrainConfig};
use std::path::PathBuf;

fn data(name: &str, target: &str) -> Dataset {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("data/{name}.csv"));
    let table = Table::from_path(&path).unwrap();
    Dataset::from_table_with(&table, &DatasetOptions::new(target)).unwrap()
}

/// 2 repeats × 3 folds of two networks (plus the task's two baselines).
fn config(ds: &Dataset, epochs: usize, lr: f32) -> StudyConfig {
    let (d, k) = (ds.n_features(), ds.outputs());
    let net = |h: &[usize], a| Architecture::mlp_outputs(d, h, a, k);
    let models = vec![
        ModelSpec::new("linear_net", net(&[5], Activation::Identity)),
        ModelSpec::new("relu", net(&[8], Activation::Relu)),
    ];
    let mut c = StudyConfig::new(models, TrainConfig::tutorial(epochs, lr), 3);
    c.repeats = 2;
    c.folds = 3;
    c
}

fn run(ds: &Dataset, c: &StudyConfig) -> nonlin::Result<StudyResult> {
    study::run(ds, c, &mut Silent, &Cancel::new())
}

#[test]
fn a_multiclass_study_stratifies_by_class_and_scores_accuracy() {
    let ds = data("wine", "cultivar");
    assert_eq!((ds.task, ds.outputs()), (Task::Multiclass, 3));
    let r = run(&ds, &config(&ds, 60, 0.1)).unwrap();
    assert_eq!(r.task, Task::Multiclass);
    let names: Vec<&str> = r.models.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(names, ["linear_net", "relu", LOGISTIC, MAJORITY]);
    // Multinomial logistic regression: no hidden layer, one output a class.
    assert_eq!(r.models[2].arch, "13-3");
    assert_eq!(r.models[2].kind, ModelKind::LogisticBaseline);
    // Each test fold holds each class within one row of its share.
    for s in &r.splits {
        for c in 0..3 {
            let all = ds.y.iter().filter(|&&t| t == c as f32).count() as f64;
            let here = s.test_rows.iter().filter(|&&i| ds.y[i] == c as f32).count() as f64;
            let want = all * s.test_rows.len() as f64 / ds.n_rows() as f64;
            assert!((here - want).abs() <= 1.0, "class {c}: {here} vs {want}");
        }
        assert_eq!(s.n_test_positive, None);
    }
    // The majority baseline predicts the training fold's most frequent class.
    for rec in r.records.iter().filter(|rec| rec.model == MAJORITY) {
        let s = &r.splits[rec.repeat * r.folds + rec.fold];
        let train: Vec<usize> = (0..ds.n_rows())
            .filter(|i| !s.test_rows.contains(i))
            .collect();
        let mut count = [0usize; 3];
        for &i in &train {
            count[ds.y[i] as usize] += 1;
        }
        let top = (0..3).max_by_key(|&c| (count[c], usize::MAX - c)).unwrap();
        let hits = s
            .test_rows
            .iter()
            .filter(|&&i| ds.y[i] as usize == top)
            .count();
        assert_eq!(
            rec.value("accuracy"),
            hits as f64 / s.test_rows.len() as f64
        );
        assert!(
            rec.value("mcc").is_nan(),
            "a binary metric is not a multiclass one"
        );
    }
    // The networks learn the wine classes; the comparisons are on accuracy
    // and macro-F1, for every pair.
    let acc = r.summary("relu", "accuracy").unwrap().mean;
    assert!(acc > 0.85, "relu accuracy {acc}");
    let pairs = 4 * 3 / 2;
    assert_eq!(r.comparisons_of("accuracy").count(), pairs);
    assert_eq!(r.comparisons_of("macro_f1").count(), pairs);
    assert_eq!(r.comparisons.len(), 2 * pairs);
    let files = stage_outputs(&r, false).unwrap().files;
    let file = |name: &str| {
        let (_, b) = files.iter().find(|(n, _)| n == name).unwrap();
        String::from_utf8(b.clone()).unwrap()
    };
    assert!(file("folds.csv").starts_with(
        "repeat,fold,model,seed,n_train,n_test,epochs,accuracy,balanced_accuracy,macro_f1,\
         log_loss,train_loss,test_loss\n"
    ));
    let json: serde_json::Value = serde_json::from_str(&file("study.json")).unwrap();
    assert_eq!(json["task"], "multiclass");
    assert_eq!(json["classes"][2], "class_2");
    assert!(json.get("n_positive").is_none());
    let md = file("study.md");
    assert!(
        md.contains("3 classes") && md.contains("multinomial logistic"),
        "{md}"
    );
}

#[test]
fn a_regression_study_scores_rmse_with_least_squares_and_mean_baselines() {
    let ds = data("diabetes", "progression");
    assert_eq!(ds.task, Task::Regression);
    let r = run(&ds, &config(&ds, 150, 0.05)).unwrap();
    let names: Vec<&str> = r.models.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(names, ["linear_net", "relu", LINEAR, MEAN]);
    assert_eq!(r.models[2].kind, ModelKind::LinearBaseline);
    // Plain folds: every row tested once per repeat.
    for rep in 0..r.repeats {
        let mut seen = vec![0; ds.n_rows()];
        for s in &r.splits[rep * r.folds..(rep + 1) * r.folds] {
            for &i in &s.test_rows {
                seen[i] += 1;
            }
        }
        assert!(seen.iter().all(|&c| c == 1));
    }
    for rec in &r.records {
        let s = &r.splits[rec.repeat * r.folds + rec.fold];
        let test: Vec<f64> = s.test_rows.iter().map(|&i| ds.values[i]).collect();
        let train: Vec<f64> = (0..ds.n_rows())
            .filter(|i| !s.test_rows.contains(i))
            .map(|i| ds.values[i])
            .collect();
        let n = test.len() as f64;
        match rec.model.as_str() {
            // The training mean for every row: RMSE against it, R² ≤ 0.
            MEAN => {
                let m = train.iter().sum::<f64>() / train.len() as f64;
                let rmse = (test.iter().map(|t| (t - m) * (t - m)).sum::<f64>() / n).sqrt();
                assert!((rec.value("rmse") - rmse).abs() <= 1e-6 * rmse);
                assert!(rec.value("r2") <= 0.0);
            }
            // Least squares explains diabetes about as well as the
            // literature's linear models do (R² ≈ 0.5).
            LINEAR => assert!(rec.value("r2") > 0.3, "{}", rec.value("r2")),
            _ => assert!(rec.value("rmse").is_finite()),
        }
        assert!(rec.value("accuracy").is_nan());
    }
    // RMSE: lower is better, and the sentence says so.
    let c = r
        .comparisons_of("rmse")
        .find(|c| c.a == "relu" && c.b == MEAN)
        .unwrap();
    assert!(
        c.test.mean_diff < 0.0 && c.test.p_value < 0.05,
        "{:?}",
        c.test
    );
    let s = nonlin::report::study::sentence(c);
    assert!(s.contains("(relu is better)"), "{s}");
    let files = stage_outputs(&r, false).unwrap().files;
    let folds = files.iter().find(|(n, _)| n == "folds.csv").unwrap();
    assert!(String::from_utf8_lossy(&folds.1).starts_with(
        "repeat,fold,model,seed,n_train,n_test,epochs,rmse,mae,r2,train_loss,test_loss\n"
    ));
}

#[test]
fn fold_designs_a_target_cannot_fill_are_refused() {
    // Class 'c' has 2 rows: 3 folds cannot each hold one.
    let mut csv = String::from("x,y\n");
    for i in 0..20 {
        let y = match i {
            0 | 1 => "c",
            i if i % 2 == 0 => "a",
            _ => "b",
        };
        csv.push_str(&format!("{i}.5,{y}\n"));
    }
    let table = Table::from_csv_bytes(csv.as_bytes(), "few.csv").unwrap();
    let ds = Dataset::from_table_with(&table, &DatasetOptions::new("y")).unwrap();
    let e = run(&ds, &config(&ds, 5, 0.1)).unwrap_err().to_string();
    assert!(
        e.contains("class 'c'") && e.contains("2 row(s)") && e.contains("3 folds"),
        "{e}"
    );
    // A binary setting on a regression target.
    let ds = data("diabetes", "progression");
    let mut c = config(&ds, 5, 0.1);
    c.train.loss = LossConfig::with_pos_weight(2.0);
    let e = run(&ds, &c).unwrap_err();
    assert_eq!(e.field(), Some("pos_weight"));
}

#[test]
fn models_can_differ_by_their_features_and_importance_is_pooled() {
    use nonlin::run::{ExperimentFile, StudySettings};
    let ds = Dataset::heart_failure();
    let file = ExperimentFile::parse(
        "repeats = 1\nfolds = 3\n[[model]]\nname = \"all\"\narch = \"5-relu\"\n\
         [[model]]\nname = \"two\"\narch = \"5-relu\"\n\
         features = [\"serum_creatinine\", \"ejection_fraction\"]\n",
        "paper.toml",
    )
    .unwrap();
    let settings = StudySettings {
        experiment: Some(file),
        importance_repeats: Some(4),
        ..StudySettings::default()
    };
    let mut c = settings.config_for(ds.n_features(), 1).unwrap();
    c.train.epochs = 50;
    c.train.optimizer = nonlin::train::OptimizerConfig::sgd(0.1);
    let r = run(&ds, &c).unwrap();
    let two = r.models.iter().find(|m| m.name == "two").unwrap();
    assert_eq!(two.arch, "2-5-relu-1");
    assert_eq!(
        two.features.as_deref(),
        Some(
            &[
                "serum_creatinine".to_string(),
                "ejection_fraction".to_string()
            ][..]
        )
    );
    // Importance of the two features only, ranked 1 and 2, over 3 folds.
    let rows: Vec<_> = r.importance.iter().filter(|i| i.model == "two").collect();
    assert_eq!(rows.len(), 2);
    let mut ranks: Vec<usize> = rows.iter().map(|i| i.rank).collect();
    ranks.sort_unstable();
    assert_eq!(ranks, [1, 2]);
    assert!(rows.iter().all(|i| i.summary.n == 3));
    // Each fold's value is the mean of its shuffles' drops in ROC AUC; the
    // pooled mean is their mean.
    let all: Vec<_> = r.importance.iter().filter(|i| i.model == "all").collect();
    assert_eq!(all.len(), 12);
    let time = all.iter().find(|i| i.feature == "time").unwrap();
    let folds: Vec<f64> = r
        .records
        .iter()
        .filter(|rec| rec.model == "all")
        .map(|rec| {
            rec.importance
                .iter()
                .find(|(c, _)| ds.features[*c] == "time")
                .unwrap()
                .1
        })
        .collect();
    let mean = folds.iter().sum::<f64>() / folds.len() as f64;
    assert!((time.summary.mean - mean).abs() < 1e-15);
    // `time` (follow-up length) is the strongest predictor of this data set.
    assert_eq!(time.rank, 1, "{all:?}");
    // The baselines have no importance; the files hold it.
    assert!(r.importance.iter().all(|i| i.model != MAJORITY));
    let files = stage_outputs(&r, false).unwrap().files;
    let csv = &files.iter().find(|(n, _)| n == "importance.csv").unwrap().1;
    assert!(String::from_utf8_lossy(csv)
        .starts_with("model,feature,mean,std,ci_low,ci_high,folds,rank\n"));
    // An unknown column, or a model the study does not have, is refused.
    let bad = StudySettings {
        model_features: vec![("model_0".into(), vec!["creatinine".into()])],
        ..StudySettings::default()
    };
    let c = bad.config_for(ds.n_features(), 1).unwrap();
    let e = run(&ds, &c).unwrap_err().to_string();
    assert!(
        e.contains("'creatinine' is not a feature") && e.contains("serum_creatinine"),
        "{e}"
    );
    let bad = StudySettings {
        model_features: vec![("nope".into(), vec!["time".into()])],
        ..StudySettings::default()
    };
    let e = bad.config_for(ds.n_features(), 1).unwrap_err();
    assert_eq!(e.field(), Some("model_features"));
}
