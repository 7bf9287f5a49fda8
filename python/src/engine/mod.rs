//! Every call this crate makes into the nonlin library, in one place, so a
//! change of the library's API touches only this file. The rest of the crate
//! speaks plain Rust types (slices, `Vec`, `String`) and Python.
//!
//! Nothing here builds the engine's configuration by hand: keyword
//! arguments become the library's settings ([`TrainSettings`],
//! [`OptimizerSettings`], [`RunSettings`], [`StudySettings`]), which apply
//! them over their defaults, check them and refuse those that do not apply;
//! a fit is then a one-model `train` run ([`Plan`]) on rows in memory,
//! without a test set and with the inputs used as given. A study is
//! [`study`]'s.

mod study;
pub use study::{study, StudySpec};

use nonlin::data::{BinaryLabels, Dataset, Label, ScalingMode, TargetScale};
use nonlin::eval::multiclass::softmax_rows;
use nonlin::eval::predict::{Head, Predict};
use nonlin::io::{Checkpoint, StateDict};
use nonlin::model::init::InitRng;
use nonlin::run::{
    Cancel, Hidden, ModelDef, ModelSettings, OptimizerSettings, Plan, Preset, RunSettings, Silent,
    SplitSettings, TrainSettings,
};
use nonlin::train::{OptimizerKind, RegressionLoss};

pub use nonlin::train::PosWeight;

pub use nonlin::error::Wording;
pub use nonlin::Error;

/// The optimizer as given: the solver by name, the values the user gave.
#[derive(Debug, Clone, Default)]
pub struct Solver {
    pub name: String,
    pub lr: f32,
    pub momentum: Option<f32>,
    pub nesterov: Option<bool>,
    pub beta1: Option<f32>,
    pub beta2: Option<f32>,
    pub eps: Option<f32>,
}

impl Solver {
    /// The library's optimizer settings, with `weight_decay`.
    fn settings(&self, weight_decay: f32) -> Result<OptimizerSettings, Error> {
        Ok(OptimizerSettings {
            kind: Some(OptimizerKind::parse(&self.name)?),
            lr: Some(self.lr),
            momentum: self.momentum,
            dampening: None,
            nesterov: self.nesterov,
            weight_decay: Some(weight_decay),
            beta1: self.beta1,
            beta2: self.beta2,
            eps: self.eps,
        })
    }
}

/// How a fit stops.
#[derive(Debug, Clone, Copy)]
pub enum Stopping {
    /// The library's early stopping: hold out `validation_fraction`
    /// (stratified, from the seed), stop after `patience` epochs without a
    /// lower validation loss, restore the best weights.
    Early {
        patience: usize,
        validation_fraction: f64,
    },
    /// The library's training-loss plateau rule (scikit-learn's `tol`).
    Plateau { tol: f64, n_iter_no_change: usize },
}

/// The target of a fit, encoded by the estimator.
#[derive(Debug, Clone)]
pub enum FitTarget {
    /// 0/1, `1` being `classes_[1]`; the class values to store when they
    /// are numbers.
    Binary { y: Vec<f32>, labels: NumericLabels },
    /// Class indices `0..k` (`k ≥ 3`), in `classes_` order.
    Multiclass { y: Vec<f32>, k: usize },
    /// Values in their units; the run standardizes them on its training
    /// rows (mean, population std) and predictions map back.
    Regression(Vec<f64>),
}

#[allow(clippy::len_without_is_empty)]
impl FitTarget {
    /// Rows of the target.
    pub fn len(&self) -> usize {
        match self {
            FitTarget::Binary { y, .. } | FitTarget::Multiclass { y, .. } => y.len(),
            FitTarget::Regression(v) => v.len(),
        }
    }
}

/// A regression loss as the estimator names it (`loss`, `delta`).
#[derive(Debug, Clone, PartialEq)]
pub struct LossSpec {
    /// `squared_error`, `absolute_error` or `huber`.
    pub name: String,
    /// Huber's δ, when given.
    pub delta: Option<f32>,
}

impl LossSpec {
    /// The library's loss; a `delta` without `huber` is refused by name.
    fn resolve(&self) -> Result<RegressionLoss, Error> {
        let loss = match self.name.as_str() {
            "squared_error" => RegressionLoss::Mse,
            "absolute_error" => RegressionLoss::L1,
            "huber" => RegressionLoss::Huber {
                delta: self.delta.unwrap_or(1.0),
            },
            other => {
                return Err(Error::invalid(
                    "loss",
                    format!("must be squared_error, absolute_error or huber, got '{other}'"),
                ))
            }
        };
        match (loss, self.delta) {
            (RegressionLoss::Huber { delta }, _) if !(delta.is_finite() && delta > 0.0) => Err(
                Error::invalid("delta", format!("must be a positive number, got {delta}")),
            ),
            (RegressionLoss::Huber { .. }, _) | (_, None) => Ok(loss),
            (_, Some(_)) => Err(Error::not_applicable(
                "delta",
                format!("applies to loss='huber' only; this loss is '{}'", self.name),
            )),
        }
    }
}

/// Everything a fit needs, as the user gave it.
#[derive(Debug, Clone)]
pub struct FitSpec {
    pub hidden: Hidden,
    pub solver: Solver,
    /// scikit-learn's `alpha`: an L2 penalty `0.5·alpha·‖θ‖²` on each
    /// batch's summed loss, i.e. weight decay `alpha / rows` on the mean loss
    /// (coupled; decoupled for AdamW), `rows` being the batch size.
    pub alpha: f32,
    pub epochs: usize,
    /// `None`: full batch.
    pub batch_size: Option<usize>,
    /// Initialisation, shuffling and validation-split seed.
    pub seed: u64,
    /// `true`: `torch.manual_seed(seed)`'s stream; `false`: ChaCha8.
    pub torch_init: bool,
    pub pos_weight: Option<PosWeight>,
    /// A regression loss (the regressor's), or `None`.
    pub loss: Option<LossSpec>,
    pub stopping: Stopping,
    /// scikit-learn's `sample_weight`, one per row, or `None` (all 1).
    pub sample_weight: Option<Vec<f32>>,
}

/// What a fit produced besides the network.
#[derive(Debug, Clone, Default)]
pub struct FitHistory {
    /// Mean training loss of each epoch.
    pub loss: Vec<f32>,
    /// Correct training predictions of each epoch (forward pass of the step).
    pub train_correct: Vec<usize>,
    /// Validation accuracy (0..1) and loss of each epoch, with early stopping.
    pub val_accuracy: Vec<f64>,
    pub val_loss: Vec<f32>,
    /// Epoch whose weights were restored (early stopping).
    pub best_epoch: Option<usize>,
    /// Epoch after which training stopped early (either rule).
    pub stopped_epoch: Option<usize>,
    /// The loss-plateau rule (`tol`) ended training.
    pub converged: bool,
    /// Rows trained on (after the validation hold-out).
    pub n_train: usize,
    /// A regression target's RMSE and R² on the training rows of each
    /// epoch (the forward pass of the step), in its units.
    pub train_rmse: Vec<f64>,
    pub train_r2: Vec<f64>,
    /// Wall time of the library's run (network set-up and the epoch loop),
    /// in seconds.
    pub train_seconds: f64,
}

/// What the estimator stores with a fitted network.
#[derive(Debug, Clone)]
pub struct ModelInfo {
    pub features: Vec<String>,
    pub target: String,
}

/// The run settings of a fit on `n` rows: a one-model `train` run over the
/// tutorial preset with every value given, fit on every row (no test set),
/// the inputs used as given.
fn run_settings(s: &FitSpec, n: usize) -> Result<RunSettings, Error> {
    // The rows of one batch after the validation hold-out: scikit-learn's
    // `alpha` becomes the weight decay `alpha / rows`.
    let n_train = match s.stopping {
        Stopping::Early {
            validation_fraction,
            ..
        } => n.saturating_sub(nonlin::data::split::test_count(n, validation_fraction)?),
        Stopping::Plateau { .. } => n,
    };
    let rows = s.batch_size.map_or(n_train, |b| b.min(n_train)).max(1);
    // scikit-learn divides the penalty by the batch's Σ sᵢ: the rows of a
    // batch times the mean weight (Σ sᵢ itself for a full batch, so that
    // integer weights decay as repeated rows do).
    let decay_rows = match &s.sample_weight {
        None => rows as f32,
        Some(w) => {
            let total: f64 = w.iter().map(|&v| v as f64).sum();
            if rows == n {
                total as f32
            } else {
                (rows as f64 * total / n as f64) as f32
            }
        }
    };
    let (patience, validation_fraction, tol, n_iter_no_change) = match s.stopping {
        Stopping::Early {
            patience,
            validation_fraction,
        } => (Some(patience), Some(validation_fraction), None, None),
        Stopping::Plateau {
            tol,
            n_iter_no_change,
        } => (None, None, Some(tol), Some(n_iter_no_change)),
    };
    Ok(RunSettings {
        preset: Preset::Tutorial,
        models: ModelSettings {
            models: vec![ModelDef {
                name: Some("MLPClassifier".into()),
                hidden: s.hidden.clone(),
            }],
            ..ModelSettings::default()
        },
        split: SplitSettings {
            test_set: Some(false),
            scaling: Some(ScalingMode::None),
            ..SplitSettings::default()
        },
        train: TrainSettings {
            epochs: Some(s.epochs),
            optimizer: s.solver.settings(s.alpha / decay_rows)?,
            batch_size: s.batch_size,
            full_batch: s.batch_size.is_none(),
            pos_weight: s.pos_weight,
            loss: s.loss.as_ref().map(LossSpec::resolve).transpose()?,
            patience,
            validation_fraction,
            no_early_stopping: patience.is_none(),
            tol,
            n_iter_no_change,
            ..TrainSettings::default()
        },
        seed: Some(s.seed),
        init_rng: Some(init_rng(s.torch_init)),
        init_weights: None,
    })
}

fn init_rng(torch: bool) -> InitRng {
    if torch {
        InitRng::Torch
    } else {
        InitRng::ChaCha8
    }
}

/// Trains on `n` row-major rows `x` (f64, `n × d`, `d` = the feature
/// names) with the target `y`: the library's one-model run ([`Plan`]) on a
/// data set in memory, its settings from [`run_settings`], the training
/// rows weighted by `s.sample_weight` when given.
pub fn fit(
    x: Vec<f64>,
    y: FitTarget,
    s: &FitSpec,
    info: ModelInfo,
) -> Result<(Model, FitHistory), Error> {
    let (n, d) = (y.len(), info.features.len());
    if n == 0 || x.len() != n * d {
        return Err(Error::Data(format!(
            "{} values are not {n} rows of {d} features",
            x.len()
        )));
    }
    if let Some(w) = &s.sample_weight {
        if w.len() != n {
            return Err(Error::invalid(
                "sample_weight",
                format!("has {} values for {n} rows", w.len()),
            ));
        }
    }
    let config = run_settings(s, n)?.config()?;
    let (source, features, target) = ("Python arrays", info.features, &info.target);
    let data = match y {
        FitTarget::Binary { y, labels } => {
            let mut data = Dataset::from_rows(source, features, target, &x, y);
            if let Some((negative, positive)) = labels {
                data.labels = BinaryLabels {
                    negative: Label::Number(negative),
                    positive: Label::Number(positive),
                };
            }
            data
        }
        FitTarget::Multiclass { y, k } => {
            let classes = (0..k).map(|c| Label::Number(c as f64)).collect();
            Dataset::from_rows_classes(source, features, target, &x, y, classes)
        }
        FitTarget::Regression(values) => {
            Dataset::from_rows_values(source, features, target, &x, values)
        }
    };
    drop(x);
    let started = std::time::Instant::now();
    let mut plan = Plan::new(data, &config)?;
    if let Some(w) = &s.sample_weight {
        // Every row trains, in order (no test set).
        let train = &mut plan.prepared.train;
        let w: Vec<f32> = train.rows.iter().map(|&r| w[r]).collect();
        if let Some(t) = &mut train.target {
            // A weight is a repetition: the target's mean and std are the
            // weighted ones (all-ones weights keep the run's own fit).
            if w.iter().any(|&v| v != 1.0) {
                t.scale = weighted_scale(&t.values, &w);
                for (y, &v) in train.y.iter_mut().zip(&t.values) {
                    *y = t.scale.transform(v);
                }
                plan.prepared.target_scale = Some(t.scale);
            }
        }
        train.set_weight(w)?;
    }
    let result = plan.run(&mut Silent, &Cancel::new())?;
    let train_seconds = started.elapsed().as_secs_f64();
    let model = result
        .models
        .into_iter()
        .next()
        .expect("a one-model run trains one model");
    let history = &model.history;
    let records = &history.records;
    let h = FitHistory {
        loss: records.iter().map(|r| r.train_loss).collect(),
        train_correct: records.iter().map(|r| r.train_correct).collect(),
        val_accuracy: records
            .iter()
            .filter_map(|r| r.val_correct.map(|c| c as f64 / history.n_val as f64))
            .collect(),
        val_loss: records.iter().filter_map(|r| r.val_loss).collect(),
        best_epoch: history.best_epoch,
        stopped_epoch: history.stopped_epoch,
        converged: history.converged,
        n_train: history.n_train,
        train_rmse: records
            .iter()
            .filter_map(|r| r.train_fit.map(|f| f.rmse))
            .collect(),
        train_r2: records
            .iter()
            .filter_map(|r| r.train_fit.map(|f| f.r2))
            .collect(),
        train_seconds,
    };
    let ckpt = Checkpoint::for_task(
        model.net,
        &result.prepared,
        result.preprocessing,
        result.labels,
        result.task,
        &result.classes,
    )?;
    let kind = ModelKind::of(&ckpt.head);
    Ok((Model { ckpt, kind }, h))
}

/// The target's standardization with row weights `w`, as the run fits it
/// without (`TargetScale::fit`): the weighted mean and the weighted
/// population std `√(Σ wᵢ(yᵢ − ȳ)² / Σ wᵢ)`, in f64; scale 1 for a
/// constant target. (Weights that sum to 0 are refused afterwards.)
fn weighted_scale(values: &[f64], w: &[f32]) -> TargetScale {
    let total: f64 = w.iter().map(|&v| v as f64).sum();
    let mean = values
        .iter()
        .zip(w)
        .map(|(&y, &v)| v as f64 * y)
        .sum::<f64>()
        / total;
    let var = values
        .iter()
        .zip(w)
        .map(|(&y, &v)| v as f64 * (y - mean) * (y - mean))
        .sum::<f64>()
        / total;
    let scale = var.sqrt();
    TargetScale {
        mean,
        scale: if scale > 0.0 && scale.is_finite() {
            scale
        } else {
            1.0
        },
    }
}

/// A model ready to predict: the network with its checkpoint metadata,
/// and what its outputs are.
#[derive(Debug, Clone)]
pub struct Model {
    ckpt: Checkpoint,
    kind: ModelKind,
}

/// What a network's outputs mean.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ModelKind {
    /// One logit: `P(classes_[1]) = σ(logit)`.
    Binary,
    /// `k` logits, softmax probabilities.
    Multiclass(usize),
    /// One output, the standardized target: `out·scale + mean` in units.
    Regression(TargetScale),
}

impl ModelKind {
    /// What a checkpoint's head says its outputs are.
    pub fn of(head: &Head) -> ModelKind {
        match head {
            Head::Binary => ModelKind::Binary,
            Head::Multiclass { classes } => ModelKind::Multiclass(classes.len()),
            Head::Regression { scale } => ModelKind::Regression(*scale),
        }
    }
}

/// What [`Model::predict`] returns: `(logits or outputs, probabilities or
/// predictions)`, row-major (`n × k` for `k` classes).
pub type Outputs = (Vec<f32>, Vec<f64>);

/// Rows predicted per call of the library's predictor: at most its own
/// chunk, so `k` logits come back class-major for the whole call.
const PREDICT_ROWS: usize = 1024;

/// The class values a checkpoint stores: numbers (`nonlin predict` prints
/// them) or, for other labels, 1/0 with the labels kept by the caller.
pub type NumericLabels = Option<(f64, f64)>;

impl Model {
    /// Reads checkpoint bytes (a `model.safetensors`), validated by nonlin.
    /// Models whose inputs are encoded columns or whose labels are text
    /// (`nonlin train` on a table with text) are refused: the estimator
    /// takes numeric inputs as they are.
    pub fn from_bytes(bytes: &[u8], name: &str) -> Result<Model, Error> {
        let c = Checkpoint::from_bytes(bytes, name)?;
        let kind = ModelKind::of(&c.head);
        let numeric = |l: &Label| matches!(l, Label::Number(_));
        if !c.preprocessing.is_identity()
            || !numeric(&c.labels.negative)
            || !numeric(&c.labels.positive)
        {
            return Err(Error::model(
                name,
                "it was trained on a table with text columns, text labels or filled-in \
                 missing values; the estimator takes numeric columns as they are. Use \
                 `nonlin predict`, which applies the stored encoding.",
            ));
        }
        Ok(Model { ckpt: c, kind })
    }

    /// The `model.safetensors` bytes (the task's keys as `nonlin train`
    /// writes them), with `extra` metadata entries added.
    pub fn to_bytes(&self, extra: &[(String, String)]) -> Result<Vec<u8>, Error> {
        let mut sd = self.ckpt.to_state_dict()?;
        for (k, v) in extra {
            sd.metadata.insert(k.clone(), v.clone());
        }
        sd.to_bytes()
    }

    pub fn kind(&self) -> ModelKind {
        self.kind
    }

    /// Metadata of a checkpoint's bytes (all of it, `nonlin.*` and others).
    pub fn metadata(bytes: &[u8], name: &str) -> Result<Vec<(String, String)>, Error> {
        let sd = StateDict::from_bytes(bytes, name)?;
        Ok(sd.metadata.into_iter().collect())
    }

    pub fn features(&self) -> &[String] {
        &self.ckpt.features
    }

    pub fn target(&self) -> &str {
        &self.ckpt.target
    }

    /// (negative, positive) raw target values.
    pub fn labels(&self) -> (f64, f64) {
        // Numbers only: `from_bytes` refuses text labels.
        let number = |l: &Label| match l {
            Label::Number(v) => *v,
            Label::Text(_) => f64::NAN,
        };
        (
            number(&self.ckpt.labels.negative),
            number(&self.ckpt.labels.positive),
        )
    }

    pub fn threshold(&self) -> f32 {
        self.ckpt.threshold
    }

    /// The full architecture spec, e.g. `12-5-relu-1`.
    pub fn arch(&self) -> String {
        self.ckpt.net.arch.to_string()
    }

    /// `(name, shape [out, in], values)` per parameter tensor, state-dict order.
    pub fn tensors(&self) -> Vec<(String, Vec<usize>, Vec<f32>)> {
        let net = &self.ckpt.net;
        net.tensors()
            .iter()
            .map(|t| {
                (
                    t.name.clone(),
                    t.shape.clone(),
                    net.params[t.range.clone()].to_vec(),
                )
            })
            .collect()
    }

    /// The outputs of raw row-major rows (`n × d`, f64), through the
    /// library's predictor (whole rows, finite values, the stored scaler as
    /// `nonlin predict` applies it): binary, the logits and `σ(logit)`
    /// (nonlin's f32 sigmoid, widened); `k` classes, the logits and their
    /// softmax, row-major `n × k`; regression, the standardized outputs and
    /// the predictions in the target's units (`out·scale + mean`, f64).
    pub fn predict(&self, rows: &[f64]) -> Result<Outputs, Error> {
        match self.kind {
            ModelKind::Binary => {
                let logits = self.ckpt.predict_logits(rows)?;
                let probs = logits
                    .iter()
                    .map(|&l| nonlin::train::loss::sigmoid(l) as f64)
                    .collect();
                Ok((logits, probs))
            }
            ModelKind::Regression(scale) => {
                let out = self.ckpt.predict_logits(rows)?;
                let values = out.iter().map(|&o| scale.inverse(o)).collect();
                Ok((out, values))
            }
            ModelKind::Multiclass(k) => self.predict_classes(rows, k),
        }
    }

    /// `k`-class logits and softmax probabilities, row-major, in calls of
    /// at most [`PREDICT_ROWS`] rows (each call's logits are class-major).
    fn predict_classes(&self, rows: &[f64], k: usize) -> Result<Outputs, Error> {
        let d = self.ckpt.features.len().max(1);
        let n = rows.len() / d;
        let (mut logits, mut probs) = (vec![0.0f32; n * k], vec![0.0f64; n * k]);
        let mut p = vec![0.0f32; PREDICT_ROWS.min(n) * k];
        if n * d != rows.len() || n == 0 {
            // The predictor's own message for rows that are not whole.
            self.ckpt.predict_logits(rows)?;
        }
        for start in (0..n).step_by(PREDICT_ROWS) {
            let m = PREDICT_ROWS.min(n - start);
            let chunk = self
                .ckpt
                .predict_logits(&rows[start * d..(start + m) * d])?;
            softmax_rows(&chunk, k, m, &mut p[..m * k]);
            for i in 0..m {
                for c in 0..k {
                    logits[(start + i) * k + c] = chunk[c * m + i];
                    probs[(start + i) * k + c] = p[i * k + c] as f64;
                }
            }
        }
        Ok((logits, probs))
    }
}
