//! Feature columns → model inputs, fit on the training rows: missing cells
//! filled in ([`missing_values`]), categories one-hot encoded ([`one_hot`]),
//! both held by the fitted, serializable [`Preprocessing`]
//! ([`preprocessing`]), then standardized ([`scaler`]); a regression target is standardized
//! too ([`target_scale`]).

pub mod missing_values;
pub mod one_hot;
pub mod preprocessing;
pub mod scaler;
pub mod target_scale;

pub use missing_values::{ImputeStrategy, MissingPolicy};
pub use preprocessing::{Applied, Preprocessing};
pub use scaler::StandardScaler;
pub use target_scale::TargetScale;
