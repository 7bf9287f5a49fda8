//! `nn.BCEWithLogitsLoss` (mean reduction, optional `pos_weight`), fused with
//! its gradient and the tutorial's accuracy (`round(sigmoid(logit))`).

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

    fn run(&self, logits: &[f32], y: &[f32], mut grad: Option<&mut [f32]>) -> LossValue {
        let n = logits.len();
        let nf = n as f32;
        let mut total = 0.0f64;
        let mut correct = 0;
        for i in 0..n {
            let (x, t) = (logits[i], y[i]);
            let e = (-x.abs()).exp();
            let log_sig = x.min(0.0) - e.ln_1p();
            // σ(x) without overflow: 1/(1+e^−x) for x ≥ 0, e^x/(1+e^x) otherwise.
            let s = if x >= 0.0 {
                1.0 / (1.0 + e)
            } else {
                e / (1.0 + e)
            };
            let l = match self.pos_weight {
                None => (1.0 - t) * x - log_sig,
                Some(pw) => (1.0 - t) * x - ((pw - 1.0) * t + 1.0) * log_sig,
            };
            total += l as f64;
            // torch.round is half-to-even: σ = 0.5 exactly predicts 0.
            let pred = if s > 0.5 { 1.0 } else { 0.0 };
            correct += (pred == t) as usize;
            if let Some(g) = grad.as_deref_mut() {
                g[i] = match self.pos_weight {
                    None => (s - t) / nf,
                    Some(pw) => {
                        let pt = pw * t;
                        ((pt + 1.0 - t) * s - pt) / nf
                    }
                };
            }
        }
        LossValue {
            loss: (total / n as f64) as f32,
            correct,
        }
    }
}

/// `pos_weight = negatives / positives`, the usual balancing choice.
pub fn auto_pos_weight(y: &[f32]) -> Option<f32> {
    let pos = y.iter().filter(|&&v| v == 1.0).count();
    (pos > 0).then(|| (y.len() - pos) as f32 / pos as f32)
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
