//! Ordinary least squares with an intercept, the linear baseline of
//! regression: scikit-learn's `LinearRegression()`, solved in `f64` with
//! Householder QR (no linear-algebra dependency).
//!
//! The columns of `x` and `y` are centered on the fit rows; the centered
//! problem `min ‖X̃·coef − ỹ‖₂` is solved by a column-pivoted Householder
//! QR; the intercept is `ȳ − x̄·coef` (as sklearn).
//!
//! **Rank.** A column counts as dependent when its component orthogonal to
//! the columns already chosen is at most `1e-10` of its own centered norm
//! (the pivot is the column with the largest such share; a constant column
//! has norm 0 and is always dependent). When every column is independent
//! the triangular system is solved directly. Otherwise the solution is the
//! **minimum-norm** one among the least-squares solutions of the columns
//! kept (a complete orthogonal decomposition: a second QR of `[R₁₁ R₁₂]ᵀ`),
//! which for an exactly rank-deficient design (a constant column,
//! duplicated or proportional columns, fewer rows than columns) is the
//! solution `scipy.linalg.lstsq` gives sklearn: a constant column gets
//! coefficient 0 and two equal columns share their coefficient equally.
//! sklearn's own cut-off is on singular values at machine epsilon, so for
//! *nearly* collinear columns (within ~1e-10) the two differ.

use serde::Serialize;

use crate::error::{Error, Result};

/// Share of a column's norm below which its part orthogonal to the chosen
/// columns is treated as zero.
const RANK_TOL: f64 = 1e-10;

/// A linear model `y ≈ coef·x + intercept` fitted by least squares.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LeastSquares {
    /// One coefficient per feature (`d` values), sklearn's `coef_`.
    pub coef: Vec<f64>,
    /// sklearn's `intercept_`.
    pub intercept: f64,
}

impl LeastSquares {
    /// Fits on the rows `rows` of the row-major `n × d` design `x_rows`
    /// (`x_rows[r·d + j]` is feature `j` of row `r`) against `y` (`n`
    /// values), as `LinearRegression().fit(x[rows], y[rows])`: a row listed
    /// twice counts twice. See the module documentation for rank-deficient
    /// designs; the coefficients are always finite.
    ///
    /// # Errors
    /// [`Error::Data`] if `rows` is empty or a fit row holds a non-finite
    /// value.
    ///
    /// # Panics
    /// If `x_rows.len() != y.len() · d` or a row index is out of range.
    pub fn fit(x_rows: &[f64], d: usize, y: &[f64], rows: &[usize]) -> Result<LeastSquares> {
        assert_eq!(
            x_rows.len(),
            y.len() * d,
            "the design must be n × d = {} × {d} (row-major)",
            y.len()
        );
        if rows.is_empty() {
            return Err(Error::Data(
                "least squares needs at least one row to fit on".into(),
            ));
        }
        let x = |r: usize| &x_rows[r * d..(r + 1) * d];
        if let Some(&r) = rows
            .iter()
            .find(|&&r| !y[r].is_finite() || x(r).iter().any(|v| !v.is_finite()))
        {
            return Err(Error::Data(format!(
                "least squares: row {r} holds a value that is not finite"
            )));
        }
        let m = rows.len();
        let y_mean = rows.iter().map(|&r| y[r]).sum::<f64>() / m as f64;
        let x_mean: Vec<f64> = (0..d)
            .map(|j| rows.iter().map(|&r| x(r)[j]).sum::<f64>() / m as f64)
            .collect();
        // Centered design, column-major (`a[j·m + i]`), and target.
        let mut a = vec![0.0; m * d];
        for j in 0..d {
            for (i, &r) in rows.iter().enumerate() {
                a[j * m + i] = x(r)[j] - x_mean[j];
            }
        }
        let b: Vec<f64> = rows.iter().map(|&r| y[r] - y_mean).collect();
        let coef = min_norm_least_squares(&mut a, m, d, b);
        let intercept = y_mean - x_mean.iter().zip(&coef).map(|(u, c)| u * c).sum::<f64>();
        Ok(LeastSquares { coef, intercept })
    }

    /// `coef·x_row + intercept`, summed in feature order.
    ///
    /// # Panics
    /// If `x_row.len()` differs from the number of coefficients.
    pub fn predict(&self, x_row: &[f64]) -> f64 {
        assert_eq!(x_row.len(), self.coef.len(), "one value per feature");
        self.coef.iter().zip(x_row).map(|(c, v)| c * v).sum::<f64>() + self.intercept
    }
}

fn dot(u: &[f64], v: &[f64]) -> f64 {
    u.iter().zip(v).map(|(a, b)| a * b).sum()
}

/// A Householder reflection `I − β·v·vᵀ` acting on entries `start..` of a
/// column.
struct Reflector {
    start: usize,
    v: Vec<f64>,
    beta: f64,
}

impl Reflector {
    /// The reflection taking `col[start..]` to `(α, 0, …, 0)`, and `α`
    /// (`−sign(x₀)·‖x‖`, which avoids cancellation in `v₀ = x₀ − α`).
    fn new(col: &[f64], start: usize) -> (Reflector, f64) {
        let x = &col[start..];
        let norm = dot(x, x).sqrt();
        let alpha = if x[0] > 0.0 { -norm } else { norm };
        let mut v = x.to_vec();
        v[0] -= alpha;
        let vv = dot(&v, &v);
        let beta = if vv == 0.0 { 0.0 } else { 2.0 / vv };
        (Reflector { start, v, beta }, alpha)
    }

    fn apply(&self, col: &mut [f64]) {
        let s = &mut col[self.start..];
        let t = self.beta * dot(&self.v, s);
        for (c, v) in s.iter_mut().zip(&self.v) {
            *c -= t * v;
        }
    }
}

/// Householder QR of the column-major `m × n` matrix `a`, in place: `R` in
/// the upper triangle of its first `rank` rows, returning the reflectors
/// and the column order. With `pivot`, each step takes the remaining column
/// whose part orthogonal to the chosen ones is the largest share of its
/// own norm, and stops once that share is at most [`RANK_TOL`].
fn householder_qr(a: &mut [f64], m: usize, n: usize, pivot: bool) -> (Vec<Reflector>, Vec<usize>) {
    let norm = |a: &[f64], j: usize, from: usize| {
        dot(&a[j * m + from..(j + 1) * m], &a[j * m + from..(j + 1) * m]).sqrt()
    };
    let full: Vec<f64> = (0..n).map(|j| norm(a, j, 0)).collect();
    let mut perm: Vec<usize> = (0..n).collect();
    let mut reflectors = Vec::new();
    for j in 0..m.min(n) {
        if pivot {
            let share = |p: usize| {
                let f = full[perm[p]];
                if f == 0.0 {
                    0.0
                } else {
                    norm(a, p, j) / f
                }
            };
            let best = (j + 1..n).fold(j, |b, p| if share(p) > share(b) { p } else { b });
            if share(best) <= RANK_TOL {
                break;
            }
            for i in 0..m {
                a.swap(j * m + i, best * m + i);
            }
            perm.swap(j, best);
        }
        let (h, alpha) = Reflector::new(&a[j * m..(j + 1) * m], j);
        a[j * m + j] = alpha;
        a[j * m + j + 1..(j + 1) * m].fill(0.0);
        for col in a[(j + 1) * m..].chunks_exact_mut(m) {
            h.apply(col);
        }
        reflectors.push(h);
    }
    (reflectors, perm)
}

/// The minimum-norm solution of `min ‖A·x − b‖₂` for the column-major
/// `m × n` matrix `a` (overwritten), with the rank rule of the module.
fn min_norm_least_squares(a: &mut [f64], m: usize, n: usize, mut b: Vec<f64>) -> Vec<f64> {
    let (q, perm) = householder_qr(a, m, n, true);
    let r = q.len();
    for h in &q {
        h.apply(&mut b);
    }
    // R[i][j] = a[j·m + i] for i ≤ j < n, i < r; c = (Qᵀb)[..r].
    let mut z = vec![0.0; n];
    if r == n {
        // Full column rank: back substitution R·z = c.
        for i in (0..n).rev() {
            let s: f64 = (i + 1..n).map(|j| a[j * m + i] * z[j]).sum();
            z[i] = (b[i] - s) / a[i * m + i];
        }
    } else if r > 0 {
        // [R₁₁ R₁₂] = Lᵀ·Z₁ᵀ from the QR of T = [R₁₁ R₁₂]ᵀ (n × r, column
        // j is row j of R): solve Lᵀ·w = c, then z = Z·[w; 0].
        let mut t = vec![0.0; n * r];
        for j in 0..r {
            for i in j..n {
                t[j * n + i] = a[i * m + j];
            }
        }
        let (zq, _) = householder_qr(&mut t, n, r, false);
        // L[i][j] = t[j·n + i], i ≤ j; Lᵀ is lower triangular.
        for i in 0..r {
            let s: f64 = (0..i).map(|j| t[i * n + j] * z[j]).sum();
            z[i] = (b[i] - s) / t[i * n + i];
        }
        for h in zq.iter().rev() {
            h.apply(&mut z);
        }
    }
    let mut x = vec![0.0; n];
    for (i, &p) in perm.iter().enumerate() {
        x[p] = z[i];
    }
    x
}

#[cfg(test)]
mod tests {
    //! Reference values from scikit-learn 1.9.1 (scipy 1.17.1, numpy
    //! 2.4.6): `LinearRegression().fit(X, y)`'s `coef_` and `intercept_`
    //! for the designs below (a reference, not this code's output).
    use super::*;

    fn assert_close(got: &[f64], want: &[f64], tol: f64) {
        assert_eq!(got.len(), want.len());
        for (j, (g, w)) in got.iter().zip(want).enumerate() {
            assert!((g - w).abs() <= tol, "coefficient {j}: {g}, expected {w}");
        }
    }

    /// Row-major design from rows, with every row fitted.
    fn fit_rows<const D: usize>(x: &[[f64; D]], y: &[f64]) -> LeastSquares {
        let flat: Vec<f64> = x.iter().flatten().copied().collect();
        let rows: Vec<usize> = (0..y.len()).collect();
        LeastSquares::fit(&flat, D, y, &rows).unwrap()
    }

    const A: [f64; 6] = [1., 2., 4., 7., 11., 3.];
    const B: [f64; 6] = [0.5, -1., 2., 0., 1.5, -2.5];

    /// `1 + 2a − b` plus a fixed perturbation.
    fn noisy_y() -> Vec<f64> {
        let noise = [0.1, -0.2, 0.05, 0.3, -0.1, 0.0];
        (0..6).map(|i| 1. + 2. * A[i] - B[i] + noise[i]).collect()
    }

    #[test]
    fn an_exact_linear_target_is_recovered() {
        let x = [
            [1., 0., 2.],
            [0., 1., -1.],
            [3., 2., 0.5],
            [-1., 4., 1.],
            [2., -3., 2.],
            [0.5, 0.5, -2.],
            [4., 1., 3.],
        ];
        let y: Vec<f64> = x
            .iter()
            .map(|r| 1.5 + 2. * r[0] - 3. * r[1] + 0.5 * r[2])
            .collect();
        let fit = fit_rows(&x, &y);
        assert_close(&fit.coef, &[2., -3., 0.5], 1e-12);
        assert!((fit.intercept - 1.5).abs() <= 1e-12, "{}", fit.intercept);
        assert!((fit.predict(&[1., 1., 1.]) - 1.0).abs() <= 1e-12);
    }

    #[test]
    fn a_full_rank_noisy_design_matches_sklearn() {
        let x: Vec<[f64; 2]> = (0..6).map(|i| [A[i], B[i]]).collect();
        let fit = fit_rows(&x, &noisy_y());
        assert_close(&fit.coef, &[2.0003512064343156, -0.9866595174262739], 1e-12);
        assert!((fit.intercept - 1.0222493297587167).abs() <= 1e-12);
    }

    #[test]
    fn constant_and_duplicated_columns_give_the_minimum_norm_solution() {
        // Columns a, 3 (constant), a (duplicate), b.
        let x: Vec<[f64; 4]> = (0..6).map(|i| [A[i], 3., A[i], B[i]]).collect();
        let fit = fit_rows(&x, &noisy_y());
        let want = [
            1.0001756032171574,
            0.0,
            1.0001756032171578,
            -0.9866595174262734,
        ];
        assert_close(&fit.coef, &want, 1e-12);
        assert!((fit.intercept - 1.0222493297587185).abs() <= 1e-12);
    }

    #[test]
    fn proportional_columns_share_as_lstsq_does() {
        // Columns a, 2a, b: minimum norm puts 1/5 and 2/5 of a's weight on them.
        let x: Vec<[f64; 3]> = (0..6).map(|i| [A[i], 2. * A[i], B[i]]).collect();
        let fit = fit_rows(&x, &noisy_y());
        let want = [0.40007024128686286, 0.8001404825737264, -0.9866595174262732];
        assert_close(&fit.coef, &want, 1e-12);
        assert!((fit.intercept - 1.0222493297587167).abs() <= 1e-12);
    }

    #[test]
    fn fewer_rows_than_features() {
        let x = [[1., 2., 0., 5.], [3., -1., 4., 0.], [0., 1., 1., 2.]];
        let fit = fit_rows(&x, &[1., 2., -1.]);
        let want = [
            0.9354838709677418,
            -0.11290322580645157,
            0.32258064516129054,
            0.5000000000000002,
        ];
        assert_close(&fit.coef, &want, 1e-12);
        assert!((fit.intercept - -2.2096774193548394).abs() <= 1e-12);
        // It interpolates the three rows.
        assert!((fit.predict(&x[1]) - 2.0).abs() <= 1e-12);
    }

    #[test]
    fn only_the_listed_rows_are_fitted() {
        // Row 2 holds NaN and is not listed; y = 4 − x on rows 0, 1, 3.
        let x = [0., 1., f64::NAN, 3.];
        let y = [4., 3., 100., 1.];
        let fit = LeastSquares::fit(&x, 1, &y, &[0, 1, 3]).unwrap();
        assert_close(&fit.coef, &[-1.], 1e-12);
        assert!((fit.intercept - 4.).abs() <= 1e-12);
        // One row: nothing to regress on, the intercept is its target.
        let one = LeastSquares::fit(&x, 1, &y, &[1]).unwrap();
        assert_eq!((one.coef, one.intercept), (vec![0.], 3.));
        // No feature: the mean.
        let mean = LeastSquares::fit(&[], 0, &y, &[0, 1, 3]).unwrap();
        assert!(mean.coef.is_empty() && (mean.intercept - 8. / 3.).abs() <= 1e-15);
    }

    #[test]
    fn no_rows_or_a_non_finite_value_is_an_error() {
        let x = [0., 1., f64::INFINITY];
        let y = [1., 2., 3.];
        assert!(matches!(
            LeastSquares::fit(&x, 1, &y, &[]),
            Err(Error::Data(_))
        ));
        let e = LeastSquares::fit(&x, 1, &y, &[0, 2]).unwrap_err();
        assert!(e.to_string().contains("row 2"), "{e}");
    }
}
