//! Choosing a binary model's decision threshold, and what it gives.
//!
//! A row is predicted positive when its probability is strictly above the
//! threshold (as everywhere in nonlin: `torch.round`'s rule at 0.5). The
//! rules, chosen on validation rows (never the test rows):
//! - `youden`: the largest `sensitivity + specificity − 1`;
//! - `f1`: the largest F1 of the positive class;
//! - `cost:FN/FP`: the smallest `FN·cost_fn + FP·cost_fp`;
//! - a number: that threshold.
//!
//! The candidates are every distinct probability (predicting positive the
//! rows above it) and one just below the smallest (every row positive); a
//! tie goes to the larger threshold (fewer positives).

use super::calibration::wilson;
use crate::error::{Error, Result};
use serde::Serialize;

/// How the threshold is chosen.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ThresholdRule {
    Fixed(f32),
    Youden,
    F1,
    Cost { fn_cost: f64, fp_cost: f64 },
}

impl ThresholdRule {
    /// `youden`, `f1`, `cost:FN/FP` (two positive numbers) or a number in
    /// [0, 1); errors name `threshold`.
    pub fn parse(text: &str) -> Result<ThresholdRule> {
        let bad = || {
            Error::invalid(
                "threshold",
                format!("must be youden, f1, cost:FN/FP or a number in [0, 1), got '{text}'"),
            )
        };
        match text.trim() {
            "youden" => Ok(ThresholdRule::Youden),
            "f1" => Ok(ThresholdRule::F1),
            t => {
                if let Some(costs) = t.strip_prefix("cost:") {
                    let (a, b) = costs.split_once('/').ok_or_else(bad)?;
                    let (fn_cost, fp_cost): (f64, f64) = (
                        a.trim().parse().map_err(|_| bad())?,
                        b.trim().parse().map_err(|_| bad())?,
                    );
                    if fn_cost > 0.0 && fp_cost > 0.0 && fn_cost.is_finite() && fp_cost.is_finite()
                    {
                        return Ok(ThresholdRule::Cost { fn_cost, fp_cost });
                    }
                    return Err(bad());
                }
                let v: f32 = t.parse().map_err(|_| bad())?;
                if (0.0..1.0).contains(&v) {
                    Ok(ThresholdRule::Fixed(v))
                } else {
                    Err(bad())
                }
            }
        }
    }

    /// The threshold for labels `y` (0/1) and probabilities `p`.
    pub fn choose(self, y: &[f32], p: &[f32]) -> f32 {
        let objective = match self {
            ThresholdRule::Fixed(t) => return t,
            rule => rule,
        };
        let mut candidates: Vec<f32> = p.to_vec();
        candidates.sort_by(f32::total_cmp);
        candidates.dedup();
        let Some(&lowest) = candidates.first() else {
            return super::predict::DEFAULT_THRESHOLD;
        };
        candidates.insert(0, lowest.next_down());
        let mut best = (f64::NEG_INFINITY, super::predict::DEFAULT_THRESHOLD);
        for &t in &candidates {
            let c = Counts::at(y, p, t);
            let value = match objective {
                ThresholdRule::Youden => c.sensitivity() + c.specificity() - 1.0,
                ThresholdRule::F1 => {
                    let d = 2 * c.tp + c.fp + c.fn_;
                    if d == 0 {
                        0.0
                    } else {
                        2.0 * c.tp as f64 / d as f64
                    }
                }
                ThresholdRule::Cost { fn_cost, fp_cost } => {
                    -(c.fn_ as f64 * fn_cost + c.fp as f64 * fp_cost)
                }
                ThresholdRule::Fixed(_) => unreachable!("returned above"),
            };
            // `>=`: a tie goes to the larger threshold (candidates ascend).
            if value >= best.0 {
                best = (value, t);
            }
        }
        best.1
    }
}

/// The confusion counts at a threshold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub tp: usize,
    pub fp: usize,
    pub tn: usize,
    #[serde(rename = "fn")]
    pub fn_: usize,
}

impl Counts {
    /// Positive iff `p > t`.
    pub fn at(y: &[f32], p: &[f32], t: f32) -> Counts {
        let mut c = Counts {
            tp: 0,
            fp: 0,
            tn: 0,
            fn_: 0,
        };
        for (&label, &v) in y.iter().zip(p) {
            match (v > t, label == 1.0) {
                (true, true) => c.tp += 1,
                (true, false) => c.fp += 1,
                (false, false) => c.tn += 1,
                (false, true) => c.fn_ += 1,
            }
        }
        c
    }

    fn ratio(a: usize, b: usize) -> f64 {
        a as f64 / (a + b) as f64
    }

    pub fn sensitivity(&self) -> f64 {
        Counts::ratio(self.tp, self.fn_)
    }

    pub fn specificity(&self) -> f64 {
        Counts::ratio(self.tn, self.fp)
    }
}

/// A proportion with its Wilson 95% interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Proportion {
    pub value: f64,
    pub low: f64,
    pub high: f64,
    /// Its numerator and denominator.
    pub k: usize,
    pub n: usize,
}

impl Proportion {
    fn of(k: usize, n: usize) -> Proportion {
        let (low, high) = wilson(k, n);
        Proportion {
            value: if n == 0 {
                f64::NAN
            } else {
                k as f64 / n as f64
            },
            low,
            high,
            k,
            n,
        }
    }
}

/// What a threshold gives on a set of rows: sensitivity, specificity, PPV
/// and NPV, each with a Wilson interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct OperatingPoint {
    pub threshold: f32,
    pub counts: Counts,
    pub sensitivity: Proportion,
    pub specificity: Proportion,
    pub ppv: Proportion,
    pub npv: Proportion,
}

impl OperatingPoint {
    pub fn of(y: &[f32], p: &[f32], threshold: f32) -> OperatingPoint {
        let c = Counts::at(y, p, threshold);
        OperatingPoint {
            threshold,
            counts: c,
            sensitivity: Proportion::of(c.tp, c.tp + c.fn_),
            specificity: Proportion::of(c.tn, c.tn + c.fp),
            ppv: Proportion::of(c.tp, c.tp + c.fp),
            npv: Proportion::of(c.tn, c.tn + c.fn_),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const Y: [f32; 8] = [0., 0., 1., 0., 1., 1., 0., 1.];
    const P: [f32; 8] = [0.1, 0.2, 0.3, 0.35, 0.6, 0.7, 0.8, 0.9];

    #[test]
    fn rules_pick_the_best_candidate() {
        // Above 0.35: 3 of 4 positives, 1 false positive → J = 0.5, the best.
        assert_eq!(ThresholdRule::Youden.choose(&Y, &P), 0.35);
        // F1: above 0.2 gives 4 TP, 2 FP → 0.8, above 0.35 → 0.75.
        assert_eq!(ThresholdRule::F1.choose(&Y, &P), 0.2);
        // Missing a positive costs 10 false alarms: everyone above 0.2 (cost
        // 2) beats everyone (cost 4) and above 0.35 (cost 11).
        let c = ThresholdRule::parse("cost:10/1").unwrap();
        assert_eq!(c.choose(&Y, &P), 0.2);
        assert_eq!(ThresholdRule::parse("0.3").unwrap().choose(&Y, &P), 0.3);
        for bad in ["2", "cost:1", "cost:-1/2", "best"] {
            assert_eq!(
                ThresholdRule::parse(bad).unwrap_err().field(),
                Some("threshold")
            );
        }
    }

    #[test]
    fn an_operating_point_counts_strictly_above() {
        let op = OperatingPoint::of(&Y, &P, 0.35);
        assert_eq!(
            op.counts,
            Counts {
                tp: 3,
                fp: 1,
                tn: 3,
                fn_: 1
            }
        );
        assert_eq!(op.sensitivity.value, 0.75);
        assert_eq!((op.ppv.k, op.ppv.n), (3, 4));
        assert!(op.npv.low < 0.75 && op.npv.high > 0.75);
    }
}
