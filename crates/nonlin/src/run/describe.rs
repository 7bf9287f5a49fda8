//! Plain-language descriptions of a run's data and settings, as (key, value)
//! pairs: the console prints them, the report and the `Started` event carry
//! them.

use crate::data::{BinaryLabels, Dataset, Label, Prepared, Samples, Task};
use crate::train::{ClassWeight, LossConfig, PosWeight, RegressionLoss, TrainConfig};

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
    match ds.task {
        Task::Binary => {
            if ds.labels != BinaryLabels::default() {
                kv.push(("target values".into(), labels_text(&ds.labels)));
            }
            kv.push(("positives".into(), pct(ds.n_positive(), ds.n_rows())));
        }
        Task::Multiclass => {
            let classes: Vec<String> = ds.classes.iter().map(|c| format!("'{c}'")).collect();
            kv.push((
                "task".into(),
                format!(
                    "multiclass, {} classes: {}",
                    classes.len(),
                    classes.join(", ")
                ),
            ));
        }
        Task::Regression => {
            let scale = p
                .target_scale
                .expect("a regression split has its target scale");
            kv.push((
                "task".into(),
                format!(
                    "regression, target standardized on the train split (mean {}, std {})",
                    scale.mean, scale.scale
                ),
            ));
        }
    }
    kv.push((
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
    ));
    match ds.task {
        Task::Binary => kv.extend([
            (
                "train positives".into(),
                pct(p.train.n_positive(), p.train.n),
            ),
            ("test positives".into(), pct(p.test.n_positive(), p.test.n)),
        ]),
        Task::Multiclass => kv.extend([
            (
                "train classes".into(),
                class_counts(&p.train, ds.n_classes()),
            ),
            ("test classes".into(), class_counts(&p.test, ds.n_classes())),
        ]),
        Task::Regression => {}
    }
    kv.push(("scaling".into(), p.options.scaling.describe().into()));
    kv
}

/// Rows per class, in class order: "59 / 71 / 48".
fn class_counts(s: &Samples, k: usize) -> String {
    let mut count = vec![0usize; k];
    for &t in &s.y {
        count[(t as usize).min(k - 1)] += 1;
    }
    let counts: Vec<String> = count.iter().map(usize::to_string).collect();
    counts.join(" / ")
}

/// The loss as PyTorch spells it.
pub fn loss_text(loss: &LossConfig) -> String {
    match loss.task() {
        Task::Binary => match loss.pos_weight {
            PosWeight::Value(w) => format!("BCEWithLogitsLoss(pos_weight={w})"),
            PosWeight::Auto => "BCEWithLogitsLoss(pos_weight=negatives/positives)".into(),
            PosWeight::None => "BCEWithLogitsLoss()".into(),
        },
        Task::Multiclass => {
            let mut args = Vec::new();
            if loss.class_weight == ClassWeight::Balanced {
                args.push("weight=balanced".to_string());
            }
            if loss.label_smoothing != 0.0 {
                args.push(format!("label_smoothing={}", loss.label_smoothing));
            }
            format!("CrossEntropyLoss({})", args.join(", "))
        }
        Task::Regression => match loss.regression.unwrap_or_default() {
            RegressionLoss::Mse => "MSELoss()".into(),
            RegressionLoss::L1 => "L1Loss()".into(),
            RegressionLoss::Huber { delta } => format!("HuberLoss(delta={delta})"),
        },
    }
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

/// The console's line about what the target's values mean: the positive
/// class (binary), the classes in index order (multiclass); none for a
/// regression target (the data notes say how it is read).
pub fn target_line(task: Task, labels: &BinaryLabels, classes: &[Label]) -> Option<String> {
    match task {
        Task::Binary => Some(positive_class_line(labels)),
        Task::Multiclass => {
            let names: Vec<String> = classes.iter().map(|c| format!("'{c}'")).collect();
            Some(format!("classes: {}", names.join(", ")))
        }
        Task::Regression => None,
    }
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
        ("loss".into(), loss_text(&config.loss)),
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
