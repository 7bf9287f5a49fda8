//! Every call this crate makes into the nonlin library, in one place, so a
//! change of the library's API touches only this file. The rest of the crate
//! speaks plain Rust types (slices, `Vec`, `String`) and Python.
//!
//! Training goes through the library's `run` layer: [`Fit`] for one
//! estimator fit (with an observer that applies scikit-learn's loss-plateau
//! rule through the run's [`Cancel`] flag) and `run::study::run` for
//! studies.

use nonlin::data::{
    BinaryLabels, Label, PrepareOptions, Prepared, Preprocessing, Samples, Split, StandardScaler,
};
use nonlin::io::{Checkpoint, StateDict};
use nonlin::model::init::InitRng;
use nonlin::run::{Cancel, Event, Fit, ModelDef, Silent};
use nonlin::train::{
    loss::auto_pos_weight, EarlyStopping, LossConfig, LrSchedule, OptimizerConfig, TrainConfig,
};

pub use nonlin::run::Hidden;
pub use nonlin::Error;

/// The optimizer, PyTorch's names.
#[derive(Debug, Clone, Copy)]
pub enum Solver {
    Sgd { momentum: f32, nesterov: bool },
    Adam { beta1: f32, beta2: f32, eps: f32 },
    AdamW { beta1: f32, beta2: f32, eps: f32 },
}

/// `pos_weight` of `BCEWithLogitsLoss`.
#[derive(Debug, Clone, Copy)]
pub enum PosWeight {
    None,
    Auto,
    Value(f32),
}

/// Everything a fit needs, already validated by the Python side.
#[derive(Debug, Clone)]
pub struct FitSpec {
    pub hidden: Hidden,
    pub solver: Solver,
    pub lr: f32,
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
    pub pos_weight: PosWeight,
    /// `Some((patience, fraction))`: nonlin's early stopping on a held-out
    /// validation loss, best weights restored.
    pub early_stopping: Option<(usize, f64)>,
    /// scikit-learn's rule without early stopping: stop once the training
    /// loss has not improved by `tol` for more than `n_iter_no_change` epochs.
    pub tol: f64,
    pub n_iter_no_change: usize,
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
    /// Wall time of the library's `Fit::run` (network set-up and the epoch
    /// loop: what `nonlin train` spends training), in seconds.
    pub train_seconds: f64,
}

/// The engine's settings; `wd` is the weight decay and `y` the training
/// targets (for `pos_weight="auto"`).
fn train_config(s: &FitSpec, wd: f32, y: &[f32]) -> TrainConfig {
    let optimizer = match s.solver {
        Solver::Sgd { momentum, nesterov } => OptimizerConfig::Sgd {
            lr: s.lr,
            momentum,
            dampening: 0.0,
            nesterov,
            weight_decay: wd,
        },
        Solver::Adam { beta1, beta2, eps } => OptimizerConfig::Adam {
            lr: s.lr,
            beta1,
            beta2,
            eps,
            weight_decay: wd,
        },
        Solver::AdamW { beta1, beta2, eps } => OptimizerConfig::AdamW {
            lr: s.lr,
            beta1,
            beta2,
            eps,
            weight_decay: wd,
        },
    };
    let pos_weight = match s.pos_weight {
        PosWeight::None => nonlin::train::PosWeight::None,
        PosWeight::Auto => auto_pos_weight(y).map_or(
            nonlin::train::PosWeight::None,
            nonlin::train::PosWeight::Value,
        ),
        PosWeight::Value(w) => nonlin::train::PosWeight::Value(w),
    };
    TrainConfig {
        epochs: s.epochs,
        optimizer,
        schedule: LrSchedule::Constant,
        loss: LossConfig { pos_weight },
        batch_size: s.batch_size,
        shuffle_seed: s.seed,
        early_stopping: s
            .early_stopping
            .map(|(patience, validation_fraction)| EarlyStopping {
                patience,
                validation_fraction,
            }),
        plateau: None,
        threads: None,
    }
}

/// What the estimator stores with a fitted network.
#[derive(Debug, Clone)]
pub struct ModelInfo {
    pub features: Vec<String>,
    pub target: String,
    /// `(negative, positive)` numeric class values, or `None` (stored as 0/1).
    pub labels: NumericLabels,
}

/// Trains on `n` rows given feature-major (`xt[j·n + i]`, f32) with 0/1
/// targets `y`, through the library's [`Fit`] as `nonlin train` does
/// (network from the seed, validation hold-out from the seed). The inputs
/// are used as given (a scaler of mean 0, scale 1). The run's test set —
/// evaluated every epoch — is the validation hold-out with early stopping
/// (its accuracy becomes `validation_scores_`), else a single training row.
pub fn fit(
    xt: Vec<f32>,
    n: usize,
    y: Vec<f32>,
    s: &FitSpec,
    info: ModelInfo,
) -> Result<(Model, FitHistory), Error> {
    if n == 0 || !xt.len().is_multiple_of(n) {
        return Err(Error::Data("no rows to train on".into()));
    }
    let d = xt.len() / n;
    if info.features.len() != d {
        return Err(Error::invalid("features", format!("{d} names needed")));
    }
    let spec = ModelDef {
        name: Some("MLPClassifier".into()),
        hidden: s.hidden.clone(),
    }
    .resolve(d)?;
    let all = Samples {
        n,
        d,
        xt,
        y,
        rows: (0..n).collect(),
    };
    let (train_y, val) = match s.early_stopping {
        // The same hold-out `Fit` makes.
        Some((_, fraction)) => {
            let (t, v) = all.split_validation(fraction, s.seed as u32)?;
            (t.y, Some(v))
        }
        None => (all.y.clone(), None),
    };
    let n_train = train_y.len();
    let rows = s.batch_size.map_or(n_train, |b| b.min(n_train)).max(1);
    let config = train_config(s, s.alpha / rows as f32, &train_y);
    let test = val.clone().unwrap_or_else(|| all.select(&[0]));
    let prepared = Prepared {
        split: Split {
            train: (0..n).collect(),
            test: test.rows.clone(),
        },
        train: all,
        test,
        scaler: StandardScaler {
            mean: vec![0.0; d],
            scale: vec![1.0; d],
            var: vec![1.0; d],
            n_samples_seen: n,
        },
        options: PrepareOptions::default(),
        features: info.features,
        target: info.target,
    };
    let cancel = Cancel::new();
    let (epochs, with_val) = (s.epochs, if val.is_some() { s.epochs } else { 0 });
    let mut h = FitHistory {
        loss: Vec::with_capacity(epochs),
        train_correct: Vec::with_capacity(epochs),
        val_accuracy: Vec::with_capacity(with_val),
        val_loss: Vec::with_capacity(with_val),
        n_train,
        ..FitHistory::default()
    };
    let (mut best, mut no_improvement) = (f64::INFINITY, 0usize);
    let mut observe = |e: &Event<'_>| {
        let Event::Epoch { record: rec, .. } = *e else {
            return;
        };
        h.loss.push(rec.train_loss);
        h.train_correct.push(rec.train_correct);
        if let Some(v) = &val {
            h.val_accuracy.push(rec.test_correct as f64 / v.n as f64);
            h.val_loss.push(rec.val_loss.unwrap_or(rec.test_loss));
            return;
        }
        // scikit-learn's rule on the training loss.
        let loss = rec.train_loss as f64;
        if loss > best - s.tol {
            no_improvement += 1;
        } else {
            no_improvement = 0;
        }
        best = best.min(loss);
        if no_improvement > s.n_iter_no_change {
            h.stopped_epoch = Some(rec.epoch);
            cancel.cancel();
        }
    };
    let started = std::time::Instant::now();
    let fitted = Fit::new(&spec, &prepared, &config)
        .seed(s.seed)
        .init_rng(if s.torch_init {
            InitRng::Torch
        } else {
            InitRng::ChaCha8
        })
        .cancel(&cancel)
        .run_cancellable(&mut observe)?;
    h.train_seconds = started.elapsed().as_secs_f64();
    h.converged = fitted.cancelled;
    let history = &fitted.model.history;
    h.best_epoch = history.best_epoch;
    h.stopped_epoch = h.stopped_epoch.or(history.stopped_epoch);
    let labels = match info.labels {
        Some((negative, positive)) => BinaryLabels {
            negative: Label::Number(negative),
            positive: Label::Number(positive),
        },
        None => BinaryLabels::default(),
    };
    let identity = Preprocessing::identity(&prepared.features);
    let ckpt = Checkpoint::new(fitted.model.net, &prepared, identity, labels);
    Ok((Model(ckpt), h))
}

/// A model ready to predict: the network with its checkpoint metadata.
#[derive(Debug, Clone)]
pub struct Model(Checkpoint);

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
        Ok(Model(c))
    }

    /// The `model.safetensors` bytes, with `extra` metadata entries added.
    pub fn to_bytes(&self, extra: &[(String, String)]) -> Result<Vec<u8>, Error> {
        let mut sd = self.0.to_state_dict()?;
        for (k, v) in extra {
            sd.metadata.insert(k.clone(), v.clone());
        }
        sd.to_bytes()
    }

    /// Metadata of a checkpoint's bytes (all of it, `nonlin.*` and others).
    pub fn metadata(bytes: &[u8], name: &str) -> Result<Vec<(String, String)>, Error> {
        let sd = StateDict::from_bytes(bytes, name)?;
        Ok(sd.metadata.into_iter().collect())
    }

    pub fn features(&self) -> &[String] {
        &self.0.features
    }

    pub fn target(&self) -> &str {
        &self.0.target
    }

    /// (negative, positive) raw target values.
    pub fn labels(&self) -> (f64, f64) {
        // Numbers only: `from_bytes` refuses text labels.
        let number = |l: &Label| match l {
            Label::Number(v) => *v,
            Label::Text(_) => f64::NAN,
        };
        (
            number(&self.0.labels.negative),
            number(&self.0.labels.positive),
        )
    }

    pub fn threshold(&self) -> f32 {
        self.0.threshold
    }

    /// The full architecture spec, e.g. `12-5-relu-1`.
    pub fn arch(&self) -> String {
        self.0.net.arch.to_string()
    }

    /// `(name, shape [out, in], values)` per parameter tensor, state-dict order.
    pub fn tensors(&self) -> Vec<(String, Vec<usize>, Vec<f32>)> {
        let net = &self.0.net;
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

    /// Logits of raw row-major rows (`n × d`, f64): standardized with the
    /// stored scaler exactly as `nonlin predict` does, then the network.
    pub fn logits(&self, rows: &[f64]) -> Result<Vec<f32>, Error> {
        let c = &self.0;
        let d = c.n_features();
        if d == 0 || !rows.len().is_multiple_of(d) {
            return Err(Error::Data(format!(
                "{} values are not whole rows of the model's {d} features",
                rows.len()
            )));
        }
        let xt = nonlin::eval::predict::standardize(rows, &c.scaler_mean, &c.scaler_scale);
        Ok(nonlin::eval::predict::logits(&c.net, &xt, rows.len() / d))
    }

    /// `σ(logit)` as nonlin computes it (so `σ > threshold` is its label).
    pub fn sigmoid(logit: f32) -> f32 {
        nonlin::train::loss::sigmoid(logit)
    }
}

/// A cross-validation study (`nonlin study`): models by name, the design,
/// and the training settings shared by every run.
#[derive(Debug, Clone)]
pub struct StudySpec {
    /// `(name, hidden spec)`; an empty spec is a network without hidden layers.
    pub models: Option<Vec<(String, String)>>,
    pub repeats: usize,
    pub folds: usize,
    pub seed: u64,
    /// Training settings (`alpha` unused: see `weight_decay`).
    pub fit: FitSpec,
    /// PyTorch's weight decay, as `nonlin study --weight-decay`.
    pub weight_decay: f32,
    pub baselines: bool,
}

/// A study's tables as CSV text (`study.csv`, `folds.csv`,
/// `comparisons.csv`), its Markdown report and the accuracy/MCC strip plot.
#[derive(Debug, Clone)]
pub struct StudyTables {
    pub summary_csv: String,
    pub folds_csv: String,
    pub comparisons_csv: String,
    pub markdown: String,
    pub plot_svg: String,
}

/// Runs `nonlin study` on raw row-major rows `x` (`n × d`, f64; the scaler
/// is fit on each training fold) with 0/1 targets `y`.
pub fn study(
    x: Vec<f64>,
    y: Vec<f32>,
    features: Vec<String>,
    target: String,
    s: &StudySpec,
) -> Result<StudyTables, Error> {
    use nonlin::report::study as tables;
    use nonlin::run::{models::study_models, study, StudyConfig};
    let d = features.len();
    let models = match &s.models {
        None => study_models(d),
        Some(list) => nonlin::run::models::resolve_all(
            &list
                .iter()
                .map(|(name, spec)| ModelDef::spec(spec).named(name))
                .collect::<Vec<_>>(),
            d,
        )?,
    };
    let data = nonlin::data::Dataset::from_rows("Python arrays", features, &target, &x, y);
    let mut train = train_config(&s.fit, s.weight_decay, &[]);
    if matches!(s.fit.pos_weight, PosWeight::Auto) {
        // Resolved on each training fold.
        train.loss.pos_weight = nonlin::train::PosWeight::Auto;
    }
    let mut config = StudyConfig::new(models, train, s.seed);
    config.repeats = s.repeats;
    config.folds = s.folds;
    // "auto" is resolved on each training fold.
    config.baselines = s.baselines;
    config.init_rng = if s.fit.torch_init {
        InitRng::Torch
    } else {
        InitRng::ChaCha8
    };
    let r = study::run(&data, &config, &mut Silent, &Cancel::new())?;
    Ok(StudyTables {
        summary_csv: tables::summary_csv(&r),
        folds_csv: tables::folds_csv(&r),
        comparisons_csv: tables::comparisons_csv(&r),
        markdown: tables::to_markdown(&r),
        plot_svg: tables::accuracy_mcc_svg(&r, 900, 420),
    })
}
