//! Ordinary least squares with an intercept, the linear baseline of
//! regression: scikit-learn's `LinearRegression()`, solved in `f64` with
//! Householder QR and a Jacobi SVD (no linear-algebra dependency).
//!
//! The columns of `x` and `y` are centered on the fit rows, and the
//! centered problem `min ‖X̃·coef − ỹ‖₂` is solved as sklearn 1.9 solves it,
//! `scipy.linalg.lstsq(X̃, ỹ, cond=1e-6)` (`LinearRegression`'s default
//! `tol=1e-6` is lstsq's `cond`): the **minimum-norm** least-squares
//! solution after treating singular values below `1e-6 ·` the largest as
//! zero. The intercept is `ȳ − x̄·coef`.
//!
//! Method: Householder QR `X̃ = Q·R`, then a one-sided Jacobi SVD of the
//! small `R = U·Σ·Vᵀ` (the singular values of `X̃`), and
//! `coef = Σ_{σⱼ > 1e-6·σ₁} vⱼ·(uⱼ·Qᵀỹ)/σⱼ`. So a constant column gets
//! coefficient 0, two equal columns share their coefficient equally, and
//! with fewer rows than columns the fit interpolates with the smallest
//! coefficients. The cut-off is relative to the largest singular value,
//! hence scale-dependent as sklearn's: a column whose scale is below
//! ~1e-6 of another's is dropped (standardized features avoid that). The
//! coefficients are always finite.

use serde::Serialize;

use crate::error::{Error, Result};

/// Singular values below `RCOND ·` the largest count as zero (sklearn
/// 1.9's `LinearRegression(tol=1e-6)`, passed to lstsq as `cond`).
const RCOND: f64 = 1e-6;

/// Most Jacobi sweeps; they converge quadratically, in well under 20 for
/// any design this fits.
const MAX_SWEEPS: usize = 60;

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

/// Householder QR of the column-major `m × n` matrix `a`, applying `Qᵀ` to
/// `b` as it goes; returns `R`'s first `min(m, n)` rows, column-major
/// (`r[j·p + i]`, `p = min(m, n)`).
fn householder_qr(a: &mut [f64], m: usize, n: usize, b: &mut [f64]) -> Vec<f64> {
    let p = m.min(n);
    for j in 0..p {
        let (h, alpha) = Reflector::new(&a[j * m..(j + 1) * m], j);
        a[j * m + j] = alpha;
        a[j * m + j + 1..(j + 1) * m].fill(0.0);
        for col in a[(j + 1) * m..].chunks_exact_mut(m) {
            h.apply(col);
        }
        h.apply(b);
    }
    (0..n)
        .flat_map(|j| a[j * m..j * m + p].iter().copied())
        .collect()
}

/// One-sided (Hestenes) Jacobi SVD of the column-major `p × n` matrix `w`:
/// rotates pairs of columns until they are orthogonal, leaving `w = U·Σ`
/// (column `j` is `σⱼ·uⱼ`) and returning `V` (column-major `n × n`).
fn jacobi_svd(w: &mut [f64], p: usize, n: usize) -> Vec<f64> {
    let mut v = vec![0.0; n * n];
    for j in 0..n {
        v[j * n + j] = 1.0;
    }
    for _ in 0..MAX_SWEEPS {
        let mut rotated = false;
        for j in 0..n {
            for k in j + 1..n {
                let (cj, ck) = (&w[j * p..(j + 1) * p], &w[k * p..(k + 1) * p]);
                let (alpha, beta, gamma) = (dot(cj, cj), dot(ck, ck), dot(cj, ck));
                if gamma.abs() <= f64::EPSILON * alpha.sqrt() * beta.sqrt() {
                    continue;
                }
                rotated = true;
                let zeta = (beta - alpha) / (2.0 * gamma);
                let t = zeta.signum() / (zeta.abs() + zeta.hypot(1.0));
                let c = 1.0 / t.hypot(1.0);
                let s = c * t;
                for (m, len) in [(&mut w[..], p), (&mut v[..], n)] {
                    for i in 0..len {
                        let (x, y) = (m[j * len + i], m[k * len + i]);
                        m[j * len + i] = c * x - s * y;
                        m[k * len + i] = s * x + c * y;
                    }
                }
            }
        }
        if !rotated {
            break;
        }
    }
    v
}

/// The minimum-norm solution of `min ‖A·x − b‖₂` for the column-major
/// `m × n` matrix `a` (overwritten), singular values below
/// [`RCOND`]`·σ₁` treated as zero.
fn min_norm_least_squares(a: &mut [f64], m: usize, n: usize, mut b: Vec<f64>) -> Vec<f64> {
    let p = m.min(n);
    let mut w = householder_qr(a, m, n, &mut b);
    let v = jacobi_svd(&mut w, p, n);
    let c = &b[..p];
    let sigma2: Vec<f64> = w.chunks_exact(p.max(1)).map(|col| dot(col, col)).collect();
    let largest = sigma2.iter().fold(0.0f64, |a, &s| a.max(s));
    let mut x = vec![0.0; n];
    for (j, &s2) in sigma2.iter().enumerate() {
        // σⱼ > RCOND·σ₁, in squares; a zero σ₁ drops every term.
        if s2 > RCOND * RCOND * largest && s2 > 0.0 {
            // (uⱼ·c)/σⱼ = (wⱼ·c)/σⱼ², since wⱼ = σⱼ·uⱼ.
            let coef = dot(&w[j * p..(j + 1) * p], c) / s2;
            for (xi, vi) in x.iter_mut().zip(&v[j * n..(j + 1) * n]) {
                *xi += coef * vi;
            }
        }
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

    #[test]
    fn singular_values_below_1e_6_of_the_largest_are_dropped_as_sklearn_1_9() {
        // Columns 1e7·a and b: σ₂/σ₁ ≈ 4e-8 < 1e-6, so b's direction is
        // dropped (lstsq's cond=1e-6; without a cut-off coef would be
        // [2.0003512e-7, −0.98665952]).
        let x: Vec<[f64; 2]> = (0..6).map(|i| [1e7 * A[i], B[i]]).collect();
        let fit = fit_rows(&x, &noisy_y());
        let want = 1.8129807692307678e-07;
        assert!(
            (fit.coef[0] - want).abs() <= 1e-12 * want,
            "{}",
            fit.coef[0]
        );
        assert!((fit.coef[1] - 3.4429202107988198e-15).abs() <= 1e-13);
        assert!((fit.intercept - 1.8144230769230845).abs() <= 1e-12);
    }
}
