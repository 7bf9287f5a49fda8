//! Train/test splits. The default reproduces scikit-learn's
//! `train_test_split(test_size, random_state)` exactly; the stratified one
//! keeps the class ratio in both parts.

use crate::error::{Error, Result};
use crate::rng::Mt19937;

/// Row indices (into the data set) of the train and test parts, in the order
/// the rows are used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split {
    pub train: Vec<usize>,
    pub test: Vec<usize>,
}

/// sklearn's rule: `n_test = ceil(test_size · n)`, the rest trains.
pub fn test_count(n: usize, test_size: f64) -> Result<usize> {
    if !(test_size > 0.0 && test_size < 1.0) {
        return Err(Error::invalid(
            "test_size",
            format!("must be between 0 and 1 (exclusive), got {test_size}"),
        ));
    }
    Ok((test_size * n as f64).ceil() as usize)
}

impl Split {
    /// Every one of `n` rows trains, in order; no test set.
    pub fn all(n: usize) -> Result<Split> {
        if n < 2 {
            return Err(Error::Data(format!(
                "{n} training rows; training needs at least 2"
            )));
        }
        Ok(Split {
            train: (0..n).collect(),
            test: Vec::new(),
        })
    }

    /// `train_test_split(X, y, test_size=test_size, random_state=seed)`:
    /// `perm = RandomState(seed).permutation(n)`, test = `perm[:n_test]`,
    /// train = `perm[n_test:]`.
    pub fn sklearn(n: usize, test_size: f64, seed: u32) -> Result<Split> {
        let n_test = test_count(n, test_size)?;
        let perm = Mt19937::new(seed).permutation(n);
        let split = Split {
            test: perm[..n_test].to_vec(),
            train: perm[n_test..].to_vec(),
        };
        split.check_sizes()?;
        Ok(split)
    }

    /// A seeded split that keeps each class's share in train and test:
    /// each class contributes its proportional part of `n_test` (largest
    /// remainders settle the rounding), drawn from its own permutation;
    /// both parts are then shuffled.
    pub fn stratified(y: &[f32], test_size: f64, seed: u32) -> Result<Split> {
        let n = y.len();
        let n_test = test_count(n, test_size)?;
        let mut rng = Mt19937::new(seed);
        let classes = class_values(y);
        let members: Vec<Vec<usize>> = classes
            .iter()
            .map(|&c| (0..n).filter(|&i| y[i] == c).collect())
            .collect();
        let exact: Vec<f64> = members
            .iter()
            .map(|m| n_test as f64 * m.len() as f64 / n as f64)
            .collect();
        let mut take: Vec<usize> = exact.iter().map(|e| e.floor() as usize).collect();
        let mut left = n_test - take.iter().sum::<usize>();
        let mut order: Vec<usize> = (0..classes.len()).collect();
        order.sort_by(|&a, &b| {
            (exact[b] - exact[b].floor()).total_cmp(&(exact[a] - exact[a].floor()))
        });
        for &c in order.iter().cycle().take(2 * classes.len()) {
            if left == 0 {
                break;
            }
            if take[c] < members[c].len() {
                take[c] += 1;
                left -= 1;
            }
        }
        let (mut train, mut test) = (Vec::new(), Vec::new());
        for (c, m) in members.iter().enumerate() {
            let mut m = m.clone();
            rng.shuffle(&mut m);
            test.extend_from_slice(&m[..take[c]]);
            train.extend_from_slice(&m[take[c]..]);
        }
        rng.shuffle(&mut test);
        rng.shuffle(&mut train);
        let split = Split { train, test };
        split.check_sizes()?;
        Ok(split)
    }

    fn check_sizes(&self) -> Result<()> {
        if self.train.len() < 2 || self.test.len() < 2 {
            return Err(Error::Data(format!(
                "the split leaves {} training and {} test rows; each part needs at least 2. \
                 Use more data or change {}.",
                self.train.len(),
                self.test.len(),
                crate::error::setting("test_size")
            )));
        }
        Ok(())
    }
}

/// The classes of class-index targets `y` (0.0, 1.0, …), in order: 0 up
/// to the largest index, and at least 0 and 1.
fn class_values(y: &[f32]) -> Vec<f32> {
    let top = y.iter().fold(1.0f32, |m, &v| if v > m { v } else { m });
    (0..=top as usize).map(|c| c as f32).collect()
}

/// Stratified k-fold assignment: returns, for each of `k` folds, the test
/// row indices. Each class (class-index targets `y`) is shuffled (seeded)
/// and dealt round-robin over the folds, so every fold's class ratio is
/// within one row of the whole.
pub fn stratified_folds(y: &[f32], k: usize, seed: u32) -> Result<Vec<Vec<usize>>> {
    dealt_folds(
        y.len(),
        k,
        seed,
        &mut class_values(y)
            .into_iter()
            .map(|c| (0..y.len()).filter(|&i| y[i] == c).collect()),
    )
}

/// Plain seeded k-fold assignment (a regression target): the rows
/// shuffled, then dealt round-robin over the folds.
pub fn shuffled_folds(n: usize, k: usize, seed: u32) -> Result<Vec<Vec<usize>>> {
    dealt_folds(n, k, seed, &mut std::iter::once((0..n).collect()))
}

/// Each group of rows shuffled (one seeded generator, in order) and dealt
/// round-robin over `k` folds, continuing where the last group stopped.
fn dealt_folds(
    n: usize,
    k: usize,
    seed: u32,
    groups: &mut dyn Iterator<Item = Vec<usize>>,
) -> Result<Vec<Vec<usize>>> {
    if k < 2 || k > n {
        return Err(Error::Config(format!(
            "cannot make {k} folds from {n} rows"
        )));
    }
    let mut rng = Mt19937::new(seed);
    let mut folds = vec![Vec::new(); k];
    let mut next = 0;
    for mut m in groups {
        rng.shuffle(&mut m);
        for i in m {
            folds[next].push(i);
            next = (next + 1) % k;
        }
    }
    for f in &mut folds {
        f.sort_unstable();
    }
    Ok(folds)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sklearn_split_sizes_follow_ceil() {
        let s = Split::sklearn(299, 0.2, 10).unwrap();
        assert_eq!((s.train.len(), s.test.len()), (239, 60));
        let mut all: Vec<usize> = s.train.iter().chain(&s.test).copied().collect();
        all.sort_unstable();
        assert_eq!(all, (0..299).collect::<Vec<_>>());
    }

    #[test]
    fn stratified_split_keeps_class_ratio() {
        let y: Vec<f32> = (0..100)
            .map(|i| if i % 4 == 0 { 1.0 } else { 0.0 })
            .collect();
        let s = Split::stratified(&y, 0.2, 3).unwrap();
        assert_eq!(s.test.len(), 20);
        assert_eq!(s.test.iter().filter(|&&i| y[i] == 1.0).count(), 5);
        assert_eq!(s.train.iter().filter(|&&i| y[i] == 1.0).count(), 20);
    }

    #[test]
    fn too_small_splits_are_errors() {
        assert!(Split::sklearn(3, 0.2, 0).is_err());
        assert!(Split::sklearn(10, 1.5, 0).is_err());
    }

    #[test]
    fn folds_are_stratified_within_one_row() {
        let y: Vec<f32> = (0..299)
            .map(|i| if i % 3 == 0 { 1.0 } else { 0.0 })
            .collect();
        let pos = y.iter().filter(|&&v| v == 1.0).count() as f64 / 299.0;
        let folds = stratified_folds(&y, 5, 1).unwrap();
        let mut seen = vec![0; 299];
        for f in &folds {
            let p = f.iter().filter(|&&i| y[i] == 1.0).count() as f64;
            assert!((p - pos * f.len() as f64).abs() <= 1.0);
            for &i in f {
                seen[i] += 1;
            }
        }
        assert!(seen.iter().all(|&c| c == 1));
    }

    #[test]
    fn three_classes_stratify_too() {
        let y: Vec<f32> = (0..90).map(|i| (i % 3) as f32).collect();
        let s = Split::stratified(&y, 0.2, 3).unwrap();
        for c in 0..3 {
            let c = c as f32;
            assert_eq!(s.test.iter().filter(|&&i| y[i] == c).count(), 6);
        }
        let folds = stratified_folds(&y, 5, 1).unwrap();
        for f in &folds {
            for c in 0..3 {
                assert_eq!(f.iter().filter(|&&i| y[i] == c as f32).count(), 6);
            }
        }
        let plain = shuffled_folds(11, 3, 1).unwrap();
        let sizes: Vec<usize> = plain.iter().map(Vec::len).collect();
        assert_eq!(sizes, [4, 4, 3]);
        let mut all: Vec<usize> = plain.concat();
        all.sort_unstable();
        assert_eq!(all, (0..11).collect::<Vec<_>>());
    }
}
