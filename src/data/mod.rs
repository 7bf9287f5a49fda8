//! Data: CSV bytes → [`Table`] → [`Dataset`] (features + 0/1 target)
//! → [`Split`] → [`StandardScaler`] → f32 [`Samples`] for training.

pub mod dataset;
pub mod prepare;
pub mod samples;
pub mod scaler;
pub mod split;
pub mod synth;
pub mod table;

pub use dataset::Dataset;
pub use prepare::{prepare, PrepareOptions, Prepared, ScalingMode};
pub use samples::Samples;
pub use scaler::StandardScaler;
pub use split::Split;
pub use table::Table;

/// The Heart Failure clinical records data set (Chicco & Jurman 2020), 299
/// patients, 12 features, target `DEATH_EVENT`; embedded so the seed
/// experiment needs no file and no network.
pub const HEART_FAILURE_CSV: &str =
    include_str!("../../data/heart_failure_clinical_records_dataset.csv");

/// The name under which the embedded data set appears in messages.
pub const HEART_FAILURE_NAME: &str = "heart_failure_clinical_records_dataset.csv (embedded)";

/// The tutorial's target column.
pub const HEART_FAILURE_TARGET: &str = "DEATH_EVENT";
