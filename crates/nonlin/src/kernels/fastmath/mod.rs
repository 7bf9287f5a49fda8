//! Branch-free f32 `exp`, `expm1`, `log1p` and `tanh`, written so that a
//! loop over a batch vectorizes (libm's scalar calls were a third of an
//! epoch, and `expm1f`/`tanhf` 28% of the default study's time).
//!
//! There are two `exp(x)` for `x ≤ 0`, with the same contract (≈ 1 ulp,
//! 0 below −87.3) and different polynomials, and both stay:
//!
//! - [`exp_nonpositive_cephes`] ([`cephes`]): Cody–Waite reduction with
//!   Cephes' degree-5 `expf` polynomial, for the loss (`train::loss`, with
//!   [`log1p_unit`]).
//! - [`exp_nonpositive_taylor`] ([`taylor`]): the degree-8 Taylor
//!   `expm1(r)` that the activation kernels share with [`expm1_nonpositive`],
//!   [`exp`] and [`tanh`] (SLEEF's method; NaN in gives NaN out).
//!
//! They are not interchangeable: their results differ on 871 180 of the
//! 1.1·10⁹ f32 in [−87, 0] (by one ulp), and NaN gives e^−87 from the
//! Cephes one, NaN from the Taylor one. The loss and the activations are
//! each pinned bit for bit (the PyTorch parity tests, the SIMD path tests,
//! the study's outputs), so merging the two would change those bits: each
//! call site keeps its own polynomial.

mod cephes;
mod taylor;

pub(crate) use cephes::{exp_nonpositive_cephes, log1p_unit};
pub(crate) use taylor::{exp, exp_nonpositive_taylor, expm1_nonpositive, tanh};
