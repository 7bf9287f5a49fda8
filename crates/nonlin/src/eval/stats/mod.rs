//! Statistics for repeated cross-validation: summaries with Student-t
//! confidence intervals and the corrected resampled t-test.
//!
//! The Student t distribution is implemented here (no dependency): the CDF
//! goes through the regularized incomplete beta function, evaluated with the
//! modified Lentz continued fraction (Numerical Recipes §6.4), and the
//! quantile by bisection on the tail probability. Both are accurate to about
//! 1e-13 for the degrees of freedom used in practice (≤ 10³) and to about
//! 1e-11 at df = 10⁶.
//!
//! One concept a file: `summary` (mean, std, CI), `special` (ln Γ, ln B,
//! incomplete beta), `student_t` (CDF, p-value, quantile) and `paired_test`
//! (the corrected resampled t-test). The words describing a comparison live
//! in the report layer (`report::comparison_text`).

/// `assert_close!(a, b, tol)`: |a − b| ≤ tol, with both values in the message.
#[cfg(test)]
macro_rules! assert_close {
    ($a:expr, $b:expr, $tol:expr) => {{
        let (a, b): (f64, f64) = ($a, $b);
        assert!(
            (a - b).abs() <= $tol,
            "{} = {a:e}, expected {b:e}",
            stringify!($a)
        );
    }};
}

mod paired_test;
mod special;
mod student_t;
mod summary;

pub use paired_test::{corrected_resampled_ttest, PairedTest};
pub use student_t::{student_t_cdf, student_t_quantile, student_t_two_sided_p};
pub use summary::{mean, std_dev, summarize, variance, Summary};
