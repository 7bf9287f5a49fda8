//! Summaries of a sample: mean, sample variance and standard deviation, and
//! the mean's Student-t 95% confidence interval.

use super::student_t::student_t_quantile;
use serde::Serialize;

/// Arithmetic mean; NaN for an empty slice.
pub fn mean(xs: &[f64]) -> f64 {
    if xs.is_empty() {
        return f64::NAN;
    }
    xs.iter().sum::<f64>() / xs.len() as f64
}

/// Sample variance (ddof = 1), two-pass; 0 for fewer than 2 values.
pub fn variance(xs: &[f64]) -> f64 {
    if xs.len() < 2 {
        return 0.0;
    }
    let m = mean(xs);
    let ss: f64 = xs.iter().map(|&x| (x - m) * (x - m)).sum();
    ss / (xs.len() - 1) as f64
}

/// Sample standard deviation (ddof = 1); 0 for fewer than 2 values.
pub fn std_dev(xs: &[f64]) -> f64 {
    variance(xs).sqrt()
}

/// Mean, sample standard deviation and 95% confidence interval of the mean.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Summary {
    pub n: usize,
    pub mean: f64,
    /// Sample standard deviation (ddof = 1).
    pub std: f64,
    pub ci_low: f64,
    pub ci_high: f64,
}

/// Summarizes `xs` with a 95% CI from Student's t with n − 1 degrees of
/// freedom: mean ± t₀.₉₇₅,ₙ₋₁ · std / √n.
///
/// With fewer than 2 values the interval is undefined and `ci_low`/`ci_high`
/// are NaN (and `mean` is NaN for an empty slice).
pub fn summarize(xs: &[f64]) -> Summary {
    let n = xs.len();
    let m = mean(xs);
    let s = std_dev(xs);
    let (ci_low, ci_high) = if n < 2 {
        (f64::NAN, f64::NAN)
    } else {
        let half = student_t_quantile(0.975, (n - 1) as f64) * s / (n as f64).sqrt();
        (m - half, m + half)
    };
    Summary {
        n,
        mean: m,
        std: s,
        ci_low,
        ci_high,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mean_and_std() {
        let xs = [2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0];
        assert_eq!(mean(&xs), 5.0);
        // Σ(x − 5)² = 32, / 7
        assert_close!(std_dev(&xs), (32.0f64 / 7.0).sqrt(), 1e-15);
        assert_eq!(std_dev(&[3.0]), 0.0);
        assert_eq!(std_dev(&[]), 0.0);
        assert!(mean(&[]).is_nan());
    }

    #[test]
    fn summary_ci() {
        let xs = [0.81, 0.84, 0.79, 0.86, 0.83];
        let s = summarize(&xs);
        assert_eq!(s.n, 5);
        assert_close!(s.mean, 0.826, 1e-15);
        // Σ(x − 0.826)² = 0.00292 → std = √(0.00292/4)
        assert_close!(s.std, 0.027_018_512_172_212_56, 1e-15);
        // half-width = t₀.₉₇₅,₄ · std / √5 = 2.7764451052 · 0.0270185 / 2.2360680
        let half = 0.033_547_913_849_266_52;
        assert_close!(s.ci_low, 0.826 - half, 1e-12);
        assert_close!(s.ci_high, 0.826 + half, 1e-12);

        let one = summarize(&[0.5]);
        assert_eq!((one.n, one.mean, one.std), (1, 0.5, 0.0));
        assert!(one.ci_low.is_nan() && one.ci_high.is_nan());
    }
}
