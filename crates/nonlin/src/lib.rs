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

pub use error::{Error, Result, Wording};

// The API a library user needs, at the crate's root; the modules hold the
// rest for those who build their own pipeline.
pub use data::{Dataset, DatasetOptions, FeatureSelection, MissingPolicy, ReadOptions, Table};
pub use eval::study::StudyResult;
pub use io::Checkpoint;
pub use model::{Activation, Architecture, ArchitectureBuilder, Network};
pub use run::{
    Cancel, DataConfig, Event, Fit, Hidden, ModelDef, ModelSettings, ModelSpec, Observer,
    OptimizerSettings, Plan, PredictConfig, Predictions, Preset, ReadSettings, RunConfig,
    RunResult, RunSettings, Silent, SplitSettings, StudyConfig, StudySettings, TrainSettings,
};
pub use train::{
    EarlyStopping, History, LossConfig, LrSchedule, OptimizerConfig, OptimizerKind, Plateau,
    PosWeight, TrainConfig, TrainedModel,
};
/// The kernels that benchmarks and the kernel tests call directly (the
/// linear layer's passes on a chosen family, the SIMD level switch). Not
/// part of the API: the kernels are crate-internal and may change.
#[doc(hidden)]
pub mod bench_internals {
    pub use crate::kernels::linear::{Backward, Forward, InputGrad, Path};
    pub use crate::kernels::simd::{avx2, force_baseline};
}
