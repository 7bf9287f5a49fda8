//! `nonlin train`: one model on any CSV.

use super::args::{DataArgs, OutputArgs, TrainArgs};
use super::run_split;
use clap::{Args, ValueEnum};
use nonlin::error::Result;
use nonlin::model::Activation;
use nonlin::run::{ModelDef, ModelSettings, RunConfig, RunSettings};
use std::path::PathBuf;

#[derive(Debug, Clone, Args)]
pub struct TrainCmdArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// Hidden layer widths, e.g. `5` or `20,20` (default 32; --preset tutorial: 5).
    #[arg(long, value_delimiter = ',', conflicts_with = "arch")]
    pub hidden: Option<Vec<usize>>,
    #[arg(
        long,
        conflicts_with = "arch",
        help = format!("Activation after every hidden layer (default relu), one of:\n{}\n", Activation::help_list())
    )]
    pub activation: Option<String>,
    /// Mixed stack instead of --hidden/--activation, e.g. `16-relu-8-tanh`
    /// (input width from the data, one output logit added).
    #[arg(long, value_name = "SPEC")]
    pub arch: Option<String>,
    /// Start from these weights: a nonlin model.safetensors of the same
    /// architecture, or a safetensors state dict with nn.Sequential names
    /// (`0.weight`, `0.bias`, `2.weight`, ...) as PyTorch saves them.
    #[arg(long, value_name = "PATH")]
    pub init_weights: Option<PathBuf>,
    /// Defaults to start from: `default` (for any table: 32 ReLU units,
    /// Adam with lr 0.001 and weight decay 0.001, mini-batches of 32, up to
    /// 500 epochs with early stopping after 30 without improvement) or
    /// `tutorial` (the tutorial's 5 ReLU units, full-batch SGD with lr 0.01
    /// for 1000 epochs). Flags given override either.
    #[arg(long, value_enum, default_value = "default")]
    pub preset: Preset,
    #[command(flatten)]
    pub train: TrainArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// Which defaults `train` starts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Preset {
    Default,
    Tutorial,
}

/// The run configuration of `train` from its flags.
pub fn config(args: &TrainCmdArgs) -> Result<RunConfig> {
    RunSettings {
        preset: match args.preset {
            Preset::Default => nonlin::run::Preset::Default,
            Preset::Tutorial => nonlin::run::Preset::Tutorial,
        },
        models: ModelSettings {
            models: args
                .arch
                .iter()
                .map(|s| ModelDef::spec(s).named("model"))
                .collect(),
            widths: args.hidden.clone(),
            activation: args.activation.clone(),
            name: None,
        },
        split: args.data.split(None),
        train: args.train.settings()?,
        seed: args.train.seed,
        init_rng: args.train.init_rng.map(Into::into),
        init_weights: args.init_weights.clone(),
    }
    .config()
}

pub fn run(args: &TrainCmdArgs) -> Result<()> {
    run_split(&args.data, config(args)?, &args.output)
}
