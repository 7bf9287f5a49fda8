//! `nn.BCEWithLogitsLoss` (mean reduction, optional `pos_weight`), fused with
//! its gradient and the tutorial's accuracy (`round(sigmoid(logit))`).

use crate::error::{Error, Result};
use crate::kernels::fastmath::{exp_nonpositive_cephes, log1p_unit};
use crate::kernels::simd::{self, Kernel, Lanes};

/// Mean binary cross-entropy on logits, as PyTorch computes it:
/// `ℓ = (1 − y)·x − w·logσ(x)` with `w = 1 + (pos_weight − 1)·y` and
/// `logσ(x) = min(x, 0) − log1p(exp(−|x|))`.
#[derive(Debug, Clone, Copy, PartialEq, Default, serde::Serialize)]
pub struct BceWithLogits {
    pub pos_weight: Option<f32>,
}

/// Loss and number of correct predictions over a batch.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LossValue {
    pub loss: f32,
    pub correct: usize,
}

impl BceWithLogits {
    /// Loss and accuracy only (evaluation).
    pub fn evaluate(&self, logits: &[f32], y: &[f32]) -> LossValue {
        self.run(logits, y, None, None)
    }

    /// Loss and accuracy, writing `∂L/∂logit` into `grad`.
    pub fn forward_backward(&self, logits: &[f32], y: &[f32], grad: &mut [f32]) -> LossValue {
        self.run(logits, y, None, Some(grad))
    }

    /// [`BceWithLogits::evaluate`] with per-row weights `s` (one per
    /// logit, or `None`: all 1): the weighted mean `Σ sᵢ·ℓᵢ / Σ sᵢ`. With
    /// all-ones weights it has the unweighted bits; weights summing to 0
    /// give loss 0 (see [`BceWithLogits::forward_backward_weighted`]).
    pub fn evaluate_weighted(&self, logits: &[f32], y: &[f32], s: Option<&[f32]>) -> LossValue {
        self.run(logits, y, s, None)
    }

    /// [`BceWithLogits::forward_backward`] with per-row weights `s`: the
    /// loss of [`BceWithLogits::evaluate_weighted`] and its exact gradient
    /// `∂/∂xᵢ = sᵢ·((pw·yᵢ + 1 − yᵢ)·σ(xᵢ) − pw·yᵢ) / Σ s` (rounded as
    /// `(sᵢ·g) / W`, `W = Σ s` summed in f64 then rounded to f32). Weights
    /// that sum to 0 (a block of zero-weight rows) give loss 0 and gradient
    /// 0: such a part adds nothing when parts are combined by weight.
    pub fn forward_backward_weighted(
        &self,
        logits: &[f32],
        y: &[f32],
        s: Option<&[f32]>,
        grad: &mut [f32],
    ) -> LossValue {
        self.run(logits, y, s, Some(grad))
    }

    fn run(
        &self,
        logits: &[f32],
        y: &[f32],
        weight: Option<&[f32]>,
        grad: Option<&mut [f32]>,
    ) -> LossValue {
        // pos_weight 1 is exactly the unweighted loss and gradient, bit for bit.
        let pw = self.pos_weight.unwrap_or(1.0);
        if let Some(w) = weight {
            assert_eq!(w.len(), logits.len(), "one weight per logit");
        }
        simd::dispatch(Pass {
            pw,
            logits,
            y,
            weight,
            grad,
        })
    }
}

/// One loss pass, as a [`Kernel`] (so it also runs AVX2-compiled).
struct Pass<'a> {
    pw: f32,
    logits: &'a [f32],
    y: &'a [f32],
    weight: Option<&'a [f32]>,
    grad: Option<&'a mut [f32]>,
}

impl Kernel for Pass<'_> {
    type Output = LossValue;
    #[inline(always)]
    fn run<V: Lanes>(self) -> LossValue {
        run_impl(self.pw, self.logits, self.y, self.weight, self.grad)
    }
}

/// The weighted-mean denominator of `n` rows: `Σ sᵢ` in f64, row after
/// row, or `n` without weights.
pub(super) fn weight_sum(n: usize, weight: Option<&[f32]>) -> f64 {
    match weight {
        Some(w) => w.iter().map(|&v| v as f64).sum(),
        None => n as f64,
    }
}

#[inline(always)]
fn run_impl(
    pw: f32,
    logits: &[f32],
    y: &[f32],
    weight: Option<&[f32]>,
    mut grad: Option<&mut [f32]>,
) -> LossValue {
    let n = logits.len();
    // The denominator: N, or Σ s (1 when the weights sum to 0, so that a
    // zero-weight part has loss 0 and gradient 0 rather than 0/0).
    let denom = match weight_sum(n, weight) {
        w if weight.is_some() && w == 0.0 => 1.0,
        w => w,
    };
    let nf = denom as f32;
    // Eight f64 partial sums, combined in a fixed order: deterministic.
    let mut total = [0.0f64; LANES];
    let mut correct = 0;
    let mut start = 0;
    // Whole chunks of eight read in place; the last one is padded with logit
    // 0, label 0 and not counted. `chunk` is inlined with `len = LANES` for
    // the whole ones, so their lane loops have a fixed length (vectorize).
    // Without weights every row weighs 1 (`1·v` is `v`: the unweighted bits).
    let ones = [1.0f32; LANES];
    while start + LANES <= n {
        let x: &[f32; LANES] = logits[start..start + LANES].try_into().expect("eight");
        let t: &[f32; LANES] = y[start..start + LANES].try_into().expect("eight");
        let s: &[f32; LANES] = match weight {
            Some(w) => w[start..start + LANES].try_into().expect("eight"),
            None => &ones,
        };
        let g = grad.as_deref_mut().map(|g| &mut g[start..start + LANES]);
        correct += chunk(x, t, s, LANES, pw, nf, &mut total, g);
        start += LANES;
    }
    if start < n {
        let len = n - start;
        let (mut x, mut t, mut s) = ([0.0f32; LANES], [0.0f32; LANES], ones);
        x[..len].copy_from_slice(&logits[start..]);
        t[..len].copy_from_slice(&y[start..]);
        if let Some(w) = weight {
            s[..len].copy_from_slice(&w[start..]);
        }
        let g = grad.map(|g| &mut g[start..]);
        correct += chunk(&x, &t, &s, len, pw, nf, &mut total, g);
    }
    let sum = ((total[0] + total[1]) + (total[2] + total[3]))
        + ((total[4] + total[5]) + (total[6] + total[7]));
    LossValue {
        loss: (sum / denom) as f32,
        correct,
    }
}

const LANES: usize = 8;

/// The first `len` of eight elements: their losses, times their weights
/// `s`, added to the lane sums `total`, their gradients written to `grad`
/// (`len` values) when given; returns how many are predicted right.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
fn chunk(
    x: &[f32; LANES],
    t: &[f32; LANES],
    s: &[f32; LANES],
    len: usize,
    pw: f32,
    nf: f32,
    total: &mut [f64; LANES],
    grad: Option<&mut [f32]>,
) -> usize {
    let (loss, sig) = elementwise(x, t, pw);
    let mut correct = 0;
    for j in 0..len {
        total[j] += s[j] as f64 * loss[j] as f64;
        // torch.round is half-to-even: σ = 0.5 exactly predicts 0.
        correct += (f32::from(u8::from(sig[j] > 0.5)) == t[j]) as usize;
    }
    if let Some(g) = grad {
        for j in 0..len {
            let pt = pw * t[j];
            g[j] = (s[j] * ((pt + 1.0 - t[j]) * sig[j] - pt)) / nf;
        }
    }
    correct
}

/// Per-element loss `(1 − y)·x − w·logσ(x)` and σ(x) for eight logits.
#[inline(always)]
fn elementwise(x: &[f32; LANES], t: &[f32; LANES], pw: f32) -> ([f32; LANES], [f32; LANES]) {
    let mut loss = [0.0f32; LANES];
    let mut sig = [0.0f32; LANES];
    for j in 0..LANES {
        let e = exp_nonpositive_cephes(-x[j].abs());
        let log_sig = x[j].min(0.0) - log1p_unit(e);
        loss[j] = (1.0 - t[j]) * x[j] - ((pw - 1.0) * t[j] + 1.0) * log_sig;
        sig[j] = sigmoid_from(x[j], e);
    }
    (loss, sig)
}

/// σ(x) from `e = exp(−|x|)`: `1/(1+e)` for x ≥ 0, `e/(1+e)` otherwise (no overflow).
#[inline(always)]
fn sigmoid_from(x: f32, e: f32) -> f32 {
    if x >= 0.0 {
        1.0 / (1.0 + e)
    } else {
        e / (1.0 + e)
    }
}

/// σ(x) in f32 exactly as the loss and the accuracy compute it, so that a
/// prediction (`σ > threshold`) agrees with the training accuracy bit for bit.
pub fn sigmoid(x: f32) -> f32 {
    sigmoid_from(x, exp_nonpositive_cephes(-x.abs()))
}

/// `pos_weight = negatives / positives`, the usual balancing choice.
pub fn auto_pos_weight(y: &[f32]) -> Option<f32> {
    let pos = y.iter().filter(|&&v| v == 1.0).count();
    (pos > 0).then(|| (y.len() - pos) as f32 / pos as f32)
}

/// `BCEWithLogitsLoss`'s `pos_weight` as a setting: none, a value, or
/// `auto` (negatives / positives of the rows trained on, resolved once the
/// training rows are known: [`LossConfig::resolve`]).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum PosWeight {
    #[default]
    None,
    Value(f32),
    Auto,
}

impl PosWeight {
    /// `auto` or a number, as every front end spells it.
    pub fn parse(text: &str) -> Result<PosWeight> {
        match text.trim() {
            "auto" => Ok(PosWeight::Auto),
            t => t.parse::<f32>().map(PosWeight::Value).map_err(|_| {
                Error::invalid(
                    "pos_weight",
                    format!("must be a positive number or 'auto', got '{text}'"),
                )
            }),
        }
    }

    /// The value, when one was given or resolved.
    pub fn value(self) -> Option<f32> {
        match self {
            PosWeight::Value(w) => Some(w),
            _ => None,
        }
    }
}

/// Serialized as `BCEWithLogitsLoss` takes it: `null`, a number, or `"auto"`.
impl serde::Serialize for PosWeight {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        match *self {
            PosWeight::None => s.serialize_none(),
            PosWeight::Value(w) => s.serialize_some(&w),
            PosWeight::Auto => s.serialize_str("auto"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_textbook_formula() {
        let logits = [2.0f32, -1.0, 0.0, 30.0];
        let y = [1.0f32, 0.0, 1.0, 0.0];
        let mut g = [0.0; 4];
        let v = BceWithLogits::default().forward_backward(&logits, &y, &mut g);
        let sig = |x: f64| 1.0 / (1.0 + (-x).exp());
        let expect: f64 = logits
            .iter()
            .zip(&y)
            .map(|(&x, &t)| {
                let (x, t) = (x as f64, t as f64);
                // −[t·ln σ(x) + (1−t)·ln(1−σ(x))] = softplus(x) − t·x, in f64.
                x.max(0.0) + (-x.abs()).exp().ln_1p() - t * x
            })
            .sum::<f64>()
            / 4.0;
        assert!(
            (v.loss as f64 - expect).abs() < 1e-6,
            "{} vs {expect}",
            v.loss
        );
        // Predictions: 1, 0, 0 (tie → 0), 1.
        assert_eq!(v.correct, 2);
        for i in 0..4 {
            let want = (sig(logits[i] as f64) - y[i] as f64) / 4.0;
            assert!((g[i] as f64 - want).abs() < 1e-7);
        }
    }

    #[test]
    fn pos_weight_scales_positive_terms() {
        let y = [1.0f32, 0.0];
        let logits = [0.3f32, -0.2];
        let plain = BceWithLogits::default().evaluate(&logits, &y).loss as f64;
        let weighted = BceWithLogits {
            pos_weight: Some(3.0),
        }
        .evaluate(&logits, &y)
        .loss as f64;
        let pos_term = (1.0 + (-0.3f64).exp()).ln();
        assert!((weighted - plain - 2.0 * pos_term / 2.0).abs() < 1e-6);
        assert_eq!(auto_pos_weight(&[1.0, 0.0, 0.0]), Some(2.0));
    }

    #[test]
    fn weighted_matches_the_f64_formula() {
        let n = 19;
        let logits: Vec<f32> = (0..n).map(|i| (i as f32 * 0.7).sin() * 3.0).collect();
        let y: Vec<f32> = (0..n).map(|i| f32::from(u8::from(i % 3 == 0))).collect();
        let s: Vec<f32> = (0..n).map(|i| [0.0, 0.5, 2.0, 1.25][i % 4]).collect();
        for pw in [None, Some(2.5f32)] {
            let loss = BceWithLogits { pos_weight: pw };
            let mut g = vec![0.0; n];
            let v = loss.forward_backward_weighted(&logits, &y, Some(&s), &mut g);
            let p = pw.unwrap_or(1.0) as f64;
            let total: f64 = s.iter().map(|&v| v as f64).sum();
            let mut want = 0.0;
            for i in 0..n {
                let (x, t, si) = (logits[i] as f64, y[i] as f64, s[i] as f64);
                let log_sig = x.min(0.0) - (-x.abs()).exp().ln_1p();
                want += si * ((1.0 - t) * x - (1.0 + (p - 1.0) * t) * log_sig);
                let sig = 1.0 / (1.0 + (-x).exp());
                let gi = si * ((p * t + 1.0 - t) * sig - p * t) / total;
                assert!(
                    (g[i] as f64 - gi).abs() < 1e-7,
                    "{pw:?} row {i}: {} vs {gi}",
                    g[i]
                );
            }
            want /= total;
            let err = (v.loss as f64 - want).abs();
            assert!(err <= 1e-6 * want.abs(), "{pw:?}: {} vs {want}", v.loss);
            assert_eq!(loss.evaluate_weighted(&logits, &y, Some(&s)), v);
            // All-ones weights: the unweighted bits.
            let ones = vec![1.0; n];
            let (mut g1, mut g0) = (vec![0.0; n], vec![0.0; n]);
            let a = loss.forward_backward_weighted(&logits, &y, Some(&ones), &mut g1);
            let b = loss.forward_backward(&logits, &y, &mut g0);
            assert_eq!((a.loss.to_bits(), a.correct), (b.loss.to_bits(), b.correct));
            assert!(g1.iter().zip(&g0).all(|(a, b)| a.to_bits() == b.to_bits()));
        }
        // Weights summing to 0: loss 0, gradient 0.
        let mut g = vec![1.0; 3];
        let v = BceWithLogits::default().forward_backward_weighted(
            &[1.0, -2.0, 0.5],
            &[1.0, 0.0, 0.0],
            Some(&[0.0; 3]),
            &mut g,
        );
        assert_eq!((v.loss, g), (0.0, vec![0.0; 3]));
    }

    #[test]
    fn extreme_logits_stay_finite() {
        let mut g = [0.0; 2];
        let v = BceWithLogits::default().forward_backward(&[1e4, -1e4], &[0.0, 1.0], &mut g);
        assert!((v.loss - 1e4).abs() < 1.0);
        assert_eq!(g, [0.5, -0.5]);
    }
}
