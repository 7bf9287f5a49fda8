//! The corrected resampled t-test for paired per-fold differences of two
//! models under repeated cross-validation.

use super::student_t::{student_t_quantile, student_t_two_sided_p};
use super::summary::{mean, variance};
use serde::Serialize;

/// Result of a paired test on per-fold differences (a − b).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct PairedTest {
    /// Mean of the differences.
    pub mean_diff: f64,
    /// Sample standard deviation of the differences (ddof = 1, uncorrected).
    pub std_diff: f64,
    pub t: f64,
    /// Degrees of freedom, k·r − 1.
    pub df: f64,
    /// Two-sided p-value.
    pub p_value: f64,
    /// 95% CI of the mean difference, using the corrected variance.
    pub ci_low: f64,
    pub ci_high: f64,
}

/// Corrected resampled t-test (Nadeau & Bengio 2003; Bouckaert & Frank
/// 2004) for paired per-fold differences dᵢ = score_a − score_b over the
/// m = k·r folds of r-times-repeated k-fold cross-validation.
///
/// With d̄ the mean and σ̂² the sample variance (ddof = 1) of the dᵢ:
///
/// ```text
/// var_c = (1/m + n_test/n_train) · σ̂²
/// t     = d̄ / √var_c,        df = m − 1
/// p     = 2 · P(T_df ≥ |t|)
/// CI95  = d̄ ± t₀.₉₇₅,df · √var_c
/// ```
///
/// The `n_test/n_train` term corrects for the overlap of training sets
/// between folds, which makes the naive paired t-test far too liberal.
///
/// If σ̂² = 0: when d̄ = 0 then t = 0 and p = 1; otherwise t = ±inf and
/// p = 0; the CI collapses to [d̄, d̄]. With fewer than 2 differences the
/// test is undefined: t, p and the CI are NaN (df = 0).
///
/// # Panics
/// If `n_train == 0`.
pub fn corrected_resampled_ttest(diffs: &[f64], n_train: usize, n_test: usize) -> PairedTest {
    assert!(n_train > 0, "n_train must be positive");
    let m = diffs.len();
    let mean_diff = mean(diffs);
    let var = variance(diffs);
    let std_diff = var.sqrt();
    if m < 2 {
        return PairedTest {
            mean_diff,
            std_diff,
            t: f64::NAN,
            df: 0.0,
            p_value: f64::NAN,
            ci_low: f64::NAN,
            ci_high: f64::NAN,
        };
    }
    let df = (m - 1) as f64;
    let corrected_var = (1.0 / m as f64 + n_test as f64 / n_train as f64) * var;
    let se = corrected_var.sqrt();
    let (t, p_value) = if var == 0.0 {
        if mean_diff == 0.0 {
            (0.0, 1.0)
        } else {
            (mean_diff.signum() * f64::INFINITY, 0.0)
        }
    } else {
        let t = mean_diff / se;
        (t, student_t_two_sided_p(t, df))
    };
    let half = student_t_quantile(0.975, df) * se;
    PairedTest {
        mean_diff,
        std_diff,
        t,
        df,
        p_value,
        ci_low: mean_diff - half,
        ci_high: mean_diff + half,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn corrected_ttest_worked_example() {
        // 10 folds (e.g. 5×2), n_train = 239, n_test = 60.
        let diffs = [0.5, -1.0, 2.0, 1.5, 0.0, 1.0, -0.5, 2.5, 1.0, 3.0];
        // mean = 10/10 = 1.0
        // deviations: −0.5 −2 1 0.5 −1 0 −1.5 1.5 0 2 → Σ² = 15 → σ̂² = 15/9
        // var_c = (1/10 + 60/239) · 15/9 = 0.5850767085076708
        // t = 1/√var_c = 1.307355189828637, df = 9
        // p = 2·P(T₉ > 1.3074) = 0.22350269979064546 (scipy)
        // CI = 1 ± 2.262157162798205 · √var_c = [−0.73033096, 2.73033096]
        let r = corrected_resampled_ttest(&diffs, 239, 60);
        let var_c = (0.1 + 60.0 / 239.0) * 15.0 / 9.0;
        assert_close!(var_c, 0.585_076_708_507_670_8, 1e-15);
        assert_close!(r.mean_diff, 1.0, 1e-15);
        assert_close!(r.std_diff, (15.0f64 / 9.0).sqrt(), 1e-15);
        assert_eq!(r.df, 9.0);
        assert_close!(r.t, 1.0 / var_c.sqrt(), 1e-13);
        assert_close!(r.t, 1.307_355_189_828_637, 1e-12);
        assert_close!(r.p_value, 0.223_502_699_790_645_46, 1e-12);
        assert_close!(r.ci_low, -0.730_330_961_622_387_9, 1e-10);
        assert_close!(r.ci_high, 2.730_330_961_622_388, 1e-10);

        // The naive paired t-test would give t = 1/√(σ̂²/10) ≈ 2.449, p < 0.05;
        // the correction makes the test far more conservative.
        assert!(r.p_value > 0.2);
    }

    #[test]
    fn corrected_ttest_zero_variance() {
        let r = corrected_resampled_ttest(&[0.0; 5], 80, 20);
        assert_eq!((r.t, r.p_value, r.ci_low, r.ci_high), (0.0, 1.0, 0.0, 0.0));
        let r = corrected_resampled_ttest(&[0.25; 5], 80, 20);
        assert_eq!((r.t, r.p_value), (f64::INFINITY, 0.0));
        assert_eq!((r.ci_low, r.ci_high), (0.25, 0.25));
        let r = corrected_resampled_ttest(&[-0.25; 5], 80, 20);
        assert_eq!((r.t, r.p_value), (f64::NEG_INFINITY, 0.0));
        let r = corrected_resampled_ttest(&[0.3], 80, 20);
        assert!(r.t.is_nan() && r.p_value.is_nan() && r.ci_low.is_nan());
        assert_eq!(r.mean_diff, 0.3);
    }
}
