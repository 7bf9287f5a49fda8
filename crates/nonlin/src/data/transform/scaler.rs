//! scikit-learn's `StandardScaler`, reproduced bit for bit: numpy's pairwise
//! summation per column, sklearn's two-pass variance, population std
//! (ddof 0), and scale 1 for constant columns.

use crate::data::Numbers;
use serde::{Deserialize, Serialize};

/// Per-feature mean and scale; `transform` is `(x − mean) / scale` in f64.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StandardScaler {
    pub mean: Vec<f64>,
    pub scale: Vec<f64>,
    pub var: Vec<f64>,
    pub n_samples_seen: usize,
}

/// numpy's `pairwise_sum` for f64 (loops_utils.h): sequential below 8
/// values, 8 interleaved accumulators up to 128, halving recursion above.
pub fn pairwise_sum(a: &[f64]) -> f64 {
    pairwise_sum_of(a, |v| v)
}

/// [`pairwise_sum`] of `f(a[i])`, without storing the terms (the same
/// additions in the same order).
#[inline]
pub fn pairwise_sum_of(a: &[f64], f: impl Fn(f64) -> f64 + Copy) -> f64 {
    let n = a.len();
    if n < 8 {
        let mut res = 0.0;
        for &v in a {
            res += f(v);
        }
        res
    } else if n <= 128 {
        let mut r: [f64; 8] = std::array::from_fn(|j| f(a[j]));
        let mut i = 8;
        while i < n - (n % 8) {
            for j in 0..8 {
                r[j] += f(a[i + j]);
            }
            i += 8;
        }
        let mut res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
        while i < n {
            res += f(a[i]);
            i += 1;
        }
        res
    } else {
        let mut n2 = n / 2;
        n2 -= n2 % 8;
        pairwise_sum_of(&a[..n2], f) + pairwise_sum_of(&a[n2..], f)
    }
}

impl StandardScaler {
    /// Fits on the given rows of a row-major `n × d` matrix.
    pub fn fit(x: &[f64], d: usize, rows: &[usize]) -> StandardScaler {
        StandardScaler::fit_by(d, rows, |r, j| x[r * d + j])
    }

    /// Fits on the given rows of feature columns (a [`crate::data::Dataset`]'s `x`).
    pub fn fit_columns(cols: &[Numbers], rows: &[usize]) -> StandardScaler {
        StandardScaler::fit_by(cols.len(), rows, |r, j| cols[j].get(r))
    }

    /// Fits feature by feature on `rows`; `value(r, j)` is feature `j` of row `r`.
    fn fit_by(d: usize, rows: &[usize], value: impl Fn(usize, usize) -> f64) -> StandardScaler {
        let mut scaler = StandardScaler::with_capacity(d, rows.len());
        let mut col = vec![0.0; rows.len()];
        for j in 0..d {
            for (c, &r) in col.iter_mut().zip(rows) {
                *c = value(r, j);
            }
            scaler.push_column(&mut col);
        }
        scaler
    }

    /// No feature yet, to be fit on `n` rows.
    pub fn with_capacity(d: usize, n: usize) -> StandardScaler {
        StandardScaler {
            mean: Vec::with_capacity(d),
            scale: Vec::with_capacity(d),
            var: Vec::with_capacity(d),
            n_samples_seen: n,
        }
    }

    /// A scaler that leaves `d` features as they are (mean 0, scale 1,
    /// variance 1), as if fit on `n` rows.
    pub fn identity(d: usize, n: usize) -> StandardScaler {
        let mut s = StandardScaler::with_capacity(d, n);
        (0..d).for_each(|_| s.push_identity());
        s
    }

    /// The next feature, left as it is (mean 0, scale 1, variance 1).
    pub fn push_identity(&mut self) {
        self.mean.push(0.0);
        self.var.push(1.0);
        self.scale.push(1.0);
    }

    /// Fits the next feature on `col`, its values on the fit rows in order.
    /// `col` is left holding the deviations `x − mean`, the exact f64s the
    /// transform divides by the scale.
    pub fn push_column(&mut self, col: &mut [f64]) {
        let n = col.len();
        let nf = n as f64;
        let m = pairwise_sum(col) / nf;
        col.iter_mut().for_each(|v| *v -= m);
        let correction = pairwise_sum(col);
        let v = (pairwise_sum_of(col, |d| d * d) - correction * correction / nf) / nf;
        // sklearn's _is_constant_feature: var within rounding of zero.
        let eps = f64::EPSILON;
        let upper = nf * eps * v + (nf * m * eps).powi(2);
        let s = if v <= upper { 1.0 } else { v.sqrt() };
        self.mean.push(m);
        self.var.push(v);
        self.scale.push(s);
    }

    /// Whether feature `j` was constant on the rows it was fit on (by
    /// scikit-learn's `_is_constant_feature` test): its scale is then 1.
    pub fn is_constant(&self, j: usize) -> bool {
        let nf = self.n_samples_seen as f64;
        let eps = f64::EPSILON;
        let upper = nf * eps * self.var[j] + (nf * self.mean[j] * eps).powi(2);
        self.var[j] <= upper
    }

    /// `(x − mean) / scale` of one row, in f64.
    pub fn transform_row(&self, row: &[f64], out: &mut [f64]) {
        standardize_row(&self.mean, &self.scale, row, out);
    }
}

/// A scaler's transform given its statistics alone (as a checkpoint stores
/// them): `out[j] = (row[j] − mean[j]) / scale[j]`, in f64.
pub fn standardize_row(mean: &[f64], scale: &[f64], row: &[f64], out: &mut [f64]) {
    for j in 0..row.len() {
        out[j] = (row[j] - mean[j]) / scale[j];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairwise_sum_differs_from_naive_like_numpy() {
        let a: Vec<f64> = (0..300).map(|i| 0.1 * i as f64 + 1e-3).collect();
        let naive: f64 = a.iter().sum();
        assert!((pairwise_sum(&a) - naive).abs() < 1e-9);
        assert_eq!(pairwise_sum(&[1.0, 2.0, 3.0]), 6.0);
    }

    #[test]
    fn constant_column_gets_scale_one() {
        let x = [5.0, 1.0, 5.0, 2.0, 5.0, 3.0];
        let s = StandardScaler::fit(&x, 2, &[0, 1, 2]);
        assert_eq!(s.scale[0], 1.0);
        assert_eq!(s.mean[0], 5.0);
        assert!((s.scale[1] - (2.0f64 / 3.0).sqrt()).abs() < 1e-15);
    }
}
