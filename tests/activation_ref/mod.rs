//! Shared by the activation tests (tests/activations.rs,
//! tests/activation_gradients.rs): PyTorch's formulas in f64, written out
//! independently of the library's kernels, the variants under test, the
//! sample points, and the library's forward and backward on a slice.
#![allow(dead_code)]

use nonlin::model::Activation;

/// PyTorch's definition of each module's forward, in f64. `α`, slopes and
/// betas are the f32 values widened, as the f32 kernel sees them.
pub fn reference(act: Activation, x: f64) -> f64 {
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
pub fn kinks(act: Activation) -> Vec<f64> {
    match act {
        Activation::Relu | Activation::LeakyRelu { .. } | Activation::Elu { .. } => vec![0.0],
        Activation::Softplus { beta, threshold } => vec![threshold as f64 / beta as f64],
        _ => vec![],
    }
}

/// All the variants the issue lists.
pub fn variants() -> Vec<Activation> {
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
pub const POINTS: &[f32] = &[
    -1e4, -100.0, -50.0, -20.0, -5.0, -3.0, -1.0, -0.5, -1e-3, -1e-7, 0.0, 1e-7, 1e-3, 0.5, 1.0,
    3.0, 4.9, 5.1, 19.9, 20.1, 50.0, 100.0, 1e4,
];

pub fn lib_forward(act: Activation, xs: &[f32]) -> Vec<f32> {
    let mut y = vec![f32::NAN; xs.len()];
    act.forward(xs, &mut y);
    y
}

pub fn lib_backward(act: Activation, xs: &[f32]) -> Vec<f32> {
    let y = lib_forward(act, xs);
    let mut dx = vec![f32::NAN; xs.len()];
    act.backward(xs, &y, &vec![1.0; xs.len()], &mut dx);
    dx
}
