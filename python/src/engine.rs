//! Every call this crate makes into the nonlin library, in one place, so a
//! change of the library's API touches only this file. The rest of the crate
//! speaks plain Rust types (slices, `Vec`, `String`) and Python.

use nonlin::data::Samples;
use nonlin::io::checkpoint::{Checkpoint, Labels, DEFAULT_THRESHOLD};
use nonlin::model::init::InitRng;
use nonlin::model::{Activation, Architecture, Network};
use nonlin::train::{
    loss::auto_pos_weight, BceWithLogits, EarlyStopping, LrSchedule, OptimizerConfig, TrainConfig,
    Trainer,
};

pub use nonlin::Error;

/// The network: hidden widths with one activation after each, or a nonlin
/// hidden-part spec (`16-relu-8-tanh`).
#[derive(Debug, Clone)]
pub enum ArchSpec {
    Mlp {
        hidden: Vec<usize>,
        activation: String,
    },
    Spec(String),
}

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
    pub arch: ArchSpec,
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
    /// Wall time of the epoch loop alone (what `nonlin train` spends
    /// training), in seconds.
    pub train_seconds: f64,
}

fn architecture(spec: &ArchSpec, d: usize) -> Result<Architecture, Error> {
    match spec {
        ArchSpec::Spec(s) => Architecture::parse_hidden(s, d),
        ArchSpec::Mlp { hidden, activation } => {
            Ok(Architecture::mlp(d, hidden, Activation::parse(activation)?))
        }
    }
}

/// The full spec (`12-16-relu-1`) of an architecture on `d` inputs, or the
/// library's error for a bad spec or activation.
pub fn full_spec(spec: &ArchSpec, d: usize) -> Result<String, Error> {
    Ok(architecture(spec, d)?.to_string())
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
        PosWeight::None => None,
        PosWeight::Auto => auto_pos_weight(y),
        PosWeight::Value(w) => Some(w),
    };
    TrainConfig {
        epochs: s.epochs,
        optimizer,
        schedule: LrSchedule::Constant,
        loss: BceWithLogits { pos_weight },
        batch_size: s.batch_size,
        shuffle_seed: s.seed,
        early_stopping: s
            .early_stopping
            .map(|(patience, validation_fraction)| EarlyStopping {
                patience,
                validation_fraction,
            }),
    }
}

/// Trains on `n` rows given feature-major (`xt[j·n + i]`, f32) with 0/1
/// targets `y`. The same steps as `nonlin train` (network from the seed,
/// validation hold-out from the seed, `Trainer` epochs); the engine's
/// per-epoch test metrics are not needed here, so its test set is the
/// validation set with early stopping and a single training row without.
pub fn fit(
    xt: Vec<f32>,
    n: usize,
    y: Vec<f32>,
    s: &FitSpec,
) -> Result<(Network, FitHistory), Error> {
    if n == 0 || !xt.len().is_multiple_of(n) {
        return Err(Error::Data("no rows to train on".into()));
    }
    let d = xt.len() / n;
    let arch = architecture(&s.arch, d)?;
    let all = Samples {
        n,
        d,
        xt,
        y,
        rows: (0..n).collect(),
    };
    let net = Network::with_init(
        arch,
        s.seed,
        if s.torch_init {
            InitRng::Torch
        } else {
            InitRng::ChaCha8
        },
    );
    let (train, val) = match s.early_stopping {
        Some((_, fraction)) => {
            let (t, v) = all.split_validation(fraction, s.seed as u32)?;
            (t, Some(v))
        }
        None => (all, None),
    };
    let rows = s.batch_size.map_or(train.n, |b| b.min(train.n)).max(1);
    let config = train_config(s, s.alpha / rows as f32, &train.y);
    let probe = train.select(&[0]);
    let test = val.as_ref().unwrap_or(&probe);
    let mut trainer = Trainer::new("MLPClassifier", net, config, &train, test, val.as_ref())?;
    let mut h = FitHistory {
        n_train: train.n,
        ..FitHistory::default()
    };
    let (mut best, mut no_improvement) = (f64::INFINITY, 0usize);
    let started = std::time::Instant::now();
    while !trainer.finished() {
        let rec = trainer.epoch()?;
        h.loss.push(rec.train_loss);
        h.train_correct.push(rec.train_correct);
        if let Some(v) = &val {
            h.val_accuracy.push(rec.test_correct as f64 / v.n as f64);
            h.val_loss.push(rec.val_loss.unwrap_or(rec.test_loss));
            continue;
        }
        let loss = rec.train_loss as f64;
        if loss > best - s.tol {
            no_improvement += 1;
        } else {
            no_improvement = 0;
        }
        best = best.min(loss);
        if no_improvement > s.n_iter_no_change {
            h.converged = true;
            h.stopped_epoch = Some(rec.epoch);
            break;
        }
    }
    h.train_seconds = started.elapsed().as_secs_f64();
    let (net, history) = trainer.finish();
    h.best_epoch = history.best_epoch;
    h.stopped_epoch = h.stopped_epoch.or(history.stopped_epoch);
    Ok((net, h))
}

/// A model ready to predict: the network with its checkpoint metadata.
#[derive(Debug, Clone)]
pub struct Model(Checkpoint);

/// The class values a checkpoint stores: numbers (`nonlin predict` prints
/// them) or, for other labels, 1/0 with the labels kept by the caller.
pub type NumericLabels = Option<(f64, f64)>;

impl Model {
    /// A model of `net` that takes raw inputs (no scaler: mean 0, scale 1).
    pub fn new(
        net: Network,
        features: Vec<String>,
        target: String,
        labels: NumericLabels,
    ) -> Model {
        let d = features.len();
        let labels = match labels {
            Some((negative, positive)) => Labels { positive, negative },
            None => Labels::default(),
        };
        Model(Checkpoint {
            net,
            features,
            scaler_mean: vec![0.0; d],
            scaler_scale: vec![1.0; d],
            target,
            labels,
            threshold: DEFAULT_THRESHOLD,
            version: env!("CARGO_PKG_VERSION").to_string(),
        })
    }

    /// Reads checkpoint bytes (a `model.safetensors`), validated by nonlin.
    pub fn from_bytes(bytes: &[u8], name: &str) -> Result<Model, Error> {
        Checkpoint::from_bytes(bytes, name).map(Model)
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
        let sd = nonlin::io::StateDict::from_bytes(bytes, name)?;
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
        (self.0.labels.negative, self.0.labels.positive)
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
        nonlin::eval::predict::sigmoid(logit)
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
    use nonlin::eval::study::{default_models, run_study, StudyConfig};
    use nonlin::experiment::ModelSpec;
    let d = features.len();
    let models = match &s.models {
        None => default_models(d),
        Some(list) => list
            .iter()
            .map(|(name, spec)| {
                let arch = if spec.trim().is_empty() {
                    Architecture::mlp(d, &[], Activation::Identity)
                } else {
                    Architecture::parse_hidden(spec, d)?
                };
                Ok(ModelSpec::new(name, arch))
            })
            .collect::<Result<_, Error>>()?,
    };
    let data = nonlin::data::Dataset {
        source: "Python arrays".into(),
        features,
        target,
        x,
        y,
    };
    let train = train_config(&s.fit, s.weight_decay, &[]);
    let mut config = StudyConfig::new(models, train, s.seed);
    config.repeats = s.repeats;
    config.folds = s.folds;
    // "auto" is resolved on each training fold.
    config.auto_pos_weight = matches!(s.fit.pos_weight, PosWeight::Auto);
    config.baselines = s.baselines;
    config.init_rng = if s.fit.torch_init {
        InitRng::Torch
    } else {
        InitRng::ChaCha8
    };
    let r = run_study(&data, &config, &|| {})?;
    Ok(StudyTables {
        summary_csv: r.summary_csv(),
        folds_csv: r.folds_csv(),
        comparisons_csv: r.comparisons_csv(),
        markdown: r.to_markdown(),
        plot_svg: r.accuracy_mcc_svg(900, 420),
    })
}
