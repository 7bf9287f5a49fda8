//! What the page's views of a network need besides the network: the
//! prepared split, and what the target asks (its task and class labels).

use nonlin::data::{Label, Prepared, TargetScale, Task};
use nonlin::eval::predict::{logits, Head, Predicted};
use nonlin::model::Network;
use nonlin::run::{Plan, RunResult};

/// The prepared split of a run and its target's task, borrowed.
#[derive(Debug, Clone, Copy)]
pub struct TaskData<'a> {
    pub prepared: &'a Prepared,
    pub task: Task,
    /// The class labels in index order (none for regression).
    pub classes: &'a [Label],
}

impl<'a> TaskData<'a> {
    /// A finished run's.
    pub fn of_result(r: &'a RunResult) -> TaskData<'a> {
        TaskData {
            prepared: &r.prepared,
            task: r.task,
            classes: &r.classes,
        }
    }

    /// The class labels as the page shows them.
    pub fn class_names(&self) -> Vec<String> {
        class_names(self.classes)
    }

    /// What the network's outputs mean, the library's [`Head`] of the
    /// task (a regression split always has its target scale; without one
    /// the outputs are read as they are).
    pub fn head(&self) -> Head {
        match self.task {
            Task::Binary => Head::Binary,
            Task::Multiclass => Head::Multiclass {
                classes: self.classes.to_vec(),
            },
            Task::Regression => Head::Regression {
                scale: self
                    .prepared
                    .target_scale
                    .unwrap_or_else(TargetScale::identity),
            },
        }
    }

    /// The network's class-major outputs of `n` feature-major rows, and
    /// what they predict ([`Head::predictions`]).
    pub fn predict(&self, net: &Network, xt: &[f32], n: usize) -> (Vec<f32>, Predicted) {
        let out = logits(net, xt, n);
        let predicted = self.head().predictions(&out, n);
        (out, predicted)
    }
}

/// Class labels as text, in index order.
pub fn class_names(classes: &[Label]) -> Vec<String> {
    classes.iter().map(Label::to_string).collect()
}

/// A copy of a run's [`TaskData`], shared with the requests about it while
/// it trains.
#[derive(Debug, Clone)]
pub struct RunData {
    pub prepared: Prepared,
    pub task: Task,
    pub classes: Vec<Label>,
}

impl RunData {
    pub fn of_plan(plan: &Plan) -> RunData {
        RunData {
            prepared: plan.prepared.clone(),
            task: plan.task,
            classes: plan.classes.clone(),
        }
    }

    pub fn view(&self) -> TaskData<'_> {
        TaskData {
            prepared: &self.prepared,
            task: self.task,
            classes: &self.classes,
        }
    }
}

impl TaskData<'_> {
    /// Standardized input `j`'s least and greatest values over every row
    /// (train and test); `None` without a finite value.
    pub fn range(&self, j: usize) -> Option<(f32, f32)> {
        let p = self.prepared;
        let mut lo = f32::INFINITY;
        let mut hi = f32::NEG_INFINITY;
        for s in [&p.train, &p.test] {
            for &v in &s.xt[j * s.n..(j + 1) * s.n] {
                lo = lo.min(v);
                hi = hi.max(v);
            }
        }
        (lo.is_finite() && hi.is_finite()).then_some((lo, hi))
    }

    /// A standardized value of input `j` in the input's units (the
    /// scaler's inverse, in f64).
    pub fn raw(&self, j: usize, z: f64) -> f64 {
        let s = &self.prepared.scaler;
        z * s.scale[j] + s.mean[j]
    }
}
