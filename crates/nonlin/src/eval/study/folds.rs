//! The folds of a study (repeated k-fold, stratified by class for a class
//! target, each training fold's imputer, encoder and scaler applied to
//! both parts) and how a model is scored on one.

use super::{fold_seed, ClassScores, FoldMetrics, FoldSplit};
use crate::data::split::{shuffled_folds, stratified_folds};
use crate::data::{prepare_split, Dataset, PrepareOptions, Prepared, ScalingMode, Split, Task};
use crate::error::{Error, Result};
use crate::eval::least_squares::LeastSquares;
use crate::eval::metrics::binary_metrics;
use crate::eval::multiclass::{class_frequencies, multiclass_metrics, softmax_rows};
use crate::model::{Network, Workspace};
use crate::train::loss::sigmoid;
use crate::train::{Objective, RegressionMetrics};

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
        let folds = match data.task {
            Task::Regression => shuffled_folds(data.n_rows(), k, fold_seed(seed, r))?,
            _ => stratified_folds(&data.y, k, fold_seed(seed, r))?,
        };
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
            match data.task {
                Task::Binary => check_both_classes(data, &test, k, r, f)?,
                Task::Multiclass => check_class_rows(data, k)?,
                Task::Regression => {}
            }
            let options = PrepareOptions {
                test_size: 1.0 / k as f64,
                split_seed: fold_seed(seed, r),
                stratify: data.task != Task::Regression,
                scaling: ScalingMode::TrainOnly,
                test_set: true,
            };
            let split = Split {
                train: train.clone(),
                test: test.clone(),
            };
            let fitted = prepare_split(data, split, &options)?;
            let column_widths = fitted
                .preprocessing
                .columns
                .iter()
                .map(|c| c.width())
                .collect();
            let p = fitted.prepared;
            let scaler = p.scaler.clone();
            let split = FoldSplit {
                repeat: r,
                fold: f,
                n_train: train.len(),
                n_train_positive: (data.task == Task::Binary).then(|| p.train.n_positive()),
                n_test_positive: (data.task == Task::Binary).then(|| p.test.n_positive()),
                test_rows: test,
                scaler_mean: scaler.mean,
                scaler_scale: scaler.scale,
                column_widths,
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

/// Every class needs as many rows as there are folds, so that each test
/// fold holds it (the folds deal each class round-robin).
fn check_class_rows(data: &Dataset, k: usize) -> Result<()> {
    let mut count = vec![0usize; data.n_classes()];
    for &t in &data.y {
        count[t as usize] += 1;
    }
    match count.iter().position(|&c| c < k) {
        None => Ok(()),
        Some(c) => Err(Error::Data(format!(
            "{}: class '{}' of target '{}' has {} row(s), fewer than the {k} folds; every \
             test fold needs a row of every class: use {} or fewer, or leave those rows out",
            data.source,
            data.classes[c],
            data.target,
            count[c],
            crate::error::setting_value("folds", &count[c].max(2).to_string())
        ))),
    }
}

/// A model's scores on one fold.
#[derive(Debug, Clone, PartialEq)]
pub struct FoldScore {
    pub metrics: FoldMetrics,
    /// The loss on the training fold, with the final weights.
    pub train_loss: f64,
    pub test_loss: f64,
}

/// Scores a trained network on its fold: the task's metrics on the test
/// fold, the loss on both.
pub fn score_network(net: &Network, p: &Prepared, loss: &Objective) -> FoldScore {
    let mut ws = Workspace::new(&net.arch, p.train.n.max(p.test.n));
    let logits = net.forward(&mut ws, &p.train.xt, p.train.n);
    let train_loss = loss.evaluate(logits, &p.train.y, None).loss as f64;
    let out = net.forward(&mut ws, &p.test.xt, p.test.n);
    let test_loss = loss.evaluate(out, &p.test.y, None).loss as f64;
    FoldScore {
        metrics: test_metrics(loss, p, out),
        train_loss,
        test_loss,
    }
}

/// The task's metrics of outputs `out` (class-major) on the test fold.
fn test_metrics(loss: &Objective, p: &Prepared, out: &[f32]) -> FoldMetrics {
    let test = &p.test;
    match loss {
        Objective::Binary(_) => {
            // The loss's own σ, so `prob > 0.5` agrees with its accuracy bit for bit.
            let probs: Vec<f32> = out.iter().map(|&x| sigmoid(x)).collect();
            FoldMetrics::Binary(binary_metrics(&test.y, &probs, 0.5))
        }
        Objective::Multiclass { classes, .. } => {
            let mut probs = vec![0.0f32; classes * test.n];
            softmax_rows(out, *classes, test.n, &mut probs);
            let m = multiclass_metrics(&test.y, &probs, *classes);
            FoldMetrics::Multiclass(ClassScores {
                accuracy: m.accuracy,
                balanced_accuracy: m.balanced_accuracy,
                macro_f1: m.macro_f1,
                log_loss: m.log_loss,
            })
        }
        Objective::Regression(_) => {
            let t = test
                .target
                .as_ref()
                .expect("a regression fold has its target");
            FoldMetrics::Regression(RegressionMetrics::compute(out, &t.values, &t.scale))
        }
    }
}

/// Scores the constant baseline: the binary `majority` (the training
/// fold's positive rate as every test row's probability), its multiclass
/// form (the training fold's class shares) or the regression `mean` (the
/// training fold's mean, 0 on the standardized target).
pub fn score_constant(split: &FoldSplit, p: &Prepared, loss: &Objective) -> FoldScore {
    match loss {
        Objective::Binary(_) => score_majority(split, p, loss),
        Objective::Multiclass { classes, .. } => {
            let k = *classes;
            let all: Vec<usize> = (0..p.train.n).collect();
            let shares = class_frequencies(&p.train.y, &all, k);
            // Logits whose softmax is the shares (a class share of 0 gives
            // −∞: that class is never predicted).
            let logit: Vec<f32> = shares.iter().map(|&s| s.ln() as f32).collect();
            let constant = |n: usize| -> Vec<f32> {
                logit
                    .iter()
                    .flat_map(|&l| std::iter::repeat_n(l, n))
                    .collect()
            };
            let test_out = constant(p.test.n);
            FoldScore {
                metrics: test_metrics(loss, p, &test_out),
                train_loss: loss.evaluate(&constant(p.train.n), &p.train.y, None).loss as f64,
                test_loss: loss.evaluate(&test_out, &p.test.y, None).loss as f64,
            }
        }
        Objective::Regression(_) => {
            let test_out = vec![0.0f32; p.test.n];
            FoldScore {
                metrics: test_metrics(loss, p, &test_out),
                train_loss: loss.evaluate(&vec![0.0; p.train.n], &p.train.y, None).loss as f64,
                test_loss: loss.evaluate(&test_out, &p.test.y, None).loss as f64,
            }
        }
    }
}

/// Scores least-squares linear regression fit on the training fold (its
/// standardized inputs, the target in its units), as scikit-learn's
/// `LinearRegression()` (a regression study's `linear` baseline).
pub fn score_least_squares(p: &Prepared, loss: &Objective) -> Result<FoldScore> {
    let (train, test) = (&p.train, &p.test);
    let values = |s: &crate::data::Samples| {
        s.target
            .as_ref()
            .map(|t| (t.values.clone(), t.scale))
            .ok_or_else(|| Error::Config("least squares needs a regression target".into()))
    };
    let (y, scale) = values(train)?;
    let x: Vec<f64> = train.x_rows().into_iter().map(f64::from).collect();
    let rows: Vec<usize> = (0..train.n).collect();
    let fit = LeastSquares::fit(&x, train.d, &y, &rows)?;
    // Predictions on the standardized scale, as a network's outputs.
    let outputs = |s: &crate::data::Samples| -> Vec<f32> {
        let x: Vec<f64> = s.x_rows().into_iter().map(f64::from).collect();
        x.chunks(s.d)
            .map(|row| ((fit.predict(row) - scale.mean) / scale.scale) as f32)
            .collect()
    };
    let (train_out, test_out) = (outputs(train), outputs(test));
    Ok(FoldScore {
        metrics: test_metrics(loss, p, &test_out),
        train_loss: loss.evaluate(&train_out, &train.y, None).loss as f64,
        test_loss: loss.evaluate(&test_out, &test.y, None).loss as f64,
    })
}

/// Scores the binary majority baseline: the training fold's positive rate
/// as the probability of every test row.
fn score_majority(split: &FoldSplit, p: &Prepared, loss: &Objective) -> FoldScore {
    let positives = split
        .n_train_positive
        .unwrap_or_else(|| p.train.n_positive());
    let rate = positives as f64 / p.train.n as f64;
    let prob = rate as f32;
    let logit = (rate / (1.0 - rate)).ln() as f32;
    let probs = vec![prob; p.test.n];
    let const_loss = |y: &[f32]| loss.evaluate(&vec![logit; y.len()], y, None).loss as f64;
    FoldScore {
        metrics: FoldMetrics::Binary(binary_metrics(&p.test.y, &probs, 0.5)),
        train_loss: const_loss(&p.train.y),
        test_loss: const_loss(&p.test.y),
    }
}
