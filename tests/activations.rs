//! Every activation against PyTorch's formulas, written out here in f64
//! independently of `src/model/activation.rs`: forward values, derivatives
//! (central finite differences), PyTorch's subgradients at the kinks,
//! stability for |x| up to 1e4, and an end-to-end finite-difference check of
//! a whole network's gradient.

use nonlin::model::{Activation, Architecture, Network, Workspace};
use nonlin::train::BceWithLogits;

// ---------- the PyTorch formulas, in f64 ----------

/// PyTorch's definition of each module's forward, in f64. `α`, slopes and
/// betas are the f32 values widened, as the f32 kernel sees them.
fn reference(act: Activation, x: f64) -> f64 {
    let sigma = |x: f64| 1.0 / (1.0 + (-x).exp());
    match act {
        Activation::Identity => x,
        Activation::Relu => x.max(0.0),
        Activation::Tanh => x.tanh(),
        Activation::Sigmoid => sigma(x),
        // ELU(x) = x if x > 0 else α·(exp(x) − 1)
        Activation::Elu { alpha } => {
            if x > 0.0 {
                x
            } else {
                alpha as f64 * x.exp_m1()
            }
        }
        // LeakyReLU(x) = x if x > 0 else negative_slope·x
        Activation::LeakyRelu { slope } => {
            if x > 0.0 {
                x
            } else {
                slope as f64 * x
            }
        }
        // GELU(x) = x·Φ(x) = 0.5·x·(1 + erf(x/√2))
        Activation::Gelu => 0.5 * x * (1.0 + libm::erf(x / std::f64::consts::SQRT_2)),
        // GELU(x, 'tanh') = 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))
        Activation::GeluTanh => {
            let k = (2.0 / std::f64::consts::PI).sqrt();
            0.5 * x * (1.0 + (k * (x + 0.044715 * x * x * x)).tanh())
        }
        // SiLU(x) = x·σ(x)
        Activation::Silu => x * sigma(x),
        // Softplus(x) = x if β·x > threshold else log(1 + exp(β·x))/β
        Activation::Softplus { beta, threshold } => {
            let (b, t) = (beta as f64, threshold as f64);
            if b * x > t {
                x
            } else {
                (b * x).exp().ln_1p() / b
            }
        }
    }
}

/// Where the PyTorch definition is not differentiable (kinks, and the
/// Softplus switch at β·x = threshold, a jump of log1p(e^−threshold)/β).
fn kinks(act: Activation) -> Vec<f64> {
    match act {
        Activation::Relu | Activation::LeakyRelu { .. } | Activation::Elu { .. } => vec![0.0],
        Activation::Softplus { beta, threshold } => vec![threshold as f64 / beta as f64],
        _ => vec![],
    }
}

/// All the variants the issue lists.
fn variants() -> Vec<Activation> {
    vec![
        Activation::Identity,
        Activation::Relu,
        Activation::Tanh,
        Activation::Sigmoid,
        Activation::Elu { alpha: 1.0 },
        Activation::Elu { alpha: 0.5 },
        Activation::LeakyRelu { slope: 0.01 },
        Activation::LeakyRelu { slope: 0.2 },
        Activation::Gelu,
        Activation::GeluTanh,
        Activation::Silu,
        Activation::Softplus {
            beta: 1.0,
            threshold: 20.0,
        },
        Activation::Softplus {
            beta: 2.0,
            threshold: 10.0,
        },
    ]
}

/// Points near 0, around the Softplus thresholds (20 for β=1; 5 for β=2,
/// threshold 10), in the saturated tails and at |x| = 1e4. All are exact
/// f32 values' nearest f32, and the reference is evaluated at that f32.
const POINTS: &[f32] = &[
    -1e4, -100.0, -50.0, -20.0, -5.0, -3.0, -1.0, -0.5, -1e-3, -1e-7, 0.0, 1e-7, 1e-3, 0.5, 1.0,
    3.0, 4.9, 5.1, 19.9, 20.1, 50.0, 100.0, 1e4,
];

fn lib_forward(act: Activation, xs: &[f32]) -> Vec<f32> {
    let mut y = vec![f32::NAN; xs.len()];
    act.forward(xs, &mut y);
    y
}

fn lib_backward(act: Activation, xs: &[f32]) -> Vec<f32> {
    let y = lib_forward(act, xs);
    let mut dx = vec![f32::NAN; xs.len()];
    act.backward(xs, &y, &vec![1.0; xs.len()], &mut dx);
    dx
}

// ---------- forward values ----------

#[test]
fn reference_formulas_hit_known_values() {
    // Anchors from Python's math module (math.erf, math.tanh, ...), so the
    // f64 references above, libm::erf included, are checked on their own.
    let cases: &[(Activation, f64, f64)] = &[
        (Activation::Gelu, 1.0, 0.8413447460685429),
        (Activation::Gelu, -1.0, -0.15865525393145707),
        (Activation::Gelu, 3.0, 2.99595030590511),
        (Activation::Gelu, -3.0, -0.00404969409489031),
        (Activation::GeluTanh, 1.0, 0.8411919906082768),
        (Activation::GeluTanh, -1.0, -0.15880800939172324),
        (Activation::GeluTanh, 3.0, 2.996362607918227),
        (Activation::GeluTanh, -3.0, -0.0036373920817729943),
        (Activation::Silu, 1.0, 0.7310585786300049),
        (Activation::Silu, -1.0, -0.2689414213699951),
        (
            Activation::Softplus {
                beta: 1.0,
                threshold: 20.0,
            },
            0.0,
            std::f64::consts::LN_2,
        ),
        (
            Activation::Softplus {
                beta: 2.0,
                threshold: 10.0,
            },
            1.5,
            1.524293675786871,
        ),
        (Activation::Elu { alpha: 1.0 }, -1.0, -0.6321205588285577),
        (Activation::Elu { alpha: 0.5 }, -2.0, -0.43233235838169365),
    ];
    for &(act, x, want) in cases {
        let got = reference(act, x);
        assert!(
            (got - want).abs() <= 1e-15 * want.abs().max(1.0),
            "{act:?}({x}) = {got}, Python says {want}"
        );
        // And the library, within f32 rounding.
        let lib = lib_forward(act, &[x as f32])[0] as f64;
        assert!(
            (lib - want).abs() <= 4e-7 * want.abs().max(1.0),
            "library {act:?}({x}) = {lib}, want {want}"
        );
    }
}

#[test]
fn forward_matches_the_pytorch_formula_within_a_few_f32_ulps() {
    // Tolerance: 4e-7·max(1, |ref|), about 3 ulps of a value near 1 — the
    // f32 kernels round a handful of operations (worst seen: 8e-8). Below 1
    // this is an absolute bound, which the GELU tail needs: the f32 formula
    // 0.5·x·(1 + erf(x/√2)) cancels in 1 + erf(…) (erf ≈ −1), so at x = −3
    // the f32 result is 1.4e-6 off relatively (5.5e-9 absolute) and at
    // x = −5 4% (−1.4901e-6 for −1.4333e-6, 5.7e-8 absolute). That is the
    // f32 formula PyTorch's kernel evaluates too, not a bug; the relative
    // check in the next test covers the small values that do not cancel.
    let mut worst = (0.0f64, String::new());
    for act in variants() {
        let got = lib_forward(act, POINTS);
        for (&x, &g) in POINTS.iter().zip(&got) {
            let want = reference(act, x as f64);
            let err = (g as f64 - want).abs();
            let scaled = err / want.abs().max(1.0);
            assert!(
                scaled <= 4e-7,
                "{act:?}({x:e}): nonlin {g:e}, PyTorch formula {want:e}, error {err:e}"
            );
            if scaled > worst.0 {
                worst = (scaled, format!("{act:?}({x:e})"));
            }
        }
    }
    eprintln!("worst scaled forward error: {:e} at {}", worst.0, worst.1);
}

#[test]
fn small_outputs_are_relatively_accurate_where_the_formula_does_not_cancel() {
    // |x| ≤ 1e-3 and the far negative tails of the smooth functions: the
    // outputs are tiny, so check them relative to themselves (8 ulps, plus
    // f32's smallest normal for values that underflow).
    let smooth_tails = [
        Activation::Tanh,
        Activation::Sigmoid,
        Activation::Elu { alpha: 1.0 },
        Activation::Elu { alpha: 0.5 },
        Activation::LeakyRelu { slope: 0.2 },
        Activation::Silu,
        Activation::Softplus {
            beta: 1.0,
            threshold: 20.0,
        },
        Activation::Softplus {
            beta: 2.0,
            threshold: 10.0,
        },
    ];
    let xs = [-50.0f32, -20.0, -1e-3, -1e-7, 1e-7, 1e-3];
    for act in smooth_tails {
        let got = lib_forward(act, &xs);
        for (&x, &g) in xs.iter().zip(&got) {
            let want = reference(act, x as f64);
            let err = (g as f64 - want).abs();
            assert!(
                err <= 8.0 * f32::EPSILON as f64 * want.abs() + f32::MIN_POSITIVE as f64,
                "{act:?}({x:e}): nonlin {g:e}, PyTorch formula {want:e}"
            );
        }
    }
    // GELU near 0 is x·Φ(x) ≈ x/2: no cancellation either.
    for x in [-1e-3f32, -1e-7, 1e-7, 1e-3] {
        for act in [Activation::Gelu, Activation::GeluTanh] {
            let g = lib_forward(act, &[x])[0] as f64;
            let want = reference(act, x as f64);
            assert!(
                (g - want).abs() <= 4.0 * f32::EPSILON as f64 * want.abs(),
                "{act:?}({x:e}) = {g:e}, want {want:e}"
            );
        }
    }
}

#[test]
fn softplus_past_the_threshold_is_x_exactly() {
    for (beta, threshold) in [(1.0f32, 20.0f32), (2.0, 10.0), (0.5, 5.0)] {
        let act = Activation::Softplus { beta, threshold };
        let edge = threshold / beta;
        let xs: Vec<f32> = vec![
            f32::from_bits(edge.to_bits() + 1),
            edge + 0.1,
            edge * 1.5,
            50.0,
            1e4,
            3e38,
        ]
        .into_iter()
        .filter(|&x| x * beta > threshold)
        .collect();
        assert!(xs.len() >= 5);
        let y = lib_forward(act, &xs);
        assert_eq!(
            y.iter().map(|v| v.to_bits()).collect::<Vec<_>>(),
            xs.iter().map(|v| v.to_bits()).collect::<Vec<_>>(),
            "{act:?}"
        );
        assert!(lib_backward(act, &xs).iter().all(|&d| d == 1.0), "{act:?}");
        // Just below the switch it is log1p(exp(βx))/β, larger than x by
        // log1p(e^−threshold)/β — invisible in f32 for threshold 20, not for 5.
        let below = edge - 0.01;
        let y = lib_forward(act, &[below])[0] as f64;
        let want = ((beta * below) as f64).exp().ln_1p() / beta as f64;
        assert!((y - want).abs() <= 4e-7 * want, "{act:?}({below}) = {y}");
        if threshold == 5.0 {
            assert!(y > below as f64 + 0.01, "{y} vs {below}");
        }
    }
}

#[test]
fn gelu_tanh_approximates_gelu_erf_within_5e_4_on_minus_5_to_5() {
    let xs: Vec<f32> = (0..=10_000).map(|i| -5.0 + i as f32 * 1e-3).collect();
    let exact = lib_forward(Activation::Gelu, &xs);
    let approx = lib_forward(Activation::GeluTanh, &xs);
    let (mut max, mut at) = (0.0f32, 0.0f32);
    for i in 0..xs.len() {
        let d = (exact[i] - approx[i]).abs();
        if d > max {
            (max, at) = (d, xs[i]);
        }
    }
    // The true maximum of |GELU − GELU_tanh| on [−5, 5] is 4.73e-4 (f64).
    assert!(max < 5e-4, "max |Δ| = {max:e} at {at}");
    assert!(max > 4e-4, "the two forms should differ visibly: {max:e}");
    // ... and their derivatives differ too.
    let dexact = lib_backward(Activation::Gelu, &xs);
    let dapprox = lib_backward(Activation::GeluTanh, &xs);
    let dmax = dexact
        .iter()
        .zip(&dapprox)
        .map(|(a, b)| (a - b).abs())
        .fold(0.0, f32::max);
    assert!(dmax > 1e-4 && dmax < 5e-3, "{dmax:e}");
}

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

// ---------- stability ----------

#[test]
fn forward_and_backward_are_finite_up_to_1e4() {
    // A log grid over 1e-8..1e4 on both sides, plus 0 and the exp()
    // overflow edges of f32 (|x| ≈ 88.7).
    let mut xs = vec![
        0.0f32, 88.0, 88.8, 89.0, -88.0, -88.8, -89.0, -103.0, -104.0,
    ];
    for i in 0..=240 {
        let m = 10f32.powf(-8.0 + i as f32 * 0.05);
        xs.push(m);
        xs.push(-m);
    }
    xs.extend([1e4f32, -1e4]);
    for act in variants() {
        let y = lib_forward(act, &xs);
        let d = lib_backward(act, &xs);
        for i in 0..xs.len() {
            assert!(
                y[i].is_finite() && d[i].is_finite(),
                "{act:?} at {}: f = {}, f' = {}",
                xs[i],
                y[i],
                d[i]
            );
        }
    }
    // The limits at ±1e4 are the right ones.
    let ends = [-1e4f32, 1e4];
    for (act, f, df) in [
        (Activation::Relu, [0.0, 1e4], [0.0, 1.0]),
        (Activation::Tanh, [-1.0, 1.0], [0.0, 0.0]),
        (Activation::Sigmoid, [0.0, 1.0], [0.0, 0.0]),
        (Activation::Elu { alpha: 0.5 }, [-0.5, 1e4], [0.0, 1.0]),
        (
            Activation::LeakyRelu { slope: 0.2 },
            [-2e3, 1e4],
            [0.2, 1.0],
        ),
        (Activation::Gelu, [0.0, 1e4], [0.0, 1.0]),
        (Activation::GeluTanh, [0.0, 1e4], [0.0, 1.0]),
        (Activation::Silu, [0.0, 1e4], [0.0, 1.0]),
        (
            Activation::Softplus {
                beta: 1.0,
                threshold: 20.0,
            },
            [0.0, 1e4],
            [0.0, 1.0],
        ),
    ] {
        assert_eq!(lib_forward(act, &ends), f, "{act:?}");
        assert_eq!(lib_backward(act, &ends), df, "{act:?}'");
    }
}

#[test]
fn bce_with_logits_is_finite_and_right_at_logits_of_1e4() {
    // ℓ(x, t) = −[w·t·log σ(x) + (1 − t)·log(1 − σ(x))]: at |x| = 1e4 the
    // wrong side costs |x| (times w for a positive), the right side 0.
    let cases = [
        (1e4f32, 1.0f32, None, 0.0f32, 0.0f32),
        (1e4, 0.0, None, 1e4, 1.0),
        (-1e4, 0.0, None, 0.0, 0.0),
        (-1e4, 1.0, None, 1e4, -1.0),
        (-1e4, 1.0, Some(3.0), 3e4, -3.0),
        (1e4, 0.0, Some(3.0), 1e4, 1.0),
    ];
    for (x, t, pw, loss, grad) in cases {
        let mut g = [f32::NAN];
        let v = BceWithLogits { pos_weight: pw }.forward_backward(&[x], &[t], &mut g);
        assert_eq!(
            (v.loss, g[0]),
            (loss, grad),
            "x={x} t={t} pos_weight={pw:?}"
        );
        assert_eq!(v.correct, usize::from(loss == 0.0));
    }
    // Mean over a batch mixing both.
    let mut g = [0.0; 4];
    let v = BceWithLogits::default().forward_backward(
        &[1e4, -1e4, 1e4, -1e4],
        &[1.0, 1.0, 0.0, 0.0],
        &mut g,
    );
    assert_eq!(v.loss, 5e3);
    assert_eq!(g, [0.0, -0.25, 0.25, 0.0]);
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
