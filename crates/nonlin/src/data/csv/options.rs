//! What the reader is told (`ReadOptions`: every field defaults to
//! "detect") and what it found (`Detected`), so a front end can say
//! "detected delimiter ';' and decimal comma".

use serde::Serialize;

/// How cells are separated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Delimiter {
    /// One byte: `,` `;` tab `|` ...
    Byte(u8),
    /// Runs of spaces and tabs (leading and trailing ones ignored), as
    /// pandas' `sep=r"\s+"`.
    Whitespace,
}

impl Delimiter {
    /// `--delimiter` values: one character (`,` `;` `|`), `tab` or `\t`, and
    /// `space` or `whitespace` (runs of spaces).
    pub fn parse(s: &str) -> Option<Delimiter> {
        match s {
            "tab" | "\\t" | "\t" => Some(Delimiter::Byte(b'\t')),
            "space" | "spaces" | "whitespace" | " " => Some(Delimiter::Whitespace),
            _ if s.len() == 1 && s.is_ascii() && s != "\"" && s != "\n" && s != "\r" => {
                Some(Delimiter::Byte(s.as_bytes()[0]))
            }
            _ => None,
        }
    }

    /// How messages name it: `','`, `';'`, `tab`, `runs of spaces`.
    pub fn describe(self) -> String {
        match self {
            Delimiter::Byte(b'\t') => "tab".into(),
            Delimiter::Byte(b) => format!("'{}'", b as char),
            Delimiter::Whitespace => "runs of spaces".into(),
        }
    }
}

/// How to read a CSV file. `None` everywhere (the default) means detect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ReadOptions {
    /// `--delimiter`.
    pub delimiter: Option<Delimiter>,
    /// `--decimal`: `Some(b',')` reads `1,83` as 1.83; `Some(b'.')` never does.
    pub decimal: Option<u8>,
    /// `--header` (`Some(true)`) / `--no-header` (`Some(false)`).
    pub header: Option<bool>,
}

/// What the reader found or was told.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Detected {
    pub delimiter: Delimiter,
    /// Whether the delimiter was detected (not given).
    pub delimiter_detected: bool,
    /// Whether `,` is the decimal separator.
    pub decimal_comma: bool,
    pub decimal_detected: bool,
    /// Whether the first row holds the column names.
    pub header: bool,
    pub header_detected: bool,
    /// Whether the file started with a UTF-8 byte-order mark.
    pub bom: bool,
    /// Whether every line ended with a delimiter (an empty last column, dropped).
    pub trailing_delimiter: bool,
}

impl Detected {
    /// One sentence for what is not the plain default (comma, decimal point,
    /// header row), e.g. "detected delimiter ';' and decimal comma"; `None`
    /// for a plain CSV.
    pub fn describe(&self) -> Option<String> {
        let mut parts = Vec::new();
        if self.delimiter_detected && self.delimiter != Delimiter::Byte(b',') {
            parts.push(format!("delimiter {}", self.delimiter.describe()));
        }
        if self.decimal_detected && self.decimal_comma {
            parts.push("decimal comma".to_string());
        }
        if self.header_detected && !self.header {
            parts.push("no header row (the first row is all numbers)".to_string());
        }
        if parts.is_empty() {
            None
        } else {
            Some(format!("detected {}", parts.join(" and ")))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delimiter_names() {
        assert_eq!(Delimiter::parse(";"), Some(Delimiter::Byte(b';')));
        assert_eq!(Delimiter::parse("tab"), Some(Delimiter::Byte(b'\t')));
        assert_eq!(Delimiter::parse("space"), Some(Delimiter::Whitespace));
        assert_eq!(Delimiter::parse("ab"), None);
        assert_eq!(Delimiter::Byte(b'\t').describe(), "tab");
    }

    #[test]
    fn describe_says_only_what_is_unusual() {
        let mut d = Detected {
            delimiter: Delimiter::Byte(b','),
            delimiter_detected: true,
            decimal_comma: false,
            decimal_detected: true,
            header: true,
            header_detected: true,
            bom: false,
            trailing_delimiter: false,
        };
        assert_eq!(d.describe(), None);
        d.delimiter = Delimiter::Byte(b';');
        d.decimal_comma = true;
        assert_eq!(
            d.describe().unwrap(),
            "detected delimiter ';' and decimal comma"
        );
    }
}
