//! The folds of a study (repeated stratified k-fold, each training fold's
//! scaler applied to both parts) and how a model is scored on one.

use super::{fold_seed, FoldSplit};
use crate::data::prepare::scale_rows;
use crate::data::split::stratified_folds;
use crate::data::{Dataset, PrepareOptions, Prepared, ScalingMode, Split, StandardScaler};
use crate::error::{Error, Result};
use crate::eval::metrics::{binary_metrics, BinaryMetrics};
use crate::model::{Network, Workspace};
use crate::train::loss::sigmoid;
use crate::train::BceWithLogits;

/// Every fold of every repeat, in (repeat, fold) order, with its samples
/// scaled by a scaler fit on its training rows only.
pub fn fold_design(
    data: &Dataset,
    repeats: usize,
    k: usize,
    seed: u64,
) -> Result<Vec<(FoldSplit, Prepared)>> {
    let d = data.n_features();
    let mut out = Vec::with_capacity(repeats * k);
    for r in 0..repeats {
        let folds = stratified_folds(&data.y, k, fold_seed(seed, r))?;
        for (f, test) in folds.into_iter().enumerate() {
            let mut in_test = vec![false; data.n_rows()];
            for &i in &test {
                in_test[i] = true;
            }
            let train: Vec<usize> = (0..data.n_rows()).filter(|&i| !in_test[i]).collect();
            if train.len() < 2 || test.len() < 2 {
                return Err(Error::Data(format!(
                    "{k} folds of {} rows leave {} training and {} test rows; each needs at least 2",
                    data.n_rows(),
                    train.len(),
                    test.len()
                )));
            }
            let scaler = StandardScaler::fit(&data.x, d, &train);
            let p = Prepared {
                train: scale_rows(data, &scaler, &train),
                test: scale_rows(data, &scaler, &test),
                split: Split {
                    train: train.clone(),
                    test: test.clone(),
                },
                options: PrepareOptions {
                    test_size: 1.0 / k as f64,
                    split_seed: fold_seed(seed, r),
                    stratify: true,
                    scaling: ScalingMode::TrainOnly,
                },
                scaler: scaler.clone(),
                features: data.features.clone(),
                target: data.target.clone(),
            };
            let split = FoldSplit {
                repeat: r,
                fold: f,
                n_train: train.len(),
                n_train_positive: p.train.n_positive(),
                n_test_positive: p.test.n_positive(),
                test_rows: test,
                scaler_mean: scaler.mean,
                scaler_scale: scaler.scale,
            };
            out.push((split, p));
        }
    }
    Ok(out)
}

/// A model's scores on one fold.
#[derive(Debug, Clone, PartialEq)]
pub struct FoldScore {
    pub metrics: BinaryMetrics,
    /// The loss on the training fold, with the final weights.
    pub train_loss: f64,
    pub test_loss: f64,
}

/// Scores a trained network on its fold.
pub fn score_network(net: &Network, p: &Prepared, loss: BceWithLogits) -> FoldScore {
    let mut ws = Workspace::new(&net.arch, p.train.n.max(p.test.n));
    let logits = net.forward(&mut ws, &p.train.xt, p.train.n);
    let train_loss = loss.evaluate(logits, &p.train.y).loss as f64;
    let logits = net.forward(&mut ws, &p.test.xt, p.test.n);
    let test_loss = loss.evaluate(logits, &p.test.y).loss as f64;
    // The loss's own σ, so `prob > 0.5` agrees with its accuracy bit for bit.
    let probs: Vec<f32> = logits.iter().map(|&x| sigmoid(x)).collect();
    FoldScore {
        metrics: binary_metrics(&p.test.y, &probs, 0.5),
        train_loss,
        test_loss,
    }
}

/// Scores the majority baseline: the training fold's positive rate as the
/// probability of every test row.
pub fn score_majority(split: &FoldSplit, p: &Prepared, loss: BceWithLogits) -> FoldScore {
    let rate = split.n_train_positive as f64 / p.train.n as f64;
    let prob = rate as f32;
    let logit = (rate / (1.0 - rate)).ln() as f32;
    let probs = vec![prob; p.test.n];
    let const_loss = |y: &[f32]| loss.evaluate(&vec![logit; y.len()], y).loss as f64;
    FoldScore {
        metrics: binary_metrics(&p.test.y, &probs, 0.5),
        train_loss: const_loss(&p.train.y),
        test_loss: const_loss(&p.test.y),
    }
}
