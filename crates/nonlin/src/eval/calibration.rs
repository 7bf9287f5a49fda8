//! Whether predicted probabilities can be taken at their word: the
//! reliability diagram's bins (scikit-learn's `calibration_curve(strategy=
//! "quantile")`), each bin's observed frequency with a Wilson interval;
//! calibration-in-the-large; the calibration slope and intercept (logistic
//! recalibration of y on logit(p), with Wald intervals); the expected
//! calibration error; and the two post-hoc recalibrations fitted on
//! validation rows: temperature scaling (Guo et al. 2017, one scalar on the
//! logits, binary or multiclass) and Platt scaling (σ(a·logit + b)).
//!
//! Everything in f64; probabilities arrive as the f32 the model gives.

use serde::Serialize;

/// z of a two-sided 95% interval.
const Z95: f64 = 1.959_963_984_540_054;

/// The Wilson score interval of `k` successes in `n` trials, at 95%.
pub fn wilson(k: usize, n: usize) -> (f64, f64) {
    if n == 0 {
        return (f64::NAN, f64::NAN);
    }
    let (k, n) = (k as f64, n as f64);
    let p = k / n;
    let z2 = Z95 * Z95;
    let centre = (p + z2 / (2.0 * n)) / (1.0 + z2 / n);
    let half = Z95 * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt() / (1.0 + z2 / n);
    ((centre - half).max(0.0), (centre + half).min(1.0))
}

/// One bin of a reliability diagram.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ReliabilityBin {
    /// The bin's edges on the predicted probability.
    pub lower: f64,
    pub upper: f64,
    pub n: usize,
    /// The mean predicted probability of its rows.
    pub predicted: f64,
    /// The share of its rows that are positive, with a Wilson 95% interval.
    pub observed: f64,
    pub observed_low: f64,
    pub observed_high: f64,
}

/// numpy's `percentile(x, q)` (linear) of sorted `x`, `q` in [0, 1].
fn percentile(sorted: &[f64], q: f64) -> f64 {
    let h = (sorted.len() - 1) as f64 * q;
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(sorted.len() - 1);
    let t = h - lo as f64;
    let (a, b) = (sorted[lo], sorted[hi]);
    // numpy's _lerp: a + t·(b − a), or b − (1 − t)·(b − a) for t ≥ 0.5.
    if t >= 0.5 {
        b - (b - a) * (1.0 - t)
    } else {
        a + (b - a) * t
    }
}

/// The reliability diagram of probabilities `p` for 0/1 labels `y`, in
/// `bins` quantile bins as `calibration_curve(y, p, n_bins=bins,
/// strategy="quantile")` makes them (edges at the percentiles, a row in the
/// bin of the number of inner edges below it); empty bins are left out.
pub fn reliability(y: &[f32], p: &[f32], bins: usize) -> Vec<ReliabilityBin> {
    assert_eq!(y.len(), p.len(), "one probability per label");
    if y.is_empty() || bins == 0 {
        return Vec::new();
    }
    let mut sorted: Vec<f64> = p.iter().map(|&v| v as f64).collect();
    sorted.sort_by(f64::total_cmp);
    let edges: Vec<f64> = (0..=bins)
        .map(|i| percentile(&sorted, i as f64 / bins as f64))
        .collect();
    let inner = &edges[1..bins];
    let (mut n, mut pos, mut sum) = (vec![0usize; bins], vec![0usize; bins], vec![0.0f64; bins]);
    for (&t, &v) in y.iter().zip(p) {
        let v = v as f64;
        let b = inner.partition_point(|&e| e < v);
        n[b] += 1;
        pos[b] += usize::from(t == 1.0);
        sum[b] += v;
    }
    (0..bins)
        .filter(|&b| n[b] > 0)
        .map(|b| {
            let (low, high) = wilson(pos[b], n[b]);
            ReliabilityBin {
                lower: edges[b],
                upper: edges[b + 1],
                n: n[b],
                predicted: sum[b] / n[b] as f64,
                observed: pos[b] as f64 / n[b] as f64,
                observed_low: low,
                observed_high: high,
            }
        })
        .collect()
}

/// A logistic regression of 0/1 `y` on one covariate `x`, unpenalized
/// (Newton's method): `P(y = 1) = σ(intercept + slope·x)`, with the Wald
/// 95% intervals of both from the inverse Fisher information.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct LogisticFit {
    pub intercept: f64,
    pub slope: f64,
    pub intercept_ci: (f64, f64),
    pub slope_ci: (f64, f64),
}

/// Fits [`LogisticFit`]; `None` when the labels are all one class or the
/// fit does not converge (separable data).
pub fn logistic_fit(x: &[f64], y: &[f32]) -> Option<LogisticFit> {
    let positives = y.iter().filter(|&&t| t == 1.0).count();
    if positives == 0 || positives == y.len() {
        return None;
    }
    let (mut a, mut b) = (0.0f64, 0.0f64);
    for _ in 0..100 {
        // Gradient and Hessian of the log-likelihood.
        let (mut ga, mut gb, mut haa, mut hab, mut hbb) = (0.0, 0.0, 0.0, 0.0, 0.0);
        for (&xi, &t) in x.iter().zip(y) {
            let p = 1.0 / (1.0 + (-(a + b * xi)).exp());
            let r = t as f64 - p;
            let w = p * (1.0 - p);
            ga += r;
            gb += r * xi;
            haa += w;
            hab += w * xi;
            hbb += w * xi * xi;
        }
        let det = haa * hbb - hab * hab;
        if !(det.is_finite() && det > 0.0) {
            return None;
        }
        let (da, db) = ((hbb * ga - hab * gb) / det, (haa * gb - hab * ga) / det);
        a += da;
        b += db;
        if da.abs() < 1e-12 * (1.0 + a.abs()) && db.abs() < 1e-12 * (1.0 + b.abs()) {
            let se_a = (hbb / det).sqrt();
            let se_b = (haa / det).sqrt();
            return Some(LogisticFit {
                intercept: a,
                slope: b,
                intercept_ci: (a - Z95 * se_a, a + Z95 * se_a),
                slope_ci: (b - Z95 * se_b, b + Z95 * se_b),
            });
        }
    }
    None
}

/// `ln(p / (1 − p))`, `p` kept inside [1e-15, 1 − 1e-15].
pub fn logit(p: f64) -> f64 {
    let p = p.clamp(1e-15, 1.0 - 1e-15);
    (p / (1.0 - p)).ln()
}

/// The calibration figures of binary probabilities.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Calibration {
    pub bins: Vec<ReliabilityBin>,
    /// Mean predicted probability and observed positive rate.
    pub mean_predicted: f64,
    pub observed_rate: f64,
    /// Logistic recalibration of y on logit(p); `None` when it cannot be
    /// fit (one class only, or separable).
    pub recalibration: Option<LogisticFit>,
    /// Expected calibration error over ten equal-width bins.
    pub ece: f64,
    pub brier: f64,
}

/// Every calibration figure of binary probabilities `p` for labels `y`.
pub fn calibration(y: &[f32], p: &[f32], bins: usize) -> Calibration {
    let n = y.len() as f64;
    let logits: Vec<f64> = p.iter().map(|&v| logit(v as f64)).collect();
    Calibration {
        bins: reliability(y, p, bins),
        mean_predicted: p.iter().map(|&v| v as f64).sum::<f64>() / n,
        observed_rate: y.iter().map(|&t| t as f64).sum::<f64>() / n,
        recalibration: logistic_fit(&logits, y),
        ece: expected_calibration_error(y, p, 10),
        brier: crate::eval::metrics::brier_score(y, p),
    }
}

/// `Σ_b (n_b / n) · |observed_b − predicted_b|` over `bins` equal-width
/// bins of the probability (a probability of exactly 1 in the last).
pub fn expected_calibration_error(y: &[f32], p: &[f32], bins: usize) -> f64 {
    let (mut n, mut pos, mut sum) = (vec![0usize; bins], vec![0.0f64; bins], vec![0.0f64; bins]);
    for (&t, &v) in y.iter().zip(p) {
        let b = ((v as f64 * bins as f64) as usize).min(bins - 1);
        n[b] += 1;
        pos[b] += t as f64;
        sum[b] += v as f64;
    }
    let total = y.len() as f64;
    (0..bins)
        .filter(|&b| n[b] > 0)
        .map(|b| n[b] as f64 / total * (pos[b] / n[b] as f64 - sum[b] / n[b] as f64).abs())
        .sum()
}

/// The multi-class Brier score: the mean over rows of `Σ_c (p_c − [y = c])²`
/// (row-major probabilities, `k` a row).
pub fn multiclass_brier(y: &[f32], probs: &[f32], k: usize) -> f64 {
    let total: f64 = probs
        .chunks_exact(k)
        .zip(y)
        .map(|(row, &t)| {
            row.iter()
                .enumerate()
                .map(|(c, &p)| {
                    let d = p as f64 - f64::from(u8::from(c == t as usize));
                    d * d
                })
                .sum::<f64>()
        })
        .sum();
    total / y.len() as f64
}

/// The temperature `T` minimizing the mean log loss of `logits / T` on the
/// rows (class-major `[k][n]` logits, `k = 1` a binary logit; labels class
/// indices or 0/1): Newton's method on `u = 1/T`, where the loss is convex.
pub fn fit_temperature(logits: &[f32], k: usize, y: &[f32]) -> f64 {
    let n = y.len();
    let mut u = 1.0f64;
    for _ in 0..100 {
        let (mut g, mut h) = (0.0f64, 0.0f64);
        for (i, &t) in y.iter().enumerate() {
            if k == 1 {
                let z = logits[i] as f64;
                let p = 1.0 / (1.0 + (-u * z).exp());
                g += (p - t as f64) * z;
                h += p * (1.0 - p) * z * z;
            } else {
                let z: Vec<f64> = (0..k).map(|c| logits[c * n + i] as f64).collect();
                let m = z.iter().fold(f64::NEG_INFINITY, |a, &b| a.max(b));
                let e: Vec<f64> = z.iter().map(|&v| (u * (v - m)).exp()).collect();
                let s: f64 = e.iter().sum();
                let mean: f64 = e.iter().zip(&z).map(|(e, z)| e * z).sum::<f64>() / s;
                let sq: f64 = e.iter().zip(&z).map(|(e, z)| e * z * z).sum::<f64>() / s;
                g += mean - z[t as usize];
                h += sq - mean * mean;
            }
        }
        if h.is_nan() || h <= 0.0 {
            break;
        }
        let step = g / h;
        // Keep u positive: halve the step while it would not be.
        let mut next = u - step;
        while next <= 0.0 {
            next = (u + next.max(0.0)) / 2.0;
            if next <= 1e-12 {
                next = u / 2.0;
            }
        }
        let done = (next - u).abs() < 1e-12 * u;
        u = next;
        if done {
            break;
        }
    }
    1.0 / u
}

#[cfg(test)]
mod tests {
    use super::*;

    /// scikit-learn 1.9.1: 40 rows, p = σ(2·N(0,1)) as f32, y drawn with
    /// P = σ(0.6·z + 0.3) (numpy RandomState(5)).
    const P: [f32; 40] = [
        0.707_330_7,
        0.340_348_8,
        0.992_320_9,
        0.376_557_86,
        0.554_586_5,
        0.959_494_23,
        0.139_618_19,
        0.234_464_15,
        0.592_716_46,
        0.340_798_05,
        0.084_282_845,
        0.398_971_35,
        0.327_908_93,
        0.769_757_6,
        0.034_570_344,
        0.197_759_3,
        0.909_107_2,
        0.976_215_8,
        0.046_425_924,
        0.784_095_6,
        0.123_335_53,
        0.152_683_6,
        0.148_836_18,
        0.300_479_44,
        0.880_047_4,
        0.806_096_4,
        0.529_537_7,
        0.325_936_5,
        0.501_644_4,
        0.447_232,
        0.830_067_6,
        0.220_433_26,
        0.496_902_6,
        0.449_637_56,
        0.473_869_74,
        0.622_091_5,
        0.597_562_8,
        0.935_214_7,
        0.456_671_15,
        0.957_834_2,
    ];
    const Y: [f32; 40] = [
        1., 1., 1., 1., 0., 1., 0., 0., 0., 0., 0., 0., 0., 1., 0., 1., 1., 1., 1., 1., 0., 1., 0.,
        1., 1., 1., 1., 0., 0., 1., 0., 1., 1., 1., 1., 0., 1., 1., 0., 1.,
    ];

    #[test]
    fn the_recalibration_is_an_unpenalized_logistic_regression() {
        // LogisticRegression(penalty=None, tol=1e-12).fit(logit(p), y).
        let x: Vec<f64> = P.iter().map(|&p| logit(p as f64)).collect();
        let f = logistic_fit(&x, &Y).unwrap();
        assert!(
            (f.intercept - 0.46045168850801776).abs() < 1e-7,
            "{}",
            f.intercept
        );
        assert!((f.slope - 0.5979723624842189).abs() < 1e-7, "{}", f.slope);
        assert!(f.slope_ci.0 < f.slope && f.slope < f.slope_ci.1);
    }

    #[test]
    fn quantile_bins_are_calibration_curves() {
        // calibration_curve(y, p, n_bins=4, strategy="quantile").
        let bins = reliability(&Y, &P, 4);
        let observed: Vec<f64> = bins.iter().map(|b| b.observed).collect();
        assert_eq!(observed, [0.4, 0.5, 0.6, 0.9]);
        let want = [
            0.13824093341827393,
            0.37645416259765624,
            0.5846000015735626,
            0.9030494093894958,
        ];
        // scikit-learn averages the float32 probabilities in float32.
        for (b, w) in bins.iter().zip(want) {
            assert!((b.predicted - w).abs() < 1e-7, "{} vs {w}", b.predicted);
            assert!(b.observed_low < b.observed && b.observed < b.observed_high);
        }
        assert_eq!(bins.iter().map(|b| b.n).sum::<usize>(), 40);
    }

    #[test]
    fn wilson_intervals() {
        // 7 of 20: (0.1812, 0.5671) to the four decimals tables print.
        let (lo, hi) = wilson(7, 20);
        assert!(
            (lo - 0.1812).abs() < 5e-5 && (hi - 0.5671).abs() < 5e-5,
            "{lo} {hi}"
        );
        assert_eq!(wilson(0, 10).0, 0.0);
    }

    #[test]
    fn temperature_scaling_tames_an_over_confident_model() {
        // Logits five times too large: the fitted temperature is about 5
        // and the log loss falls.
        let z: Vec<f32> = P.iter().map(|&p| 5.0 * logit(p as f64) as f32).collect();
        let nll = |t: f64| -> f64 {
            z.iter()
                .zip(&Y)
                .map(|(&z, &y)| {
                    let p = 1.0 / (1.0 + (-(z as f64) / t).exp());
                    -(y as f64 * p.ln() + (1.0 - y as f64) * (1.0 - p).ln())
                })
                .sum::<f64>()
                / 40.0
        };
        let t = fit_temperature(&z, 1, &Y);
        assert!(nll(t) < nll(1.0), "{} vs {}", nll(t), nll(1.0));
        // The optimum: no nearby temperature does better.
        assert!(nll(t) <= nll(t * 1.01) && nll(t) <= nll(t / 1.01));
        // Multiclass: two classes as K = 2 logits give the same T.
        let n = z.len();
        let mut two = vec![0.0f32; 2 * n];
        two[n..].copy_from_slice(&z);
        let t2 = fit_temperature(&two, 2, &Y);
        assert!((t - t2).abs() < 1e-9 * t, "{t} vs {t2}");
    }
}
