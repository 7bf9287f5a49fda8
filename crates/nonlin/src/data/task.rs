//! The question a target asks: yes/no (binary), one of K classes
//! (multiclass) or a number (regression); and the rules that choose it from
//! the target's values when it is not given (`task = auto`).

use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};

/// What the network is trained to answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Task {
    /// Two classes: one logit, `BCEWithLogitsLoss` (the tutorial's).
    #[default]
    Binary,
    /// K ≥ 3 classes: K logits, `CrossEntropyLoss`.
    Multiclass,
    /// A number: one output, `MSELoss`, `L1Loss` or `HuberLoss`.
    Regression,
}

impl Task {
    /// The names the task goes by, as every front end spells them.
    pub const NAMES: &'static [&'static str] = &["binary", "multiclass", "regression"];

    /// The most classes a multiclass target may have unless raised
    /// (`max_classes`).
    pub const DEFAULT_MAX_CLASSES: usize = 100;

    /// At most this many distinct integer values make a numeric target
    /// multiclass under `task = auto`; more make it regression.
    pub const AUTO_MAX_INTEGER_CLASSES: usize = 10;

    /// `auto` (`None`), `binary`, `multiclass` or `regression`.
    pub fn parse(text: &str) -> Result<Option<Task>> {
        match text.trim() {
            "auto" => Ok(None),
            "binary" => Ok(Some(Task::Binary)),
            "multiclass" => Ok(Some(Task::Multiclass)),
            "regression" => Ok(Some(Task::Regression)),
            _ => Err(Error::invalid(
                "task",
                format!("must be auto, binary, multiclass or regression, got '{text}'"),
            )),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Task::Binary => "binary",
            Task::Multiclass => "multiclass",
            Task::Regression => "regression",
        }
    }

    /// Whether the target is a class (binary or multiclass).
    pub fn is_classification(self) -> bool {
        self != Task::Regression
    }

    /// The auto rule, from what the target column holds: two distinct
    /// values → binary; text → multiclass; integer-valued numbers with at
    /// most [`Task::AUTO_MAX_INTEGER_CLASSES`] distinct values →
    /// multiclass; any other numbers → regression.
    pub fn auto(distinct: usize, text: bool, integers: bool) -> Task {
        if distinct == 2 {
            Task::Binary
        } else if text || (integers && distinct <= Task::AUTO_MAX_INTEGER_CLASSES) {
            Task::Multiclass
        } else {
            Task::Regression
        }
    }
}

impl std::fmt::Display for Task {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_auto_rules() {
        assert_eq!(Task::auto(2, false, true), Task::Binary);
        assert_eq!(Task::auto(2, true, false), Task::Binary);
        assert_eq!(Task::auto(2, false, false), Task::Binary);
        assert_eq!(Task::auto(3, true, false), Task::Multiclass);
        assert_eq!(Task::auto(150, true, false), Task::Multiclass);
        assert_eq!(Task::auto(10, false, true), Task::Multiclass);
        assert_eq!(Task::auto(11, false, true), Task::Regression);
        assert_eq!(Task::auto(3, false, false), Task::Regression);
    }

    #[test]
    fn names_parse_back() {
        for &name in Task::NAMES {
            assert_eq!(Task::parse(name).unwrap().unwrap().name(), name);
        }
        assert_eq!(Task::parse("auto").unwrap(), None);
        let e = Task::parse("ranking").unwrap_err();
        assert_eq!(e.field(), Some("task"));
    }
}
