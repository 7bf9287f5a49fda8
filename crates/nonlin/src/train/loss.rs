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
        self.run(logits, y, None)
    }

    /// Loss and accuracy, writing `∂L/∂logit` into `grad`.
    pub fn forward_backward(&self, logits: &[f32], y: &[f32], grad: &mut [f32]) -> LossValue {
        self.run(logits, y, Some(grad))
    }

    fn run(&self, logits: &[f32], y: &[f32], grad: Option<&mut [f32]>) -> LossValue {
        // pos_weight 1 is exactly the unweighted loss and gradient, bit for bit.
        let pw = self.pos_weight.unwrap_or(1.0);
        simd::dispatch(Pass {
            pw,
            logits,
            y,
            grad,
        })
    }
}

/// One loss pass, as a [`Kernel`] (so it also runs AVX2-compiled).
struct Pass<'a> {
    pw: f32,
    logits: &'a [f32],
    y: &'a [f32],
    grad: Option<&'a mut [f32]>,
}

impl Kernel for Pass<'_> {
    type Output = LossValue;
    #[inline(always)]
    fn run<V: Lanes>(self) -> LossValue {
        run_impl(self.pw, self.logits, self.y, self.grad)
    }
}

#[inline(always)]
fn run_impl(pw: f32, logits: &[f32], y: &[f32], mut grad: Option<&mut [f32]>) -> LossValue {
    let n = logits.len();
    let nf = n as f32;
    // Eight f64 partial sums, combined in a fixed order: deterministic.
    let mut total = [0.0f64; LANES];
    let mut correct = 0;
    let mut start = 0;
    // Whole chunks of eight read in place; the last one is padded with logit
    // 0, label 0 and not counted. `chunk` is inlined with `len = LANES` for
    // the whole ones, so their lane loops have a fixed length (vectorize).
    while start + LANES <= n {
        let x: &[f32; LANES] = logits[start..start + LANES].try_into().expect("eight");
        let t: &[f32; LANES] = y[start..start + LANES].try_into().expect("eight");
        let g = grad.as_deref_mut().map(|g| &mut g[start..start + LANES]);
        correct += chunk(x, t, LANES, pw, nf, &mut total, g);
        start += LANES;
    }
    if start < n {
        let len = n - start;
        let (mut x, mut t) = ([0.0f32; LANES], [0.0f32; LANES]);
        x[..len].copy_from_slice(&logits[start..]);
        t[..len].copy_from_slice(&y[start..]);
        let g = grad.map(|g| &mut g[start..]);
        correct += chunk(&x, &t, len, pw, nf, &mut total, g);
    }
    let sum = ((total[0] + total[1]) + (total[2] + total[3]))
        + ((total[4] + total[5]) + (total[6] + total[7]));
    LossValue {
        loss: (sum / n as f64) as f32,
        correct,
    }
}

const LANES: usize = 8;

/// The first `len` of eight elements: their losses added to the lane sums
/// `total`, their gradients written to `grad` (`len` values) when given;
/// returns how many are predicted right.
#[inline(always)]
fn chunk(
    x: &[f32; LANES],
    t: &[f32; LANES],
    len: usize,
    pw: f32,
    nf: f32,
    total: &mut [f64; LANES],
    grad: Option<&mut [f32]>,
) -> usize {
    let (loss, sig) = elementwise(x, t, pw);
    let mut correct = 0;
    for j in 0..len {
        total[j] += loss[j] as f64;
        // torch.round is half-to-even: σ = 0.5 exactly predicts 0.
        correct += (f32::from(u8::from(sig[j] > 0.5)) == t[j]) as usize;
    }
    if let Some(g) = grad {
        for j in 0..len {
            let pt = pw * t[j];
            g[j] = ((pt + 1.0 - t[j]) * sig[j] - pt) / nf;
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
    fn extreme_logits_stay_finite() {
        let mut g = [0.0; 2];
        let v = BceWithLogits::default().forward_backward(&[1e4, -1e4], &[0.0, 1.0], &mut g);
        assert!((v.loss - 1e4).abs() < 1.0);
        assert_eq!(g, [0.5, -0.5]);
    }
}
