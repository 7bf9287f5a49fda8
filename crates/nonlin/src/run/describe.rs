//! Plain-language descriptions of a run's data and settings, as (key, value)
//! pairs: the console prints them, the report and the `Started` event carry
//! them.

use crate::data::{BinaryLabels, Dataset, Label, Prepared};
use crate::train::{PosWeight, TrainConfig};

/// The data set and its split.
pub fn data_summary(ds: &Dataset, p: &Prepared) -> Vec<(String, String)> {
    let pct = |k: usize, n: usize| format!("{k}/{n} ({:.1}%)", 100.0 * k as f64 / n as f64);
    let mut kv: Vec<(String, String)> = vec![
        ("data".into(), ds.source.clone()),
        (
            "rows".into(),
            format!(
                "{} ({} features, target '{}')",
                ds.n_rows(),
                ds.n_features(),
                ds.target
            ),
        ),
        ("features".into(), ds.features.join(", ")),
    ];
    if p.features != ds.features {
        kv.push((
            "inputs".into(),
            format!("{} ({})", p.features.len(), p.features.join(", ")),
        ));
    }
    if ds.labels != BinaryLabels::default() {
        kv.push(("target values".into(), labels_text(&ds.labels)));
    }
    kv.extend([
        ("positives".into(), pct(ds.n_positive(), ds.n_rows())),
        (
            "split".into(),
            format!(
                "{} train / {} test (test_size {}, seed {}{})",
                p.train.n,
                p.test.n,
                p.options.test_size,
                p.options.split_seed,
                if p.options.stratify {
                    ", stratified"
                } else {
                    ""
                }
            ),
        ),
        (
            "train positives".into(),
            pct(p.train.n_positive(), p.train.n),
        ),
        ("test positives".into(), pct(p.test.n_positive(), p.test.n)),
        ("scaling".into(), p.options.scaling.describe().into()),
    ]);
    kv
}

/// "'SI' is positive (of 'NO', 'SI')": which target value is class 1, and
/// the two values in sorted order.
pub fn labels_text(labels: &BinaryLabels) -> String {
    format!("'{}' is positive {}", labels.positive, both_values(labels))
}

/// The console's line about the labels: "positive class: 'SI' (of 'NO', 'SI')".
pub fn positive_class_line(labels: &BinaryLabels) -> String {
    format!(
        "positive class: '{}' {}",
        labels.positive,
        both_values(labels)
    )
}

/// "(of 'NO', 'SI')", numbers by value, text by code point.
fn both_values(labels: &BinaryLabels) -> String {
    let (a, b) = (&labels.negative, &labels.positive);
    let in_order = match (a, b) {
        (Label::Number(x), Label::Number(y)) => x <= y,
        _ => a.to_string() <= b.to_string(),
    };
    let (first, second) = if in_order { (a, b) } else { (b, a) };
    format!("(of '{first}', '{second}')")
}

/// The training settings.
pub fn settings_summary(config: &TrainConfig, seed: u64) -> Vec<(String, String)> {
    let mut kv = vec![
        ("optimizer".to_string(), config.optimizer.describe()),
        ("epochs".into(), config.epochs.to_string()),
        ("batches".into(), batch_text(config)),
        ("lr schedule".into(), config.schedule.describe()),
        (
            "loss".into(),
            match config.loss.pos_weight {
                PosWeight::Value(w) => format!("BCEWithLogitsLoss(pos_weight={w})"),
                PosWeight::Auto => "BCEWithLogitsLoss(pos_weight=negatives/positives)".into(),
                PosWeight::None => "BCEWithLogitsLoss()".into(),
            },
        ),
        ("init seed".into(), seed.to_string()),
    ];
    if let Some(es) = config.early_stopping {
        kv.push((
            "early stopping".into(),
            format!(
                "patience {}, validation fraction {}",
                es.patience, es.validation_fraction
            ),
        ));
    }
    kv.push(("nonlin".into(), env!("CARGO_PKG_VERSION").to_string()));
    kv
}

/// "full batch" or "mini-batches of N, reshuffled every epoch".
pub fn batch_text(config: &TrainConfig) -> String {
    match config.batch_size {
        Some(b) => format!("mini-batches of {b}, reshuffled every epoch"),
        None => "full batch".into(),
    }
}

/// One line about the training, as the console announces it.
pub fn training_line(config: &TrainConfig) -> String {
    format!(
        "{} for {} epochs, {}",
        config.optimizer.describe(),
        config.epochs,
        batch_text(config)
    )
}
