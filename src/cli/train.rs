//! `nonlin train`: one model on any numeric CSV.

use super::args::{DataArgs, OutputArgs, TrainArgs};
use super::run_split;
use clap::Args;
use nonlin::data::ScalingMode;
use nonlin::error::Result;
use nonlin::model::Activation;
use nonlin::run::{Hidden, ModelDef, RunConfig};
use std::path::PathBuf;

#[derive(Debug, Clone, Args)]
pub struct TrainCmdArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// Hidden layer widths, e.g. `5` or `20,20`.
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "5",
        conflicts_with = "arch"
    )]
    pub hidden: Vec<usize>,
    #[arg(
        long,
        default_value = "relu",
        conflicts_with = "arch",
        help = format!("Activation after every hidden layer, one of:\n{}\n", Activation::help_list())
    )]
    pub activation: String,
    /// Mixed stack instead of --hidden/--activation, e.g. `16-relu-8-tanh`
    /// (input width from the data, one output logit added).
    #[arg(long, value_name = "SPEC")]
    pub arch: Option<String>,
    /// Start from these weights: a nonlin model.safetensors of the same
    /// architecture, or a safetensors state dict with nn.Sequential names
    /// (`0.weight`, `0.bias`, `2.weight`, ...) as PyTorch saves them.
    #[arg(long, value_name = "PATH")]
    pub init_weights: Option<PathBuf>,
    #[command(flatten)]
    pub train: TrainArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// The run configuration of `train` from its flags.
pub fn config(args: &TrainCmdArgs) -> Result<RunConfig> {
    let defaults = RunConfig::train();
    let scaling = if args.data.scale_before_split {
        ScalingMode::BeforeSplit
    } else {
        defaults.split.scaling
    };
    let hidden = match &args.arch {
        Some(spec) => Hidden::Spec(spec.clone()),
        None => Hidden::Widths {
            widths: args.hidden.clone(),
            activation: args.activation.clone(),
        },
    };
    let (train, auto_pos_weight) = args.train.train_config()?;
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
