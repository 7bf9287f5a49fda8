//! Standardized f32 rows ready for the engine, stored feature-major
//! (`xt[j·n + i]` is feature `j` of row `i`) so every layer's inner loop runs
//! over a contiguous batch dimension.

use super::TargetScale;

/// A block of rows: inputs feature-major; targets 0.0/1.0 (binary), the
/// class index (multiclass) or the standardized value (regression).
#[derive(Debug, Clone, PartialEq)]
pub struct Samples {
    pub n: usize,
    pub d: usize,
    pub xt: Vec<f32>,
    pub y: Vec<f32>,
    /// Data-set row index of each sample, in order.
    pub rows: Vec<usize>,
    /// A regression target in its own units (what the metrics compare
    /// with), and the standardization that gave `y`; `None` for classes.
    pub target: Option<TargetValues>,
    /// Per-row weights (scikit-learn's `sample_weight`), finite and
    /// non-negative, one per sample; `None`: every row weighs 1. With
    /// weights `s` every loss is the weighted mean `Σ sᵢ·ℓᵢ / Σ sᵢ` (with
    /// class weights `w`: `Σ w[yᵢ]·sᵢ·ℓᵢ / Σ w[yᵢ]·sᵢ`); set them with
    /// [`Samples::with_weight`], which checks them.
    pub weight: Option<Vec<f32>>,
}

/// A regression target's values in their units, one per sample.
#[derive(Debug, Clone, PartialEq)]
pub struct TargetValues {
    pub values: Vec<f64>,
    pub scale: TargetScale,
}

impl TargetValues {
    /// The values of `rows` of `all` (data-set targets), with `y` their
    /// standardized f32s.
    pub fn of_rows(all: &[f64], rows: &[usize], scale: TargetScale) -> (TargetValues, Vec<f32>) {
        let values: Vec<f64> = rows.iter().map(|&r| all[r]).collect();
        let y = values.iter().map(|&v| scale.transform(v)).collect();
        (TargetValues { values, scale }, y)
    }
}

impl Samples {
    /// Builds from row-major f32 rows.
    pub fn from_rows(x_rows: &[f32], d: usize, y: Vec<f32>, rows: Vec<usize>) -> Samples {
        let n = y.len();
        assert_eq!(
            x_rows.len(),
            n * d,
            "x has {} values, expected {n}×{d}",
            x_rows.len()
        );
        let mut xt = vec![0.0; n * d];
        for i in 0..n {
            for j in 0..d {
                xt[j * n + i] = x_rows[i * d + j];
            }
        }
        Samples {
            n,
            d,
            xt,
            y,
            rows,
            target: None,
            weight: None,
        }
    }

    /// These samples with per-row weights `weight` (one per sample, in
    /// sample order): refused, naming `sample_weight`, unless there is one
    /// per sample, each finite and non-negative, and their sum is positive.
    pub fn with_weight(mut self, weight: Vec<f32>) -> crate::Result<Samples> {
        self.set_weight(weight)?;
        Ok(self)
    }

    /// [`Samples::with_weight`] in place.
    pub fn set_weight(&mut self, weight: Vec<f32>) -> crate::Result<()> {
        check_weight(&weight, self.n)?;
        self.weight = Some(weight);
        Ok(())
    }

    /// `Σ sᵢ` in f64, row after row (the row count without weights).
    pub fn weight_sum(&self) -> f64 {
        match &self.weight {
            Some(w) => w.iter().map(|&v| v as f64).sum(),
            None => self.n as f64,
        }
    }

    /// The inputs back in row-major order (`n × d`).
    pub fn x_rows(&self) -> Vec<f32> {
        let mut x = vec![0.0; self.n * self.d];
        for i in 0..self.n {
            for j in 0..self.d {
                x[i * self.d + j] = self.xt[j * self.n + i];
            }
        }
        x
    }

    /// Number of rows labelled 1.
    pub fn n_positive(&self) -> usize {
        self.y.iter().filter(|&&v| v == 1.0).count()
    }

    /// Holds out a stratified, seeded `fraction` of these rows for
    /// validation (early stopping); returns (rest, validation).
    pub fn split_validation(&self, fraction: f64, seed: u32) -> crate::Result<(Samples, Samples)> {
        // A regression target is split plainly (nothing to stratify).
        let split = match self.target {
            Some(_) => super::Split::sklearn(self.n, fraction, seed),
            None => super::Split::stratified(&self.y, fraction, seed),
        };
        let split = split.map_err(|e| match e {
            crate::Error::Data(_) => crate::Error::Data(format!(
                "holding out {} of {} training rows for validation leaves too few rows in one \
                 part (each needs at least 2); use more data or change {}",
                fraction,
                self.n,
                crate::error::setting("validation_fraction")
            )),
            e => e,
        })?;
        let (rest, val) = (self.select(&split.train), self.select(&split.test));
        for (part, what) in [(&rest, "training"), (&val, "validation")] {
            if part.weight.is_some() && part.weight_sum() <= 0.0 {
                return Err(crate::Error::Data(format!(
                    "every {what} row left after holding out {fraction} for validation has \
                     {} 0; change {} or the weights",
                    crate::error::setting("sample_weight"),
                    crate::error::setting("validation_fraction")
                )));
            }
        }
        Ok((rest, val))
    }

    /// These rows with only the given inputs (feature-major rows of `xt`),
    /// in that order.
    pub fn select_inputs(&self, inputs: &[usize]) -> Samples {
        let n = self.n;
        let mut xt = Vec::with_capacity(inputs.len() * n);
        for &j in inputs {
            xt.extend_from_slice(&self.xt[j * n..(j + 1) * n]);
        }
        Samples {
            d: inputs.len(),
            xt,
            ..self.clone()
        }
    }

    /// A subset of these samples, in the given order.
    pub fn select(&self, idx: &[usize]) -> Samples {
        let n = idx.len();
        let mut xt = vec![0.0; n * self.d];
        for j in 0..self.d {
            for (k, &i) in idx.iter().enumerate() {
                xt[j * n + k] = self.xt[j * self.n + i];
            }
        }
        Samples {
            n,
            d: self.d,
            xt,
            y: idx.iter().map(|&i| self.y[i]).collect(),
            rows: idx.iter().map(|&i| self.rows[i]).collect(),
            target: self.target.as_ref().map(|t| TargetValues {
                values: idx.iter().map(|&i| t.values[i]).collect(),
                scale: t.scale,
            }),
            weight: self
                .weight
                .as_ref()
                .map(|w| idx.iter().map(|&i| w[i]).collect()),
        }
    }
}

/// Per-row weights for `n` rows: one each, finite, non-negative, with a
/// positive sum; the error names `sample_weight`.
fn check_weight(weight: &[f32], n: usize) -> crate::Result<()> {
    use crate::Error;
    if weight.len() != n {
        return Err(Error::invalid(
            "sample_weight",
            format!("has {} values for {n} rows", weight.len()),
        ));
    }
    if let Some((i, v)) = weight
        .iter()
        .enumerate()
        .find(|(_, v)| !(v.is_finite() && **v >= 0.0))
    {
        return Err(Error::invalid(
            "sample_weight",
            format!("must be finite and non-negative, got {v} (row {})", i + 1),
        ));
    }
    if weight.iter().map(|&v| v as f64).sum::<f64>() <= 0.0 {
        return Err(Error::invalid(
            "sample_weight",
            "sums to 0: at least one row must have a positive weight",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn row_major_round_trip() {
        let x = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0];
        let s = Samples::from_rows(&x, 3, vec![0.0, 1.0], vec![7, 9]);
        assert_eq!(s.xt, [1.0, 4.0, 2.0, 5.0, 3.0, 6.0]);
        assert_eq!(s.x_rows(), x);
        let t = s.select(&[1]);
        assert_eq!(
            (t.xt.as_slice(), t.rows.as_slice()),
            ([4.0, 5.0, 6.0].as_slice(), [9].as_slice())
        );
    }

    #[test]
    fn weights_are_checked_and_follow_the_rows() {
        let x = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0];
        let s = || Samples::from_rows(&x, 3, vec![0.0, 1.0], vec![7, 9]);
        let w = s().with_weight(vec![0.5, 2.0]).unwrap();
        assert_eq!(w.weight_sum(), 2.5);
        assert_eq!(w.select(&[1, 0]).weight, Some(vec![2.0, 0.5]));
        assert_eq!(s().weight_sum(), 2.0);
        for bad in [
            vec![1.0],
            vec![1.0, -1.0],
            vec![f32::NAN, 1.0],
            vec![0.0, 0.0],
        ] {
            let e = s().with_weight(bad.clone()).unwrap_err();
            assert_eq!(e.field(), Some("sample_weight"), "{bad:?}");
        }
    }
}
