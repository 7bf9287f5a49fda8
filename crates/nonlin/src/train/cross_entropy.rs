//! `nn.CrossEntropyLoss` over K logits per row (mean reduction, optional
//! per-class `weight=` and `label_smoothing=`), fused with its gradient and
//! the argmax accuracy.
//!
//! Logits are **class-major**, `logits[c·n + i]` is the logit of class `c`
//! for row `i` — the layout the network's last `Linear` writes (every
//! buffer of [`crate::model::Network`] is feature-major, `[width][n]`), so
//! the loss reads it in place with no transpose, and each of its loops over
//! a class runs over contiguous rows. The gradient has the same layout.
//!
//! PyTorch's definition (class-index targets `y`, `ε = label_smoothing`,
//! `w` the class weights, all 1 without `weight=`), with
//! `logp[n,c] = x[n,c] − log Σⱼ exp x[n,j]`:
//!
//! ```text
//! W    = Σₙ w[yₙ]                                  (= N without weight)
//! loss = (1 − ε) · Σₙ −w[yₙ]·logp[n,yₙ] / W
//!      +  (ε/K)  · Σₙ Σ_c −w[c]·logp[n,c] / W
//! ∂loss/∂x[n,c] = ( aₙ·p[n,c] − (1 − ε)·w[yₙ]·[c = yₙ] − (ε/K)·w[c] ) / W,
//!      aₙ = (1 − ε)·w[yₙ] + (ε/K)·Σ_c w[c],   p = softmax(x[n,·])
//! ```
//!
//! (`torch/nn/modules/loss.py` documents the weighted mean over `W`;
//! `cross_entropy_loss_label_smoothing` in ATen divides the smoothing term
//! by the same `W`.)
//!
//! Per-row weights `s` (scikit-learn's `sample_weight`) multiply each row's
//! term: `w[yₙ]` becomes `w[yₙ]·sₙ` in `W`, and row `n`'s loss and gradient
//! are multiplied by `sₙ` (`[CrossEntropy::forward_backward_weighted]`).

use super::loss::LossValue;
use crate::error::{Error, Result};
use crate::kernels::fastmath::exp_nonpositive_cephes as exp_nonpositive;
use crate::kernels::simd::{self, Kernel, Lanes};

/// Rows handled together: each pass over a class reads eight contiguous
/// logits (the lane width of the other kernels).
const LANES: usize = 8;

/// Mean cross-entropy on K logits per row, as `nn.CrossEntropyLoss`.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize)]
pub struct CrossEntropy {
    /// `weight=`: one rescaling weight per class, or none (all 1).
    pub weight: Option<Vec<f32>>,
    /// `label_smoothing=` in [0, 1].
    pub label_smoothing: f32,
}

impl CrossEntropy {
    /// With the given class weights and smoothing, checked.
    pub fn new(weight: Option<Vec<f32>>, label_smoothing: f32) -> Result<CrossEntropy> {
        if !(0.0..=1.0).contains(&label_smoothing) {
            return Err(Error::invalid(
                "label_smoothing",
                format!("must be between 0 and 1, got {label_smoothing}"),
            ));
        }
        if let Some(w) = &weight {
            if let Some(bad) = w.iter().find(|v| !(v.is_finite() && **v >= 0.0)) {
                return Err(Error::invalid(
                    "class_weight",
                    format!("weights must be finite and non-negative, got {bad}"),
                ));
            }
        }
        Ok(CrossEntropy {
            weight,
            label_smoothing,
        })
    }

    /// Loss and the number of rows whose argmax is their class.
    /// `logits` is class-major `[k][n]` with `n = y.len()`; `y` holds class
    /// indices `0..k` as f32 (as [`crate::data::Samples::y`] stores targets).
    pub fn evaluate(&self, logits: &[f32], k: usize, y: &[f32]) -> LossValue {
        self.run(logits, k, y, None, None)
    }

    /// [`CrossEntropy::evaluate`] with per-row weights `s` (one per row, or
    /// `None`: all 1): `W = Σₙ w[yₙ]·sₙ` and row `n`'s loss times `sₙ`.
    /// All-ones weights give the unweighted bits; a `W` of 0 gives loss 0.
    pub fn evaluate_weighted(
        &self,
        logits: &[f32],
        k: usize,
        y: &[f32],
        s: Option<&[f32]>,
    ) -> LossValue {
        self.run(logits, k, y, s, None)
    }

    /// [`CrossEntropy::forward_backward`] with per-row weights `s`: the loss
    /// of [`CrossEntropy::evaluate_weighted`] and its exact gradient, row
    /// `n`'s gradient of the module doc times `sₙ` (over the weighted `W`).
    /// A `W` of 0 (every term weighs 0) gives loss 0 and gradient 0: such a
    /// part adds nothing when parts are combined by weight.
    pub fn forward_backward_weighted(
        &self,
        logits: &[f32],
        k: usize,
        y: &[f32],
        s: Option<&[f32]>,
        grad: &mut [f32],
    ) -> LossValue {
        self.run(logits, k, y, s, Some(grad))
    }

    /// [`CrossEntropy::evaluate`], writing `∂L/∂logits` (class-major) into `grad`.
    pub fn forward_backward(
        &self,
        logits: &[f32],
        k: usize,
        y: &[f32],
        grad: &mut [f32],
    ) -> LossValue {
        self.run(logits, k, y, None, Some(grad))
    }

    fn run(
        &self,
        logits: &[f32],
        k: usize,
        y: &[f32],
        sample: Option<&[f32]>,
        grad: Option<&mut [f32]>,
    ) -> LossValue {
        simd::dispatch(Pass {
            loss: self,
            logits,
            k,
            y,
            sample,
            grad,
        })
    }

    /// The weighted-mean denominator `W = Σₙ w[yₙ]·sₙ` of the rows `y`
    /// (`k` classes), in f64, row after row: `Σ w[yₙ]` without row weights,
    /// `Σ sₙ` without class weights, `N` without either.
    pub fn denominator(&self, k: usize, y: &[f32], sample: Option<&[f32]>) -> f64 {
        match (&self.weight, sample) {
            (None, _) => super::loss::weight_sum(y.len(), sample),
            (Some(wt), None) => y.iter().map(|&t| wt[class(t, k)] as f64).sum(),
            (Some(wt), Some(s)) => y
                .iter()
                .zip(s)
                .map(|(&t, &v)| wt[class(t, k)] as f64 * v as f64)
                .sum(),
        }
    }

    #[inline(always)]
    fn run_impl(
        &self,
        logits: &[f32],
        k: usize,
        y: &[f32],
        sample: Option<&[f32]>,
        mut grad: Option<&mut [f32]>,
    ) -> LossValue {
        let n = y.len();
        assert!(k >= 1, "cross entropy needs at least one class");
        assert_eq!(logits.len(), k * n, "logits are [k][n]");
        if let Some(g) = &grad {
            assert_eq!(g.len(), k * n, "the gradient is [k][n]");
        }
        if let Some(w) = &self.weight {
            assert_eq!(w.len(), k, "one weight per class");
        }
        if let Some(s) = sample {
            assert_eq!(s.len(), n, "one weight per row");
        }
        if n == 0 {
            return LossValue {
                loss: f32::NAN,
                correct: 0,
            };
        }
        let w = |c: usize| self.weight.as_ref().map_or(1.0, |w| w[c]);
        let eps = self.label_smoothing;
        let sw: f32 = (0..k).map(w).sum();
        // The weighted-mean denominator W = Σₙ w[yₙ]·sₙ (N without weights);
        // a W of 0 (every term weighs 0) is taken as 1: loss and gradient 0.
        let denom = self.denominator(k, y, sample);
        let denom = if denom == 0.0 { 1.0 } else { denom };
        let inv = (1.0 / denom) as f32;
        let c = Consts {
            k,
            n,
            eps,
            eps_k: eps / k as f32,
            sw,
            inv,
            sample,
        };
        let mut total = [0.0f64; LANES];
        let mut correct = 0;
        let mut start = 0;
        while start + LANES <= n {
            correct += chunk(
                &c,
                &w,
                logits,
                y,
                start,
                LANES,
                &mut total,
                grad.as_deref_mut(),
            );
            start += LANES;
        }
        if start < n {
            correct += chunk(&c, &w, logits, y, start, n - start, &mut total, grad);
        }
        let sum = ((total[0] + total[1]) + (total[2] + total[3]))
            + ((total[4] + total[5]) + (total[6] + total[7]));
        LossValue {
            loss: (sum / denom) as f32,
            correct,
        }
    }
}

/// One loss pass, as a [`Kernel`] (so its lane loops also run AVX2-compiled;
/// the same operations, so the same bits).
struct Pass<'a> {
    loss: &'a CrossEntropy,
    logits: &'a [f32],
    k: usize,
    y: &'a [f32],
    sample: Option<&'a [f32]>,
    grad: Option<&'a mut [f32]>,
}

impl Kernel for Pass<'_> {
    type Output = LossValue;
    #[inline(always)]
    fn run<V: Lanes>(self) -> LossValue {
        self.loss
            .run_impl(self.logits, self.k, self.y, self.sample, self.grad)
    }
}

/// What every chunk shares.
struct Consts<'a> {
    k: usize,
    n: usize,
    eps: f32,
    eps_k: f32,
    /// Σ_c w[c].
    sw: f32,
    /// 1 / W.
    inv: f32,
    /// Per-row weights `s`, or none (all 1).
    sample: Option<&'a [f32]>,
}

/// The class index of a target stored as f32.
#[inline(always)]
fn class(t: f32, k: usize) -> usize {
    let c = t as usize;
    debug_assert!(
        t >= 0.0 && t == c as f32 && c < k,
        "target {t} is not a class of 0..{k}"
    );
    c.min(k - 1)
}

/// Rows `start..start + len` (`len ≤ LANES`): their per-row losses added to
/// the lane sums, their gradients written when `grad` is given; returns
/// how many are predicted right. Inlined with `len = LANES` for the whole
/// chunks, so its lane loops have a fixed length.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
fn chunk(
    c: &Consts<'_>,
    w: &impl Fn(usize) -> f32,
    logits: &[f32],
    y: &[f32],
    start: usize,
    len: usize,
    total: &mut [f64; LANES],
    grad: Option<&mut [f32]>,
) -> usize {
    let (k, n) = (c.k, c.n);
    let row = |cl: usize| &logits[cl * n + start..cl * n + start + len];
    let mut t = [0usize; LANES];
    for j in 0..len {
        t[j] = class(y[start + j], k);
    }
    // Row weights (1 without: `1·v` is `v`, the unweighted bits).
    let mut rw = [1.0f32; LANES];
    if let Some(s) = c.sample {
        rw[..len].copy_from_slice(&s[start..start + len]);
    }
    // Pass 1: the row maximum and its first index (the argmax).
    let mut m = [0.0f32; LANES];
    let mut arg = [0usize; LANES];
    m[..len].copy_from_slice(row(0));
    for cl in 1..k {
        let x = row(cl);
        for j in 0..len {
            if x[j] > m[j] {
                m[j] = x[j];
                arg[j] = cl;
            }
        }
    }
    // Pass 2: Σ exp(x − max) (each term kept in `grad` for pass 3), the
    // target's shifted logit and Σ_c w[c]·(x − max).
    let mut s = [0.0f32; LANES];
    let mut dt = [0.0f32; LANES];
    let mut swd = [0.0f32; LANES];
    let mut grad = grad;
    for cl in 0..k {
        let x = row(cl);
        let wc = w(cl);
        let mut e = [0.0f32; LANES];
        for j in 0..len {
            let d = x[j] - m[j];
            e[j] = exp_nonpositive(d);
            s[j] += e[j];
            swd[j] += wc * d;
            if t[j] == cl {
                dt[j] = d;
            }
        }
        if let Some(g) = grad.as_deref_mut() {
            g[cl * n + start..cl * n + start + len].copy_from_slice(&e[..len]);
        }
    }
    let mut correct = 0;
    let mut ls = [0.0f32; LANES];
    for j in 0..len {
        ls[j] = s[j].ln();
        let wt = w(t[j]);
        // −logp[t] and −Σ_c w[c]·logp[c], from logp = (x − max) − log s.
        let nll = ls[j] - dt[j];
        let smooth = c.sw * ls[j] - swd[j];
        let l = (1.0 - c.eps) * wt * nll + c.eps_k * smooth;
        total[j] += rw[j] as f64 * l as f64;
        correct += usize::from(arg[j] == t[j]);
    }
    // Pass 3: the gradient, from p = exp(x − max) / s.
    if let Some(g) = grad {
        let mut a = [0.0f32; LANES];
        let mut inv_s = [0.0f32; LANES];
        let mut hit = [0.0f32; LANES];
        // sₙ / W per row (1 / W without row weights).
        let mut scale = [0.0f32; LANES];
        for j in 0..len {
            let wt = w(t[j]);
            scale[j] = rw[j] * c.inv;
            a[j] = ((1.0 - c.eps) * wt + c.eps_k * c.sw) * scale[j];
            hit[j] = (1.0 - c.eps) * wt * scale[j];
            inv_s[j] = 1.0 / s[j];
        }
        for cl in 0..k {
            let off = c.eps_k * w(cl);
            let gc = &mut g[cl * n + start..cl * n + start + len];
            for j in 0..len {
                let p = gc[j] * inv_s[j];
                let target = if t[j] == cl { hit[j] } else { 0.0 };
                gc[j] = a[j] * p - target - off * scale[j];
            }
        }
    }
    correct
}

/// The predicted class of each row of class-major `[k][n]` logits: the
/// first index of the largest logit (as `torch.argmax`, NaN aside), written
/// into `out` (`n` values).
pub fn argmax_rows(logits: &[f32], k: usize, out: &mut [usize]) {
    let n = out.len();
    assert_eq!(logits.len(), k * n, "logits are [k][n]");
    out.fill(0);
    for i in 0..n {
        let mut best = logits[i];
        for cl in 1..k {
            let x = logits[cl * n + i];
            if x > best {
                best = x;
                out[i] = cl;
            }
        }
    }
}

/// scikit-learn's `class_weight="balanced"`: `n / (k · count[c])` for each
/// class of the training targets (`y` as class indices); a class with no
/// row gets weight 0 (it contributes to no term).
pub fn balanced_weights(y: &[f32], k: usize) -> Vec<f32> {
    let mut count = vec![0usize; k];
    for &t in y {
        count[class(t, k)] += 1;
    }
    count
        .iter()
        .map(|&c| {
            if c == 0 {
                0.0
            } else {
                (y.len() as f64 / (k as f64 * c as f64)) as f32
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Row-major `[n][k]` → class-major `[k][n]`.
    fn class_major(rows: &[[f32; 3]]) -> Vec<f32> {
        let n = rows.len();
        let mut out = vec![0.0; 3 * n];
        for (i, r) in rows.iter().enumerate() {
            for c in 0..3 {
                out[c * n + i] = r[c];
            }
        }
        out
    }

    /// PyTorch's formula in f64: loss and gradient (class-major).
    /// With per-row weights `s`: row `n`'s terms times `s[n]`, over
    /// `Σ w[yₙ]·sₙ`.
    fn reference(
        rows: &[[f32; 3]],
        y: &[usize],
        w: &[f64; 3],
        eps: f64,
        s: &[f64],
    ) -> (f64, Vec<f64>) {
        let (n, k) = (rows.len(), 3);
        let denom: f64 = y.iter().zip(s).map(|(&t, &v)| w[t] * v).sum();
        let sw: f64 = w.iter().sum();
        let mut loss = 0.0;
        let mut grad = vec![0.0; k * n];
        for (i, r) in rows.iter().enumerate() {
            let m = r.iter().fold(f64::NEG_INFINITY, |a, &b| a.max(b as f64));
            let lse = m + r.iter().map(|&x| (x as f64 - m).exp()).sum::<f64>().ln();
            let logp: Vec<f64> = r.iter().map(|&x| x as f64 - lse).collect();
            let (t, si) = (y[i], s[i]);
            loss += si * (1.0 - eps) * -w[t] * logp[t];
            loss += si * eps / k as f64 * -(0..k).map(|c| w[c] * logp[c]).sum::<f64>();
            let a = (1.0 - eps) * w[t] + eps / k as f64 * sw;
            for c in 0..k {
                let hit = if c == t { (1.0 - eps) * w[t] } else { 0.0 };
                grad[c * n + i] = si * (a * logp[c].exp() - hit - eps / k as f64 * w[c]) / denom;
            }
        }
        (loss / denom, grad)
    }

    fn rows() -> Vec<[f32; 3]> {
        (0..19)
            .map(|i| {
                let f = i as f32;
                [0.3 * f - 2.0, (f * 0.7).sin() * 3.0, 1.5 - 0.2 * f]
            })
            .collect()
    }

    fn check(w: Option<[f32; 3]>, eps: f32) {
        check_rows(w, eps, None);
        let s: Vec<f32> = (0..rows().len())
            .map(|i| [0.0, 0.5, 2.0, 1.25][i % 4])
            .collect();
        check_rows(w, eps, Some(&s));
    }

    fn check_rows(w: Option<[f32; 3]>, eps: f32, s: Option<&[f32]>) {
        let r = rows();
        let y: Vec<usize> = (0..r.len()).map(|i| (i * 7 + 1) % 3).collect();
        let yf: Vec<f32> = y.iter().map(|&t| t as f32).collect();
        let x = class_major(&r);
        let loss = CrossEntropy::new(w.map(|w| w.to_vec()), eps).unwrap();
        let mut g = vec![0.0; x.len()];
        let v = loss.forward_backward_weighted(&x, 3, &yf, s, &mut g);
        let wf = w.map_or([1.0; 3], |w| w.map(f64::from));
        let sf: Vec<f64> = match s {
            Some(s) => s.iter().map(|&v| v as f64).collect(),
            None => vec![1.0; r.len()],
        };
        let (want, want_g) = reference(&r, &y, &wf, eps as f64, &sf);
        assert!(
            (v.loss as f64 - want).abs() <= 1e-6 * want.abs(),
            "{w:?} {eps}: {} vs {want}",
            v.loss
        );
        for (a, b) in g.iter().zip(&want_g) {
            assert!((*a as f64 - b).abs() < 1e-7, "{w:?} {eps}: grad {a} vs {b}");
        }
        assert_eq!(
            loss.evaluate_weighted(&x, 3, &yf, s),
            v,
            "evaluate = forward_backward"
        );
        if s.is_none() {
            // All-ones weights: the unweighted bits.
            let ones = vec![1.0; r.len()];
            let mut g1 = vec![0.0; x.len()];
            let a = loss.forward_backward_weighted(&x, 3, &yf, Some(&ones), &mut g1);
            assert_eq!((a.loss.to_bits(), a.correct), (v.loss.to_bits(), v.correct));
            assert!(g1.iter().zip(&g).all(|(a, b)| a.to_bits() == b.to_bits()));
        }
        let mut pred = vec![0; r.len()];
        argmax_rows(&x, 3, &mut pred);
        let right = pred.iter().zip(&y).filter(|(p, t)| p == t).count();
        assert_eq!(v.correct, right);
    }

    #[test]
    fn hand_computed_two_rows() {
        // Row 0: logits (1, 2, 3), class 2; row 1: (0, 0, 0), class 0.
        let x = class_major(&[[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]]);
        let y = [2.0, 0.0];
        let mut g = [0.0; 6];
        let v = CrossEntropy::default().forward_backward(&x, 3, &y, &mut g);
        // −log softmax: row 0 log(e⁻² + e⁻¹ + 1) = 0.40760596, row 1 log 3.
        let want = (0.407_605_964_f64 + 3f64.ln()) / 2.0;
        assert!((v.loss as f64 - want).abs() < 1e-7, "{}", v.loss);
        // Row 1 is a three-way tie: argmax 0, its class → both right.
        assert_eq!(v.correct, 2);
        let p0 = [0.090_030_57_f32, 0.244_728_47, 0.665_240_96];
        for c in 0..3 {
            let t0 = if c == 2 { 1.0 } else { 0.0 };
            let t1 = if c == 0 { 1.0 } else { 0.0 };
            assert!((g[c * 2] - (p0[c] - t0) / 2.0).abs() < 1e-7);
            assert!((g[c * 2 + 1] - (1.0 / 3.0 - t1) / 2.0).abs() < 1e-7);
        }
    }

    #[test]
    fn plain_weighted_and_smoothed_match_the_formula() {
        check(None, 0.0);
        check(None, 0.1);
        check(Some([0.5, 2.0, 1.25]), 0.0);
        check(Some([0.5, 2.0, 1.25]), 0.2);
        check(Some([1.0, 1.0, 1.0]), 0.0);
    }

    #[test]
    fn weighted_mean_divides_by_the_target_weights() {
        // Two rows with equal per-row loss log 3: weights 3 (class 0) and 1
        // (class 1) → (3·log 3 + 1·log 3) / (3 + 1) = log 3.
        let x = vec![0.0; 6];
        let v = CrossEntropy::new(Some(vec![3.0, 1.0, 7.0]), 0.0)
            .unwrap()
            .evaluate(&x, 3, &[0.0, 1.0]);
        assert!((v.loss - 3f32.ln()).abs() < 1e-6);
    }

    #[test]
    fn extreme_logits_stay_finite() {
        let x = class_major(&[[1e4, -1e4, 0.0], [-1e4, 1e4, 0.0]]);
        let mut g = [0.0; 6];
        let v = CrossEntropy::default().forward_backward(&x, 3, &[1.0, 1.0], &mut g);
        assert!((v.loss - 1e4).abs() < 1.0, "{}", v.loss);
        assert!(g.iter().all(|v| v.is_finite()));
        assert_eq!(v.correct, 1);
    }

    #[test]
    fn zero_total_weight_gives_zero_loss_and_gradient() {
        let x = class_major(&[[1.0, 2.0, 3.0], [0.5, 0.0, -1.0]]);
        let mut g = [1.0; 6];
        let v = CrossEntropy::new(Some(vec![1.0, 2.0, 0.5]), 0.1)
            .unwrap()
            .forward_backward_weighted(&x, 3, &[2.0, 0.0], Some(&[0.0, 0.0]), &mut g);
        assert_eq!((v.loss, g), (0.0, [0.0; 6]));
    }

    #[test]
    fn balanced_is_n_over_k_count() {
        let y = [0.0, 0.0, 0.0, 1.0, 2.0, 2.0];
        assert_eq!(balanced_weights(&y, 3), vec![6.0 / 9.0, 2.0, 1.0]);
        assert!(CrossEntropy::new(None, 1.5).is_err());
        assert!(CrossEntropy::new(Some(vec![-1.0]), 0.0).is_err());
    }
}
