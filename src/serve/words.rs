//! The page's words for the library's settings: each settings field by the
//! label of the control that sets it ("Learning rate", "Missing values"),
//! so that no message the page shows names a command-line flag; and the
//! form field (the JSON key) by which the page finds that control.

use nonlin::error::Wording;

/// The page's labels, as `assets/index.html` writes them.
pub struct PageWords;

/// The label of a control, or `None` for a setting the page has no control
/// of (it is then named by its form field).
fn label(field: &str) -> Option<&'static str> {
    Some(match field {
        "data" => "Data",
        "delimiter" => "Delimiter",
        "decimal" => "Decimal separator",
        "header" | "no_header" => "Header row",
        "target" => "Target",
        "positive" => "Positive label",
        "task" => "Task",
        "pos_weight" => "Positive weight",
        "class_weight" => "Class weight",
        "label_smoothing" => "Label smoothing",
        "loss" => "Loss",
        "missing" => "Missing values",
        "categorical" => "Categorical",
        "scaling" => "Scaling",
        "features" | "drop" => "Features",
        "models" | "hidden" | "arch" | "layers" => "Model",
        "optimizer" => "Optimizer",
        "lr" => "Learning rate",
        "momentum" => "Momentum",
        "beta1" => "β1",
        "beta2" => "β2",
        "weight_decay" => "Weight decay",
        "epochs" => "Epochs",
        "batch_size" => "Batch size",
        "seed" => "Seed",
        "init_rng" => "Initial weights",
        "repeats" => "repeats",
        "folds" => "folds",
        _ => return None,
    })
}

/// A layer's field (`hidden[1].width`): its position and part.
fn layer_part(field: &str) -> Option<(usize, &str)> {
    let rest = field.strip_prefix("hidden[")?;
    let (index, part) = rest.split_once("].")?;
    Some((index.parse().ok()?, part))
}

impl Wording for PageWords {
    fn setting(&self, field: &str) -> String {
        if let Some((i, part)) = layer_part(field) {
            return format!("\"Model\" layer {} {part}", i + 1);
        }
        match label(field) {
            Some(l) => format!("\"{l}\""),
            None => format!("\"{field}\""),
        }
    }

    fn setting_value(&self, field: &str, value: &str) -> String {
        match field {
            // The page leaves a column out by unticking it.
            "drop" => format!("\"Features\" (untick '{value}')"),
            "no_header" => "\"Header row: no\"".to_string(),
            _ => format!("\"{}: {value}\"", self.setting(field).trim_matches('"')),
        }
    }
}

/// The form field that sets a settings field: `hidden[1].width` is
/// `layers[1].width`, `drop` is `features`; a setting the form has no
/// field of is `settings`.
pub fn form_field(field: &str) -> String {
    if let Some(rest) = field.strip_prefix("hidden[") {
        return format!("layers[{rest}");
    }
    match field {
        "models" | "hidden" | "arch" | "activation" => "layers",
        "drop" => "features",
        "no_header" => "header",
        "data" | "delimiter" | "decimal" | "header" | "target" | "positive" | "missing"
        | "categorical" | "scaling" | "features" | "name" | "optimizer" | "lr" | "momentum"
        | "dampening" | "nesterov" | "weight_decay" | "beta1" | "beta2" | "eps" | "epochs"
        | "batch_size" | "seed" | "init_rng" | "test_size" | "split_seed" | "stratify"
        | "repeats" | "folds" | "task" | "max_classes" | "pos_weight" | "class_weight"
        | "label_smoothing" | "loss" => field,
        _ => "settings",
    }
    .to_string()
}

/// Notes as the page shows them: the settings they name in the page's words.
pub fn page_notes<'a>(
    notes: impl IntoIterator<Item = &'a nonlin::data::Note>,
) -> Vec<nonlin::data::Note> {
    notes
        .into_iter()
        .map(|n| nonlin::data::Note {
            text: n.text_worded(&PageWords),
            ..n.clone()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use nonlin::error::{setting, setting_value, Error};

    #[test]
    fn settings_are_named_by_their_controls() {
        let e = Error::not_applicable(
            "momentum",
            format!(
                "applies to SGD only; choose another {}",
                setting("optimizer")
            ),
        );
        assert_eq!(
            e.worded(&PageWords),
            "\"Momentum\" applies to SGD only; choose another \"Optimizer\""
        );
        let e = Error::Data(format!("pass {}", setting_value("missing", "drop")));
        assert_eq!(e.worded(&PageWords), "pass \"Missing values: drop\"");
        assert_eq!(form_field("hidden[2].width"), "layers[2].width");
        assert_eq!(
            PageWords.setting("hidden[2].width"),
            "\"Model\" layer 3 width"
        );
        assert_eq!(form_field("threads"), "settings");
        let e = Error::not_applicable(
            "label_smoothing",
            "applies to a multiclass target only; this target is regression",
        );
        assert_eq!(
            (form_field(e.field().unwrap()), e.worded(&PageWords)),
            (
                "label_smoothing".to_string(),
                "\"Label smoothing\" applies to a multiclass target only; this target is \
                 regression"
                    .to_string()
            )
        );
    }
}
