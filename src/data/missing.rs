//! Missing values: which cells count as missing, and what to do with rows
//! that have them.

use serde::{Deserialize, Serialize};

/// The cell texts (after trimming) that mean "no value", as pandas reads them.
pub const MISSING_TOKENS: [&str; 10] = [
    "", "NA", "N/A", "NaN", "nan", "?", "null", "NULL", "None", "-",
];

/// Whether a trimmed cell is a missing-value marker.
pub fn is_missing_token(b: &[u8]) -> bool {
    b.len() <= 4 && MISSING_TOKENS.iter().any(|t| t.as_bytes() == b)
}

/// How a missing value is filled in, from the training rows only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ImputeStrategy {
    /// Numeric columns: the mean; categorical columns: the most frequent.
    Mean,
    /// Numeric columns: the median; categorical columns: the most frequent.
    Median,
    /// The most frequent value (the smallest of ties, as scikit-learn).
    MostFrequent,
}

impl ImputeStrategy {
    /// The strategy's name as the command line spells it.
    pub fn name(self) -> &'static str {
        match self {
            ImputeStrategy::Mean => "mean",
            ImputeStrategy::Median => "median",
            ImputeStrategy::MostFrequent => "most-frequent",
        }
    }
}

/// What to do with missing feature cells (`--missing`). Rows whose target
/// is missing are always dropped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum MissingPolicy {
    /// Refuse, counting the missing cells per column (`--missing error`).
    #[default]
    Error,
    /// Drop every row with a missing feature (`--missing drop`).
    Drop,
    /// Fill in from the training rows (`--missing mean|median|most-frequent`).
    Impute(ImputeStrategy),
}

impl MissingPolicy {
    /// Parses the `--missing` value: `error`, `drop`, `mean`, `median`, `most-frequent`.
    pub fn parse(s: &str) -> Option<MissingPolicy> {
        Some(match s {
            "error" => MissingPolicy::Error,
            "drop" => MissingPolicy::Drop,
            "mean" => MissingPolicy::Impute(ImputeStrategy::Mean),
            "median" => MissingPolicy::Impute(ImputeStrategy::Median),
            "most-frequent" | "most_frequent" => {
                MissingPolicy::Impute(ImputeStrategy::MostFrequent)
            }
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_and_policies() {
        assert!(is_missing_token(b"N/A") && is_missing_token(b""));
        assert!(!is_missing_token(b"n/a") && !is_missing_token(b"0"));
        assert_eq!(MissingPolicy::parse("drop"), Some(MissingPolicy::Drop));
        assert_eq!(
            MissingPolicy::parse("most-frequent"),
            Some(MissingPolicy::Impute(ImputeStrategy::MostFrequent))
        );
        assert_eq!(MissingPolicy::parse("zero"), None);
    }
}
