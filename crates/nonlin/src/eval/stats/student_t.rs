//! Student's t distribution: CDF, two-sided p-value and quantile, from the
//! regularized incomplete beta function (no dependency).

use super::special::reg_inc_beta;

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

#[cfg(test)]
mod tests {
    use super::*;

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
}
