//! Decision-curve analysis of a binary risk model (Vickers & Elkin 2006):
//! the net benefit of treating the rows whose predicted risk is at least a
//! threshold probability `t`, against treating everyone and no one,
//!
//! ```text
//! NB(t) = TP/n − FP/n · t/(1 − t)
//! ```
//!
//! computed as the `dcurves` package (1.1) computes it, operation for
//! operation: with `prevalence = positives / n`,
//! `tp_rate = (positives with risk ≥ t) / positives · prevalence`,
//! `fp_rate = (negatives with risk ≥ t) / negatives · (1 − prevalence)`,
//! `NB = tp_rate − t/(1 − t) · fp_rate`. Treat-all is the risk 1 for every
//! row, treat-none the risk 0.

use serde::Serialize;

/// Net benefit at one threshold.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct DecisionPoint {
    pub threshold: f64,
    pub model: f64,
    pub treat_all: f64,
    pub treat_none: f64,
}

/// The default thresholds: 0.01, 0.02, …, 0.99 (`i / 100`).
pub fn default_thresholds() -> Vec<f64> {
    (1..100).map(|i| i as f64 / 100.0).collect()
}

/// The net benefit of `risks` (probabilities of the positive class) for
/// labels `y` (0/1) at each threshold.
pub fn decision_curve(y: &[f32], risks: &[f32], thresholds: &[f64]) -> Vec<DecisionPoint> {
    assert_eq!(y.len(), risks.len(), "one risk per label");
    let n = y.len();
    let positives = y.iter().filter(|&&t| t == 1.0).count();
    let negatives = n - positives;
    let prevalence = positives as f64 / n as f64;
    let net_benefit = |tp: usize, fp: usize, t: f64| {
        let tp_rate = tp as f64 / positives as f64 * prevalence;
        let fp_rate = fp as f64 / negatives as f64 * (1.0 - prevalence);
        tp_rate - t / (1.0 - t) * fp_rate
    };
    thresholds
        .iter()
        .map(|&t| {
            let (mut tp, mut fp) = (0, 0);
            for (&label, &r) in y.iter().zip(risks) {
                if r as f64 >= t {
                    if label == 1.0 {
                        tp += 1;
                    } else {
                        fp += 1;
                    }
                }
            }
            let none = if t <= 0.0 {
                (positives, negatives)
            } else {
                (0, 0)
            };
            DecisionPoint {
                threshold: t,
                model: net_benefit(tp, fp, t),
                treat_all: net_benefit(positives, negatives, t),
                treat_none: net_benefit(none.0, none.1, t),
            }
        })
        .collect()
}

/// `decision_curve.csv`: `threshold,model,treat_all,treat_none`, numbers
/// shortest round-trip.
pub fn to_csv(points: &[DecisionPoint]) -> String {
    let mut s = String::from("threshold,model,treat_all,treat_none\n");
    for p in points {
        s.push_str(&format!(
            "{:?},{:?},{:?},{:?}\n",
            p.threshold, p.model, p.treat_all, p.treat_none
        ));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equals_dcurves() {
        // dcurves 1.1.7 (pandas, float64): dca(data, outcome="y",
        // modelnames=["p"], thresholds=[0.1, 0.25, 0.5, 0.75]) on these ten
        // rows, the risks being these f32 values widened to f64.
        let y = [1.0, 0.0, 1.0, 1.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0];
        let p = [0.9, 0.2, 0.6, 0.3, 0.55, 0.1, 0.8, 0.4, 0.05, 0.7];
        let pts = decision_curve(&y, &p, &[0.1, 0.25, 0.5, 0.75]);
        let model = [
            0.34444444444444444,
            0.30000000000000004,
            0.10000000000000006,
            0.2,
        ];
        let all = [
            0.33333333333333337,
            0.20000000000000004,
            -0.19999999999999996,
            -1.4,
        ];
        for (k, pt) in pts.iter().enumerate() {
            assert_eq!(pt.model, model[k], "threshold {}", pt.threshold);
            assert_eq!(pt.treat_all, all[k], "threshold {}", pt.threshold);
            assert_eq!(pt.treat_none, 0.0);
        }
    }
}
