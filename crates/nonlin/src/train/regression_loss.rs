//! The regression losses — `nn.MSELoss`, `nn.L1Loss`, `nn.HuberLoss(delta)`,
//! mean reduction — fused with their gradients, on one output per row; the
//! target's standardization; and RMSE, MAE and R² in the target's units.
//!
//! With `d = ŷ − y` over `N` rows (PyTorch's forward and backward):
//!
//! ```text
//! mse    ℓ = d²                                ∂ℓ/∂ŷ = 2·d / N
//! l1     ℓ = |d|                               ∂ℓ/∂ŷ = sign(d) / N   (sign 0 = 0)
//! huber  ℓ = ½·d²          if |d| < δ          ∂ℓ/∂ŷ = d / N
//!        ℓ = δ·(|d| − ½δ)  otherwise                   = ±δ / N (clamped)
//! loss = Σ ℓ / N
//! ```
//!
//! The sum runs in eight f64 lanes combined in a fixed order (as
//! [`super::loss::BceWithLogits`]): deterministic, and closer to the exact
//! mean than PyTorch's own f32 cascade sum.
//!
//! With per-row weights `s` (scikit-learn's `sample_weight`) the loss is
//! `Σ sᵢ·ℓᵢ / W` with `W = Σ sᵢ`, and `∂/∂ŷᵢ = (norm/W)·sᵢ·g(dᵢ)` (`norm` 2
//! for MSE, 1 otherwise; `g` the per-row derivative above without the
//! `1/N`).

pub use crate::data::TargetScale;
use crate::error::{Error, Result};
use crate::kernels::simd::{self, Kernel, Lanes};

const LANES: usize = 8;

/// A regression loss, mean reduction.
#[derive(Debug, Clone, Copy, PartialEq, Default, serde::Serialize)]
#[serde(tag = "name", rename_all = "snake_case")]
pub enum RegressionLoss {
    /// `nn.MSELoss()`.
    #[default]
    Mse,
    /// `nn.L1Loss()`.
    L1,
    /// `nn.HuberLoss(delta=delta)`.
    Huber { delta: f32 },
}

impl RegressionLoss {
    /// `mse`, `l1`, `huber` (δ = 1, PyTorch's default) or `huber:DELTA`.
    pub fn parse(text: &str) -> Result<RegressionLoss> {
        let bad = || {
            Error::invalid(
                "loss",
                format!("must be mse, l1, huber or huber:DELTA (DELTA > 0), got '{text}'"),
            )
        };
        match text.trim() {
            "mse" => Ok(RegressionLoss::Mse),
            "l1" => Ok(RegressionLoss::L1),
            "huber" => Ok(RegressionLoss::Huber { delta: 1.0 }),
            t => {
                let delta = t.strip_prefix("huber:").ok_or_else(bad)?;
                let delta: f32 = delta.trim().parse().map_err(|_| bad())?;
                if delta.is_finite() && delta > 0.0 {
                    Ok(RegressionLoss::Huber { delta })
                } else {
                    Err(bad())
                }
            }
        }
    }

    /// The mean loss of outputs `out` against targets `y`.
    pub fn evaluate(&self, out: &[f32], y: &[f32]) -> f32 {
        self.run(out, y, None, None)
    }

    /// The mean loss, writing `∂L/∂out` into `grad`.
    pub fn forward_backward(&self, out: &[f32], y: &[f32], grad: &mut [f32]) -> f32 {
        self.run(out, y, None, Some(grad))
    }

    /// [`RegressionLoss::evaluate`] with per-row weights `s` (one per
    /// output, or `None`: all 1): `Σ sᵢ·ℓᵢ / Σ sᵢ`. All-ones weights give
    /// the unweighted bits; weights summing to 0 give loss 0.
    pub fn evaluate_weighted(&self, out: &[f32], y: &[f32], s: Option<&[f32]>) -> f32 {
        self.run(out, y, s, None)
    }

    /// [`RegressionLoss::forward_backward`] with per-row weights `s`: the
    /// loss of [`RegressionLoss::evaluate_weighted`] and its exact gradient
    /// (module doc), rounded as `((norm/W) as f32 · sᵢ) · g(dᵢ)`. Weights
    /// summing to 0 give loss 0 and gradient 0: such a part adds nothing
    /// when parts are combined by weight.
    pub fn forward_backward_weighted(
        &self,
        out: &[f32],
        y: &[f32],
        s: Option<&[f32]>,
        grad: &mut [f32],
    ) -> f32 {
        self.run(out, y, s, Some(grad))
    }

    fn run(&self, out: &[f32], y: &[f32], s: Option<&[f32]>, grad: Option<&mut [f32]>) -> f32 {
        simd::dispatch(Pass {
            loss: *self,
            out,
            y,
            s,
            grad,
        })
    }

    #[inline(always)]
    fn run_impl(&self, out: &[f32], y: &[f32], s: Option<&[f32]>, grad: Option<&mut [f32]>) -> f32 {
        match *self {
            RegressionLoss::Mse => mean_of(out, y, s, grad, 2.0, |d| (d * d, d)),
            RegressionLoss::L1 => mean_of(out, y, s, grad, 1.0, |d| (d.abs(), sign(d))),
            RegressionLoss::Huber { delta } => mean_of(out, y, s, grad, 1.0, |d| {
                let z = d.abs();
                let l = if z < delta {
                    0.5 * d * d
                } else {
                    delta * (z - 0.5 * delta)
                };
                (l, d.clamp(-delta, delta))
            }),
        }
    }
}

/// One loss pass, as a [`Kernel`] (so its loops also run AVX2-compiled;
/// the same operations, so the same bits).
struct Pass<'a> {
    loss: RegressionLoss,
    out: &'a [f32],
    y: &'a [f32],
    s: Option<&'a [f32]>,
    grad: Option<&'a mut [f32]>,
}

impl Kernel for Pass<'_> {
    type Output = f32;
    #[inline(always)]
    fn run<V: Lanes>(self) -> f32 {
        self.loss.run_impl(self.out, self.y, self.s, self.grad)
    }
}

/// `sign(d)` with `sign(0) = 0`, as `torch.sign` (L1Loss's gradient at 0).
#[inline(always)]
fn sign(d: f32) -> f32 {
    if d > 0.0 {
        1.0
    } else if d < 0.0 {
        -1.0
    } else {
        0.0
    }
}

/// `Σ s·ℓ(d) / W` and, when `grad` is given, `∂ = (norm/W · s) · g(d)`
/// where `f(d) = (ℓ, g)` (`norm/W` rounded once from f64, as PyTorch's
/// scalar); `W = Σ s` (`N` and `s = 1` without weights, so `1·v` keeps the
/// unweighted bits; 1 when the weights sum to 0).
#[inline(always)]
fn mean_of(
    out: &[f32],
    y: &[f32],
    s: Option<&[f32]>,
    mut grad: Option<&mut [f32]>,
    norm: f64,
    f: impl Fn(f32) -> (f32, f32),
) -> f32 {
    let n = out.len();
    assert_eq!(y.len(), n, "one target per output");
    if let Some(g) = &grad {
        assert_eq!(g.len(), n, "one gradient per output");
    }
    if let Some(s) = s {
        assert_eq!(s.len(), n, "one weight per output");
    }
    if n == 0 {
        return f32::NAN;
    }
    let denom = super::loss::weight_sum(n, s);
    let denom = if denom == 0.0 { 1.0 } else { denom };
    let scale = (norm / denom) as f32;
    let mut total = [0.0f64; LANES];
    let mut start = 0;
    let ones = [1.0f32; LANES];
    while start < n {
        let len = LANES.min(n - start);
        let (o, t) = (&out[start..start + len], &y[start..start + len]);
        let w = s.map_or(&ones[..len], |s| &s[start..start + len]);
        let mut g = grad.as_deref_mut().map(|g| &mut g[start..start + len]);
        for j in 0..len {
            let (l, d) = f(o[j] - t[j]);
            total[j] += w[j] as f64 * l as f64;
            if let Some(g) = g.as_deref_mut() {
                g[j] = (scale * w[j]) * d;
            }
        }
        start += len;
    }
    let sum = ((total[0] + total[1]) + (total[2] + total[3]))
        + ((total[4] + total[5]) + (total[6] + total[7]));
    (sum / denom) as f32
}

/// RMSE, MAE and R² in the target's units.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct RegressionMetrics {
    pub rmse: f64,
    pub mae: f64,
    /// `1 − Σ(y − ŷ)² / Σ(y − ȳ)²`, ȳ the mean of these rows (scikit-learn's
    /// `r2_score`; NaN when the rows' target is constant).
    pub r2: f64,
}

impl RegressionMetrics {
    /// From the network's (standardized) outputs, mapped back with `scale`,
    /// against the targets `y` in their own units; all in f64.
    pub fn compute(out: &[f32], y: &[f64], scale: &TargetScale) -> RegressionMetrics {
        assert_eq!(y.len(), out.len(), "one target per output");
        let mut sums = ErrorSums::default();
        sums.add(out, y, scale);
        RegressionMetrics::from_sums(sums, total_squares(y), y.len())
    }

    /// From the error sums of `n` rows whose total sum of squares is `sst`.
    pub fn from_sums(sums: ErrorSums, sst: f64, n: usize) -> RegressionMetrics {
        let nf = n as f64;
        RegressionMetrics {
            rmse: (sums.sse / nf).sqrt(),
            mae: sums.sae / nf,
            r2: if sst > 0.0 {
                1.0 - sums.sse / sst
            } else {
                f64::NAN
            },
        }
    }
}

/// `Σ (y − ȳ)²` over `y`, ȳ their mean, in f64.
pub fn total_squares(y: &[f64]) -> f64 {
    let mean = y.iter().sum::<f64>() / y.len() as f64;
    y.iter().map(|&t| (t - mean) * (t - mean)).sum()
}

/// The sums of squared and absolute errors in the target's units, in f64,
/// added row after row (blocks of rows are added in block order).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct ErrorSums {
    pub sse: f64,
    pub sae: f64,
}

impl ErrorSums {
    /// Adds the errors of outputs `out` (standardized), mapped back with
    /// `scale`, against `y` in their units.
    pub fn add(&mut self, out: &[f32], y: &[f64], scale: &TargetScale) {
        for (&o, &t) in out.iter().zip(y) {
            let d = scale.inverse(o) - t;
            self.sse += d * d;
            self.sae += d.abs();
        }
    }

    pub fn plus(self, other: ErrorSums) -> ErrorSums {
        ErrorSums {
            sse: self.sse + other.sse,
            sae: self.sae + other.sae,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OUT: [f32; 11] = [0.5, -1.0, 2.0, 0.0, 3.0, -2.5, 1.0, 0.25, 4.0, -0.75, 1.5];
    const Y: [f32; 11] = [0.0, -1.0, 0.5, 1.0, -1.0, -2.0, 1.0, 0.0, 0.5, 0.25, 1.0];

    fn check(loss: RegressionLoss, per: impl Fn(f64) -> (f64, f64)) {
        let mut g = [9.0f32; 11];
        let v = loss.forward_backward(&OUT, &Y, &mut g);
        let n = OUT.len() as f64;
        let mut want = 0.0;
        for i in 0..OUT.len() {
            let (l, d) = per(OUT[i] as f64 - Y[i] as f64);
            want += l;
            assert!(
                (g[i] as f64 - d / n).abs() < 1e-7,
                "{loss:?} row {i}: {} vs {}",
                g[i],
                d / n
            );
        }
        want /= n;
        assert!((v as f64 - want).abs() < 1e-6, "{loss:?}: {v} vs {want}");
        assert_eq!(loss.evaluate(&OUT, &Y), v);
    }

    #[test]
    fn mse_l1_huber_match_hand_formulas() {
        check(RegressionLoss::Mse, |d| (d * d, 2.0 * d));
        check(RegressionLoss::L1, |d| {
            (d.abs(), d.signum() * (d != 0.0) as u8 as f64)
        });
        for delta in [1.0f32, 0.5, 2.0] {
            let dl = delta as f64;
            check(RegressionLoss::Huber { delta }, |d| {
                if d.abs() < dl {
                    (0.5 * d * d, d)
                } else {
                    (dl * (d.abs() - 0.5 * dl), dl * d.signum())
                }
            });
        }
    }

    /// The weighted loss and gradient against `Σ sᵢ·ℓᵢ / Σ sᵢ` in f64, and
    /// all-ones weights against the unweighted bits.
    fn check_weighted(loss: RegressionLoss, per: impl Fn(f64) -> (f64, f64)) {
        let s: Vec<f32> = (0..OUT.len())
            .map(|i| [0.0, 0.5, 2.0, 1.25][i % 4])
            .collect();
        let mut g = [9.0f32; 11];
        let v = loss.forward_backward_weighted(&OUT, &Y, Some(&s), &mut g);
        let total: f64 = s.iter().map(|&v| v as f64).sum();
        let mut want = 0.0;
        for i in 0..OUT.len() {
            let (l, d) = per(OUT[i] as f64 - Y[i] as f64);
            want += s[i] as f64 * l;
            let gi = s[i] as f64 * d / total;
            assert!(
                (g[i] as f64 - gi).abs() < 1e-7,
                "{loss:?} row {i}: {} vs {gi}",
                g[i]
            );
        }
        want /= total;
        assert!((v as f64 - want).abs() < 1e-6, "{loss:?}: {v} vs {want}");
        assert_eq!(loss.evaluate_weighted(&OUT, &Y, Some(&s)), v);
        let ones = [1.0f32; 11];
        let (mut g1, mut g0) = ([0.0f32; 11], [0.0f32; 11]);
        let a = loss.forward_backward_weighted(&OUT, &Y, Some(&ones), &mut g1);
        let b = loss.forward_backward(&OUT, &Y, &mut g0);
        assert_eq!(a.to_bits(), b.to_bits());
        assert!(g1.iter().zip(&g0).all(|(a, b)| a.to_bits() == b.to_bits()));
        let zero = loss.forward_backward_weighted(&OUT, &Y, Some(&[0.0; 11]), &mut g1);
        assert_eq!((zero, g1), (0.0, [0.0; 11]));
    }

    #[test]
    fn weighted_mse_l1_huber_match_the_f64_formulas() {
        check_weighted(RegressionLoss::Mse, |d| (d * d, 2.0 * d));
        check_weighted(RegressionLoss::L1, |d| {
            (d.abs(), d.signum() * (d != 0.0) as u8 as f64)
        });
        let delta = 0.5f32;
        let dl = delta as f64;
        check_weighted(RegressionLoss::Huber { delta }, |d| {
            if d.abs() < dl {
                (0.5 * d * d, d)
            } else {
                (dl * (d.abs() - 0.5 * dl), dl * d.signum())
            }
        });
    }

    #[test]
    fn hand_computed_values() {
        // d = (1, −2, 0): MSE (1 + 4 + 0)/3, L1 (1 + 2 + 0)/3,
        // Huber δ=1: (0.5 + 1·(2 − 0.5) + 0)/3.
        let (o, y) = ([1.0f32, -1.0, 3.0], [0.0f32, 1.0, 3.0]);
        let mut g = [0.0; 3];
        assert_eq!(
            RegressionLoss::Mse.forward_backward(&o, &y, &mut g),
            5.0 / 3.0
        );
        assert_eq!(g, [2.0 / 3.0, -4.0 / 3.0, 0.0]);
        assert_eq!(RegressionLoss::L1.forward_backward(&o, &y, &mut g), 1.0);
        // sign(0) = 0: the exact row gets no gradient.
        assert_eq!(g, [1.0 / 3.0, -1.0 / 3.0, 0.0]);
        let h = RegressionLoss::Huber { delta: 1.0 };
        assert_eq!(h.forward_backward(&o, &y, &mut g), 2.0 / 3.0);
        assert_eq!(g, [1.0 / 3.0, -1.0 / 3.0, 0.0]);
    }

    #[test]
    fn parse_spellings() {
        assert_eq!(RegressionLoss::parse("mse").unwrap(), RegressionLoss::Mse);
        assert_eq!(RegressionLoss::parse("l1").unwrap(), RegressionLoss::L1);
        assert_eq!(
            RegressionLoss::parse("huber").unwrap(),
            RegressionLoss::Huber { delta: 1.0 }
        );
        assert_eq!(
            RegressionLoss::parse("huber:0.25").unwrap(),
            RegressionLoss::Huber { delta: 0.25 }
        );
        for bad in ["huber:0", "huber:-1", "huber:x", "l2", ""] {
            assert!(RegressionLoss::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn target_scale_and_metrics() {
        let y = [1.0, 2.0, 3.0, 4.0, 10.0];
        let s = TargetScale::fit(&y, &[0, 1, 2, 3]);
        assert_eq!(s.mean, 2.5);
        assert!((s.scale - 1.25f64.sqrt()).abs() < 1e-15);
        assert!((s.inverse(s.transform(4.0)) - 4.0).abs() < 1e-6);
        // Perfect predictions: RMSE 0, R² 1; predicting the mean: R² 0.
        let out: Vec<f32> = y[..4].iter().map(|&v| s.transform(v)).collect();
        let m = RegressionMetrics::compute(&out, &y[..4], &s);
        assert!(m.rmse < 1e-6 && m.mae < 1e-6 && (m.r2 - 1.0).abs() < 1e-12);
        let m = RegressionMetrics::compute(&[0.0; 4], &y[..4], &s);
        assert_eq!(m.r2, 0.0);
        assert_eq!(m.mae, 1.0);
        assert_eq!(m.rmse, 1.25f64.sqrt());
    }
}
