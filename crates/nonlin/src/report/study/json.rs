//! `study.json`: the whole [`StudyResult`], each comparison with its
//! sentence.

use super::sentence;
use crate::data::{Label, Task};
use crate::eval::study::{
    Comparison, FeatureImportance, FoldRecord, FoldSplit, InitSeeds, MetricSummary, StudyModel,
    StudyResult,
};
use crate::train::TrainConfig;
use serde::Serialize;

/// The JSON document: the fields of [`StudyResult`] in their order, with
/// every comparison followed by its sentence.
#[derive(Serialize)]
struct StudyJson<'a> {
    source: &'a str,
    target: &'a str,
    /// Only for a target beyond yes/no (a binary study's document is as
    /// it was before tasks).
    #[serde(skip_serializing_if = "Option::is_none")]
    task: Option<Task>,
    #[serde(skip_serializing_if = "Option::is_none")]
    classes: Option<&'a [Label]>,
    features: &'a [String],
    n_rows: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    n_positive: Option<usize>,
    repeats: usize,
    folds: usize,
    seed: u64,
    init: InitSeeds,
    auto_pos_weight: bool,
    train: &'a TrainConfig,
    models: &'a [StudyModel],
    n_train_mean: f64,
    n_test_mean: f64,
    splits: &'a [FoldSplit],
    records: &'a [FoldRecord],
    summaries: &'a [MetricSummary],
    comparisons: Vec<ComparisonJson<'a>>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    importance: &'a [FeatureImportance],
}

/// A comparison's own fields, then `sentence`.
#[derive(Serialize)]
struct ComparisonJson<'a> {
    #[serde(flatten)]
    comparison: &'a Comparison,
    sentence: String,
}

/// `study.json`: the whole result (NaN becomes null), each comparison with
/// its sentence ([`super::sentence`]).
pub fn to_json(study: &StudyResult) -> String {
    // Destructured without `..`: a field added to `StudyResult` fails to
    // compile here until the document says where it goes.
    let StudyResult {
        source,
        target,
        task,
        classes,
        features,
        n_rows,
        n_positive,
        repeats,
        folds,
        seed,
        init,
        auto_pos_weight,
        train,
        models,
        n_train_mean,
        n_test_mean,
        splits,
        records,
        summaries,
        comparisons,
        importance,
    } = study;
    let binary = *task == Task::Binary;
    let doc = StudyJson {
        source,
        target,
        task: (!binary).then_some(*task),
        classes: (*task == Task::Multiclass).then_some(classes.as_slice()),
        features,
        n_rows: *n_rows,
        n_positive: binary.then_some(*n_positive),
        repeats: *repeats,
        folds: *folds,
        seed: *seed,
        init: *init,
        auto_pos_weight: *auto_pos_weight,
        train,
        models,
        n_train_mean: *n_train_mean,
        n_test_mean: *n_test_mean,
        splits,
        records,
        summaries,
        comparisons: comparisons
            .iter()
            .map(|c| ComparisonJson {
                comparison: c,
                sentence: sentence(c),
            })
            .collect(),
        importance,
    };
    serde_json::to_string_pretty(&doc).expect("the study serializes") + "\n"
}
