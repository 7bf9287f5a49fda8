//! The kernels under the model and the training loop: the f32 lanes and
//! their dispatch ([`simd`]), the linear layer's loops ([`linear`], which
//! picks between the row loops and the register tiles of [`tiled`] and
//! [`tiled_weight`]), fixed-order sums ([`lane_sums`]), the activation loops
//! ([`activation`]), branch-free `exp`/`log1p`/`tanh` ([`fastmath`]) and the
//! kernel threads ([`pool`]).
//!
//! Everything here is crate-internal; benchmarks and the tests that pin a
//! kernel reach what they need through [`crate::bench_internals`].

pub(crate) mod activation;
pub(crate) mod fastmath;
pub(crate) mod lane_sums;
pub(crate) mod linear;
pub(crate) mod pool;
pub(crate) mod simd;
pub(crate) mod tiled;
pub(crate) mod tiled_weight;
