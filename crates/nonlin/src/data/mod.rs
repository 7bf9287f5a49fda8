//! Data: CSV bytes ([`csv`]) → [`Table`] (typed columns, missing cells
//! marked; [`table`]) → [`Dataset`] (features + 0/1 target; [`dataset`]) →
//! [`Split`] → [`Preprocessing`] (imputer, one-hot encoder; fit on training
//! rows) → [`StandardScaler`] ([`transform`]) → f32 [`Samples`] for
//! training; [`prepare()`] does the steps after the data set in one call.

pub mod csv;
pub mod dataset;
pub mod notes;
pub mod prepare;
pub mod samples;
pub mod split;
pub mod suggest;
pub mod synth;
pub mod table;
pub mod task;
pub mod transform;

pub use csv::{Delimiter, Detected, ReadOptions};
pub use dataset::{BinaryLabels, Dataset, DatasetOptions, FeatureKind, FeatureSelection, Label};
pub use notes::{Note, NoteKind};
pub use prepare::{
    prepare, prepare_fitted, prepare_fitted_releasing, prepare_split, PrepareOptions, Prepared,
    PreparedSplit, ScalingMode,
};
pub use samples::Samples;
pub use split::Split;
pub use table::compact_numbers::Numbers;
pub use table::{NumericTable, Table};
pub use task::Task;
pub use transform::{
    Applied, ImputeStrategy, MissingPolicy, Preprocessing, StandardScaler, TargetScale,
};

/// The Heart Failure clinical records data set (Chicco & Jurman 2020), 299
/// patients, 12 features, target `DEATH_EVENT`; embedded so the seed
/// experiment needs no file and no network.
pub const HEART_FAILURE_CSV: &str =
    include_str!("../../../../data/heart_failure_clinical_records_dataset.csv");

/// The name under which the embedded data set appears in messages.
pub const HEART_FAILURE_NAME: &str = "heart_failure_clinical_records_dataset.csv (embedded)";

/// The tutorial's target column.
pub const HEART_FAILURE_TARGET: &str = "DEATH_EVENT";
