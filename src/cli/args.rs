//! Argument groups shared by the subcommands, turned into the library's
//! run configurations. Defaults come from those configurations; flags that
//! `study` must tell apart from their default are `Option`s.

use super::table_args::TableArgs;
use clap::{Args, ValueEnum};
use nonlin::data::dataset::FeatureSelection;
use nonlin::data::{PrepareOptions, ScalingMode};
use nonlin::error::{Error, Result};
use nonlin::model::init::InitRng;
use nonlin::run::{DataConfig, OutputOptions};
use nonlin::train::{BceWithLogits, EarlyStopping, LrSchedule, OptimizerConfig, TrainConfig};
use std::path::PathBuf;

/// Which data, which columns, how to split and scale.
#[derive(Debug, Clone, Args)]
pub struct DataArgs {
    /// CSV file: comma, semicolon, tab or space separated, with or without
    /// a header row (default: the embedded Heart Failure data set).
    #[arg(long, value_name = "PATH")]
    pub data: Option<PathBuf>,
    /// Target column, holding any two distinct values (default: DEATH_EVENT).
    #[arg(long, value_name = "COL")]
    pub target: Option<String>,
    /// Use only these feature columns, in this order (comma-separated).
    #[arg(
        long,
        value_delimiter = ',',
        value_name = "A,B,...",
        conflicts_with = "drop"
    )]
    pub features: Vec<String>,
    /// Leave these columns out (comma-separated), e.g. `--drop time`.
    #[arg(long, value_delimiter = ',', value_name = "A,B,...")]
    pub drop: Vec<String>,
    /// Share of rows held out for testing; n_test = ceil(test_size·n) as in
    /// scikit-learn (default 0.2).
    #[arg(long, value_name = "F")]
    pub test_size: Option<f64>,
    /// Seed of the split (scikit-learn's `random_state`; default 10, the tutorial's).
    #[arg(long, value_name = "N")]
    pub split_seed: Option<u32>,
    /// Keep the class ratio in train and test (seeded; off to match the tutorial).
    #[arg(long)]
    pub stratify: bool,
    /// Fit the scaler on all rows before splitting, as the tutorial does (leaks
    /// test statistics into training). `compare` does this unless --scale-train-only.
    #[arg(long)]
    pub scale_before_split: bool,
    #[command(flatten)]
    pub table: TableArgs,
}

impl DataArgs {
    /// Which file, how to read it, and which columns.
    pub fn data_config(&self) -> Result<DataConfig> {
        let defaults = DataConfig::default();
        Ok(DataConfig {
            path: self.data.clone(),
            read: self.table.read_options()?,
            target: self.target.clone().unwrap_or(defaults.target),
            features: if !self.features.is_empty() {
                FeatureSelection::Only(self.features.clone())
            } else if !self.drop.is_empty() {
                FeatureSelection::Drop(self.drop.clone())
            } else {
                FeatureSelection::All
            },
            categorical: self.table.categorical.clone(),
            missing: self.table.missing_policy()?,
            positive: self.table.positive.clone(),
            ..defaults
        })
    }

    /// The split and scaling, over `defaults` (scaling: `scaling`).
    pub fn split(&self, defaults: &PrepareOptions, scaling: ScalingMode) -> PrepareOptions {
        PrepareOptions {
            test_size: self.test_size.unwrap_or(defaults.test_size),
            split_seed: self.split_seed.unwrap_or(defaults.split_seed),
            stratify: self.stratify || defaults.stratify,
            scaling,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InitRngName {
    Chacha,
    Torch,
}

impl From<InitRngName> for InitRng {
    fn from(n: InitRngName) -> InitRng {
        match n {
            InitRngName::Chacha => InitRng::ChaCha8,
            InitRngName::Torch => InitRng::Torch,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OptimizerName {
    Sgd,
    Adam,
    Adamw,
}

/// How to train: epochs, optimizer, schedule, batches, loss, stopping.
#[derive(Debug, Clone, Args)]
pub struct TrainArgs {
    /// Training epochs (the tutorial's 1000; `train`'s default preset: at most 500).
    #[arg(long)]
    pub epochs: Option<usize>,
    /// Learning rate (the tutorial's 0.01; `train`'s default preset: Adam's 0.001).
    #[arg(long, allow_negative_numbers = true)]
    pub lr: Option<f32>,
    /// Optimizer, with PyTorch's update rule and defaults (the tutorial's
    /// sgd; `train`'s default preset: adam).
    #[arg(long, value_enum)]
    pub optimizer: Option<OptimizerName>,
    /// SGD momentum (default 0).
    #[arg(long, allow_negative_numbers = true)]
    pub momentum: Option<f32>,
    /// SGD dampening (not applied on the first step, as in PyTorch; default 0).
    #[arg(long, allow_negative_numbers = true)]
    pub dampening: Option<f32>,
    /// SGD Nesterov momentum.
    #[arg(long)]
    pub nesterov: bool,
    /// Weight decay: coupled L2 for SGD and Adam, decoupled for AdamW (default 0, AdamW 0.01).
    #[arg(long, allow_negative_numbers = true)]
    pub weight_decay: Option<f32>,
    /// Adam/AdamW beta1 (default 0.9).
    #[arg(long, allow_negative_numbers = true)]
    pub beta1: Option<f32>,
    /// Adam/AdamW beta2 (default 0.999).
    #[arg(long, allow_negative_numbers = true)]
    pub beta2: Option<f32>,
    /// Adam/AdamW epsilon (default 1e-8).
    #[arg(long, allow_negative_numbers = true)]
    pub eps: Option<f32>,
    /// constant | step:STEP_SIZE[:GAMMA] | cosine[:T_MAX[:ETA_MIN]] (default constant)
    #[arg(long, value_name = "SCHEDULE")]
    pub lr_schedule: Option<String>,
    /// Mini-batch size, reshuffled every epoch (the tutorial: full batch;
    /// `train`'s default preset: 32).
    #[arg(long)]
    pub batch_size: Option<usize>,
    /// BCEWithLogitsLoss pos_weight: a number, or `auto` (negatives/positives of the train split).
    #[arg(long, value_name = "W|auto", allow_negative_numbers = true)]
    pub pos_weight: Option<String>,
    /// Early stopping: epochs without validation-loss improvement before
    /// stopping (the tutorial: none; `train`'s default preset: 30).
    #[arg(long)]
    pub patience: Option<usize>,
    /// Share of the train split held out (stratified) for early stopping (default 0.2).
    #[arg(long, allow_negative_numbers = true)]
    pub validation_fraction: Option<f64>,
    /// Seed of the weight initialisation and mini-batch shuffling (default 0;
    /// 42 for `compare`, the tutorial's `torch.manual_seed(42)`).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Random stream of the initial weights: `chacha` (portable ChaCha8; the
    /// default of `train` and `study`) or `torch` (PyTorch's
    /// `torch.manual_seed(seed)` stream: the same initial weights as PyTorch
    /// on CPU, bit for bit; the default of `compare`).
    #[arg(long, value_enum)]
    pub init_rng: Option<InitRngName>,
}

impl TrainArgs {
    /// The optimizer: `base`'s, or PyTorch's defaults for another
    /// `--optimizer`, overridden by the flags given.
    fn optimizer(&self, base: OptimizerConfig) -> OptimizerConfig {
        let lr = self.lr.unwrap_or(base.lr());
        let mut opt = match self.optimizer {
            None => base,
            Some(OptimizerName::Sgd) => OptimizerConfig::sgd(lr),
            Some(OptimizerName::Adam) => OptimizerConfig::adam(lr),
            Some(OptimizerName::Adamw) => OptimizerConfig::adamw(lr),
        };
        let set = |slot: &mut f32, flag: Option<f32>| *slot = flag.unwrap_or(*slot);
        match &mut opt {
            OptimizerConfig::Sgd {
                lr: rate,
                momentum,
                dampening,
                nesterov,
                weight_decay,
            } => {
                *rate = lr;
                set(momentum, self.momentum);
                set(dampening, self.dampening);
                set(weight_decay, self.weight_decay);
                *nesterov = self.nesterov || *nesterov;
            }
            OptimizerConfig::Adam {
                lr: rate,
                beta1,
                beta2,
                eps,
                weight_decay,
            }
            | OptimizerConfig::AdamW {
                lr: rate,
                beta1,
                beta2,
                eps,
                weight_decay,
            } => {
                *rate = lr;
                set(beta1, self.beta1);
                set(beta2, self.beta2);
                set(eps, self.eps);
                set(weight_decay, self.weight_decay);
            }
        }
        opt
    }

    /// The training settings — `base` (the command's or preset's defaults)
    /// with every flag given applied — and whether `pos_weight` is `auto`.
    pub fn train_config(&self, base: &TrainConfig) -> Result<(TrainConfig, bool)> {
        let (pos_weight, auto) = match self.pos_weight.as_deref() {
            None => (base.loss.pos_weight, false),
            Some("auto") => (None, true),
            Some(s) => (
                Some(s.parse::<f32>().map_err(|_| {
                    Error::invalid(
                        "pos_weight",
                        format!("must be a positive number or 'auto', got '{s}'"),
                    )
                })?),
                false,
            ),
        };
        let epochs = self.epochs.unwrap_or(base.epochs);
        let early_stopping = match (self.patience, base.early_stopping) {
            (Some(patience), base_es) => Some(EarlyStopping {
                patience,
                validation_fraction: self.validation_fraction.unwrap_or(
                    base_es.map_or(EarlyStopping::DEFAULT_VALIDATION_FRACTION, |e| {
                        e.validation_fraction
                    }),
                ),
            }),
            (None, Some(es)) => Some(EarlyStopping {
                validation_fraction: self.validation_fraction.unwrap_or(es.validation_fraction),
                ..es
            }),
            (None, None) => None,
        };
        let config = TrainConfig {
            epochs,
            optimizer: self.optimizer(base.optimizer),
            schedule: match &self.lr_schedule {
                Some(text) => LrSchedule::parse(text, epochs)?,
                None => base.schedule,
            },
            loss: BceWithLogits { pos_weight },
            batch_size: self.batch_size.or(base.batch_size),
            shuffle_seed: self.seed.unwrap_or(0),
            early_stopping,
            threads: None,
        };
        config.validate()?;
        Ok((config, auto))
    }
}

/// Where results go and how much is printed.
#[derive(Debug, Clone, Args)]
pub struct OutputArgs {
    /// Output folder (default: a new folder under runs/).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Print a log line every N epochs (the tutorial's 100); 0 for none.
    #[arg(long, default_value_t = OutputOptions::DEFAULT_LOG_EVERY, value_name = "N")]
    pub log_every: usize,
    /// Print only errors and the final paths.
    #[arg(long, short)]
    pub quiet: bool,
    /// Skip all figures.
    #[arg(long)]
    pub no_plots: bool,
    /// Let accuracy axes follow the data instead of spanning 0–100%.
    #[arg(long)]
    pub zoom: bool,
    /// Replace an existing model file.
    #[arg(long)]
    pub force: bool,
}

impl OutputArgs {
    pub fn options(&self) -> OutputOptions {
        OutputOptions {
            dir: self.out.clone(),
            force: self.force,
            plots: !self.no_plots,
            zoom: self.zoom,
            log_every: self.log_every,
        }
    }
}

/// A library error in the words of the command line: a configuration field
/// becomes the flag that sets it.
pub fn in_flag_terms(e: Error) -> Error {
    match e {
        Error::Invalid { field, message } => {
            Error::Config(format!("{} {message}", flag_for(&field)))
        }
        other => other,
    }
}

/// The flag that sets a configuration field.
fn flag_for(field: &str) -> String {
    match field {
        "models" => "--arch".into(),
        "init_weights" => "--init-weights".into(),
        f => format!("--{}", f.replace('_', "-")),
    }
}
