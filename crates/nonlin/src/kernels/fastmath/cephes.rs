//! Branch-free f32 `exp` and `log1p`, written so that a loop over a batch
//! vectorizes (libm's scalar calls were a third of an epoch). Both are the
//! classic algorithms — Cody–Waite range reduction with Cephes' `expf`
//! polynomial, and musl's `log1pf` — accurate to about one ulp (tests check
//! against f64 over their whole range). PyTorch's own vectorized kernels
//! (Sleef) are likewise ~1-ulp approximations, not libm.

// The constants are written as published (Cephes, musl), digits beyond f32 included.
#![allow(clippy::excessive_precision)]

const LOG2E: f32 = std::f32::consts::LOG2_E;
/// 1.5·2²³: adding and subtracting it rounds an f32 to the nearest integer.
const ROUNDER: f32 = 12_582_912.0;

/// `exp(x)` for `x ≤ 0`; 0 below −87.3 (where the result would be subnormal).
#[inline(always)]
pub(crate) fn exp_nonpositive_cephes(x: f32) -> f32 {
    const LN2_HI: f32 = 0.693_359_4;
    const LN2_LO: f32 = -2.121_944_4e-4;
    let xc = x.max(-87.0);
    let k = (xc * LOG2E + ROUNDER) - ROUNDER;
    let r = (xc - k * LN2_HI) - k * LN2_LO;
    let z = r * r;
    let p = ((((1.987_569_1e-4 * r + 1.398_199_9e-3) * r + 8.333_452e-3) * r + 4.166_579_6e-2) * r
        + 1.666_666_5e-1)
        * r
        + 5.000_000_1e-1;
    let y = p * z + r + 1.0;
    // 2^k by building the exponent bits (k ∈ [−126, 0] here).
    let scale = f32::from_bits(((k as i32 + 127) as u32) << 23);
    if x < -87.0 {
        0.0
    } else {
        y * scale
    }
}

/// `log(1 + e)` for `e ∈ [0, 1]` (musl's `log1pf` restricted to that range).
#[inline(always)]
pub(crate) fn log1p_unit(e: f32) -> f32 {
    const SQRT2: f32 = std::f32::consts::SQRT_2;
    const LN2_HI: f32 = 6.931_381_2e-1;
    const LN2_LO: f32 = 9.058_000_6e-6;
    const LG1: f32 = 0.666_666_6;
    const LG2: f32 = 0.400_009_72;
    const LG3: f32 = 0.284_987_87;
    const LG4: f32 = 0.242_790_79;
    let u = 1.0 + e;
    let big = u > SQRT2;
    let dk = if big { 1.0 } else { 0.0 };
    let m = if big { u * 0.5 } else { u };
    // The rounding error of 1 + e, carried as a first-order correction.
    let c = (e - (u - 1.0)) / u;
    let f = m - 1.0;
    let s = f / (2.0 + f);
    let z = s * s;
    let w = z * z;
    let r = z * (LG1 + w * LG3) + w * (LG2 + w * LG4);
    let hfsq = 0.5 * f * f;
    s * (hfsq + r) + (dk * LN2_LO + c) - hfsq + f + dk * LN2_HI
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Error in units of the f32 spacing at the true value.
    fn ulps(got: f32, want: f64) -> f64 {
        if want == 0.0 {
            return (got as f64).abs() / f32::MIN_POSITIVE as f64;
        }
        let spacing = (want.abs() as f32).to_bits();
        let ulp = (f32::from_bits(spacing + 1) - f32::from_bits(spacing)) as f64;
        (got as f64 - want).abs() / ulp
    }

    #[test]
    fn exp_is_within_two_ulps() {
        let mut worst = 0.0f64;
        for i in 0..=200_000 {
            let x = -87.0 * i as f32 / 200_000.0;
            worst = worst.max(ulps(exp_nonpositive_cephes(x), (x as f64).exp()));
        }
        assert!(worst <= 2.0, "worst {worst} ulps");
        assert_eq!(exp_nonpositive_cephes(0.0), 1.0);
        assert_eq!(exp_nonpositive_cephes(-1e4), 0.0);
        assert_eq!(exp_nonpositive_cephes(f32::NEG_INFINITY), 0.0);
    }

    #[test]
    fn log1p_is_within_two_ulps() {
        let mut worst = 0.0f64;
        for i in 0..=200_000 {
            let e = i as f32 / 200_000.0;
            worst = worst.max(ulps(log1p_unit(e), (e as f64).ln_1p()));
        }
        for i in 0..200 {
            let e = (-(i as f32) * 0.4).exp();
            worst = worst.max(ulps(log1p_unit(e), (e as f64).ln_1p()));
        }
        assert!(worst <= 2.0, "worst {worst} ulps");
        assert_eq!(log1p_unit(0.0), 0.0);
        assert_eq!(log1p_unit(1e-30), 1e-30);
    }
}
