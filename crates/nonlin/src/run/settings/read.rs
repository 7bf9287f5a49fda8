//! How to read a file, in the words every front end shares: a delimiter
//! name, a decimal separator, whether there is a header, the missing-value
//! policy.

use crate::data::{Delimiter, MissingPolicy, ReadOptions};
use crate::error::{Error, Result};

/// The reader's settings as text; `None`: detected.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReadSettings {
    /// One character (`,` `;` `|`), `tab` or `space`.
    pub delimiter: Option<String>,
    /// `.` or `,`.
    pub decimal: Option<String>,
    pub header: Option<bool>,
}

impl ReadSettings {
    /// The reader's options; a bad value names its field.
    pub fn options(&self) -> Result<ReadOptions> {
        let delimiter = match self.delimiter.as_deref() {
            None => None,
            Some(s) => Some(Delimiter::parse(s).ok_or_else(|| {
                Error::invalid(
                    "delimiter",
                    format!("must be one character (',' ';' '|'), 'tab' or 'space', got '{s}'"),
                )
            })?),
        };
        let decimal = match self.decimal.as_deref() {
            None => None,
            Some(".") => Some(b'.'),
            Some(",") => Some(b','),
            Some(s) => {
                return Err(Error::invalid(
                    "decimal",
                    format!("must be '.' or ',', got '{s}'"),
                ))
            }
        };
        Ok(ReadOptions {
            delimiter,
            decimal,
            header: self.header,
        })
    }
}

/// The names of the missing-value policies, as every front end spells them.
pub const MISSING_POLICIES: &[&str] = &["error", "drop", "mean", "median", "most-frequent"];

/// A missing-value policy by name; a bad name is refused naming `missing`.
pub fn missing_policy(name: &str) -> Result<MissingPolicy> {
    MissingPolicy::parse(name).ok_or_else(|| {
        Error::invalid(
            "missing",
            format!(
                "must be one of {}, got '{name}'",
                MISSING_POLICIES.join(", ")
            ),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_and_their_errors() {
        let o = ReadSettings {
            delimiter: Some("tab".into()),
            decimal: Some(",".into()),
            header: Some(false),
        }
        .options()
        .unwrap();
        assert_eq!(o.delimiter, Some(Delimiter::Byte(b'\t')));
        assert_eq!((o.decimal, o.header), (Some(b','), Some(false)));
        let e = ReadSettings {
            decimal: Some(";".into()),
            ..Default::default()
        }
        .options()
        .unwrap_err();
        assert_eq!(e.field(), Some("decimal"));
        assert_eq!(missing_policy("zero").unwrap_err().field(), Some("missing"));
        for name in MISSING_POLICIES {
            assert!(missing_policy(name).is_ok());
        }
    }
}
