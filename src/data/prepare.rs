//! Dataset → split → scaler → f32 samples: everything between a CSV and the
//! engine, in one call with explicit options.

use super::{Dataset, Samples, Split, StandardScaler};
use crate::error::Result;
use serde::Serialize;

/// Where the scaler's statistics come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ScalingMode {
    /// Fit on the training rows only: no test statistics leak into training.
    TrainOnly,
    /// Fit on all rows before splitting, as the tutorial does (leaks the
    /// test set's mean and spread into the features).
    BeforeSplit,
}

impl ScalingMode {
    pub fn describe(self) -> &'static str {
        match self {
            ScalingMode::TrainOnly => "scaler fit on the training rows only",
            ScalingMode::BeforeSplit => {
                "scaler fit on all rows before the split (tutorial mode, --scale-before-split)"
            }
        }
    }
}

/// How to split and scale.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PrepareOptions {
    pub test_size: f64,
    pub split_seed: u32,
    pub stratify: bool,
    pub scaling: ScalingMode,
}

impl PrepareOptions {
    /// Checks the settings; the error names the field.
    pub fn validate(&self) -> Result<()> {
        super::split::test_count(1, self.test_size).map(|_| ())
    }
}

impl Default for PrepareOptions {
    /// The tutorial's split (`test_size=0.2, random_state=10`), leakage-free scaling.
    fn default() -> Self {
        PrepareOptions {
            test_size: 0.2,
            split_seed: 10,
            stratify: false,
            scaling: ScalingMode::TrainOnly,
        }
    }
}

/// Train and test samples with the scaler that produced them.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub train: Samples,
    pub test: Samples,
    pub scaler: StandardScaler,
    pub split: Split,
    pub options: PrepareOptions,
    pub features: Vec<String>,
    pub target: String,
}

/// Standardizes `rows` of the data set with `scaler`, cast to f32 (round to
/// nearest even, as `torch.from_numpy(x).float()`).
pub fn scale_rows(data: &Dataset, scaler: &StandardScaler, rows: &[usize]) -> Samples {
    let d = data.n_features();
    let mut x = vec![0.0f32; rows.len() * d];
    let mut buf = vec![0.0f64; d];
    for (k, &r) in rows.iter().enumerate() {
        scaler.transform_row(data.row(r), &mut buf);
        for j in 0..d {
            x[k * d + j] = buf[j] as f32;
        }
    }
    Samples::from_rows(
        &x,
        d,
        rows.iter().map(|&r| data.y[r]).collect(),
        rows.to_vec(),
    )
}

/// Splits, fits the scaler as `options.scaling` says, and scales both parts.
pub fn prepare(data: &Dataset, options: &PrepareOptions) -> Result<Prepared> {
    let split = if options.stratify {
        Split::stratified(&data.y, options.test_size, options.split_seed)?
    } else {
        Split::sklearn(data.n_rows(), options.test_size, options.split_seed)?
    };
    let scaler = match options.scaling {
        ScalingMode::TrainOnly => StandardScaler::fit(&data.x, data.n_features(), &split.train),
        ScalingMode::BeforeSplit => {
            let all: Vec<usize> = (0..data.n_rows()).collect();
            StandardScaler::fit(&data.x, data.n_features(), &all)
        }
    };
    Ok(Prepared {
        train: scale_rows(data, &scaler, &split.train),
        test: scale_rows(data, &scaler, &split.test),
        scaler,
        split,
        options: options.clone(),
        features: data.features.clone(),
        target: data.target.clone(),
    })
}
