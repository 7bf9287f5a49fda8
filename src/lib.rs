//! nonlin: train small neural networks on tabular data, fast, and see what
//! non-linear activations do.
//!
//! The modules follow the flow of a run:
//! data (CSV → table → scaler → split) → model (layers, activations, init)
//! → train (loss, optimizer, loop, history) → eval (metrics, studies)
//! → io (checkpoints, atomic writes) and report (plots, HTML) → cli.

pub mod eval;
pub mod report;
