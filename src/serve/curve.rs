//! The prediction curve of a regression: the network's prediction along
//! one input, every other input held at its training median, over the
//! input's observed range, with the test rows (that input against the
//! actual target) beneath it — the picture of what a non-linearity adds.

use super::task_data::TaskData;
use super::wire::Curve;
use nonlin::data::Samples;
use nonlin::eval::predict::Predicted;
use nonlin::model::Network;

/// Points of a curve.
pub const CURVE_POINTS: usize = 101;

/// The prediction along input `j` at `n ≥ 2` evenly spaced values from its
/// least to its greatest over every row, the other inputs at their
/// training medians; `epoch`: the network's. `data.task` is regression.
pub fn prediction_curve(
    net: &Network,
    data: &TaskData,
    j: usize,
    n: usize,
    (epoch, finished): (usize, bool),
) -> Curve {
    let p = data.prepared;
    let d = p.features.len();
    let medians: Vec<f64> = (0..d).map(|c| column_median(&p.train, c)).collect();
    let (lo, hi) = data.range(j).unwrap_or((0.0, 0.0));
    let at = |i: usize| lo as f64 + (hi as f64 - lo as f64) * i as f64 / (n - 1) as f64;
    let mut xt = vec![0f32; d * n];
    for c in 0..d {
        for i in 0..n {
            xt[c * n + i] = if c == j {
                at(i) as f32
            } else {
                medians[c] as f32
            };
        }
    }
    let y = match data.predict(net, &xt, n).1 {
        Predicted::Regression { values } => values,
        // The view refuses a classifier first.
        _ => vec![f64::NAN; n],
    };
    let test = &p.test;
    let points = match &test.target {
        Some(t) => (0..test.n)
            .map(|i| (data.raw(j, test.xt[j * test.n + i] as f64), t.values[i]))
            .collect(),
        None => Vec::new(),
    };
    Curve {
        feature: p.features[j].clone(),
        index: j,
        target: p.target.clone(),
        x: (0..n).map(|i| data.raw(j, xt[j * n + i] as f64)).collect(),
        y,
        held: (0..d)
            .filter(|&c| c != j)
            .map(|c| (p.features[c].clone(), data.raw(c, medians[c])))
            .collect(),
        points,
        epoch,
        finished,
    }
}

/// The median of standardized input `j` over the rows of `s` (the mean of
/// the middle two for an even count; 0, the scaled mean, with no rows).
fn column_median(s: &Samples, j: usize) -> f64 {
    let mut v: Vec<f64> = s.xt[j * s.n..(j + 1) * s.n]
        .iter()
        .map(|&x| x as f64)
        .collect();
    if v.is_empty() {
        return 0.0;
    }
    v.sort_by(f64::total_cmp);
    let m = v.len() / 2;
    if v.len() % 2 == 1 {
        v[m]
    } else {
        (v[m - 1] + v[m]) / 2.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians_of_odd_and_even_counts() {
        let s = |xt: Vec<f32>| {
            let n = xt.len();
            Samples::from_rows(&xt, 1, vec![0.0; n], (0..n).collect())
        };
        assert_eq!(column_median(&s(vec![3.0, -1.0, 2.0]), 0), 2.0);
        assert_eq!(column_median(&s(vec![4.0, -1.0, 2.0, 0.0]), 0), 1.0);
        assert_eq!(column_median(&s(vec![]), 0), 0.0);
    }
}
