//! How to read a data file and turn its columns into a data set: the
//! delimiter, decimal separator and header (detected unless given), text
//! and integer-coded categories, missing values and the positive label.

use clap::Args;
use nonlin::data::{MissingPolicy, ReadOptions};
use nonlin::error::Result;
use nonlin::run::settings::missing_policy;
use nonlin::run::ReadSettings;

/// How the file's text is read: delimiter, decimal separator, header
/// (`train`, `compare`, `study`, `serve` and `predict`).
#[derive(Debug, Clone, Default, Args)]
pub struct ReadArgs {
    /// Cell separator: one character (`,` `;` `|`), `tab`, or `space` (runs
    /// of spaces). Default: detected from the first lines (comma, semicolon,
    /// tab or runs of spaces).
    #[arg(long, value_name = "CHAR", help_heading = "Reading the file")]
    pub delimiter: Option<String>,
    /// Decimal separator, `.` or `,` (`1,83` = 1.83). Default: a comma when
    /// the delimiter is not a comma and numbers are written with commas.
    #[arg(long, value_name = "SEP", help_heading = "Reading the file")]
    pub decimal: Option<String>,
    /// The first row holds the column names (default: detected; a first row
    /// of numbers only is read as data).
    #[arg(long, conflicts_with = "no_header", help_heading = "Reading the file")]
    pub header: bool,
    /// There is no header row: columns are named c0, c1, … in file order
    /// (e.g. `--target c12`).
    #[arg(long, help_heading = "Reading the file")]
    pub no_header: bool,
}

/// Reading the file and its columns (flattened into the data flags).
#[derive(Debug, Clone, Default, Args)]
pub struct TableArgs {
    #[command(flatten)]
    pub read: ReadArgs,
    /// Missing cells (empty, NA, N/A, NaN, nan, ?, null, NULL, None, -) in
    /// the features: `error` (default; counts them per column), `drop` the
    /// rows, or fill them in from the training rows with their `mean`,
    /// `median` or `most-frequent` value (categorical columns: most
    /// frequent). Rows with a missing target are always dropped.
    #[arg(long, value_name = "POLICY", help_heading = "Reading the file")]
    pub missing: Option<String>,
    /// Also one-hot encode these numeric (integer-coded) columns; text
    /// columns always are (categories fit on the training rows).
    #[arg(
        long,
        value_delimiter = ',',
        value_name = "A,B,...",
        help_heading = "Reading the file"
    )]
    pub categorical: Vec<String>,
    /// The target value that is the positive class (1), as written in the
    /// file. Default: the greater of the two values (numbers by value, text
    /// by code point), as scikit-learn's LabelEncoder.
    #[arg(
        long,
        value_name = "VALUE",
        allow_hyphen_values = true,
        help_heading = "Reading the file"
    )]
    pub positive: Option<String>,
    /// What the target asks: `binary`, `multiclass` (K ≥ 3 classes; the
    /// classes are the sorted labels) or `regression` (a number). Default
    /// `auto`: two values → binary; text, or integers with at most 10
    /// distinct values → multiclass; other numbers → regression.
    #[arg(long, value_name = "TASK", help_heading = "Reading the file")]
    pub task: Option<String>,
    /// The most classes a multiclass target may have (default 100).
    #[arg(long, value_name = "K", help_heading = "Reading the file")]
    pub max_classes: Option<usize>,
}

impl ReadArgs {
    /// The reader's settings the flags give.
    pub fn settings(&self) -> ReadSettings {
        ReadSettings {
            delimiter: self.delimiter.clone(),
            decimal: self.decimal.clone(),
            header: match (self.header, self.no_header) {
                (true, _) => Some(true),
                (_, true) => Some(false),
                _ => None,
            },
        }
    }

    /// The reader's options; a bad value names its flag.
    pub fn read_options(&self) -> Result<ReadOptions> {
        self.settings().options()
    }
}

impl TableArgs {
    /// The reader's options; a bad value names its flag.
    pub fn read_options(&self) -> Result<ReadOptions> {
        self.read.read_options()
    }

    /// `--missing`, by default an error.
    pub fn missing_policy(&self) -> Result<MissingPolicy> {
        self.missing
            .as_deref()
            .map_or(Ok(MissingPolicy::Error), missing_policy)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nonlin::data::Delimiter;
    use nonlin::error::Error;

    #[test]
    fn values_and_their_errors() {
        let a = ReadArgs {
            delimiter: Some("tab".into()),
            decimal: Some(",".into()),
            no_header: true,
            ..ReadArgs::default()
        };
        let o = a.read_options().unwrap();
        assert_eq!(o.delimiter, Some(Delimiter::Byte(b'\t')));
        assert_eq!((o.decimal, o.header), (Some(b','), Some(false)));
        let bad = ReadArgs {
            decimal: Some(";".into()),
            ..ReadArgs::default()
        };
        let e = bad.read_options().unwrap_err();
        assert!(matches!(e, Error::Invalid { ref field, .. } if field == "decimal"));
        let bad = TableArgs {
            missing: Some("zero".into()),
            ..TableArgs::default()
        };
        assert!(bad.missing_policy().is_err());
    }
}
