//! Every activation's derivative against PyTorch's formulas (central finite
//! differences of the f64 references in tests/activation_ref, PyTorch's
//! subgradients at the kinks), and an end-to-end finite-difference check of
//! a whole network's gradient.

mod activation_ref;

use activation_ref::{kinks, lib_backward, lib_forward, reference, variants, POINTS};
use nonlin::model::{Activation, Architecture, Network, Workspace};
use nonlin::train::BceWithLogits;

// ---------- derivatives ----------

/// Central difference of the f64 reference at `x`, with a step that stays
/// clear of the kinks (so it measures the one-sided derivative there).
fn central_difference(act: Activation, x: f64) -> f64 {
    let mut h = 1e-5 * x.abs().max(1.0);
    for k in kinks(act) {
        if x != k {
            h = h.min((x - k).abs() / 2.0);
        }
    }
    (reference(act, x + h) - reference(act, x - h)) / (2.0 * h)
}

#[test]
fn backward_matches_central_differences_of_the_formula() {
    // The f64 central difference is accurate to ~1e-9 here (step 1e-5·|x|,
    // truncation O(h²)). The library's f32 backward rounds a few operations
    // and, for tanh/sigmoid, works from the f32 output y (1 − y² loses
    // ~1.2e-7 absolute when y ≈ ±1): 1e-6·max(1, |f'|) bounds that with room.
    let mut worst = (0.0f64, String::new());
    for act in variants() {
        let ks = kinks(act);
        let xs: Vec<f32> = POINTS
            .iter()
            .copied()
            .filter(|&x| !ks.contains(&(x as f64)))
            .collect();
        let got = lib_backward(act, &xs);
        for (&x, &g) in xs.iter().zip(&got) {
            let want = central_difference(act, x as f64);
            let err = (g as f64 - want).abs() / want.abs().max(1.0);
            assert!(
                err <= 1e-6,
                "{act:?}'({x:e}): nonlin {g:e}, finite difference {want:e}"
            );
            if err > worst.0 {
                worst = (err, format!("{act:?}'({x:e})"));
            }
        }
    }
    eprintln!(
        "worst scaled derivative error: {:e} at {}",
        worst.0, worst.1
    );
}

#[test]
fn backward_scales_by_the_upstream_gradient() {
    let xs = [-2.0f32, -0.3, 0.7, 4.0];
    let dy = [0.5f32, -3.0, 2.0, 0.25];
    for act in variants() {
        let y = lib_forward(act, &xs);
        let mut dx = [0.0; 4];
        act.backward(&xs, &y, &dy, &mut dx);
        let unit = lib_backward(act, &xs);
        for i in 0..4 {
            assert!(
                (dx[i] - dy[i] * unit[i]).abs() <= 2e-7 * dx[i].abs().max(1.0),
                "{act:?} at {}: {} vs {}·{}",
                xs[i],
                dx[i],
                dy[i],
                unit[i]
            );
        }
    }
}

#[test]
fn kinks_use_pytorchs_subgradients() {
    // PyTorch: ReLU'(0) = 0 (threshold_backward: x <= 0 → 0);
    // LeakyReLU'(0) = negative_slope (x > 0 ? 1 : slope);
    // ELU'(0) = α (x <= 0 → α·exp(x)).
    let at_zero = |act: Activation| lib_backward(act, &[0.0])[0];
    assert_eq!(at_zero(Activation::Relu), 0.0);
    assert_eq!(at_zero(Activation::LeakyRelu { slope: 0.01 }), 0.01);
    assert_eq!(at_zero(Activation::LeakyRelu { slope: 0.2 }), 0.2);
    assert_eq!(at_zero(Activation::Elu { alpha: 1.0 }), 1.0);
    assert_eq!(at_zero(Activation::Elu { alpha: 0.5 }), 0.5);
    // −0.0 is "not > 0" too.
    assert_eq!(lib_backward(Activation::Relu, &[-0.0])[0], 0.0);
    assert_eq!(
        lib_backward(Activation::LeakyRelu { slope: 0.2 }, &[-0.0])[0],
        0.2
    );
    // The one-sided limits around 0 are what the finite differences see.
    for act in [
        Activation::Relu,
        Activation::LeakyRelu { slope: 0.2 },
        Activation::Elu { alpha: 0.5 },
    ] {
        let d = lib_backward(act, &[-1e-6, 1e-6]);
        assert!((d[1] - 1.0).abs() < 1e-6, "{act:?} right of 0: {}", d[1]);
        let left = central_difference(act, -1e-6);
        assert!(
            (d[0] as f64 - left).abs() < 1e-6,
            "{act:?} left of 0: {}",
            d[0]
        );
    }
    // The smooth ones at 0: GELU'(0) = 0.5, SiLU'(0) = 0.5, tanh'(0) = 1,
    // σ'(0) = 0.25, Softplus'(0) = 0.5 for any β.
    for (act, want) in [
        (Activation::Gelu, 0.5),
        (Activation::GeluTanh, 0.5),
        (Activation::Silu, 0.5),
        (Activation::Tanh, 1.0),
        (Activation::Sigmoid, 0.25),
        (
            Activation::Softplus {
                beta: 2.0,
                threshold: 10.0,
            },
            0.5,
        ),
    ] {
        assert_eq!(at_zero(act), want, "{act:?}");
    }
}

// ---------- a whole network ----------

/// The network's forward and mean BCE-with-logits loss in f64 from
/// (widened) parameters, written from the layer list and PyTorch's formulas.
fn loss_f64(
    arch: &Architecture,
    params: &[f64],
    x_rows: &[f64],
    y: &[f64],
    pos_weight: Option<f64>,
) -> f64 {
    let n = y.len();
    let d = arch.input_width();
    let mut total = 0.0;
    for r in 0..n {
        let mut h: Vec<f64> = x_rows[r * d..(r + 1) * d].to_vec();
        let mut at = 0;
        for layer in &arch.layers {
            match *layer {
                nonlin::model::Layer::Linear {
                    in_features,
                    out_features,
                } => {
                    let w = &params[at..at + in_features * out_features];
                    let b = &params[at + in_features * out_features..][..out_features];
                    at += (in_features + 1) * out_features;
                    h = (0..out_features)
                        .map(|o| {
                            b[o] + (0..in_features)
                                .map(|i| w[o * in_features + i] * h[i])
                                .sum::<f64>()
                        })
                        .collect();
                }
                nonlin::model::Layer::Activation(a) => {
                    h = h.iter().map(|&v| reference(a, v)).collect();
                }
            }
        }
        let (z, t) = (h[0], y[r]);
        // −[w·t·log σ(z) + (1 − t)·log(1 − σ(z))], log σ(z) = −softplus(−z).
        let softplus = |v: f64| v.max(0.0) + (-v.abs()).exp().ln_1p();
        let w = pos_weight.unwrap_or(1.0);
        total += w * t * softplus(-z) + (1.0 - t) * softplus(z);
    }
    total / n as f64
}

fn check_network_gradient(hidden: &str, loss: BceWithLogits, seed: u64) {
    let arch = Architecture::parse_hidden(hidden, 4).unwrap();
    let net = Network::new(arch.clone(), seed);
    let n = 16;
    // Inputs of spread ~2 so every activation works off its linear part;
    // labels alternate.
    let mut state = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    let mut uniform = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    let x_rows: Vec<f32> = (0..n * 4).map(|_| (4.0 * uniform() - 2.0) as f32).collect();
    let y: Vec<f32> = (0..n).map(|i| (i % 2) as f32).collect();
    let samples = nonlin::data::Samples::from_rows(&x_rows, 4, y.clone(), (0..n).collect());

    let mut ws = Workspace::new(&arch, n);
    net.forward(&mut ws, &samples.xt, n);
    let (logits, grad) = ws.logits_and_grad(n);
    let value = loss.forward_backward(logits, &samples.y, grad);
    net.backward(&mut ws, &samples.xt, n);

    let p64: Vec<f64> = net.params.iter().map(|&v| v as f64).collect();
    let x64: Vec<f64> = x_rows.iter().map(|&v| v as f64).collect();
    let y64: Vec<f64> = y.iter().map(|&v| v as f64).collect();
    let pw = loss.pos_weight.map(|w| w as f64);
    let l0 = loss_f64(&arch, &p64, &x64, &y64, pw);
    // The f32 loss agrees with the f64 re-implementation.
    assert!(
        (value.loss as f64 - l0).abs() < 1e-6 * l0,
        "{hidden}: loss {} vs f64 {l0}",
        value.loss
    );
    // Central differences in f64 (h = 1e-6: truncation ~1e-12, rounding
    // ~1e-16·L/h ~ 1e-10) give ∂L/∂θ to ~1e-9. The library's f32 gradient
    // carries relative rounding of a few 1e-7 through 4–5 layers, so compare
    // each tensor against 2e-5 of its largest entry (plus 2e-6 of the entry
    // itself): far below a wrong formula, which shows up at the 1e-2 level.
    let h = 1e-6;
    let mut p = p64.clone();
    for t in net.tensors() {
        let fd: Vec<f64> = t
            .range
            .clone()
            .map(|i| {
                p[i] = p64[i] + h;
                let up = loss_f64(&arch, &p, &x64, &y64, pw);
                p[i] = p64[i] - h;
                let down = loss_f64(&arch, &p, &x64, &y64, pw);
                p[i] = p64[i];
                (up - down) / (2.0 * h)
            })
            .collect();
        let scale = fd.iter().fold(0.0f64, |m, v| m.max(v.abs()));
        assert!(scale > 1e-4, "{hidden} {}: gradient vanished", t.name);
        for (k, i) in t.range.clone().enumerate() {
            let got = ws.grads[i] as f64;
            assert!(
                (got - fd[k]).abs() <= 2e-5 * scale + 2e-6 * fd[k].abs(),
                "{hidden} {}[{k}]: backward {got:e}, finite difference {:e}",
                t.name,
                fd[k]
            );
        }
    }
}

#[test]
fn network_gradient_matches_finite_differences() {
    check_network_gradient(
        "6-tanh-5-gelu-4-softplus-3-elu",
        BceWithLogits::default(),
        3,
    );
    check_network_gradient(
        "6-leaky_relu:0.2-5-silu-4-sigmoid-3-gelu_tanh-elu:0.5",
        BceWithLogits {
            pos_weight: Some(2.5),
        },
        5,
    );
    check_network_gradient(
        "7-relu-5-softplus:2:10-tanh-3-identity",
        BceWithLogits::default(),
        11,
    );
}
