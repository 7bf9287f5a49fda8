//! Permutation importance, as `sklearn.inspection.permutation_importance`
//! computes it: for each column, the drop of a score when that column's
//! values are shuffled among the rows, repeated.
//!
//! The random stream is scikit-learn's, number for number:
//! - `seed` plays `random_state`: `RandomState(seed)` draws one
//!   `randint(2³¹)` (the first MT19937 output & 0x7FFFFFFF);
//! - every column then starts a fresh `RandomState` of that draw and
//!   shuffles one index array `n_repeats` times in place (numpy's
//!   Fisher–Yates, [`Mt19937::shuffle`]);
//! - repeat `r` writes `column[idx_r]` of the *already permuted* column
//!   back into it (`X_permuted[:, j] = X_permuted[idx, j]`), so the rows a
//!   column's values come from compose over the repeats.
//!
//! A "column" here is whatever the caller permutes as one: a raw feature
//! column, so a one-hot encoded text column moves all its indicators
//! together. The caller's `score` evaluates the model with a column's
//! values taken from the given source rows; greater is better (a loss is
//! scored negated, as scikit-learn's `neg_log_loss`), and the importance
//! is `baseline − permuted`.

use crate::data::{Samples, Task};
use crate::error::{Error, Result};
use crate::eval::metrics::roc_auc;
use crate::eval::multiclass::{log_loss, softmax_rows};
use crate::model::{Network, Workspace};
use crate::rng::Mt19937;
use crate::train::blocked::BLOCK_ROWS;
use crate::train::loss::sigmoid;
use crate::train::RegressionMetrics;
use serde::Serialize;
use std::ops::Range;

/// The importances of every column.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PermutationImportance {
    /// The score with no column permuted.
    pub baseline: f64,
    /// Per column, per repeat: `baseline − score with the column permuted`.
    pub importances: Vec<Vec<f64>>,
}

impl PermutationImportance {
    /// Mean over the repeats of column `j`.
    pub fn mean(&self, j: usize) -> f64 {
        let v = &self.importances[j];
        v.iter().sum::<f64>() / v.len() as f64
    }

    /// Population standard deviation over the repeats of column `j`
    /// (numpy's `std`, as `importances_std`).
    pub fn std(&self, j: usize) -> f64 {
        let v = &self.importances[j];
        let m = self.mean(j);
        (v.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / v.len() as f64).sqrt()
    }
}

/// The seed of every column's stream: `RandomState(seed).randint(2³¹)`.
pub fn column_seed(seed: u32) -> u32 {
    Mt19937::new(seed).next_u32() & 0x7FFF_FFFF
}

/// Permutation importance of `columns` columns over `n` rows.
///
/// `score(None, _)` is the baseline; `score(Some(j), source)` the score
/// with column `j`'s value of row `i` taken from row `source[i]` (the other
/// columns as they are).
pub fn permutation_importance(
    columns: usize,
    n: usize,
    n_repeats: usize,
    seed: u32,
    mut score: impl FnMut(Option<usize>, &[usize]) -> f64,
) -> PermutationImportance {
    let identity: Vec<usize> = (0..n).collect();
    let baseline = score(None, &identity);
    let stream = column_seed(seed);
    let mut idx = vec![0usize; n];
    let mut source = vec![0usize; n];
    let mut next = vec![0usize; n];
    let importances = (0..columns)
        .map(|j| {
            let mut rng = Mt19937::new(stream);
            idx.copy_from_slice(&identity);
            source.copy_from_slice(&identity);
            (0..n_repeats)
                .map(|_| {
                    rng.shuffle(&mut idx);
                    for (s, &i) in next.iter_mut().zip(&idx) {
                        *s = source[i];
                    }
                    std::mem::swap(&mut source, &mut next);
                    baseline - score(Some(j), &source)
                })
                .collect()
        })
        .collect();
    PermutationImportance {
        baseline,
        importances,
    }
}

/// The score a permutation is measured with; greater is better (losses
/// negated, as scikit-learn's `neg_*` scorers).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ImportanceMetric {
    /// Binary: ROC AUC of the positive class's probability.
    RocAuc,
    /// Classes: minus the log loss of the probabilities.
    LogLoss,
    /// Multiclass: the share of argmax predictions that are right.
    Accuracy,
    /// Regression: R² in the target's units.
    R2,
    /// Regression: minus the RMSE in the target's units.
    Rmse,
}

impl ImportanceMetric {
    /// The task's main metric: ROC AUC, accuracy, R².
    pub fn default_for(task: Task) -> ImportanceMetric {
        match task {
            Task::Binary => ImportanceMetric::RocAuc,
            Task::Multiclass => ImportanceMetric::Accuracy,
            Task::Regression => ImportanceMetric::R2,
        }
    }

    /// `roc_auc`, `log_loss`, `accuracy`, `r2` or `rmse`, checked against
    /// the task (the error names `importance_metric`).
    pub fn parse(text: &str, task: Task) -> Result<ImportanceMetric> {
        let m = match text.trim() {
            "roc_auc" => ImportanceMetric::RocAuc,
            "log_loss" => ImportanceMetric::LogLoss,
            "accuracy" => ImportanceMetric::Accuracy,
            "r2" => ImportanceMetric::R2,
            "rmse" => ImportanceMetric::Rmse,
            _ => {
                return Err(Error::invalid(
                    "importance_metric",
                    format!("must be roc_auc, log_loss, accuracy, r2 or rmse, got '{text}'"),
                ))
            }
        };
        if !m.applies(task) {
            return Err(Error::not_applicable(
                "importance_metric",
                format!("'{}' does not apply to a {task} target", m.name()),
            ));
        }
        Ok(m)
    }

    pub fn name(self) -> &'static str {
        match self {
            ImportanceMetric::RocAuc => "roc_auc",
            ImportanceMetric::LogLoss => "log_loss",
            ImportanceMetric::Accuracy => "accuracy",
            ImportanceMetric::R2 => "r2",
            ImportanceMetric::Rmse => "rmse",
        }
    }

    /// Whether the metric is defined for `task`.
    pub fn applies(self, task: Task) -> bool {
        match self {
            ImportanceMetric::RocAuc => task == Task::Binary,
            ImportanceMetric::LogLoss => task.is_classification(),
            ImportanceMetric::Accuracy => task.is_classification(),
            ImportanceMetric::R2 | ImportanceMetric::Rmse => task == Task::Regression,
        }
    }

    /// The score of the network's outputs `out` (class-major) on `s`.
    fn score(self, task: Task, out: &[f32], s: &Samples, probs: &mut Vec<f32>) -> f64 {
        let k = out.len() / s.n.max(1);
        match task {
            Task::Regression => {
                let t = s
                    .target
                    .as_ref()
                    .expect("a regression sample set has its target");
                let m = RegressionMetrics::compute(out, &t.values, &t.scale);
                match self {
                    ImportanceMetric::Rmse => -m.rmse,
                    _ => m.r2,
                }
            }
            Task::Binary => {
                probs.clear();
                probs.extend(out.iter().map(|&x| sigmoid(x)));
                match self {
                    ImportanceMetric::RocAuc => roc_auc(&s.y, probs),
                    ImportanceMetric::LogLoss => {
                        let rows: Vec<f32> = probs.iter().flat_map(|&p| [1.0 - p, p]).collect();
                        -log_loss(&s.y, &rows, 2)
                    }
                    _ => {
                        let right = probs
                            .iter()
                            .zip(&s.y)
                            .filter(|(&p, &y)| f32::from(u8::from(p > 0.5)) == y)
                            .count();
                        right as f64 / s.n as f64
                    }
                }
            }
            Task::Multiclass => {
                probs.resize(k * s.n, 0.0);
                softmax_rows(out, k, s.n, probs);
                match self {
                    ImportanceMetric::LogLoss => -log_loss(&s.y, probs, k),
                    _ => {
                        let right = probs
                            .chunks_exact(k)
                            .zip(&s.y)
                            .filter(|(row, &y)| argmax(row) == y as usize)
                            .count();
                        right as f64 / s.n as f64
                    }
                }
            }
        }
    }
}

/// The first index of the largest value (as the training accuracy's argmax).
fn argmax(row: &[f32]) -> usize {
    let mut best = 0;
    for (c, &v) in row.iter().enumerate().skip(1) {
        if v > row[best] {
            best = c;
        }
    }
    best
}

/// Permutation importance of `net` on the standardized samples `s`, each
/// raw column being the inputs `groups[j]` (a numeric column one input, a
/// one-hot column one per category: shuffled together, as one feature).
/// Outputs are computed in row blocks of at most [`BLOCK_ROWS`] rows.
pub fn network_importance(
    net: &Network,
    task: Task,
    s: &Samples,
    groups: &[Range<usize>],
    metric: ImportanceMetric,
    n_repeats: usize,
    seed: u32,
) -> PermutationImportance {
    let n = s.n;
    let k = net.arch.outputs();
    let mut scratch = s.xt.clone();
    let mut out = vec![0.0f32; k * n];
    let mut block_x = Vec::new();
    let mut ws = Workspace::new(&net.arch, n.clamp(1, BLOCK_ROWS));
    let mut probs = Vec::new();
    permutation_importance(groups.len(), n, n_repeats, seed, |col, source| {
        if let Some(j) = col {
            for input in groups[j].clone() {
                let (from, to) = (&s.xt[input * n..(input + 1) * n], &mut scratch[input * n..]);
                for (dst, &r) in to.iter_mut().zip(source) {
                    *dst = from[r];
                }
            }
        }
        forward_blocks(net, &scratch, s.d, n, &mut ws, &mut block_x, &mut out);
        if let Some(j) = col {
            let inputs = groups[j].clone();
            scratch[inputs.start * n..inputs.end * n]
                .copy_from_slice(&s.xt[inputs.start * n..inputs.end * n]);
        }
        metric.score(task, &out, s, &mut probs)
    })
}

/// The class-major outputs of `n` feature-major rows `xt` (width `d`), in
/// blocks of the workspace's capacity.
fn forward_blocks(
    net: &Network,
    xt: &[f32],
    d: usize,
    n: usize,
    ws: &mut Workspace,
    block_x: &mut Vec<f32>,
    out: &mut [f32],
) {
    let k = out.len() / n.max(1);
    let rows = BLOCK_ROWS.min(n.max(1));
    if n <= rows {
        out.copy_from_slice(net.forward(ws, xt, n));
        return;
    }
    for start in (0..n).step_by(rows) {
        let len = rows.min(n - start);
        block_x.resize(d * len, 0.0);
        for j in 0..d {
            block_x[j * len..(j + 1) * len]
                .copy_from_slice(&xt[j * n + start..j * n + start + len]);
        }
        let y = net.forward(ws, block_x, len);
        for c in 0..k {
            out[c * n + start..c * n + start + len].copy_from_slice(&y[c * len..(c + 1) * len]);
        }
    }
}

/// The input ranges of raw columns of the given input widths, in order.
pub fn input_groups(widths: &[usize]) -> Vec<Range<usize>> {
    let mut start = 0;
    widths
        .iter()
        .map(|&w| {
            let r = start..start + w;
            start += w;
            r
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// scikit-learn 1.9.1 / numpy 2.4.6:
    /// `permutation_importance(m, X, y, n_repeats=4, random_state=7,
    /// scoring="r2")` of a fixed model `m.predict(X) = X @ [1, −2, 0.5] +
    /// 0.1·x0·x1` on these 9 rows.
    const X: [[f64; 3]; 9] = [
        [1.789, 0.437, 0.096],
        [-1.863, -0.277, -0.355],
        [-0.083, -0.627, -0.044],
        [-0.477, -1.314, 0.885],
        [0.881, 1.71, 0.05],
        [-0.405, -0.545, -1.546],
        [0.982, -1.101, -1.185],
        [-0.206, 1.486, 0.237],
        [-1.024, -0.713, 0.625],
    ];
    const Y: [f64; 9] = [
        0.9147,
        -1.7171999999999998,
        1.08,
        2.817,
        -1.9211999999999998,
        -0.46119999999999994,
        2.4036999999999997,
        -3.3007,
        -0.011200000000000099,
    ];
    const SKLEARN: [[f64; 4]; 3] = [
        [
            0.8725452314566314,
            0.7789658189974812,
            0.6981851108402399,
            0.6293436244497004,
        ],
        [
            2.476101644895629,
            2.577058950475567,
            2.9698900180148597,
            1.603483424262354,
        ],
        [
            0.053897178112223165,
            0.11788328758515376,
            0.09247648847972278,
            0.114443336374078,
        ],
    ];

    fn r2(pred: &[f64]) -> f64 {
        let mean = Y.iter().sum::<f64>() / Y.len() as f64;
        let sse: f64 = pred.iter().zip(&Y).map(|(p, y)| (y - p) * (y - p)).sum();
        let sst: f64 = Y.iter().map(|y| (y - mean) * (y - mean)).sum();
        1.0 - sse / sst
    }

    #[test]
    fn equals_scikit_learn() {
        let r = permutation_importance(3, 9, 4, 7, |col, source| {
            let pred: Vec<f64> = (0..9)
                .map(|i| {
                    let mut x = X[i];
                    if let Some(j) = col {
                        x[j] = X[source[i]][j];
                    }
                    x[0] - 2.0 * x[1] + 0.5 * x[2] + 0.1 * x[0] * x[1]
                })
                .collect();
            r2(&pred)
        });
        for (j, want) in SKLEARN.iter().enumerate() {
            for (k, &w) in want.iter().enumerate() {
                let got = r.importances[j][k];
                assert!(
                    (got - w).abs() <= 1e-12,
                    "column {j} repeat {k}: {got} vs {w}"
                );
            }
        }
        // importances_mean and importances_std.
        assert!((r.mean(1) - 2.4066335094121025).abs() < 1e-12);
        assert!((r.std(1) - 0.4990437372036269).abs() < 1e-12);
    }

    #[test]
    fn the_column_seed_is_numpys_randint() {
        // RandomState(s).randint(np.iinfo(np.int32).max + 1), numpy 2.4.6.
        assert_eq!(column_seed(0), 209_652_396);
        assert_eq!(column_seed(42), 1_608_637_542);
        assert_eq!(column_seed(10), 1_165_313_289);
    }

    #[test]
    fn a_one_hot_column_moves_as_one_and_blocks_give_the_same_outputs() {
        use crate::data::synth;
        use crate::model::{Activation, Architecture};
        use crate::train::{OptimizerConfig, TrainConfig, Trainer};
        let s = synth::samples(2 * BLOCK_ROWS + 77, 3);
        let net = Network::new(Architecture::mlp(12, &[6], Activation::Tanh), 1);
        let config = TrainConfig {
            optimizer: OptimizerConfig::adam(0.05),
            ..TrainConfig::tutorial(40, 0.05)
        };
        let mut t = Trainer::with_sets("m", net, config, &s, None, None).unwrap();
        t.run(|_, _| {}).unwrap();
        let (net, _) = t.finish();
        // Inputs 0–1 as one column, then one column per input.
        let mut widths = vec![2];
        widths.extend(std::iter::repeat_n(1, 10));
        let groups = input_groups(&widths);
        assert_eq!(groups[0], 0..2);
        assert_eq!(groups[1], 2..3);
        let r = network_importance(
            &net,
            Task::Binary,
            &s,
            &groups,
            ImportanceMetric::RocAuc,
            3,
            0,
        );
        assert_eq!(r.importances.len(), 11);
        // The baseline is the network's ROC AUC on the unpermuted rows.
        let logits = crate::eval::predict::logits(&net, &s.xt, s.n);
        let probs: Vec<f32> = logits.iter().map(|&x| sigmoid(x)).collect();
        assert_eq!(r.baseline, roc_auc(&s.y, &probs));
        // Permuting the pair by hand with the same rows gives the same score.
        let stream = column_seed(0);
        let mut rng = Mt19937::new(stream);
        let mut idx: Vec<usize> = (0..s.n).collect();
        rng.shuffle(&mut idx);
        let mut xt = s.xt.clone();
        for j in 0..2 {
            for i in 0..s.n {
                xt[j * s.n + i] = s.xt[j * s.n + idx[i]];
            }
        }
        let logits = crate::eval::predict::logits(&net, &xt, s.n);
        let probs: Vec<f32> = logits.iter().map(|&x| sigmoid(x)).collect();
        assert_eq!(r.importances[0][0], r.baseline - roc_auc(&s.y, &probs));
        // x0 (in the first column) carries the synthetic label's largest
        // linear term; x11 (the last) its smallest.
        assert!(r.mean(0) > r.mean(10), "{} vs {}", r.mean(0), r.mean(10));
    }

    #[test]
    fn a_metric_of_another_task_is_refused() {
        assert!(ImportanceMetric::parse("rmse", Task::Regression).is_ok());
        let e = ImportanceMetric::parse("roc_auc", Task::Multiclass).unwrap_err();
        assert_eq!(e.field(), Some("importance_metric"));
        assert_eq!(
            ImportanceMetric::default_for(Task::Regression),
            ImportanceMetric::R2
        );
    }
}
