//! `nonlin train`: one model on any CSV.

use super::args::{DataArgs, OutputArgs, TrainArgs};
use super::run_split;
use clap::{Args, ValueEnum};
use nonlin::data::ScalingMode;
use nonlin::error::Result;
use nonlin::model::Activation;
use nonlin::run::{Hidden, ModelDef, RunConfig};
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
    let defaults = match args.preset {
        Preset::Default => RunConfig::train(),
        Preset::Tutorial => RunConfig::train_tutorial(),
    };
    let scaling = if args.data.scale_before_split {
        ScalingMode::BeforeSplit
    } else {
        defaults.split.scaling
    };
    let hidden = match (&args.arch, &defaults.models[0].hidden) {
        (Some(spec), _) => Hidden::Spec(spec.clone()),
        (None, Hidden::Widths { widths, activation }) => Hidden::Widths {
            widths: args.hidden.clone().unwrap_or_else(|| widths.clone()),
            activation: args
                .activation
                .clone()
                .unwrap_or_else(|| activation.clone()),
        },
        (None, spec) => spec.clone(),
    };
    let (train, auto_pos_weight) = args.train.train_config(&defaults.train)?;
    Ok(RunConfig {
        models: vec![ModelDef {
            name: Some("model".into()),
            hidden,
        }],
        split: args.data.split(&defaults.split, scaling),
        train,
        auto_pos_weight,
        seed: args.train.seed.unwrap_or(defaults.seed),
        init_rng: args.train.init_rng.map_or(defaults.init_rng, Into::into),
        init_weights: args.init_weights.clone(),
        ..defaults
    })
}

pub fn run(args: &TrainCmdArgs) -> Result<()> {
    run_split(&args.data, config(args)?, &args.output)
}
