//! The regression target's standardization: the training rows' mean and
//! population std, applied before the loss; outputs map back to the
//! target's units with its inverse.

use super::StandardScaler;

/// The target's standardization: the training rows' mean and population
/// std (scikit-learn's `StandardScaler` on the one column, bit for bit;
/// scale 1 for a constant target).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct TargetScale {
    pub mean: f64,
    pub scale: f64,
}

impl TargetScale {
    /// Fit on `rows` of the target `y`.
    pub fn fit(y: &[f64], rows: &[usize]) -> TargetScale {
        let s = StandardScaler::fit(y, 1, rows);
        TargetScale {
            mean: s.mean[0],
            scale: s.scale[0],
        }
    }

    /// No scaling (mean 0, scale 1).
    pub fn identity() -> TargetScale {
        TargetScale {
            mean: 0.0,
            scale: 1.0,
        }
    }

    /// `(y − mean) / scale` in f64, cast to f32.
    pub fn transform(&self, y: f64) -> f32 {
        ((y - self.mean) / self.scale) as f32
    }

    /// An output back in the target's units: `out·scale + mean` in f64.
    pub fn inverse(&self, out: f32) -> f64 {
        out as f64 * self.scale + self.mean
    }
}
