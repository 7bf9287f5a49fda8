//! nonlin: train small neural networks on tabular data, fast, and see what
//! non-linear activations do.
//!
//! The modules follow the flow of a run:
//! [`data`] (CSV → table → split → scaler → samples) → [`model`] (layers,
//! activations, init) → [`train`] (loss, optimizer, loop, history) →
//! [`eval`] (metrics, studies) → [`io`] (checkpoints, atomic writes) and
//! [`report`] (plots, HTML) → [`run`] (the pipelines, with events) → front
//! ends (the `nonlin` binary's private `cli` module).

pub mod data;
pub mod error;
pub mod eval;
pub mod io;
pub mod model;
pub mod report;
pub mod rng;
pub mod run;
pub mod train;

pub use error::{Error, Result};
