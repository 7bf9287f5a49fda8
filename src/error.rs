//! One error type for the whole library, with messages written for the person
//! at the terminal: what went wrong, where (file, line, column), and what was
//! expected.

use std::fmt;
use std::path::PathBuf;

/// Everything that can go wrong in nonlin, with enough context to act on.
#[derive(Debug)]
pub enum Error {
    /// A file could not be opened, read or written.
    Io {
        path: PathBuf,
        action: &'static str,
        source: std::io::Error,
    },
    /// Malformed CSV structure (quoting, wrong number of fields, no header).
    Csv {
        source_name: String,
        line: u64,
        message: String,
    },
    /// A cell that should hold a number does not.
    NotANumber {
        source_name: String,
        line: u64,
        column: usize,
        column_name: String,
        text: String,
    },
    /// A cell that cannot be used: not UTF-8, not finite, not the kind the
    /// column holds.
    Cell {
        source_name: String,
        line: u64,
        /// 1-based position in the file.
        column: usize,
        column_name: String,
        message: String,
    },
    /// A column was asked for that the data does not have.
    MissingColumn {
        source_name: String,
        column: String,
        available: Vec<String>,
    },
    /// Columns that a model needs are not in the data.
    MissingColumns {
        source_name: String,
        missing: Vec<String>,
        available: Vec<String>,
    },
    /// The target column holds something other than 0 and 1.
    BadTarget {
        source_name: String,
        line: u64,
        column: String,
        text: String,
    },
    /// The data is valid but does not fit the request (too few rows, ...).
    Data(String),
    /// A command-line value or experiment setting that cannot be used.
    Config(String),
    /// A model file (safetensors) that is not what nonlin expects.
    Model { path: String, message: String },
    /// A setting outside its range. `field` is the configuration's name for
    /// it (`validation_fraction`); each front end maps it to its own word
    /// (the flag `--validation-fraction`, a form field, a keyword argument).
    /// `message` continues the sentence: "must be between 0 and 1, got 1.5".
    Invalid { field: String, message: String },
    /// A setting that does not apply to the rest of the settings (momentum
    /// with Adam, a validation share without early stopping). Like
    /// [`Error::Invalid`], `field` is the configuration's name for it; a
    /// command line treats it as a usage error (exit code 2).
    NotApplicable { field: String, message: String },
    /// The caller cancelled the run.
    Cancelled,
    /// Training produced NaN or infinity.
    Diverged {
        model: String,
        epoch: usize,
        what: String,
    },
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn io(path: impl Into<PathBuf>, action: &'static str, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            action,
            source,
        }
    }

    /// A setting outside its range (see [`Error::Invalid`]).
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Error::Invalid {
            field: field.into(),
            message: message.into(),
        }
    }

    /// A setting that does not apply (see [`Error::NotApplicable`]).
    pub fn not_applicable(field: impl Into<String>, message: impl Into<String>) -> Self {
        Error::NotApplicable {
            field: field.into(),
            message: message.into(),
        }
    }

    /// The settings field this error is about, if it is about one.
    pub fn field(&self) -> Option<&str> {
        match self {
            Error::Invalid { field, .. } | Error::NotApplicable { field, .. } => Some(field),
            _ => None,
        }
    }

    /// The message in a front end's words: every setting it names (the
    /// error's own field, and the references written with [`setting`] and
    /// [`setting_value`] in its text) as that front end spells it.
    /// `to_string()` is the same in the library's words (field names).
    pub fn worded(&self, words: &dyn Wording) -> String {
        word_references(&Raw(self).to_string(), words)
    }

    pub fn model(path: impl fmt::Display, message: impl Into<String>) -> Self {
        Error::Model {
            path: path.to_string(),
            message: message.into(),
        }
    }
}

/// The message with its setting references unworded.
struct Raw<'a>(&'a Error);

impl fmt::Display for Error {
    /// In the library's words: settings by their field names.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Invalid { field, message } | Error::NotApplicable { field, message } => {
                write!(f, "{field} {}", word_references(message, &FieldNames))
            }
            other => f.write_str(&word_references(&Raw(other).to_string(), &FieldNames)),
        }
    }
}

impl fmt::Display for Raw<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Error::Io {
                path,
                action,
                source,
            } => {
                write!(f, "could not {action} '{}': {source}", path.display())
            }
            Error::Csv {
                source_name,
                line,
                message,
            } => {
                write!(f, "{source_name}, line {line}: {message}")
            }
            Error::NotANumber {
                source_name,
                line,
                column,
                column_name,
                text,
            } => write!(
                f,
                "{source_name}, line {line}, column {column} ('{column_name}'): expected a number, \
                 found '{}'. If it marks a missing value, leave the cell empty or write NA; if \
                 '{column_name}' holds categories, pass --categorical {column_name}; or leave the \
                 column out with --drop {column_name}.",
                crate::data::notes::excerpt(text, 80)
            ),
            Error::Cell {
                source_name,
                line,
                column,
                column_name,
                message,
            } => write!(
                f,
                "{source_name}, line {line}, column {column} ('{column_name}'): {message}"
            ),
            Error::MissingColumn {
                source_name,
                column,
                available,
            } => {
                write!(
                    f,
                    "{source_name}: there is no column named '{}'.",
                    crate::data::notes::excerpt(column, 80)
                )?;
                if let Some(c) = crate::data::suggest::closest(column, available) {
                    write!(f, " Did you mean '{c}'?")?;
                }
                write!(
                    f,
                    " The columns are: {}.",
                    crate::data::notes::name_list(available, 60)
                )
            }
            Error::MissingColumns {
                source_name,
                missing,
                available,
            } => write!(
                f,
                "{source_name}: the model needs {} column(s) the file does not have: {}. \
                 The columns are: {}.",
                missing.len(),
                missing
                    .iter()
                    .map(|c| format!("'{c}'"))
                    .collect::<Vec<_>>()
                    .join(", "),
                crate::data::notes::name_list(available, 60)
            ),
            Error::BadTarget {
                source_name,
                line,
                column,
                text,
            } => write!(
                f,
                "{source_name}, line {line}: the target column '{column}' must hold 0 or 1, \
                 found '{text}'. nonlin trains binary classifiers; recode the target as 0/1."
            ),
            Error::Data(msg) | Error::Config(msg) => f.write_str(msg),
            Error::Invalid { field, message } | Error::NotApplicable { field, message } => {
                write!(f, "{} {message}", setting(field))
            }
            Error::Cancelled => f.write_str("the run was cancelled"),
            Error::Model { path, message } => write!(f, "model file '{path}': {message}"),
            Error::Diverged { model, epoch, what } => write!(
                f,
                "training of {model} diverged at epoch {epoch}: {what}. Try a smaller learning \
                 rate ({}), standardized inputs, or gradient-friendlier activations.",
                setting("lr")
            ),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// How a front end names the library's settings in messages: the command
/// line by its flags (`--missing`), the page by its controls' labels
/// ("Missing values"), Python by its keyword arguments (`missing=`).
pub trait Wording {
    /// The setting `field` (a configuration field name, e.g. `missing`).
    fn setting(&self, field: &str) -> String;
    /// The setting `field` given `value` (`--missing drop`,
    /// "Missing values: drop", `missing="drop"`).
    fn setting_value(&self, field: &str, value: &str) -> String;
}

/// The library's own words: settings by their field names.
#[derive(Debug, Clone, Copy, Default)]
pub struct FieldNames;

impl Wording for FieldNames {
    fn setting(&self, field: &str) -> String {
        format!("`{field}`")
    }
    fn setting_value(&self, field: &str, value: &str) -> String {
        format!("`{field} = {value}`")
    }
}

const REF_START: char = '\u{E000}';
const REF_END: char = '\u{E001}';

/// A reference to the setting `field` inside a message, worded by each front
/// end ([`Error::worded`]); in the library's words, `` `field` ``.
pub fn setting(field: &str) -> String {
    format!("{REF_START}{field}{REF_END}")
}

/// A reference to the setting `field` given `value`: `--missing drop` on
/// the command line, `` `missing = drop` `` in the library's words.
pub fn setting_value(field: &str, value: &str) -> String {
    format!("{REF_START}{field}={value}{REF_END}")
}

/// `text` with every setting reference worded by `words`.
pub fn word_references(text: &str, words: &dyn Wording) -> String {
    if !text.contains(REF_START) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find(REF_START) {
        out.push_str(&rest[..start]);
        let after = &rest[start + REF_START.len_utf8()..];
        let Some(end) = after.find(REF_END) else {
            out.push_str(after);
            return out;
        };
        let reference = &after[..end];
        match reference.split_once('=') {
            Some((field, value)) => out.push_str(&words.setting_value(field, value)),
            None => out.push_str(&words.setting(reference)),
        }
        rest = &after[end + REF_END.len_utf8()..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Flags;
    impl Wording for Flags {
        fn setting(&self, field: &str) -> String {
            format!("--{}", field.replace('_', "-"))
        }
        fn setting_value(&self, field: &str, value: &str) -> String {
            format!("{} {value}", self.setting(field))
        }
    }

    #[test]
    fn references_are_worded_by_each_front_end() {
        let e = Error::Data(format!(
            "2 missing values; set {} or {}",
            setting_value("missing", "drop"),
            setting("categorical")
        ));
        assert_eq!(
            e.to_string(),
            "2 missing values; set `missing = drop` or `categorical`"
        );
        assert_eq!(
            e.worded(&Flags),
            "2 missing values; set --missing drop or --categorical"
        );
        let e = Error::not_applicable(
            "momentum",
            format!("applies to SGD only; {} is adam", setting("optimizer")),
        );
        assert_eq!(e.field(), Some("momentum"));
        assert_eq!(
            e.worded(&Flags),
            "--momentum applies to SGD only; --optimizer is adam"
        );
        assert_eq!(
            e.to_string(),
            "momentum applies to SGD only; `optimizer` is adam"
        );
    }
}
