//! Argument groups shared by the subcommands, turned into the library's
//! run configurations. Defaults come from those configurations; flags that
//! `study` must tell apart from their default are `Option`s.

use super::table_args::TableArgs;
use clap::{Args, ValueEnum};
use nonlin::data::dataset::FeatureSelection;
use nonlin::data::{DatasetOptions, ScalingMode, Task};
use nonlin::error::{Result, Wording};
use nonlin::eval::trust::TrustOptions;
use nonlin::model::init::InitRng;
use nonlin::run::{DataConfig, OptimizerSettings, OutputOptions, SplitSettings, TrainSettings};
use nonlin::train::{ClassWeight, OptimizerKind, PosWeight, RegressionLoss};
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
            dataset: DatasetOptions {
                target: self.target.clone().unwrap_or(defaults.dataset.target),
                selection: if !self.features.is_empty() {
                    FeatureSelection::Only(self.features.clone())
                } else if !self.drop.is_empty() {
                    FeatureSelection::Drop(self.drop.clone())
                } else {
                    FeatureSelection::All
                },
                categorical: self.table.categorical.clone(),
                missing: self.table.missing_policy()?,
                positive: self.table.positive.clone(),
                task: match &self.table.task {
                    Some(t) => Task::parse(t)?,
                    None => None,
                },
                max_classes: self
                    .table
                    .max_classes
                    .unwrap_or(defaults.dataset.max_classes),
                ..defaults.dataset
            },
        })
    }

    /// The split and scaling flags (`scaling`: what the command's own
    /// scaling flags say).
    pub fn split(&self, scaling: Option<ScalingMode>) -> SplitSettings {
        SplitSettings {
            test_size: self.test_size,
            split_seed: self.split_seed,
            stratify: self.stratify.then_some(true),
            scaling: if self.scale_before_split {
                Some(ScalingMode::BeforeSplit)
            } else {
                scaling
            },
            test_set: None,
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
    /// Binary: BCEWithLogitsLoss pos_weight, a number, or `auto`
    /// (negatives/positives of the train split).
    #[arg(long, value_name = "W|auto", allow_negative_numbers = true)]
    pub pos_weight: Option<String>,
    /// Multiclass: CrossEntropyLoss class weights, `balanced` (n / (K ·
    /// count) on the train split, as scikit-learn's) or `none` (default).
    #[arg(long, value_name = "balanced|none")]
    pub class_weight: Option<String>,
    /// Multiclass: CrossEntropyLoss label_smoothing, in [0, 1] (default 0).
    #[arg(long, value_name = "F", allow_negative_numbers = true)]
    pub label_smoothing: Option<f32>,
    /// Regression: the loss, `mse` (default), `l1` or `huber[:DELTA]`
    /// (HuberLoss, delta 1 by default), on the standardized target.
    #[arg(long, value_name = "LOSS")]
    pub loss: Option<String>,
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
    /// The training settings the flags give.
    pub fn settings(&self) -> Result<TrainSettings> {
        Ok(TrainSettings {
            epochs: self.epochs,
            optimizer: OptimizerSettings {
                kind: self.optimizer.map(|o| match o {
                    OptimizerName::Sgd => OptimizerKind::Sgd,
                    OptimizerName::Adam => OptimizerKind::Adam,
                    OptimizerName::Adamw => OptimizerKind::AdamW,
                }),
                lr: self.lr,
                momentum: self.momentum,
                dampening: self.dampening,
                nesterov: self.nesterov.then_some(true),
                weight_decay: self.weight_decay,
                beta1: self.beta1,
                beta2: self.beta2,
                eps: self.eps,
            },
            lr_schedule: self.lr_schedule.clone(),
            batch_size: self.batch_size,
            pos_weight: self
                .pos_weight
                .as_deref()
                .map(PosWeight::parse)
                .transpose()?,
            class_weight: self
                .class_weight
                .as_deref()
                .map(ClassWeight::parse)
                .transpose()?,
            label_smoothing: self.label_smoothing,
            loss: self
                .loss
                .as_deref()
                .map(RegressionLoss::parse)
                .transpose()?,
            patience: self.patience,
            validation_fraction: self.validation_fraction,
            ..TrainSettings::default()
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
    /// Permutation importance on the test split, in the task's main metric
    /// (ROC AUC, accuracy, R²): shuffles a feature (default 10; 0 for none).
    /// Written to importance.csv.
    #[arg(long, value_name = "N")]
    pub importance_repeats: Option<usize>,
    /// Quantile bins of the reliability diagram (binary; calibration.csv;
    /// default 10).
    #[arg(long, value_name = "N")]
    pub calibration_bins: Option<usize>,
}

impl OutputArgs {
    pub fn options(&self) -> OutputOptions {
        let trust = TrustOptions::default();
        OutputOptions {
            dir: self.out.clone(),
            force: self.force,
            plots: !self.no_plots,
            zoom: self.zoom,
            log_every: self.log_every,
            trust: TrustOptions {
                importance_repeats: self.importance_repeats.unwrap_or(trust.importance_repeats),
                calibration_bins: self
                    .calibration_bins
                    .unwrap_or(trust.calibration_bins)
                    .max(1),
                ..trust
            },
        }
    }
}

/// The command line's words for the library's settings: its flags.
pub struct Flags;

impl Wording for Flags {
    fn setting(&self, field: &str) -> String {
        flag_for(field)
    }
    fn setting_value(&self, field: &str, value: &str) -> String {
        format!("{} {value}", flag_for(field))
    }
}

/// The flag that sets a configuration field.
fn flag_for(field: &str) -> String {
    match field {
        "models" => "--arch".into(),
        "init_weights" => "--init-weights".into(),
        "scaling" => "--scale-before-split".into(),
        f => format!("--{}", f.replace('_', "-")),
    }
}
