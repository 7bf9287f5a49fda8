//! One-hot encoding of a categorical column, as scikit-learn's
//! `OneHotEncoder(handle_unknown="ignore")`: the categories seen in the
//! training rows, sorted, one input each; an unseen category is all zeros.

use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// The fitted categories of one column, in input order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OneHot {
    pub categories: Vec<String>,
}

impl OneHot {
    /// Fits on the level indexes present in `codes` (NaN = missing), where
    /// `levels` are the column's sorted values; returns the encoder and, per
    /// level, its input slot (`None` for a level unseen in `codes`).
    pub fn fit(
        codes: impl Iterator<Item = f64>,
        levels: &[String],
    ) -> (OneHot, Vec<Option<usize>>) {
        let mut seen = vec![false; levels.len()];
        for c in codes.filter(|c| !c.is_nan()) {
            seen[c as usize] = true;
        }
        let mut slots = vec![None; levels.len()];
        let mut categories = Vec::new();
        for (k, level) in levels.iter().enumerate() {
            if seen[k] {
                slots[k] = Some(categories.len());
                categories.push(level.clone());
            }
        }
        (OneHot { categories }, slots)
    }

    /// Number of inputs.
    pub fn width(&self) -> usize {
        self.categories.len()
    }

    /// The input slot of each category, for lookups by text.
    pub fn index(&self) -> HashMap<&str, usize> {
        self.categories
            .iter()
            .enumerate()
            .map(|(i, c)| (c.as_str(), i))
            .collect()
    }

    /// Writes the one-hot block of a category slot (`None`: all zeros).
    pub fn write(&self, slot: Option<usize>, out: &mut [f64]) {
        out.fill(0.0);
        if let Some(s) = slot {
            out[s] = 1.0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fits_the_seen_categories_in_sorted_order() {
        let levels: Vec<String> = ["a", "b", "c"].iter().map(|s| s.to_string()).collect();
        let (enc, slots) = OneHot::fit([2.0, 0.0, f64::NAN, 2.0].into_iter(), &levels);
        assert_eq!(enc.categories, ["a", "c"]);
        assert_eq!(slots, [Some(0), None, Some(1)]);
        let mut out = [9.0; 2];
        enc.write(Some(1), &mut out);
        assert_eq!(out, [0.0, 1.0]);
        enc.write(None, &mut out);
        assert_eq!(out, [0.0, 0.0]);
        assert_eq!(enc.index()["c"], 1);
    }
}
