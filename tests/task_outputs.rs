//! What `train` and `compare` leave for a multiclass and a regression run:
//! the figures of the task (confusion matrix and one-vs-rest ROC; RMSE,
//! predicted against actual and residuals), and a summary in the task's
//! metrics that agrees with the history and with `eval::multiclass` — while
//! a binary run's summary keeps its columns.

use nonlin::data::{DatasetOptions, Task};
use nonlin::eval::multiclass::{multiclass_metrics, ovr_roc_auc};
use nonlin::eval::summary::{class_probabilities, predicted_values};
use nonlin::io::Staged;
use nonlin::report::chart::{PREDICTED_AXIS, TRUE_AXIS};
use nonlin::run::{outputs, Cancel, DataConfig, OutputOptions, Plan, RunConfig, RunResult, Silent};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// A run of `config` (with `epochs`) on `data/<file>`, target `target`.
fn run(file: &str, target: &str, mut config: RunConfig, epochs: usize) -> RunResult {
    let data = DataConfig {
        path: Some(
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("data")
                .join(file),
        ),
        dataset: DatasetOptions::new(target),
        ..DataConfig::default()
    }
    .load()
    .unwrap();
    config.train.epochs = epochs;
    Plan::new(data, &config)
        .unwrap()
        .run(&mut Silent, &Cancel::new())
        .unwrap()
}

/// `train` without early stopping: the saved model is the last epoch's.
fn train_config() -> RunConfig {
    let mut c = RunConfig::train();
    c.train.early_stopping = None;
    c
}

fn files(staged: &Staged) -> BTreeMap<String, Vec<u8>> {
    staged.files.iter().cloned().collect()
}

fn text(files: &BTreeMap<String, Vec<u8>>, name: &str) -> String {
    let bytes = files
        .get(name)
        .unwrap_or_else(|| panic!("{name} not staged"));
    String::from_utf8(bytes.clone()).unwrap()
}

/// Every text node of an SVG (which must parse).
fn svg_texts(svg: &str) -> Vec<String> {
    let doc = roxmltree::Document::parse(svg).expect("figure SVG parses");
    doc.descendants()
        .filter(|n| n.has_tag_name("text") || n.has_tag_name("title"))
        .filter_map(|n| n.text().map(str::to_string))
        .collect()
}

/// The elements of class `class` in an SVG, as their attribute maps.
fn of_class(svg: &str, class: &str) -> Vec<BTreeMap<String, String>> {
    let doc = roxmltree::Document::parse(svg).unwrap();
    doc.descendants()
        .filter(|n| n.attribute("class") == Some(class))
        .map(|n| {
            n.attributes()
                .map(|a| (a.name().to_string(), a.value().to_string()))
                .collect()
        })
        .collect()
}

/// The CSV as (header, rows of cells).
fn csv_table(csv: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut lines = csv.lines();
    let split = |l: &str| l.split(',').map(str::to_string).collect::<Vec<_>>();
    let header = split(lines.next().unwrap());
    (header, lines.map(split).collect())
}

/// The value of column `name` in a CSV row, as f64.
fn cell(header: &[String], row: &[String], name: &str) -> f64 {
    let i = header
        .iter()
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("no column {name} in {header:?}"));
    row[i].parse().unwrap()
}

fn report_doc(html: &str) -> roxmltree::Document<'_> {
    roxmltree::Document::parse_with_options(
        html,
        roxmltree::ParsingOptions {
            allow_dtd: true,
            ..Default::default()
        },
    )
    .expect("report.html is well-formed")
}

/// The `<th>` texts of the report's summary table.
fn report_headers(html: &str) -> Vec<String> {
    let doc = report_doc(html);
    let table = doc
        .descendants()
        .find(|n| n.has_tag_name("table") && n.attribute("class") == Some("data"))
        .expect("a summary table");
    table
        .descendants()
        .filter(|n| n.has_tag_name("th"))
        .filter_map(|n| n.text().map(str::to_string))
        .collect()
}

#[test]
fn a_multiclass_run_shows_its_confusion_matrix_and_one_vs_rest_roc() {
    let result = run("wine.csv", "cultivar", train_config(), 40);
    assert_eq!(result.task, Task::Multiclass);
    let files = files(&outputs::stage(&result, &OutputOptions::default()).unwrap());
    for f in ["accuracy", "loss", "confusion", "roc"] {
        assert!(files.contains_key(&format!("{f}.svg")), "{f}.svg");
        assert!(files.contains_key(&format!("{f}.png")), "{f}.png");
    }
    for f in ["rmse.svg", "predicted.svg", "residuals.svg"] {
        assert!(!files.contains_key(f), "{f} is a regression figure");
    }
    let m = &result.models[0];
    let test = &result.prepared.test;
    let labels: Vec<String> = result.classes.iter().map(|c| c.to_string()).collect();
    assert_eq!(labels, ["class_0", "class_1", "class_2"]);
    let k = labels.len();
    let probs = class_probabilities(&m.net, test);
    let metrics = multiclass_metrics(&test.y, &probs, k);

    // The heatmap: K × K cells holding the confusion matrix of the saved
    // model on the test split, each row's shares, the labels on both axes.
    let confusion = text(&files, "confusion.svg");
    let cells = of_class(&confusion, "cell");
    assert_eq!(cells.len(), k * k);
    for c in &cells {
        let t: usize = c["data-true"].parse().unwrap();
        let p: usize = c["data-predicted"].parse().unwrap();
        let count: usize = c["data-count"].parse().unwrap();
        assert_eq!(count, metrics.confusion[t][p], "cell ({t}, {p})");
        let share: f64 = c["data-share"].parse().unwrap();
        let row: usize = metrics.confusion[t].iter().sum();
        assert_eq!(share, count as f64 / row as f64);
    }
    let texts = svg_texts(&confusion);
    for l in &labels {
        assert_eq!(
            texts.iter().filter(|t| *t == l).count(),
            2,
            "{l} on both axes"
        );
    }
    assert!(texts.iter().any(|t| t == TRUE_AXIS) && texts.iter().any(|t| t == PREDICTED_AXIS));

    // One ROC curve per class with its one-vs-rest AUC, and the chance line.
    let roc = text(&files, "roc.svg");
    let series = of_class(&roc, "series");
    assert_eq!(series.len(), k + 1);
    let aucs = ovr_roc_auc(&test.y, &probs, k);
    for (c, l) in labels.iter().enumerate() {
        assert_eq!(
            series[c]["data-name"],
            format!("{l} (AUC {:.3})", aucs[c]),
            "class {c}"
        );
    }
    let loss = text(&files, "loss.svg");
    assert!(loss.contains("cross-entropy loss") && !loss.contains("BCE"));

    // The summary: the task's columns, values from the history and from
    // eval::multiclass on the same predictions.
    let (header, rows) = csv_table(&text(&files, "summary.csv"));
    for col in [
        "final_test_acc",
        "best_test_acc",
        "best_test_epoch",
        "balanced_test_acc",
        "macro_f1",
        "log_loss",
        "final_train_loss",
        "final_test_loss",
    ] {
        assert!(header.iter().any(|h| h == col), "{col} in {header:?}");
    }
    assert_eq!(rows.len(), 1);
    let row = &rows[0];
    assert_eq!(cell(&header, row, "macro_f1"), metrics.macro_f1);
    assert_eq!(cell(&header, row, "log_loss"), metrics.log_loss);
    assert_eq!(
        cell(&header, row, "balanced_test_acc"),
        metrics.balanced_accuracy * 100.0
    );
    let h = &m.history;
    let last = h.last().unwrap();
    assert_eq!(
        cell(&header, row, "final_test_acc"),
        h.test_accuracy(last).unwrap() * 100.0
    );
    // Without early stopping the saved model is the last epoch's: its
    // accuracy on the test split is the history's.
    assert_eq!(metrics.accuracy, h.test_accuracy(last).unwrap());
    let best = h.best_test().unwrap();
    assert_eq!(cell(&header, row, "best_test_epoch"), best.epoch as f64);
    assert_eq!(
        cell(&header, row, "final_test_loss"),
        last.test_loss.unwrap() as f64
    );

    let summary = text(&files, "summary.txt");
    assert!(summary.contains("macro F1") && summary.contains("balanced acc"));
    let html = text(&files, "report.html");
    let shown = report_headers(&html);
    assert!(shown.iter().any(|h| h == "macro F1"), "{shown:?}");
    // Every figure inline: accuracy, loss, confusion, roc.
    let doc = report_doc(&html);
    assert_eq!(
        doc.descendants().filter(|n| n.has_tag_name("svg")).count(),
        4
    );
}

#[test]
fn a_regression_run_shows_rmse_predictions_and_residuals() {
    let result = run("diabetes.csv", "progression", train_config(), 40);
    assert_eq!(result.task, Task::Regression);
    let files = files(&outputs::stage(&result, &OutputOptions::default()).unwrap());
    for f in ["loss", "rmse", "predicted", "residuals"] {
        assert!(files.contains_key(&format!("{f}.svg")), "{f}.svg");
        assert!(files.contains_key(&format!("{f}.png")), "{f}.png");
    }
    for f in ["accuracy.svg", "roc.svg", "confusion.svg"] {
        assert!(!files.contains_key(f), "{f} is a classifier's figure");
    }
    let m = &result.models[0];
    let h = &m.history;
    let test = &result.prepared.test;

    let rmse = text(&files, "rmse.svg");
    let series = of_class(&rmse, "series");
    assert_eq!(series.len(), 2, "train and test");
    assert!(svg_texts(&rmse).iter().any(|t| t == "RMSE (progression)"));

    // One dot per test row, the identity line, the axes named.
    let predicted = text(&files, "predicted.svg");
    assert_eq!(of_class(&predicted, "point").len(), test.n);
    assert_eq!(of_class(&predicted, "reference").len(), 1);
    let texts = svg_texts(&predicted);
    for t in ["Actual progression", "Predicted progression"] {
        assert!(texts.iter().any(|x| x == t), "{t} in {texts:?}");
    }
    let residuals = text(&files, "residuals.svg");
    assert_eq!(of_class(&residuals, "point").len(), test.n);
    let texts = svg_texts(&residuals);
    for t in ["Predicted progression", "Residual (actual − predicted)"] {
        assert!(texts.iter().any(|x| x == t), "{t} in {texts:?}");
    }
    let loss = text(&files, "loss.svg");
    assert!(loss.contains("MSE loss on the standardized target"));

    // The predictions the scatter plots show are in the target's units:
    // their RMSE is the history's last test RMSE (no early stopping).
    let pred = predicted_values(&m.net, test).unwrap();
    let actual = &test.target.as_ref().unwrap().values;
    let sse: f64 = pred
        .iter()
        .zip(actual)
        .map(|(p, a)| (p - a) * (p - a))
        .sum();
    let last = h.last().unwrap();
    let fit = last.test_fit.unwrap();
    let rmse_of_points = (sse / test.n as f64).sqrt();
    assert!(
        (rmse_of_points - fit.rmse).abs() <= 1e-6 * fit.rmse,
        "{rmse_of_points} vs {}",
        fit.rmse
    );

    let (header, rows) = csv_table(&text(&files, "summary.csv"));
    for col in [
        "final_test_rmse",
        "final_test_mae",
        "final_test_r2",
        "best_test_rmse",
        "best_test_epoch",
        "final_train_loss",
        "final_test_loss",
    ] {
        assert!(header.iter().any(|h| h == col), "{col} in {header:?}");
    }
    for col in ["final_test_acc", "best_test_acc", "final_train_acc"] {
        assert!(!header.iter().any(|h| h == col), "no {col} for regression");
    }
    let row = &rows[0];
    assert_eq!(cell(&header, row, "final_test_rmse"), fit.rmse);
    assert_eq!(cell(&header, row, "final_test_mae"), fit.mae);
    assert_eq!(cell(&header, row, "final_test_r2"), fit.r2);
    let (best_epoch, best_rmse) = h
        .records
        .iter()
        .map(|r| (r.epoch, r.test_fit.unwrap().rmse))
        .fold((0, f64::INFINITY), |b, r| if r.1 < b.1 { r } else { b });
    assert_eq!(cell(&header, row, "best_test_rmse"), best_rmse);
    assert_eq!(cell(&header, row, "best_test_epoch"), best_epoch as f64);
    assert_eq!(
        cell(&header, row, "final_train_loss"),
        last.train_loss as f64
    );

    let summary = text(&files, "summary.txt");
    assert!(summary.contains("final test RMSE") && !summary.contains("acc"));
    let shown = report_headers(&text(&files, "report.html"));
    assert!(shown.iter().any(|h| h == "final test R²"), "{shown:?}");
}

#[test]
fn a_regression_compare_compares_test_rmse() {
    let mut config = RunConfig::compare();
    config.models.truncate(2);
    let result = run("diabetes.csv", "progression", config, 15);
    let files = files(&outputs::stage(&result, &OutputOptions::default()).unwrap());
    let cmp = text(&files, "comparison.svg");
    let series = of_class(&cmp, "series");
    assert_eq!(series.len(), 2, "one curve per model");
    let texts = svg_texts(&cmp);
    assert!(
        texts.iter().any(|t| t == "Test RMSE per epoch"),
        "{texts:?}"
    );
    assert!(files.contains_key("rmse_panels.svg") && files.contains_key("rmse_panels.png"));
    assert!(!files.contains_key("accuracy_panels.svg"));
    assert_eq!(
        of_class(&text(&files, "rmse_panels.svg"), "series").len(),
        4
    );
    for m in &result.models {
        assert!(files.contains_key(&format!("{}/predicted.svg", m.name)));
    }
    let (header, rows) = csv_table(&text(&files, "summary.csv"));
    assert_eq!(rows.len(), 2);
    assert!(header.iter().any(|h| h == "final_test_rmse"));
}

#[test]
fn a_binary_run_keeps_its_summary_columns() {
    let result = run(
        "heart_failure_clinical_records_dataset.csv",
        "DEATH_EVENT",
        RunConfig::train(),
        5,
    );
    assert_eq!(result.task, Task::Binary);
    let files = files(&outputs::stage(&result, &OutputOptions::default()).unwrap());
    let csv = text(&files, "summary.csv");
    assert_eq!(
        csv.lines().next().unwrap(),
        "model,arch,epochs,final_train_loss,final_train_acc,final_test_loss,final_test_acc,best_test_acc,best_test_epoch"
    );
    let names: Vec<&str> = files.keys().map(String::as_str).collect();
    for f in ["accuracy.svg", "loss.svg", "roc.svg"] {
        assert!(names.contains(&f), "{f} in {names:?}");
    }
    for f in [
        "confusion.svg",
        "rmse.svg",
        "predicted.svg",
        "residuals.svg",
    ] {
        assert!(!names.contains(&f), "{f} is not a binary figure");
    }
    assert!(text(&files, "loss.svg").contains("BCE-with-logits loss"));
    assert_eq!(
        report_headers(&text(&files, "report.html")),
        [
            "model",
            "arch",
            "final test acc",
            "best test acc",
            "best epoch",
            "final train loss",
            "final test loss"
        ]
    );
}
