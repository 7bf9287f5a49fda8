//! Every call this crate makes into the nonlin library, in one place, so a
//! change of the library's API touches only this file. The rest of the crate
//! speaks plain Rust types (slices, `Vec`, `String`) and Python.
//!
//! Nothing here builds the engine's configuration by hand: keyword
//! arguments become the library's settings ([`TrainSettings`],
//! [`OptimizerSettings`], [`RunSettings`], [`StudySettings`]), which apply
//! them over their defaults, check them and refuse those that do not apply;
//! a fit is then a one-model `train` run ([`Plan`]) on rows in memory,
//! without a test set and with the inputs used as given.

use nonlin::data::{BinaryLabels, Dataset, Label, ScalingMode};
use nonlin::eval::predict::Predict;
use nonlin::io::{Checkpoint, StateDict};
use nonlin::model::init::InitRng;
use nonlin::run::{
    Cancel, Hidden, ModelDef, ModelSettings, OptimizerSettings, Plan, Preset, RunSettings, Silent,
    SplitSettings, StudySettings, TrainSettings,
};
use nonlin::train::OptimizerKind;

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
    pub stopping: Stopping,
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
    /// Wall time of the library's run (network set-up and the epoch loop),
    /// in seconds.
    pub train_seconds: f64,
}

/// What the estimator stores with a fitted network.
#[derive(Debug, Clone)]
pub struct ModelInfo {
    pub features: Vec<String>,
    pub target: String,
    /// `(negative, positive)` numeric class values, or `None` (stored as 0/1).
    pub labels: NumericLabels,
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
            optimizer: s.solver.settings(s.alpha / rows as f32)?,
            batch_size: s.batch_size,
            full_batch: s.batch_size.is_none(),
            pos_weight: s.pos_weight,
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
/// names) with 0/1 targets `y`: the library's one-model run ([`Plan`]) on a
/// data set in memory, its settings from [`run_settings`].
pub fn fit(
    x: Vec<f64>,
    y: Vec<f32>,
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
    let config = run_settings(s, n)?.config()?;
    let mut data = Dataset::from_rows("Python arrays", info.features, &info.target, &x, y);
    drop(x);
    if let Some((negative, positive)) = info.labels {
        data.labels = BinaryLabels {
            negative: Label::Number(negative),
            positive: Label::Number(positive),
        };
    }
    let started = std::time::Instant::now();
    let result = Plan::new(data, &config)?.run(&mut Silent, &Cancel::new())?;
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
        train_seconds,
    };
    let ckpt = Checkpoint::new(
        model.net,
        &result.prepared,
        result.preprocessing,
        result.labels,
    );
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

    /// Logits and probabilities of raw row-major rows (`n × d`, f64):
    /// the library's predictor (whole rows, finite values, the stored
    /// scaler as `nonlin predict` applies it).
    pub fn predict(&self, rows: &[f64]) -> Result<(Vec<f32>, Vec<f32>), Error> {
        let logits = self.0.predict_logits(rows)?;
        let probs = logits
            .iter()
            .map(|&l| nonlin::train::loss::sigmoid(l))
            .collect();
        Ok((logits, probs))
    }
}

/// A cross-validation study (`nonlin study`): models by name, the design,
/// and the training settings shared by every run, as given.
#[derive(Debug, Clone)]
pub struct StudySpec {
    /// `(name, hidden spec)`; an empty spec is a network without hidden layers.
    pub models: Option<Vec<(String, String)>>,
    pub repeats: usize,
    pub folds: usize,
    pub seed: u64,
    pub solver: Solver,
    /// PyTorch's weight decay, as `nonlin study --weight-decay`.
    pub weight_decay: f32,
    pub epochs: usize,
    pub batch_size: Option<usize>,
    pub torch_init: bool,
    pub pos_weight: Option<PosWeight>,
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
    let d = features.len();
    let settings = StudySettings {
        models: s
            .models
            .iter()
            .flatten()
            .map(|(name, spec)| ModelDef::spec(spec).named(name))
            .collect(),
        repeats: Some(s.repeats),
        folds: Some(s.folds),
        seed: Some(s.seed),
        init_rng: Some(init_rng(s.torch_init)),
        train: TrainSettings {
            epochs: Some(s.epochs),
            optimizer: s.solver.settings(s.weight_decay)?,
            batch_size: s.batch_size,
            pos_weight: s.pos_weight,
            ..TrainSettings::default()
        },
        baselines: Some(s.baselines),
        ..StudySettings::default()
    };
    let config = settings.config(d)?;
    let data = Dataset::from_rows("Python arrays", features, &target, &x, y);
    let r = nonlin::run::study::run(&data, &config, &mut Silent, &Cancel::new())?;
    Ok(StudyTables {
        summary_csv: tables::summary_csv(&r),
        folds_csv: tables::folds_csv(&r),
        comparisons_csv: tables::comparisons_csv(&r),
        markdown: tables::to_markdown(&r),
        plot_svg: tables::accuracy_mcc_svg(&r, 900, 420),
    })
}
