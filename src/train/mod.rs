//! Training: loss, optimizers, learning-rate schedules, the epoch loop and
//! its history.

pub mod history;
pub mod loss;
pub mod optimizer;
pub mod schedule;
pub mod trainer;

pub use history::{EpochRecord, History};
pub use loss::BceWithLogits;
pub use optimizer::{Optimizer, OptimizerConfig};
pub use schedule::LrSchedule;
pub use trainer::{EarlyStopping, TrainConfig, Trainer};
