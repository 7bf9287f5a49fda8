//! `nonlin compare` (and the bare `nonlin`): several models, one split, one
//! table — the tutorial's experiment by default.

use super::args::{DataArgs, OutputArgs, TrainArgs};
use super::run_split;
use clap::Args;
use nonlin::data::ScalingMode;
use nonlin::error::Result;
use nonlin::run::{ModelDef, ModelSettings, Preset, RunConfig, RunSettings};

#[derive(Debug, Clone, Args)]
pub struct CompareArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// Fit the scaler on the training rows only (compare follows the tutorial
    /// and fits on all rows before the split unless this is given).
    #[arg(long, conflicts_with = "scale_before_split")]
    pub scale_train_only: bool,
    /// Compare these models instead of the tutorial's three: hidden-layer
    /// specs such as `5-relu` or `16-tanh-8-elu` (repeatable).
    #[arg(long = "arch", value_name = "SPEC")]
    pub archs: Vec<String>,
    #[command(flatten)]
    pub train: TrainArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// The run configuration of `compare` from its flags.
pub fn config(args: &CompareArgs) -> Result<RunConfig> {
    RunSettings {
        preset: Preset::Compare,
        models: ModelSettings {
            models: args.archs.iter().map(|s| ModelDef::spec(s)).collect(),
            ..ModelSettings::default()
        },
        split: args
            .data
            .split(args.scale_train_only.then_some(ScalingMode::TrainOnly)),
        train: args.train.settings()?,
        seed: args.train.seed,
        init_rng: args.train.init_rng.map(Into::into),
        init_weights: None,
    }
    .config()
}

pub fn run(args: &CompareArgs) -> Result<()> {
    run_split(&args.data, config(args)?, &args.output)
}
