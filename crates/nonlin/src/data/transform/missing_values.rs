//! Missing feature values: what to do with them (`--missing`: refuse, drop
//! the rows, or fill in), and the fill computed from the training rows only,
//! as scikit-learn's `SimpleImputer`: mean, median (the mean of the two
//! middle values for an even count), or most frequent (the smallest of
//! ties). Categorical columns always use the most frequent category. Which
//! cells count as missing is the reader's business ([`crate::data::csv::cell`]).

use super::scaler::pairwise_sum;
use serde::{Deserialize, Serialize};

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

/// The fill value of a numeric column from its present values; `None` if
/// there are none.
pub fn numeric_fill(values: impl Iterator<Item = f64>, strategy: ImputeStrategy) -> Option<f64> {
    let mut present: Vec<f64> = values.filter(|v| !v.is_nan()).collect();
    if present.is_empty() {
        return None;
    }
    let n = present.len();
    Some(match strategy {
        ImputeStrategy::Mean => pairwise_sum(&present) / n as f64,
        ImputeStrategy::Median => {
            present.sort_by(f64::total_cmp);
            if n % 2 == 1 {
                present[n / 2]
            } else {
                (present[n / 2 - 1] + present[n / 2]) / 2.0
            }
        }
        ImputeStrategy::MostFrequent => {
            present.sort_by(f64::total_cmp);
            most_frequent_sorted(&present)
        }
    })
}

/// The most frequent of sorted values, the smallest of ties.
fn most_frequent_sorted(sorted: &[f64]) -> f64 {
    let (mut best, mut best_count) = (sorted[0], 0);
    let mut i = 0;
    while i < sorted.len() {
        let j = sorted[i..].iter().take_while(|&&v| v == sorted[i]).count();
        if j > best_count {
            (best, best_count) = (sorted[i], j);
        }
        i += j;
    }
    best
}

/// The most frequent category index (the smallest of ties, i.e. the first
/// in sorted order) among present codes; `None` if there are none.
pub fn category_fill(codes: impl Iterator<Item = f64>, n_levels: usize) -> Option<usize> {
    let mut counts = vec![0usize; n_levels];
    for c in codes.filter(|c| !c.is_nan()) {
        counts[c as usize] += 1;
    }
    let max = *counts.iter().max()?;
    (max > 0).then(|| counts.iter().position(|&c| c == max).expect("max exists"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ImputeStrategy::*;

    #[test]
    fn numeric_fills_like_simple_imputer() {
        let v = [1.0, f64::NAN, 4.0, 2.0, 2.0];
        assert_eq!(numeric_fill(v.into_iter(), Mean), Some(2.25));
        assert_eq!(numeric_fill(v.into_iter(), Median), Some(2.0));
        assert_eq!(numeric_fill([1.0, 3.0].into_iter(), Median), Some(2.0));
        assert_eq!(numeric_fill(v.into_iter(), MostFrequent), Some(2.0));
        assert_eq!(
            numeric_fill([3.0, 1.0].into_iter(), MostFrequent),
            Some(1.0)
        );
        assert_eq!(numeric_fill([f64::NAN].into_iter(), Mean), None);
    }

    #[test]
    fn policies_parse() {
        assert_eq!(MissingPolicy::parse("drop"), Some(MissingPolicy::Drop));
        assert_eq!(
            MissingPolicy::parse("most-frequent"),
            Some(MissingPolicy::Impute(ImputeStrategy::MostFrequent))
        );
        assert_eq!(MissingPolicy::parse("zero"), None);
    }

    #[test]
    fn category_fill_is_the_most_frequent_smallest_of_ties() {
        assert_eq!(
            category_fill([2.0, 1.0, 2.0, f64::NAN].into_iter(), 3),
            Some(2)
        );
        assert_eq!(category_fill([2.0, 1.0].into_iter(), 3), Some(1));
        assert_eq!(category_fill([f64::NAN].into_iter(), 3), None);
    }
}
