//! nonlin: train small neural networks on tabular data, fast, and see what
//! non-linear activations do.
//!
//! The modules follow the flow of a run:
//! [`data`] (CSV → table → split → scaler → samples) → [`model`] (layers,
//! activations, init; its loops are the crate-internal `kernels`: SIMD lanes,
//! linear tiles, fast math, the kernel threads) → [`train`] (loss, optimizer, loop, history) →
//! [`eval`] (metrics, studies) → [`io`] (checkpoints, atomic writes) and
//! [`report`] (plots, HTML) → [`run`] (the pipelines, with events) → front
//! ends (the `nonlin` binary's private `cli` module).

pub mod data;
pub mod error;
pub mod eval;
pub mod io;
pub(crate) mod kernels;
pub mod model;
pub mod report;
pub mod rng;
pub mod run;
pub mod train;

pub use error::{Error, Result};

/// The kernels that benchmarks and the kernel tests call directly (the
/// linear layer's passes on a chosen family, the SIMD level switch). Not
/// part of the API: the kernels are crate-internal and may change.
#[doc(hidden)]
pub mod bench_internals {
    pub use crate::kernels::linear::{Backward, Forward, InputGrad, Path};
    pub use crate::kernels::simd::{avx2, force_baseline};
}
