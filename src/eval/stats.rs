//! Statistics for repeated cross-validation: summaries with Student-t
//! confidence intervals and the corrected resampled t-test.
//!
//! The Student t distribution is implemented here (no dependency): the CDF
//! goes through the regularized incomplete beta function, evaluated with the
//! modified Lentz continued fraction (Numerical Recipes §6.4), and the
//! quantile by bisection on the tail probability. Both are accurate to about
//! 1e-13 for the degrees of freedom used in practice (≤ 10³) and to about
//! 1e-11 at df = 10⁶.

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

/// ln Γ(x) for x > 0 (Lanczos approximation, Numerical Recipes 3rd ed.,
/// `gammln`; ~1e-15 relative accuracy). Coefficients kept as published.
#[allow(clippy::excessive_precision)]
fn ln_gamma(x: f64) -> f64 {
    const COF: [f64; 14] = [
        57.156_235_665_862_923_5,
        -59.597_960_355_475_491_2,
        14.136_097_974_741_747_1,
        -0.491_913_816_097_620_199,
        0.339_946_499_848_118_887e-4,
        0.465_236_289_270_485_756e-4,
        -0.983_744_753_048_795_646e-4,
        0.158_088_703_224_912_494e-3,
        -0.210_264_441_724_104_883e-3,
        0.217_439_618_115_212_643e-3,
        -0.164_318_106_536_763_890e-3,
        0.844_182_239_838_527_433e-4,
        -0.261_908_384_015_814_087e-4,
        0.368_991_826_595_316_234e-5,
    ];
    let mut y = x;
    let tmp = x + 5.242_187_5; // 671/128 + 1/2
    let tmp = (x + 0.5) * tmp.ln() - tmp;
    let mut ser = 0.999_999_999_999_997_092;
    for c in COF {
        y += 1.0;
        ser += c / y;
    }
    tmp + (2.506_628_274_631_000_5 * ser / x).ln()
}

/// Continued fraction for the incomplete beta function (modified Lentz).
/// `y = 1 − x` is used for the first term, 1 − (a + b)x/(a + 1)
/// = (1 − b + (a + b)y)/(a + 1), which cancels badly for x near 1.
fn beta_cf(a: f64, b: f64, x: f64, y: f64) -> f64 {
    const MAX_ITER: usize = 100_000;
    const EPS: f64 = 1e-16;
    const FPMIN: f64 = f64::MIN_POSITIVE / EPS;
    let qab = a + b;
    let qap = a + 1.0;
    let qam = a - 1.0;
    let mut c = 1.0;
    let mut d = (1.0 - b + qab * y) / qap;
    if d.abs() < FPMIN {
        d = FPMIN;
    }
    d = 1.0 / d;
    let mut h = d;
    for m in 1..=MAX_ITER {
        let m = m as f64;
        let m2 = 2.0 * m;
        // Even step, then odd step: d ← 1/(1 + aa·d), c ← 1 + aa/c (both kept off zero).
        let mut lentz = |aa: f64| {
            d = 1.0 + aa * d;
            if d.abs() < FPMIN {
                d = FPMIN;
            }
            c = 1.0 + aa / c;
            if c.abs() < FPMIN {
                c = FPMIN;
            }
            d = 1.0 / d;
            d * c
        };
        h *= lentz(m * (b - m) * x / ((qam + m2) * (a + m2)));
        let del = lentz(-(a + m) * (qab + m) * x / ((a + m2) * (qap + m2)));
        h *= del;
        if (del - 1.0).abs() <= EPS {
            break;
        }
    }
    h
}

/// Stirling-series remainder lnΓ(x) − [(x − ½)ln x − x + ½ln 2π] for
/// x ≥ 10 (Bernoulli terms up to x⁻¹⁷; truncation error < 1e-18).
fn ln_gamma_correction(x: f64) -> f64 {
    debug_assert!(x >= 10.0);
    // B₂ₖ / (2k(2k − 1)), k = 1..9.
    const C: [f64; 9] = [
        1.0 / 12.0,
        -1.0 / 360.0,
        1.0 / 1260.0,
        -1.0 / 1680.0,
        1.0 / 1188.0,
        -691.0 / 360_360.0,
        1.0 / 156.0,
        -3617.0 / 122_400.0,
        43_867.0 / 244_188.0,
    ];
    let x2 = 1.0 / (x * x);
    let mut sum = 0.0;
    for c in C.iter().rev() {
        sum = sum * x2 + c;
    }
    sum / x
}

/// ln B(a, b) = lnΓ(a) + lnΓ(b) − lnΓ(a + b), avoiding the cancellation of
/// large lnΓ values (the scheme of R's `lbeta`).
fn ln_beta(a: f64, b: f64) -> f64 {
    let (p, q) = if a < b { (a, b) } else { (b, a) };
    if p >= 10.0 {
        let corr = ln_gamma_correction(p) + ln_gamma_correction(q) - ln_gamma_correction(p + q);
        const LN_SQRT_2PI: f64 = 0.918_938_533_204_672_8;
        -0.5 * q.ln()
            + LN_SQRT_2PI
            + corr
            + (p - 0.5) * (p / (p + q)).ln()
            + q * (-p / (p + q)).ln_1p()
    } else if q >= 10.0 {
        let corr = ln_gamma_correction(q) - ln_gamma_correction(p + q);
        ln_gamma(p) + corr + p - p * (p + q).ln() + (q - 0.5) * (-p / (p + q)).ln_1p()
    } else {
        ln_gamma(p) + ln_gamma(q) - ln_gamma(p + q)
    }
}

/// Regularized incomplete beta Iₓ(a, b), given `x`, `y = 1 − x` and their
/// logarithms, all computed accurately by the caller (no cancellation).
fn reg_inc_beta(a: f64, b: f64, x: f64, y: f64, ln_x: f64, ln_y: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    if y <= 0.0 {
        return 1.0;
    }
    let front = (a * ln_x + b * ln_y - ln_beta(a, b)).exp();
    if x < (a + 1.0) / (a + b + 2.0) {
        front * beta_cf(a, b, x, y) / a
    } else {
        1.0 - front * beta_cf(b, a, y, x) / b
    }
}

/// P(T > t) for t ≥ 0 (upper tail); `t` may be +inf.
fn upper_tail(t: f64, df: f64) -> f64 {
    debug_assert!(t >= 0.0);
    if t == 0.0 {
        return 0.5;
    }
    // P(T > t) = ½·Iₓ(df/2, ½) with x = df/(df + t²) = 1/(1 + u), u = t²/df;
    // y = 1 − x = u/(1 + u). Written to avoid overflow and cancellation.
    let u = t / df * t;
    let (x, y, ln_x, ln_y) = if u <= 1.0 {
        let l = u.ln_1p();
        (1.0 / (1.0 + u), u / (1.0 + u), -l, u.ln() - l)
    } else {
        let r = df / t / t; // 1/u, may underflow to 0 for huge t
        let l = r.ln_1p();
        (r / (1.0 + r), 1.0 / (1.0 + r), r.ln() - l, -l)
    };
    0.5 * reg_inc_beta(0.5 * df, 0.5, x, y, ln_x, ln_y)
}

/// CDF of Student's t distribution with `df` > 0 degrees of freedom
/// (non-integer `df` allowed). NaN for NaN input or `df` ≤ 0.
pub fn student_t_cdf(t: f64, df: f64) -> f64 {
    if t.is_nan() || df.is_nan() || df <= 0.0 {
        return f64::NAN;
    }
    if t >= 0.0 {
        1.0 - upper_tail(t, df)
    } else {
        upper_tail(-t, df)
    }
}

/// Two-sided p-value P(|T| ≥ |t|), computed from the tail directly (no
/// `1 − cdf` cancellation).
pub fn student_t_two_sided_p(t: f64, df: f64) -> f64 {
    if t.is_nan() || df.is_nan() || df <= 0.0 {
        return f64::NAN;
    }
    (2.0 * upper_tail(t.abs(), df)).min(1.0)
}

/// Quantile (inverse CDF) of Student's t: the `t` with `cdf(t, df) = p`.
/// `p = 0` gives −inf, `p = 1` gives +inf; NaN for `p` outside [0, 1] or
/// `df` ≤ 0. Bisection on the tail probability to full precision.
pub fn student_t_quantile(p: f64, df: f64) -> f64 {
    if p.is_nan() || !(0.0..=1.0).contains(&p) || df.is_nan() || df <= 0.0 {
        return f64::NAN;
    }
    if p == 0.5 {
        return 0.0;
    }
    // Solve upper_tail(t) = q for t > 0, then apply the sign.
    let (q, sign) = if p > 0.5 { (1.0 - p, 1.0) } else { (p, -1.0) };
    if q == 0.0 {
        return sign * f64::INFINITY;
    }
    let mut lo = 0.0f64;
    let mut hi = 1.0f64;
    while upper_tail(hi, df) > q {
        lo = hi;
        hi *= 2.0;
        if hi.is_infinite() {
            return sign * f64::INFINITY;
        }
    }
    for _ in 0..2_000 {
        let mid = 0.5 * (lo + hi);
        if mid <= lo || mid >= hi {
            break;
        }
        if upper_tail(mid, df) > q {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    sign * 0.5 * (lo + hi)
}

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

/// Formats `x` with `decimals` decimals, an explicit sign when `signed`
/// (“+”/“−”, U+2212), and no sign when it rounds to zero.
fn fmt_num(x: f64, decimals: usize, signed: bool) -> String {
    if x.is_nan() {
        return "n/a".to_string();
    }
    if x.is_infinite() {
        return if x > 0.0 { "+∞" } else { "−∞" }.to_string();
    }
    let body = format!("{:.*}", decimals, x.abs());
    let is_zero = body.chars().all(|c| c == '0' || c == '.');
    if is_zero {
        body
    } else if x < 0.0 {
        format!("−{body}")
    } else if signed {
        format!("+{body}")
    } else {
        body
    }
}

fn fmt_p(p: f64) -> String {
    if p.is_nan() {
        "p = n/a".to_string()
    } else if p < 0.001 {
        "p < 0.001".to_string()
    } else if p >= 0.1 {
        format!("p = {p:.2}")
    } else {
        // Three significant digits below 0.1 (e.g. 0.0432, 0.00715).
        let decimals = (2 - p.log10().floor() as i32).max(0) as usize;
        format!("p = {p:.decimals$}")
    }
}

/// A plain-words sentence for a paired comparison of `name_a` against
/// `name_b` (differences are a − b), e.g.
///
/// `ReLU vs linear: +0.4 points accuracy, 95% CI [−1.9, 2.7], p = 0.71 — no
/// evidence of a difference`
///
/// With p < 0.05 the verdict names the better one, where *better* means a
/// higher value of the measured quantity: for lower-is-better metrics (loss,
/// Brier) pass negated differences. Numbers are shown with two significant
/// digits of the largest of |mean|, |CI bounds| (at least one decimal).
pub fn describe_difference(name_a: &str, name_b: &str, test: &PairedTest, unit: &str) -> String {
    let scale = [test.mean_diff, test.ci_low, test.ci_high]
        .iter()
        .filter(|x| x.is_finite())
        .fold(0.0f64, |acc, x| acc.max(x.abs()));
    let decimals = if scale > 0.0 {
        (1 - scale.log10().floor() as i32).clamp(1, 6) as usize
    } else {
        1
    };
    let verdict = if test.p_value.is_nan() {
        "not enough folds to test".to_string()
    } else if test.p_value < 0.05 {
        let better = if test.mean_diff > 0.0 { name_a } else { name_b };
        format!("evidence of a difference ({better} is better)")
    } else {
        "no evidence of a difference".to_string()
    };
    let unit = if unit.is_empty() {
        String::new()
    } else {
        format!(" {unit}")
    };
    format!(
        "{name_a} vs {name_b}: {}{unit}, 95% CI [{}, {}], {} — {verdict}",
        fmt_num(test.mean_diff, decimals, true),
        fmt_num(test.ci_low, decimals, false),
        fmt_num(test.ci_high, decimals, false),
        fmt_p(test.p_value),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    macro_rules! assert_close {
        ($a:expr, $b:expr, $tol:expr) => {{
            let (a, b): (f64, f64) = ($a, $b);
            assert!(
                (a - b).abs() <= $tol,
                "{} = {a:e}, expected {b:e}",
                stringify!($a)
            );
        }};
    }

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
    fn ln_beta_matches_ln_gamma() {
        // Small arguments: direct; large: the Stirling path must agree.
        assert_close!(ln_beta(2.0, 3.0), (1.0f64 / 12.0).ln(), 1e-14);
        assert_close!(ln_beta(0.5, 0.5), std::f64::consts::PI.ln(), 1e-14);
        // mpmath log(beta(·,·)) at 40 digits
        assert_close!(ln_beta(5e5, 0.5), -5.988_816_495_777_464, 1e-13);
        assert_close!(ln_beta(12.5, 30.25), -25.996_684_066_372_52, 1e-12);
    }

    #[test]
    fn ln_gamma_known_values() {
        assert_close!(ln_gamma(0.5), 0.572_364_942_924_700_1, 1e-14); // ln √π
        assert_close!(ln_gamma(1.0), 0.0, 1e-14);
        assert_close!(ln_gamma(10.0), 362_880f64.ln(), 1e-13);
        assert_close!(ln_gamma(100.5), 361.435_540_467_777_57, 1e-11); // scipy gammaln
    }

    #[test]
    fn t_quantiles_match_tables() {
        // Reference values: scipy.stats.t.ppf.
        assert_close!(
            student_t_quantile(0.975, 1.0),
            12.706_204_736_174_694,
            1e-10
        );
        assert_close!(
            student_t_quantile(0.975, 4.0),
            2.776_445_105_197_793_4,
            1e-10
        );
        assert_close!(student_t_quantile(0.975, 9.0), 2.262_157_162_798_205, 1e-10);
        assert_close!(
            student_t_quantile(0.975, 49.0),
            2.009_575_237_129_239_2,
            1e-10
        );
        assert_close!(
            student_t_quantile(0.001, 7.0),
            -4.785_289_628_638_334,
            1e-10
        );
        assert_close!(
            student_t_quantile(0.6, 30.0),
            0.255_605_364_951_912_8,
            1e-10
        );
        assert_close!(
            student_t_quantile(0.995, 1000.0),
            2.580_754_698_065_951,
            1e-10
        );
        assert_eq!(student_t_quantile(0.5, 3.0), 0.0);
        assert_eq!(student_t_quantile(1.0, 3.0), f64::INFINITY);
        assert_eq!(student_t_quantile(0.0, 3.0), f64::NEG_INFINITY);
        assert!(student_t_quantile(1.5, 3.0).is_nan());
        assert!(student_t_quantile(0.9, 0.0).is_nan());
    }

    #[test]
    fn t_cdf_matches_reference() {
        // Reference values: scipy.stats.t.cdf / t.sf.
        assert_close!(student_t_cdf(2.0, 10.0), 0.963_305_982_614_629_9, 1e-12);
        assert_close!(student_t_cdf(-3.5, 3.0), 0.019_740_518_809_641_387, 1e-13);
        assert_close!(student_t_cdf(0.1, 2.5), 0.536_096_727_968_755_2, 1e-12);
        // df = 1 is Cauchy: 1/2 + atan(t)/π.
        assert_close!(
            student_t_cdf(50.0, 1.0),
            0.5 + 50f64.atan() / std::f64::consts::PI,
            1e-13
        );
        assert_close!(student_t_cdf(1.5, 1e5), 0.933_191_220_238_584_7, 1e-10);
        assert_eq!(student_t_cdf(0.0, 5.0), 0.5);
        assert_eq!(student_t_cdf(f64::INFINITY, 5.0), 1.0);
        assert_eq!(student_t_cdf(f64::NEG_INFINITY, 5.0), 0.0);
        // Deep tail, relative accuracy: P(T > 40), df = 20.
        let sf = 0.5 * student_t_two_sided_p(40.0, 20.0);
        assert!(
            (sf / 7.287_348_277_155_374e-21 - 1.0).abs() < 1e-10,
            "{sf:e}"
        );
    }

    #[test]
    fn t_quantile_extremes() {
        // Reference values: scipy.stats.t.ppf.
        let rel = |a: f64, b: f64| ((a - b) / b).abs();
        assert!(rel(student_t_quantile(1e-10, 3.0), -2_225.769_284_683_093) < 1e-11);
        assert!(rel(student_t_quantile(0.975, 0.5), 164.557_673_480_488_18) < 1e-11);
        // Very large df: the continued fraction loses a few digits (~1e-11).
        assert!(rel(student_t_quantile(0.975, 1e6), 1.959_966_356_814_107) < 1e-10);
        // Near the median only absolute accuracy is meaningful.
        let q = student_t_quantile(0.500_000_1, 5.0);
        assert!((q - 2.634_305_522_384_913_5e-7).abs() < 1e-15, "{q:e}");
        assert_eq!(student_t_cdf(1e200, 2.0), 1.0);
    }

    #[test]
    fn quantile_inverts_cdf() {
        for &df in &[1.0, 2.0, 3.5, 9.0, 29.0, 99.0] {
            for &p in &[0.001, 0.025, 0.2, 0.5, 0.7, 0.95, 0.999] {
                let t = student_t_quantile(p, df);
                assert_close!(student_t_cdf(t, df), p, 1e-13);
            }
        }
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

    #[test]
    fn describe_no_difference() {
        let test = PairedTest {
            mean_diff: 0.4,
            std_diff: 3.0,
            t: 0.38,
            df: 9.0,
            p_value: 0.71,
            ci_low: -1.9,
            ci_high: 2.7,
        };
        assert_eq!(
            describe_difference("ReLU", "linear", &test, "points accuracy"),
            "ReLU vs linear: +0.4 points accuracy, 95% CI [−1.9, 2.7], p = 0.71 — \
             no evidence of a difference"
        );
    }

    #[test]
    fn describe_evidence_names_the_better() {
        let test = PairedTest {
            mean_diff: -0.0213,
            std_diff: 0.01,
            t: -4.1,
            df: 9.0,
            p_value: 0.0432,
            ci_low: -0.0412,
            ci_high: -0.0014,
        };
        assert_eq!(
            describe_difference("tanh", "GELU", &test, "AUC"),
            "tanh vs GELU: −0.021 AUC, 95% CI [−0.041, −0.001], p = 0.0432 — \
             evidence of a difference (GELU is better)"
        );
        let flipped = PairedTest {
            mean_diff: 2.5,
            ci_low: 1.0,
            ci_high: 4.0,
            p_value: 0.0001,
            ..test
        };
        assert_eq!(
            describe_difference("tanh", "GELU", &flipped, ""),
            "tanh vs GELU: +2.5, 95% CI [1.0, 4.0], p < 0.001 — \
             evidence of a difference (tanh is better)"
        );
    }
}
