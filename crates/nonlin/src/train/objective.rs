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
    /// With per-row weights `s` (one per row, or `None`) the mean is the
    /// weighted one, over [`Objective::weight`].
    pub fn evaluate(&self, out: &[f32], y: &[f32], s: Option<&[f32]>) -> LossValue {
        match self {
            Objective::Binary(l) => l.evaluate_weighted(out, y, s),
            Objective::Multiclass { classes, loss } => loss.evaluate_weighted(out, *classes, y, s),
            Objective::Regression(l) => LossValue {
                loss: l.evaluate_weighted(out, y, s),
                correct: 0,
            },
        }
    }

    /// [`Objective::evaluate`], writing `∂L/∂out` into `grad`.
    pub fn forward_backward(
        &self,
        out: &[f32],
        y: &[f32],
        s: Option<&[f32]>,
        grad: &mut [f32],
    ) -> LossValue {
        match self {
            Objective::Binary(l) => l.forward_backward_weighted(out, y, s, grad),
            Objective::Multiclass { classes, loss } => {
                loss.forward_backward_weighted(out, *classes, y, s, grad)
            }
            Objective::Regression(l) => LossValue {
                loss: l.forward_backward_weighted(out, y, s, grad),
                correct: 0,
            },
        }
    }

    /// The denominator of the mean loss over the rows `y` with row weights
    /// `s`, in f64, row after row: the rows' count; `Σ sᵢ` with row
    /// weights; `Σ w[yᵢ]` with class weights; `Σ w[yᵢ]·sᵢ` with both.
    /// Batches and blocks of rows are combined in these shares.
    pub fn weight(&self, y: &[f32], s: Option<&[f32]>) -> f64 {
        match self {
            Objective::Multiclass { classes, loss } => loss.denominator(*classes, y, s),
            _ => super::loss::weight_sum(y.len(), s),
        }
    }

    /// Whether [`Objective::weight`] is anything but the row count
    /// without row weights (class weights).
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
