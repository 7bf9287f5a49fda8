//! What a training run minimizes: the task's loss over the network's
//! outputs, resolved for the training rows ([`super::LossConfig::resolve`]).
//! One type so the batch code ([`super::blocked`]) and the trainer treat
//! every task alike.

use super::loss::LossValue;
use super::{BceWithLogits, CrossEntropy, RegressionLoss};
use crate::data::Task;

/// The loss of a run, resolved.
#[derive(Debug, Clone, PartialEq)]
pub enum Objective {
    /// One logit per row, `BCEWithLogitsLoss`.
    Binary(BceWithLogits),
    /// `classes` logits per row (class-major), `CrossEntropyLoss`.
    Multiclass { classes: usize, loss: CrossEntropy },
    /// One output per row against the standardized target.
    Regression(RegressionLoss),
}

impl Objective {
    pub fn task(&self) -> Task {
        match self {
            Objective::Binary(_) => Task::Binary,
            Objective::Multiclass { .. } => Task::Multiclass,
            Objective::Regression(_) => Task::Regression,
        }
    }

    /// Outputs per row.
    pub fn outputs(&self) -> usize {
        match self {
            Objective::Multiclass { classes, .. } => *classes,
            _ => 1,
        }
    }

    /// The mean loss over the rows of `y` (and the correct predictions of
    /// a class task; 0 for regression) from their outputs (class-major).
    pub fn evaluate(&self, out: &[f32], y: &[f32]) -> LossValue {
        match self {
            Objective::Binary(l) => l.evaluate(out, y),
            Objective::Multiclass { classes, loss } => loss.evaluate(out, *classes, y),
            Objective::Regression(l) => LossValue {
                loss: l.evaluate(out, y),
                correct: 0,
            },
        }
    }

    /// [`Objective::evaluate`], writing `∂L/∂out` into `grad`.
    pub fn forward_backward(&self, out: &[f32], y: &[f32], grad: &mut [f32]) -> LossValue {
        match self {
            Objective::Binary(l) => l.forward_backward(out, y, grad),
            Objective::Multiclass { classes, loss } => {
                loss.forward_backward(out, *classes, y, grad)
            }
            Objective::Regression(l) => LossValue {
                loss: l.forward_backward(out, y, grad),
                correct: 0,
            },
        }
    }

    /// The denominator of the mean loss over the rows `y` (the rows' count,
    /// or `Σ w[yᵢ]` with class weights), in f64: batches and blocks of
    /// rows are combined in these shares.
    pub fn weight(&self, y: &[f32]) -> f64 {
        match self {
            Objective::Multiclass {
                classes,
                loss: CrossEntropy {
                    weight: Some(w), ..
                },
            } => y
                .iter()
                .map(|&t| w[(t as usize).min(classes - 1)] as f64)
                .sum(),
            _ => y.len() as f64,
        }
    }

    /// Whether [`Objective::weight`] is anything but the row count.
    pub fn is_weighted(&self) -> bool {
        matches!(
            self,
            Objective::Multiclass {
                loss: CrossEntropy {
                    weight: Some(_),
                    ..
                },
                ..
            }
        )
    }
}

impl From<BceWithLogits> for Objective {
    fn from(l: BceWithLogits) -> Objective {
        Objective::Binary(l)
    }
}
