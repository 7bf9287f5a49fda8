//! Settings as front ends give them: every value optional, `None` meaning
//! "the preset's default". Each concern has one type, applied over its
//! defaults in one place, with every check and every refusal of a setting
//! that does not apply:
//!
//! | concern | settings | becomes |
//! |---|---|---|
//! | optimizer | [`OptimizerSettings`] | [`crate::train::OptimizerConfig`] |
//! | training (epochs, batches, loss, stopping) | [`TrainSettings`] | [`crate::train::TrainConfig`] |
//! | reading a file | [`ReadSettings`] | [`crate::data::ReadOptions`] |
//! | the data set's columns | [`crate::data::DatasetOptions`] (one type, no copy) | |
//! | models | [`ModelSettings`] | [`super::ModelDef`]s |
//! | split and scaling | [`SplitSettings`] | [`crate::data::PrepareOptions`] |
//! | a `train`/`compare` run | [`RunSettings`] over a [`Preset`] | [`super::RunConfig`] |
//! | a study | [`StudySettings`] | [`super::StudyConfig`] |
//!
//! The command line maps its flags onto these, the playground its form
//! fields, Python its keyword arguments; errors name the settings field
//! ([`crate::Error::field`]) and each front end words it
//! ([`crate::Error::worded`]).

mod optimizer;
mod read;
mod run;
mod study;
mod training;

pub use optimizer::OptimizerSettings;
pub use read::{missing_policy, ReadSettings, MISSING_POLICIES};
pub use run::{ModelSettings, Preset, RunSettings, SplitSettings};
pub use study::StudySettings;
pub use training::TrainSettings;
