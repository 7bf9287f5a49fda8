//! What the page shows of a network, during training (from a snapshot) and
//! when it ends: the confusion matrix, accuracy, ROC AUC and MCC on the test
//! split (the library's metrics), and the decision view (the predicted
//! probability over the plane of two features, the others at their
//! training means).

use super::wire::{Decision, EpochRow, ModelOutcome, Msg, Scores};
use nonlin::data::{Prepared, Samples};
use nonlin::eval::metrics::{roc_auc, Confusion};
use nonlin::eval::predict::{probabilities, DEFAULT_THRESHOLD};
use nonlin::model::Network;
use nonlin::run::RunResult;
use nonlin::train::TrainedModel;

/// The end-of-run message for the page.
pub fn done_message(id: u64, result: &RunResult) -> Msg {
    Msg::Done {
        id,
        cancelled: result.cancelled,
        features: result.prepared.features.clone(),
        scaling: result.prepared.options.scaling.describe().to_string(),
        models: result
            .models
            .iter()
            .map(|m| model_outcome(m, &result.prepared))
            .collect(),
    }
}

fn model_outcome(m: &TrainedModel, p: &Prepared) -> ModelOutcome {
    ModelOutcome {
        model: m.name.clone(),
        arch: m.net.arch.to_string(),
        epochs: m.history.records.len(),
        last: m.history.last().map(|r| EpochRow::new(&m.history, r)),
        scores: test_scores(&m.net, p),
    }
}

/// The network's results on the test split, at nonlin's decision threshold.
pub fn test_scores(net: &Network, p: &Prepared) -> Scores {
    let test = &p.test;
    let probs = probabilities(net, &test.xt, test.n);
    let c = Confusion::from_probabilities(&test.y, &probs, DEFAULT_THRESHOLD);
    Scores::new(&c, roc_auc(&test.y, &probs))
}

/// The probability over a `n × n` grid of features `fx` and `fy` (in the
/// data's units), the other features at the mean of the training rows, and
/// every row as a point `[x, y, label, is_test]`; `epoch`: the network's.
pub fn decision_grid(
    net: &Network,
    p: &Prepared,
    (fx, fy): (usize, usize),
    n: usize,
    (epoch, finished): (usize, bool),
) -> Decision {
    let d = p.features.len();
    let means: Vec<f32> = (0..d).map(|j| column_mean(&p.train, j)).collect();
    let (x0, x1) = span(p, fx);
    let (y0, y1) = span(p, fy);
    let cells = n * n;
    let mut xt = vec![0f32; d * cells];
    for j in 0..d {
        for k in 0..cells {
            let (col, row) = (k % n, k / n);
            let t = |a: f32, b: f32, i: usize| a + (b - a) * i as f32 / (n - 1) as f32;
            xt[j * cells + k] = if j == fx {
                t(x0, x1, col)
            } else if j == fy {
                t(y1, y0, row)
            } else {
                means[j]
            };
        }
    }
    let probs = probabilities(net, &xt, cells);
    let raw = |j: usize, z: f32| z as f64 * p.scaler.scale[j] + p.scaler.mean[j];
    let mut points = Vec::new();
    for (s, is_test) in [(&p.train, false), (&p.test, true)] {
        for i in 0..s.n {
            points.push((
                raw(fx, s.xt[fx * s.n + i]),
                raw(fy, s.xt[fy * s.n + i]),
                s.y[i],
                is_test,
            ));
        }
    }
    Decision {
        x: p.features[fx].clone(),
        y: p.features[fy].clone(),
        n,
        x_range: [raw(fx, x0), raw(fx, x1)],
        y_range: [raw(fy, y0), raw(fy, y1)],
        probs: probs.iter().map(|&v| v as f64).collect(),
        points,
        epoch,
        finished,
    }
}

fn column_mean(s: &Samples, j: usize) -> f32 {
    let col = &s.xt[j * s.n..(j + 1) * s.n];
    (col.iter().map(|&v| v as f64).sum::<f64>() / s.n.max(1) as f64) as f32
}

/// The standardized range of feature `j` over every row, padded by 5%.
fn span(p: &Prepared, j: usize) -> (f32, f32) {
    let mut lo = f32::INFINITY;
    let mut hi = f32::NEG_INFINITY;
    for s in [&p.train, &p.test] {
        for &v in &s.xt[j * s.n..(j + 1) * s.n] {
            lo = lo.min(v);
            hi = hi.max(v);
        }
    }
    if !(lo.is_finite() && hi.is_finite()) || hi - lo < 1e-6 {
        return (-1.0, 1.0);
    }
    let pad = (hi - lo) * 0.05;
    (lo - pad, hi + pad)
}
