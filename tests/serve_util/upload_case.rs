//! The upload both the HTTP and the browser tests send: semicolons and
//! decimal commas, a text target (`died` / `survived`) and one missing
//! value; and the library's run on it with `missing = median` and
//! `positive = died` (what `nonlin train --missing median --positive died`
//! runs), to compare the page's numbers with.

use nonlin::data::{Dataset, DatasetOptions, ImputeStrategy, MissingPolicy, Table};
use nonlin::run::{split_run, Cancel, Hidden, ModelDef, RunConfig, Silent};
use nonlin::train::history::percent;

/// The CSV text.
pub fn text_csv() -> String {
    let mut s = String::from("age;ejection;creatinine;outcome\n");
    for i in 0..60 {
        let creat = if i == 7 {
            "NA".to_string()
        } else {
            format!("{},{}", 1 + i % 3, (i * 37) % 100)
        };
        let outcome = if (i * 7) % 5 < 2 { "died" } else { "survived" };
        s.push_str(&format!(
            "{};{};{creat};{outcome}\n",
            40 + i,
            20 + (i * 13) % 50
        ));
    }
    s
}

/// The data layer's error for the CSV with the default options (`--missing
/// error`), as `source` names it.
pub fn default_error(source: &str) -> String {
    let table = Table::from_csv_bytes(text_csv().as_bytes(), source).unwrap();
    Dataset::from_table_with(&table, &DatasetOptions::new("outcome"))
        .unwrap_err()
        .to_string()
}

/// A library message as the page words it: each setting it refers to by
/// the label of the page's control, never by a flag (`column`: the column
/// a message about a cell suggests treating or leaving out).
pub fn page_words(library: &str, column: &str) -> String {
    library
        .replace("`missing = drop`", "\"Missing values: drop\"")
        .replace(
            "`missing = mean|median|most-frequent`",
            "\"Missing values: mean|median|most-frequent\"",
        )
        .replace(
            &format!("`categorical = {column}`"),
            &format!("\"Categorical: {column}\""),
        )
        .replace(
            &format!("`drop = {column}`"),
            &format!("\"Features\" (untick '{column}')"),
        )
}

/// The history rows (as the page's stream sends them) of the library's run
/// on the CSV: target `outcome`, `missing = median`, `positive = died`, one
/// layer of 5 ReLU units, full-batch SGD with `lr` for `epochs` epochs,
/// seed `seed`, ChaCha8 initial weights, the tutorial's split, the scaler fit
/// on the training rows.
pub fn library_rows(epochs: usize, lr: f32, seed: u64) -> Vec<Vec<f64>> {
    let table = Table::from_csv_bytes(text_csv().as_bytes(), "text.csv").unwrap();
    let options = DatasetOptions {
        missing: MissingPolicy::Impute(ImputeStrategy::Median),
        positive: Some("died".into()),
        ..DatasetOptions::new("outcome")
    };
    let ds = Dataset::from_table_with(&table, &options).unwrap();
    let mut config = RunConfig::train_tutorial();
    config.models = vec![ModelDef {
        name: Some("model".into()),
        hidden: Hidden::Spec("5-relu".into()),
    }];
    config.train.epochs = epochs;
    config.train.optimizer = nonlin::train::OptimizerConfig::sgd(lr);
    config.seed = seed;
    let result = split_run::run(&ds, &config, &mut Silent, &Cancel::new()).unwrap();
    let h = &result.models[0].history;
    h.records
        .iter()
        .map(|r| {
            vec![
                r.epoch as f64,
                r.train_loss as f64,
                percent(h.train_accuracy(r)),
                r.test_loss.unwrap() as f64,
                percent(h.test_accuracy(r).unwrap()),
                r.train_correct as f64,
                r.test_correct.unwrap() as f64,
            ]
        })
        .collect()
}
