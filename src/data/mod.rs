//! Data: CSV bytes → [`Table`] (typed columns, missing cells marked) →
//! [`Dataset`] (features + 0/1 target) → [`Split`] → [`Preprocessing`]
//! (imputer, one-hot encoder; fit on training rows) → [`StandardScaler`] →
//! f32 [`Samples`] for training.

pub mod column;
pub mod csv;
pub mod dataset;
pub mod encoder;
pub mod features;
pub mod imputer;
pub mod labels;
pub mod missing;
pub mod notes;
pub mod numbers;
pub mod prepare;
pub mod preprocess;
pub mod samples;
pub mod scaler;
pub mod selection;
pub mod split;
pub mod suggest;
pub mod synth;
pub mod table;

pub use csv::{Delimiter, Detected, ReadOptions};
pub use dataset::{Dataset, DatasetOptions, FeatureSelection};
pub use features::FeatureKind;
pub use labels::{BinaryLabels, Label};
pub use missing::{ImputeStrategy, MissingPolicy};
pub use notes::{Note, NoteKind};
pub use numbers::Numbers;
pub use prepare::{
    prepare, prepare_fitted, prepare_fitted_releasing, prepare_split, Fitted, PrepareOptions,
    Prepared, ScalingMode,
};
pub use preprocess::{Applied, Preprocessing};
pub use samples::Samples;
pub use scaler::StandardScaler;
pub use split::Split;
pub use table::{NumericTable, Table};

/// The Heart Failure clinical records data set (Chicco & Jurman 2020), 299
/// patients, 12 features, target `DEATH_EVENT`; embedded so the seed
/// experiment needs no file and no network.
pub const HEART_FAILURE_CSV: &str =
    include_str!("../../data/heart_failure_clinical_records_dataset.csv");

/// The name under which the embedded data set appears in messages.
pub const HEART_FAILURE_NAME: &str = "heart_failure_clinical_records_dataset.csv (embedded)";

/// The tutorial's target column.
pub const HEART_FAILURE_TARGET: &str = "DEATH_EVENT";
