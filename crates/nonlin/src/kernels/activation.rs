//! Forward and backward kernels of every activation, with PyTorch's
//! formulas. The enum is matched once per layer per pass; the inner loops
//! are plain slices so they vectorize, and run through [`simd::dispatch`]
//! so that they are compiled for AVX2 too (same operations, same bits).

use super::fastmath::{exp, exp_nonpositive_taylor, expm1_nonpositive, tanh};
use super::simd::{self, Kernel, Lanes};
use crate::model::Activation;

#[inline(always)]
fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + exp(-x))
}

/// The forward loops of one activation, as a [`Kernel`].
struct Forward<'a> {
    act: Activation,
    x: &'a [f32],
    y: &'a mut [f32],
}

impl Kernel for Forward<'_> {
    type Output = ();
    #[inline(always)]
    fn run<V: Lanes>(self) {
        forward_loops(self.act, self.x, self.y);
    }
}

/// The backward loops of one activation, as a [`Kernel`].
struct Backward<'a> {
    act: Activation,
    x: &'a [f32],
    y: &'a [f32],
    dy: &'a [f32],
    dx: &'a mut [f32],
}

impl Kernel for Backward<'_> {
    type Output = ();
    #[inline(always)]
    fn run<V: Lanes>(self) {
        backward_loops(self.act, self.x, self.y, self.dy, self.dx);
    }
}

/// `y = act(x)`, on the best lanes this CPU has (same bits on all).
pub(crate) fn forward(act: Activation, x: &[f32], y: &mut [f32]) {
    simd::dispatch(Forward { act, x, y });
}

/// `dx = dy · act'(x)`, given the forward input `x` and output `y`.
pub(crate) fn backward(act: Activation, x: &[f32], y: &[f32], dy: &[f32], dx: &mut [f32]) {
    simd::dispatch(Backward { act, x, y, dy, dx });
}

#[inline(always)]
fn forward_loops(act: Activation, x: &[f32], y: &mut [f32]) {
    let y = &mut y[..x.len()];
    match act {
        Activation::Identity => y.copy_from_slice(x),
        Activation::Relu => {
            for (y, &x) in y.iter_mut().zip(x) {
                *y = if x > 0.0 { x } else { 0.0 };
            }
        }
        Activation::Tanh => {
            for (y, &x) in y.iter_mut().zip(x) {
                *y = tanh(x);
            }
        }
        Activation::Sigmoid => {
            for (y, &x) in y.iter_mut().zip(x) {
                *y = sigmoid(x);
            }
        }
        Activation::Elu { alpha } => {
            for (y, &x) in y.iter_mut().zip(x) {
                *y = if x > 0.0 {
                    x
                } else {
                    expm1_nonpositive(x) * alpha
                };
            }
        }
        Activation::LeakyRelu { slope } => {
            for (y, &x) in y.iter_mut().zip(x) {
                *y = if x > 0.0 { x } else { x * slope };
            }
        }
        Activation::Gelu => {
            for (y, &x) in y.iter_mut().zip(x) {
                *y = x * 0.5 * (1.0 + libm::erff(x * std::f32::consts::FRAC_1_SQRT_2));
            }
        }
        Activation::GeluTanh => {
            const BETA: f32 = 0.797_884_6; // sqrt(2/pi)
            const KAPPA: f32 = 0.044715;
            for (y, &x) in y.iter_mut().zip(x) {
                let inner = BETA * (x + KAPPA * x * x * x);
                *y = 0.5 * x * (1.0 + tanh(inner));
            }
        }
        Activation::Silu => {
            for (y, &x) in y.iter_mut().zip(x) {
                *y = x / (1.0 + exp(-x));
            }
        }
        Activation::Softplus { beta, threshold } => {
            for (y, &x) in y.iter_mut().zip(x) {
                let bx = x * beta;
                *y = if bx > threshold {
                    x
                } else {
                    exp(bx).ln_1p() / beta
                };
            }
        }
    }
}

#[inline(always)]
fn backward_loops(act: Activation, x: &[f32], y: &[f32], dy: &[f32], dx: &mut [f32]) {
    let n = x.len();
    let (y, dy, dx) = (&y[..n], &dy[..n], &mut dx[..n]);
    match act {
        Activation::Identity => dx.copy_from_slice(dy),
        Activation::Relu => {
            for ((d, &g), &x) in dx.iter_mut().zip(dy).zip(x) {
                *d = if x > 0.0 { g } else { 0.0 };
            }
        }
        Activation::Tanh => {
            for i in 0..n {
                dx[i] = dy[i] * (1.0 - y[i] * y[i]);
            }
        }
        Activation::Sigmoid => {
            for i in 0..n {
                dx[i] = dy[i] * (1.0 - y[i]) * y[i];
            }
        }
        Activation::Elu { alpha } => {
            for i in 0..n {
                dx[i] = if x[i] > 0.0 {
                    dy[i]
                } else {
                    dy[i] * alpha * exp_nonpositive_taylor(x[i])
                };
            }
        }
        Activation::LeakyRelu { slope } => {
            for ((d, &g), &x) in dx.iter_mut().zip(dy).zip(x) {
                *d = if x > 0.0 { g } else { g * slope };
            }
        }
        Activation::Gelu => {
            const ALPHA: f32 = std::f32::consts::FRAC_1_SQRT_2;
            const BETA: f32 = 0.398_942_3; // 1/sqrt(2*pi)
            for i in 0..n {
                let x = x[i];
                let cdf = 0.5 * (1.0 + libm::erff(x * ALPHA));
                let pdf = BETA * exp_nonpositive_taylor(-0.5 * x * x);
                dx[i] = dy[i] * (cdf + x * pdf);
            }
        }
        Activation::GeluTanh => {
            const BETA: f32 = 0.797_884_6;
            const KAPPA: f32 = 0.044715;
            for i in 0..n {
                let x = x[i];
                let x_sq = x * x;
                let inner = BETA * (x + KAPPA * x_sq * x);
                let t = tanh(inner);
                let left = 0.5 * x;
                let right = 1.0 + t;
                let left_d = 0.5 * right;
                let right_d = left * (1.0 - t * t) * BETA * (1.0 + 3.0 * KAPPA * x_sq);
                dx[i] = dy[i] * (left_d + right_d);
            }
        }
        Activation::Silu => {
            for i in 0..n {
                let s = sigmoid(x[i]);
                dx[i] = dy[i] * s * (1.0 + x[i] * (1.0 - s));
            }
        }
        Activation::Softplus { beta, threshold } => {
            for i in 0..n {
                let bx = x[i] * beta;
                dx[i] = if bx > threshold {
                    dy[i]
                } else {
                    let z = exp(bx);
                    dy[i] * z / (z + 1.0)
                };
            }
        }
    }
}
