//! The library's pipelines — the one door every front end (the CLI, the
//! `serve` playground, the Python package) goes through.
//!
//! Each pipeline takes plain, validated configuration (which owns its
//! defaults; errors name the configuration field, see
//! [`crate::Error::Invalid`]), an [`Observer`] that receives typed
//! [`Event`]s, and a [`Cancel`] flag; it returns a typed result the caller
//! may write ([`outputs`]) or not:
//!
//! | pipeline | configuration | result |
//! |---|---|---|
//! | [`split_run::run`] (`train`, `compare`) | [`RunConfig`] | [`RunResult`] |
//! | [`study::run`] | [`StudyConfig`] | [`crate::eval::study::StudyResult`] |
//! | [`predict::run`] | [`PredictConfig`] | [`Predictions`] |
//! | [`Fit::run`] (one model on prepared data) | [`Fit`] | [`crate::train::TrainedModel`] |
//!
//! ```no_run
//! use nonlin::run::{self, Cancel, Event, RunConfig, DataConfig};
//! # fn main() -> nonlin::Result<()> {
//! let data = DataConfig::default().load()?;
//! let mut print = |e: &Event| {
//!     if let Event::Epoch { history, record, .. } = e {
//!         if record.epoch % 100 == 0 {
//!             println!("{}", history.log_line(record));
//!         }
//!     }
//! };
//! let result = run::split_run::run(&data, &RunConfig::compare(), &mut print, &Cancel::new())?;
//! # Ok(()) }
//! ```

pub mod data_config;
pub mod describe;
pub mod event;
pub mod experiment_file;
pub mod fit;
pub mod memory;
pub mod models;
pub mod outputs;
pub mod predict;
pub mod settings;
pub mod split_run;
pub mod study;
pub mod study_inputs;
pub mod study_outputs;

pub use data_config::DataConfig;
pub use event::{Cancel, Event, Observer, Silent};
pub use experiment_file::ExperimentFile;
pub use fit::{Fit, Fitted};
pub use models::{tutorial_models, Hidden, LayerDef, ModelDef, ModelSpec};
pub use outputs::OutputOptions;
pub use predict::{PredictConfig, Predictions};
pub use settings::{
    ModelSettings, OptimizerSettings, Preset, ReadSettings, RunSettings, SplitSettings,
    StudySettings, TrainSettings,
};
pub use split_run::{Plan, RunConfig, RunKind, RunResult};
pub use study::StudyConfig;
