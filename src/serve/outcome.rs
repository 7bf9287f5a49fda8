//! What the page shows of a network on the test split, during training
//! (from a snapshot) and when it ends, as its task measures it (the
//! library's metrics): binary, the confusion matrix, accuracy, ROC AUC and
//! MCC; multiclass, the K×K confusion matrix, accuracy, balanced accuracy,
//! macro-F1 and log loss; regression, RMSE, MAE and R² in the target's
//! units, and the predictions against the actual values.

use super::task_data::TaskData;
use super::wire::{
    BinaryScores, EpochRow, ModelOutcome, Msg, MulticlassScores, RegressionScores, Scores,
    FIT_POINTS,
};
use nonlin::eval::metrics::{roc_auc, Confusion};
use nonlin::eval::multiclass::multiclass_metrics;
use nonlin::eval::predict::{Predicted, DEFAULT_THRESHOLD};
use nonlin::model::Network;
use nonlin::run::RunResult;
use nonlin::train::{RegressionMetrics, TrainedModel};

/// The end-of-run message for the page.
pub fn done_message(id: u64, result: &RunResult) -> Msg {
    let data = TaskData::of_result(result);
    Msg::Done {
        id,
        cancelled: result.cancelled,
        features: result.prepared.features.clone(),
        scaling: result.prepared.options.scaling.describe().to_string(),
        models: result
            .models
            .iter()
            .map(|m| model_outcome(m, &data))
            .collect(),
    }
}

fn model_outcome(m: &TrainedModel, data: &TaskData) -> ModelOutcome {
    ModelOutcome {
        model: m.name.clone(),
        arch: m.net.arch.to_string(),
        epochs: m.history.records.len(),
        last: m.history.last().map(|r| EpochRow::new(&m.history, r)),
        scores: test_scores(&m.net, data),
    }
}

/// The network's results on the test split (binary: at nonlin's decision
/// threshold).
pub fn test_scores(net: &Network, data: &TaskData) -> Scores {
    let test = &data.prepared.test;
    let (out, predicted) = data.predict(net, &test.xt, test.n);
    match predicted {
        Predicted::Binary { probabilities } => {
            let c = Confusion::from_probabilities(&test.y, &probabilities, DEFAULT_THRESHOLD);
            Scores::Binary(BinaryScores::new(&c, roc_auc(&test.y, &probabilities)))
        }
        Predicted::Multiclass {
            k, probabilities, ..
        } => Scores::Multiclass(MulticlassScores::new(multiclass_metrics(
            &test.y,
            &probabilities,
            k,
        ))),
        Predicted::Regression { values } => {
            Scores::Regression(regression_scores(data, &out, &values))
        }
    }
}

/// RMSE, MAE, R² and the predictions of the test rows, in the target's
/// units, from the network's outputs `out` and its predictions `values`
/// (NaN metrics and no points for rows without their target values).
fn regression_scores(data: &TaskData, out: &[f32], values: &[f64]) -> RegressionScores {
    let test = &data.prepared.test;
    let Some(target) = &test.target else {
        return RegressionScores {
            rmse: f64::NAN,
            mae: f64::NAN,
            r2: f64::NAN,
            predicted: Vec::new(),
            actual: Vec::new(),
        };
    };
    let m = RegressionMetrics::compute(out, &target.values, &target.scale);
    let stride = test.n.div_ceil(FIT_POINTS).max(1);
    RegressionScores {
        rmse: m.rmse,
        mae: m.mae,
        r2: m.r2,
        predicted: values.iter().step_by(stride).copied().collect(),
        actual: target.values.iter().step_by(stride).copied().collect(),
    }
}
