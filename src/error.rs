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

    pub fn model(path: impl fmt::Display, message: impl Into<String>) -> Self {
        Error::Model {
            path: path.to_string(),
            message: message.into(),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
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
            Error::Invalid { field, message } => write!(f, "{field} {message}"),
            Error::Cancelled => f.write_str("the run was cancelled"),
            Error::Model { path, message } => write!(f, "model file '{path}': {message}"),
            Error::Diverged { model, epoch, what } => write!(
                f,
                "training of {model} diverged at epoch {epoch}: {what}. Try a smaller learning \
                 rate (--lr), standardized inputs, or gradient-friendlier activations."
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
