//! The loss settings of a run, before the training rows are known: the task
//! they are for and each task's options. [`LossConfig::resolve`] turns them
//! into the [`Objective`] the trainer minimizes.

use super::cross_entropy::balanced_weights;
use super::loss::auto_pos_weight;
use super::{BceWithLogits, CrossEntropy, Objective, PosWeight, RegressionLoss};
use crate::data::Task;
use crate::error::{setting, Error, Result};
use serde::ser::SerializeMap;

/// `CrossEntropyLoss`'s `weight=` as a setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ClassWeight {
    /// Every class weighs 1.
    #[default]
    None,
    /// scikit-learn's `"balanced"`: `n / (K · count)` on the training rows.
    Balanced,
}

impl ClassWeight {
    /// `balanced` or `none`, as every front end spells it.
    pub fn parse(text: &str) -> Result<ClassWeight> {
        match text.trim() {
            "balanced" => Ok(ClassWeight::Balanced),
            "none" => Ok(ClassWeight::None),
            _ => Err(Error::invalid(
                "class_weight",
                format!("must be balanced or none, got '{text}'"),
            )),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            ClassWeight::None => "none",
            ClassWeight::Balanced => "balanced",
        }
    }
}

/// The loss settings of a run.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct LossConfig {
    /// The task the loss is for; `None` until the data says (a run's
    /// pipeline sets it from its data set). A trainer reads `None` as
    /// binary.
    pub task: Option<Task>,
    /// Binary: `BCEWithLogitsLoss(pos_weight=)`.
    pub pos_weight: PosWeight,
    /// Multiclass: `CrossEntropyLoss(weight=)`.
    pub class_weight: ClassWeight,
    /// Multiclass: `CrossEntropyLoss(label_smoothing=)`.
    pub label_smoothing: f32,
    /// Regression: the loss (`None`: MSE).
    pub regression: Option<RegressionLoss>,
}

impl LossConfig {
    /// With `pos_weight = w`.
    pub fn with_pos_weight(w: f32) -> LossConfig {
        LossConfig {
            pos_weight: PosWeight::Value(w),
            ..LossConfig::default()
        }
    }

    /// The task, binary when not set.
    pub fn task(&self) -> Task {
        self.task.unwrap_or_default()
    }

    /// These settings for `task`: refused, naming the setting, when one of
    /// them does not apply to it.
    pub fn for_task(&self, task: Task) -> Result<LossConfig> {
        let refuse = |field: &str, applies: &str| {
            Err(Error::not_applicable(
                field,
                format!("applies to {applies} only; this target is {task}"),
            ))
        };
        if task != Task::Binary && self.pos_weight != PosWeight::None {
            return refuse("pos_weight", "a binary target");
        }
        if task != Task::Multiclass {
            if self.class_weight != ClassWeight::None {
                return refuse(
                    "class_weight",
                    &format!("a multiclass target (binary: {})", setting("pos_weight")),
                );
            }
            if self.label_smoothing != 0.0 {
                return refuse("label_smoothing", "a multiclass target");
            }
        }
        if task != Task::Regression && self.regression.is_some() {
            return refuse("loss", "a regression target");
        }
        Ok(LossConfig {
            task: Some(task),
            ..*self
        })
    }

    /// Range checks; the error names the field.
    pub fn validate(&self) -> Result<()> {
        if let Some(w) = self.pos_weight.value() {
            super::config::check::positive("pos_weight", w as f64)?;
        }
        CrossEntropy::new(None, self.label_smoothing).map(|_| ())?;
        if let Some(task) = self.task {
            self.for_task(task)?;
        }
        Ok(())
    }

    /// The loss for these training targets (`k` the network's outputs):
    /// `pos_weight = auto` becomes negatives / positives of `y`, balanced
    /// class weights are fit on `y` (`rows` says which rows they are in an
    /// error).
    pub fn resolve(&self, y: &[f32], k: usize, rows: &str) -> Result<Objective> {
        Ok(match self.task() {
            Task::Binary => Objective::Binary(self.binary(y, rows)?),
            Task::Multiclass => {
                let weight = match self.class_weight {
                    ClassWeight::None => None,
                    ClassWeight::Balanced => Some(balanced_weights(y, k)),
                };
                Objective::Multiclass {
                    classes: k,
                    loss: CrossEntropy::new(weight, self.label_smoothing)?,
                }
            }
            Task::Regression => Objective::Regression(self.regression.unwrap_or_default()),
        })
    }

    /// The binary loss, `auto` resolved on `y`.
    fn binary(&self, y: &[f32], rows: &str) -> Result<BceWithLogits> {
        let pos_weight = match self.pos_weight {
            PosWeight::None => None,
            PosWeight::Value(w) => Some(w),
            PosWeight::Auto => Some(auto_pos_weight(y).ok_or_else(|| {
                Error::Data(format!(
                    "{} auto: {rows} have no positive rows",
                    setting("pos_weight")
                ))
            })?),
        };
        Ok(BceWithLogits { pos_weight })
    }

    /// The same settings with `pos_weight = auto` resolved on `y`.
    pub fn resolved(&self, y: &[f32], rows: &str) -> Result<LossConfig> {
        if self.task() != Task::Binary {
            return Ok(*self);
        }
        Ok(LossConfig {
            pos_weight: match self.binary(y, rows)?.pos_weight {
                Some(w) => PosWeight::Value(w),
                None => PosWeight::None,
            },
            ..*self
        })
    }
}

/// The settings of the task, as its PyTorch loss takes them: binary
/// `{"pos_weight": …}` (as before there were tasks); multiclass
/// `{"task": "multiclass", "class_weight": …, "label_smoothing": …}`;
/// regression `{"task": "regression", "loss": {"name": …}}`.
impl serde::Serialize for LossConfig {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        match self.task() {
            Task::Binary => m.serialize_entry("pos_weight", &self.pos_weight)?,
            Task::Multiclass => {
                m.serialize_entry("task", &Task::Multiclass)?;
                m.serialize_entry("class_weight", self.class_weight.name())?;
                m.serialize_entry("label_smoothing", &self.label_smoothing)?;
            }
            Task::Regression => {
                m.serialize_entry("task", &Task::Regression)?;
                m.serialize_entry("loss", &self.regression.unwrap_or_default())?;
            }
        }
        m.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_setting_of_another_task_is_refused_by_name() {
        let smooth = LossConfig {
            label_smoothing: 0.1,
            ..LossConfig::default()
        };
        assert!(smooth.for_task(Task::Multiclass).is_ok());
        let e = smooth.for_task(Task::Regression).unwrap_err();
        assert!(matches!(e, Error::NotApplicable { .. }));
        assert_eq!(e.field(), Some("label_smoothing"));
        let pw = LossConfig::with_pos_weight(2.0);
        assert_eq!(
            pw.for_task(Task::Multiclass).unwrap_err().field(),
            Some("pos_weight")
        );
        let huber = LossConfig {
            regression: Some(RegressionLoss::Huber { delta: 2.0 }),
            ..LossConfig::default()
        };
        assert_eq!(
            huber.for_task(Task::Binary).unwrap_err().field(),
            Some("loss")
        );
        let balanced = LossConfig {
            class_weight: ClassWeight::Balanced,
            ..LossConfig::default()
        };
        assert_eq!(
            balanced.for_task(Task::Binary).unwrap_err().field(),
            Some("class_weight")
        );
    }

    #[test]
    fn binary_settings_serialize_as_before() {
        let j = serde_json::to_string(&LossConfig::default()).unwrap();
        assert_eq!(j, r#"{"pos_weight":null}"#);
        let c = LossConfig {
            task: Some(Task::Regression),
            ..LossConfig::default()
        };
        let j = serde_json::to_string(&c).unwrap();
        assert_eq!(j, r#"{"task":"regression","loss":{"name":"mse"}}"#);
    }

    #[test]
    fn balanced_weights_are_fit_on_the_rows() {
        let c = LossConfig {
            task: Some(Task::Multiclass),
            class_weight: ClassWeight::Balanced,
            ..LossConfig::default()
        };
        let y = [0.0, 0.0, 1.0, 2.0];
        match c.resolve(&y, 3, "rows").unwrap() {
            Objective::Multiclass { classes, loss } => {
                assert_eq!(classes, 3);
                let w = loss.weight.unwrap();
                assert_eq!(w, [4.0 / 6.0, 4.0 / 3.0, 4.0 / 3.0]);
            }
            o => panic!("{o:?}"),
        }
    }
}
