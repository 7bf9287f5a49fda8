//! Argument groups shared by the subcommands, and their translation into the
//! library's configuration types.

use crate::data::dataset::FeatureSelection;
use crate::data::{prepare, Dataset, PrepareOptions, Prepared, ScalingMode, Table};
use crate::error::{Error, Result};
use crate::model::init::InitRng;
use crate::train::loss::auto_pos_weight;
use crate::train::{BceWithLogits, EarlyStopping, LrSchedule, OptimizerConfig, TrainConfig};
use clap::{Args, ValueEnum};
use std::path::PathBuf;

/// Which data, which columns, how to split and scale.
#[derive(Debug, Clone, Args)]
pub struct DataArgs {
    /// CSV file with a header row (default: the embedded Heart Failure data set).
    #[arg(long, value_name = "PATH")]
    pub data: Option<PathBuf>,
    /// Target column, holding 0 and 1.
    #[arg(long, default_value = "DEATH_EVENT", value_name = "COL")]
    pub target: String,
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
    /// Share of rows held out for testing; n_test = ceil(test_size·n) as in scikit-learn.
    #[arg(long, default_value_t = 0.2)]
    pub test_size: f64,
    /// Seed of the split (scikit-learn's `random_state`; the tutorial's is 10).
    #[arg(long, default_value_t = 10)]
    pub split_seed: u32,
    /// Keep the class ratio in train and test (seeded; off to match the tutorial).
    #[arg(long)]
    pub stratify: bool,
    /// Fit the scaler on all rows before splitting, as the tutorial does (leaks
    /// test statistics into training). `compare` does this unless --scale-train-only.
    #[arg(long)]
    pub scale_before_split: bool,
}

impl DataArgs {
    /// Reads the table and picks the features and target.
    pub fn dataset(&self) -> Result<Dataset> {
        let table = match &self.data {
            Some(path) => Table::from_path(path)?,
            None => Table::heart_failure(),
        };
        let selection = if !self.features.is_empty() {
            FeatureSelection::Only(self.features.clone())
        } else if !self.drop.is_empty() {
            FeatureSelection::Drop(self.drop.clone())
        } else {
            FeatureSelection::All
        };
        Dataset::from_table(&table, &self.target, &selection)
    }

    pub fn prepare_options(&self, scaling: ScalingMode) -> PrepareOptions {
        PrepareOptions {
            test_size: self.test_size,
            split_seed: self.split_seed,
            stratify: self.stratify,
            scaling,
        }
    }

    /// Dataset, split and scaled.
    pub fn prepared(&self, scaling: ScalingMode) -> Result<(Dataset, Prepared)> {
        let ds = self.dataset()?;
        let p = prepare(&ds, &self.prepare_options(scaling))?;
        Ok((ds, p))
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
    /// Training epochs.
    #[arg(long, default_value_t = 1000)]
    pub epochs: usize,
    /// Learning rate (the tutorial's is 0.01).
    #[arg(long, default_value_t = 0.01)]
    pub lr: f32,
    /// Optimizer, with PyTorch's update rule and defaults.
    #[arg(long, value_enum, default_value = "sgd")]
    pub optimizer: OptimizerName,
    /// SGD momentum.
    #[arg(long, default_value_t = 0.0)]
    pub momentum: f32,
    /// SGD dampening (not applied on the first step, as in PyTorch).
    #[arg(long, default_value_t = 0.0)]
    pub dampening: f32,
    /// SGD Nesterov momentum.
    #[arg(long)]
    pub nesterov: bool,
    /// Weight decay: coupled L2 for SGD and Adam, decoupled for AdamW (default 0, AdamW 0.01).
    #[arg(long)]
    pub weight_decay: Option<f32>,
    /// Adam/AdamW beta1.
    #[arg(long, default_value_t = 0.9)]
    pub beta1: f32,
    /// Adam/AdamW beta2.
    #[arg(long, default_value_t = 0.999)]
    pub beta2: f32,
    /// Adam/AdamW epsilon.
    #[arg(long, default_value_t = 1e-8)]
    pub eps: f32,
    /// constant | step:STEP_SIZE[:GAMMA] | cosine[:T_MAX[:ETA_MIN]]
    #[arg(long, default_value = "constant", value_name = "SCHEDULE")]
    pub lr_schedule: String,
    /// Mini-batch size, reshuffled every epoch (default: full batch, as the tutorial).
    #[arg(long)]
    pub batch_size: Option<usize>,
    /// BCEWithLogitsLoss pos_weight: a number, or `auto` (negatives/positives of the train split).
    #[arg(long, value_name = "W|auto")]
    pub pos_weight: Option<String>,
    /// Early stopping: epochs without validation-loss improvement before stopping.
    #[arg(long)]
    pub patience: Option<usize>,
    /// Share of the train split held out (stratified) for early stopping.
    #[arg(long, default_value_t = 0.2)]
    pub validation_fraction: f64,
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
    /// The seed and init stream, with this command's defaults.
    pub fn init(&self, default_seed: u64, default_rng: InitRng) -> (u64, InitRng) {
        (
            self.seed.unwrap_or(default_seed),
            self.init_rng.map_or(default_rng, InitRng::from),
        )
    }

    pub fn optimizer_config(&self) -> Result<OptimizerConfig> {
        if !(self.lr > 0.0 && self.lr.is_finite()) {
            return Err(Error::Config(format!(
                "--lr must be a positive number, got {}",
                self.lr
            )));
        }
        let wd = self.weight_decay;
        Ok(match self.optimizer {
            OptimizerName::Sgd => {
                if self.nesterov && (self.momentum <= 0.0 || self.dampening != 0.0) {
                    return Err(Error::Config(
                        "--nesterov needs --momentum > 0 and --dampening 0 (as in PyTorch)".into(),
                    ));
                }
                OptimizerConfig::Sgd {
                    lr: self.lr,
                    momentum: self.momentum,
                    dampening: self.dampening,
                    nesterov: self.nesterov,
                    weight_decay: wd.unwrap_or(0.0),
                }
            }
            OptimizerName::Adam => OptimizerConfig::Adam {
                lr: self.lr,
                beta1: self.beta1,
                beta2: self.beta2,
                eps: self.eps,
                weight_decay: wd.unwrap_or(0.0),
            },
            OptimizerName::Adamw => OptimizerConfig::AdamW {
                lr: self.lr,
                beta1: self.beta1,
                beta2: self.beta2,
                eps: self.eps,
                weight_decay: wd.unwrap_or(0.01),
            },
        })
    }

    /// The full training configuration; `train_y` resolves `--pos-weight auto`.
    pub fn config(&self, train_y: &[f32]) -> Result<TrainConfig> {
        if self.epochs == 0 {
            return Err(Error::Config("--epochs must be at least 1".into()));
        }
        let pos_weight = match self.pos_weight.as_deref() {
            None => None,
            Some("auto") => Some(auto_pos_weight(train_y).ok_or_else(|| {
                Error::Data("--pos-weight auto: the train split has no positive rows".into())
            })?),
            Some(s) => Some(
                s.parse::<f32>()
                    .ok()
                    .filter(|v| *v > 0.0 && v.is_finite())
                    .ok_or_else(|| {
                        Error::Config(format!(
                            "--pos-weight must be a positive number or 'auto', got '{s}'"
                        ))
                    })?,
            ),
        };
        let early_stopping = self.patience.map(|patience| EarlyStopping {
            patience,
            validation_fraction: self.validation_fraction,
        });
        Ok(TrainConfig {
            epochs: self.epochs,
            optimizer: self.optimizer_config()?,
            schedule: LrSchedule::parse(&self.lr_schedule, self.epochs)?,
            loss: BceWithLogits { pos_weight },
            batch_size: self.batch_size,
            shuffle_seed: self.seed.unwrap_or(0),
            early_stopping,
        })
    }
}

/// Where results go and how much is printed.
#[derive(Debug, Clone, Args)]
pub struct OutputArgs {
    /// Output folder (default: a new folder under runs/).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Print a log line every N epochs (the tutorial's 100); 0 for none.
    #[arg(long, default_value_t = 100, value_name = "N")]
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
