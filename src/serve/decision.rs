//! The decision view of a classifier: what it predicts over the plane of
//! two inputs, the others at their training means (binary: P(positive);
//! multiclass: the most probable class and its probability), with every row
//! drawn as a point.

use super::task_data::TaskData;
use super::wire::Decision;
use nonlin::data::Samples;
use nonlin::eval::predict::Predicted;
use nonlin::model::Network;

/// The classifier over a `n × n` grid of inputs `fx` and `fy` (`n ≥ 2`; in
/// the data's units), the other inputs at the mean of the training rows,
/// and every row as a point `[x, y, class, is_test]`; `epoch`: the
/// network's. `data.task` is binary or multiclass (a regression's cells
/// would be NaN).
pub fn decision_grid(
    net: &Network,
    data: &TaskData,
    (fx, fy): (usize, usize),
    n: usize,
    (epoch, finished): (usize, bool),
) -> Decision {
    let p = data.prepared;
    let d = p.features.len();
    let means: Vec<f32> = (0..d).map(|j| column_mean(&p.train, j)).collect();
    let (x0, x1) = span(data, fx);
    let (y0, y1) = span(data, fy);
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
    let (probs, class, classes) = match data.predict(net, &xt, cells).1 {
        Predicted::Multiclass {
            k,
            probabilities,
            class_index,
        } => {
            let probs = class_index
                .iter()
                .enumerate()
                .map(|(i, &c)| probabilities[i * k + c] as f64)
                .collect();
            (probs, Some(class_index), Some(data.class_names()))
        }
        Predicted::Binary { probabilities } => (
            probabilities.iter().map(|&v| v as f64).collect(),
            None,
            None,
        ),
        // The view refuses a regression first; its values are no probabilities.
        Predicted::Regression { values } => (vec![f64::NAN; values.len()], None, None),
    };
    let mut points = Vec::with_capacity(p.train.n + p.test.n);
    for (s, is_test) in [(&p.train, false), (&p.test, true)] {
        for i in 0..s.n {
            points.push((
                data.raw(fx, s.xt[fx * s.n + i] as f64),
                data.raw(fy, s.xt[fy * s.n + i] as f64),
                s.y[i],
                is_test,
            ));
        }
    }
    Decision {
        x: p.features[fx].clone(),
        y: p.features[fy].clone(),
        n,
        x_range: [data.raw(fx, x0 as f64), data.raw(fx, x1 as f64)],
        y_range: [data.raw(fy, y0 as f64), data.raw(fy, y1 as f64)],
        probs,
        class,
        classes,
        points,
        epoch,
        finished,
    }
}

fn column_mean(s: &Samples, j: usize) -> f32 {
    let col = &s.xt[j * s.n..(j + 1) * s.n];
    (col.iter().map(|&v| v as f64).sum::<f64>() / s.n.max(1) as f64) as f32
}

/// The standardized range of input `j` over every row, padded by 5%
/// (`-1..1` for a constant or empty input).
fn span(data: &TaskData, j: usize) -> (f32, f32) {
    match data.range(j) {
        Some((lo, hi)) if hi - lo >= 1e-6 => {
            let pad = (hi - lo) * 0.05;
            (lo - pad, hi + pad)
        }
        _ => (-1.0, 1.0),
    }
}
