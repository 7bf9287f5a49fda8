//! A study in words: `study.md`, the console table, the design and training
//! lines and the comparison sentences.

use super::{mean_ci, sentence, shown, unit_suffix};
use crate::data::Task;
use crate::eval::study::{
    compared_of, headline_of, metric_info, metrics_of, InitSeeds, StudyResult,
};
use crate::report::summary_table::text_table;
use std::fmt::Write;

/// The console table: model × main metrics, `mean [95% CI]`.
pub fn console_table(study: &StudyResult) -> String {
    let keys = headline_of(study.task);
    let headers: Vec<String> = ["model".to_string(), "arch".to_string()]
        .into_iter()
        .chain(keys.iter().map(|k| {
            let i = metric_info(k).unwrap();
            format!("{}{}", i.label, unit_suffix(&i))
        }))
        .collect();
    let rows: Vec<Vec<String>> = study
        .models
        .iter()
        .map(|m| {
            let mut row = vec![m.name.clone(), m.arch.clone()];
            row.extend(
                keys.iter()
                    .map(|k| mean_ci(study, &m.name, &metric_info(k).unwrap())),
            );
            row
        })
        .collect();
    let h: Vec<&str> = headers.iter().map(String::as_str).collect();
    text_table(&h, &rows)
}

/// The console's line about the rows: how many, and the classes' split or
/// the target.
pub fn rows_line(study: &StudyResult) -> String {
    let n = study.n_rows;
    let d = study.features.len();
    match study.task {
        Task::Binary => format!(
            "{n} rows, {} positive ({:.1}%), {d} features",
            study.n_positive,
            100.0 * study.n_positive as f64 / n as f64
        ),
        Task::Multiclass => format!("{n} rows, {} classes, {d} features", study.classes.len()),
        Task::Regression => format!(
            "{n} rows, target '{}' (regression), {d} features",
            study.target
        ),
    }
}

/// The main compared metric of the study's task, and the console's heading
/// for its sentences (naming where the others are).
pub fn main_comparison(study: &StudyResult) -> (&'static str, String) {
    let compared = compared_of(study.task);
    let label = |k: &str| metric_info(k).map_or(k.to_string(), |i| i.label.to_string());
    let others: Vec<String> = compared[1..].iter().map(|k| label(k)).collect();
    let heading = format!(
        "Paired comparisons of {} (corrected resampled t-test; {} in study.md)",
        label(compared[0]),
        others.join(" and ")
    );
    (compared[0], heading)
}

/// One sentence per comparison of `metric`, each on its own line.
pub fn sentences(study: &StudyResult, metric: &str) -> String {
    study
        .comparisons_of(metric)
        .map(|c| sentence(c) + "\n")
        .collect()
}

/// A one-line description of the design.
pub fn design(study: &StudyResult) -> String {
    format!(
        "{} × {}-fold {}cross-validation (seed {}), scaler fit on each training fold; \
         {:.1} training / {:.1} test rows per fold",
        study.repeats,
        study.folds,
        if study.task == Task::Regression {
            ""
        } else {
            "stratified "
        },
        study.seed,
        study.n_train_mean,
        study.n_test_mean
    )
}

/// The training settings in words.
pub fn training(study: &StudyResult) -> String {
    let t = &study.train;
    let batch = match t.batch_size {
        Some(b) => format!("mini-batches of {b}"),
        None => "full batch".into(),
    };
    let mut s = format!(
        "{} for {} epochs, {batch}",
        t.optimizer.describe(),
        t.epochs
    );
    if study.auto_pos_weight {
        s += ", pos_weight = negatives/positives of each training fold";
    } else if let Some(w) = t.loss.pos_weight.value() {
        let _ = write!(s, ", pos_weight {w}");
    }
    if let Some(es) = t.early_stopping {
        let _ = write!(
            s,
            ", early stopping (patience {}, validation fraction {})",
            es.patience, es.validation_fraction
        );
    }
    match study.init {
        InitSeeds::PerRun => s += "; initialisation seeded per (repeat, fold, model)",
        InitSeeds::Fixed(v) => {
            let _ = write!(s, "; initialisation seed {v} for every run");
        }
    }
    s
}

/// `study.md`: design, tables per metric, comparisons in words.
pub fn to_markdown(study: &StudyResult) -> String {
    let mut s = String::from("# Repeated cross-validation study\n\n");
    markdown_design(&mut s, study);
    markdown_models(&mut s, study);
    markdown_summary(&mut s, study);
    markdown_metrics(&mut s, study);
    markdown_comparisons(&mut s, study);
    markdown_importance(&mut s, study);
    s
}

/// `## Permutation importance`: per model, its features by rank.
fn markdown_importance(s: &mut String, study: &StudyResult) {
    if study.importance.is_empty() {
        return;
    }
    let metric = match study.task {
        Task::Binary => "ROC AUC",
        Task::Multiclass => "accuracy",
        Task::Regression => "R²",
    };
    let _ = write!(
        s,
        "\n## Permutation importance\n\nThe drop in test {metric} when a feature's column is \
         shuffled among the held-out rows, the mean over each fold's shuffles, pooled over \
         the {} folds (95% CI over folds; rank 1 matters most).\n",
        study.repeats * study.folds
    );
    for m in &study.models {
        let mut rows: Vec<_> = study
            .importance
            .iter()
            .filter(|i| i.model == m.name)
            .collect();
        if rows.is_empty() {
            continue;
        }
        rows.sort_by_key(|i| i.rank);
        let _ = write!(
            s,
            "\n### {}\n\n| rank | feature | mean drop | 95% CI |\n|---:|---|---:|---:|\n",
            m.name
        );
        for i in rows {
            let x = &i.summary;
            let _ = writeln!(
                s,
                "| {} | {} | {:.4} | [{:.4}, {:.4}] |",
                i.rank, i.feature, x.mean, x.ci_low, x.ci_high
            );
        }
    }
}

/// The list of the data, the design, the training and the caveats.
fn markdown_design(s: &mut String, study: &StudyResult) {
    let pos = study.n_positive as f64 / study.n_rows as f64 * 100.0;
    let _ = writeln!(s, "- data: {}", study.source);
    let _ = match study.task {
        Task::Binary => writeln!(
            s,
            "- rows: {} ({} positive, {pos:.1}%), target `{}`",
            study.n_rows, study.n_positive, study.target
        ),
        Task::Multiclass => writeln!(
            s,
            "- rows: {}, target `{}`: {} classes ({})",
            study.n_rows,
            study.target,
            study.classes.len(),
            study
                .classes
                .iter()
                .map(|c| format!("`{c}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Task::Regression => writeln!(
            s,
            "- rows: {}, target `{}` (regression; RMSE and MAE in its units, losses on it \
             standardized)",
            study.n_rows, study.target
        ),
    };
    let _ = writeln!(
        s,
        "- features ({}): {}",
        study.features.len(),
        study.features.join(", ")
    );
    let _ = writeln!(s, "- design: {}", design(study));
    let _ = writeln!(s, "- training: {}", training(study));
    *s += match study.task {
        Task::Binary => {
            "- baselines: `logistic` is a network with no hidden layer trained with the same \
             settings; `majority` predicts the training fold's majority class with probability \
             equal to its positive rate (all scores tied: ROC AUC 0.5, PR AUC = test positive \
             rate)\n"
        }
        Task::Multiclass => {
            "- baselines: `logistic` is multinomial logistic regression, a network with no \
             hidden layer (one output per class) trained with the same settings; `majority` \
             predicts the training fold's class shares for every row (its most frequent class)\n"
        }
        Task::Regression => {
            "- baselines: `linear` is least-squares linear regression (scikit-learn's \
             `LinearRegression()`) fit on each training fold; `mean` predicts the training \
             fold's mean for every row (R² ≤ 0 on the test fold)\n"
        }
    };
    *s += "- 95% CIs of the mean over folds use Student's t and treat the folds as independent, \
          so they are too narrow (training sets overlap); to compare models use the paired \
          comparisons below, which use the corrected resampled t-test (Nadeau & Bengio 2003)\n\n";
}

/// `## Models`: name, architecture and parameter count of each.
fn markdown_models(s: &mut String, study: &StudyResult) {
    *s += "## Models\n\n| model | architecture | parameters |\n|---|---|---:|\n";
    for m in &study.models {
        let _ = writeln!(s, "| {} | {} | {} |", m.name, m.arch, m.params);
    }
}

/// `## Summary`: model × main metrics, `mean [95% CI]`.
fn markdown_summary(s: &mut String, study: &StudyResult) {
    *s += "\n## Summary (mean [95% CI] over folds)\n\n";
    let keys: &[&str] = match study.task {
        Task::Binary => &[
            "accuracy",
            "balanced_accuracy",
            "mcc",
            "roc_auc",
            "pr_auc",
            "brier",
        ],
        task => headline_of(task),
    };
    *s += "| model |";
    for k in keys {
        let i = metric_info(k).unwrap();
        let _ = write!(s, " {}{} |", i.label, unit_suffix(&i));
    }
    *s += "\n|---|";
    *s += &"---:|".repeat(keys.len());
    *s += "\n";
    for m in &study.models {
        let _ = write!(s, "| {} |", m.name);
        for k in keys {
            let _ = write!(
                s,
                " {} |",
                mean_ci(study, &m.name, &metric_info(k).unwrap())
            );
        }
        *s += "\n";
    }
}

/// `## Metrics`: a table per metric (mean, std, CI, folds of each model).
fn markdown_metrics(s: &mut String, study: &StudyResult) {
    *s += "\n## Metrics\n";
    for &info in metrics_of(study.task) {
        let _ = write!(
            s,
            "\n### {}{}{}\n\n| model | mean | std | 95% CI | folds |\n|---|---:|---:|---:|---:|\n",
            info.label,
            unit_suffix(&info),
            if info.higher_is_better {
                ""
            } else {
                " — lower is better"
            }
        );
        for m in &study.models {
            if let Some(x) = study.summary(&m.name, info.key) {
                let _ = writeln!(
                    s,
                    "| {} | {} | {} | [{}, {}] | {} |",
                    m.name,
                    shown(&info, x.mean),
                    shown(&info, x.std),
                    shown(&info, x.ci_low),
                    shown(&info, x.ci_high),
                    x.n
                );
            }
        }
    }
}

/// `## Paired comparisons`: the sentences of each compared metric.
fn markdown_comparisons(s: &mut String, study: &StudyResult) {
    *s += "\n## Paired comparisons\n";
    for key in compared_of(study.task) {
        let info = metric_info(key).unwrap();
        let _ = writeln!(s, "\n### {}\n", info.label);
        for c in study.comparisons_of(key) {
            let _ = writeln!(s, "- {}", sentence(c));
        }
    }
}
