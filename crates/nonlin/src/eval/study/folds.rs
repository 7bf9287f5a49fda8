//! The folds of a study (repeated stratified k-fold, each training fold's
//! imputer, encoder and scaler applied to both parts) and how a model is
//! scored on one.

use super::{fold_seed, FoldSplit};
use crate::data::split::stratified_folds;
use crate::data::{prepare_split, Dataset, PrepareOptions, Prepared, ScalingMode, Split};
use crate::error::{Error, Result};
use crate::eval::metrics::{binary_metrics, BinaryMetrics};
use crate::model::{Network, Workspace};
use crate::train::loss::sigmoid;
use crate::train::BceWithLogits;

/// Every fold of every repeat, in (repeat, fold) order, with its samples
/// imputed, encoded and scaled by a preprocessing and scaler fit on its
/// training rows only (no leakage from the test fold). A fold's input width
/// is that of the categories its training rows hold.
pub fn fold_design(
    data: &Dataset,
    repeats: usize,
    k: usize,
    seed: u64,
) -> Result<Vec<(FoldSplit, Prepared)>> {
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
            check_both_classes(data, &test, k, r, f)?;
            let options = PrepareOptions {
                test_size: 1.0 / k as f64,
                split_seed: fold_seed(seed, r),
                stratify: true,
                scaling: ScalingMode::TrainOnly,
                test_set: true,
            };
            let split = Split {
                train: train.clone(),
                test: test.clone(),
            };
            let p = prepare_split(data, split, &options)?.prepared;
            let scaler = p.scaler.clone();
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

/// A test fold without one of the classes: the rarer class has fewer rows
/// than there are folds.
fn check_both_classes(data: &Dataset, test: &[usize], k: usize, r: usize, f: usize) -> Result<()> {
    let positives = test.iter().filter(|&&i| data.y[i] == 1.0).count();
    if positives > 0 && positives < test.len() {
        return Ok(());
    }
    let (absent, rows) = if positives == 0 {
        (&data.labels.positive, data.n_positive())
    } else {
        (&data.labels.negative, data.n_rows() - data.n_positive())
    };
    Err(Error::Data(format!(
        "{}: test fold {f} of repeat {r} has no row of class '{absent}' of target '{}': that \
         class has {rows} row(s), fewer than the {k} folds; use {} or fewer",
        data.source,
        data.target,
        crate::error::setting_value("folds", &rows.max(2).to_string())
    )))
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
