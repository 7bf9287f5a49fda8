//! Training: loss, optimizers, learning-rate schedules, the epoch loop and
//! its history.

pub mod block_plan;
pub mod blocked;
pub mod config;
pub mod cross_entropy;
pub mod history;
pub mod loss;
pub mod loss_config;
pub mod objective;
pub mod optimizer;
pub mod regression_loss;
pub mod schedule;
pub mod trained_model;
pub mod trainer;

pub use config::{EarlyStopping, Plateau, TrainConfig};
pub use cross_entropy::CrossEntropy;
pub use history::{EpochRecord, History};
pub use loss::{BceWithLogits, PosWeight};
pub use loss_config::{ClassWeight, LossConfig};
pub use objective::Objective;
pub use optimizer::{AdamParams, Optimizer, OptimizerConfig, OptimizerKind};
pub use regression_loss::{RegressionLoss, RegressionMetrics, TargetScale};
pub use schedule::LrSchedule;
pub use trained_model::TrainedModel;
pub use trainer::Trainer;
