//! `nonlin compare` (and the bare `nonlin`): several models, one split, one
//! table — the tutorial's experiment by default.

use super::args::{DataArgs, OutputArgs, TrainArgs};
use super::session::Session;
use crate::data::ScalingMode;
use crate::error::{Error, Result};
use crate::experiment::{self, ModelSpec};
use crate::model::init::InitRng;
use crate::model::Architecture;
use crate::train::TrainConfig;
use clap::Args;

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

impl CompareArgs {
    pub fn scaling(&self) -> ScalingMode {
        if self.scale_train_only {
            ScalingMode::TrainOnly
        } else {
            ScalingMode::BeforeSplit
        }
    }
}

pub fn run(args: &CompareArgs) -> Result<()> {
    let (ds, p) = args.data.prepared(args.scaling())?;
    let (seed, init_rng) = args.train.init(42, InitRng::Torch);
    let config = TrainConfig {
        shuffle_seed: seed,
        ..args.train.config(&p.train.y)?
    };
    let specs: Vec<ModelSpec> = if args.archs.is_empty() {
        experiment::tutorial_models(ds.n_features())
    } else {
        args.archs
            .iter()
            .map(|s| {
                Architecture::parse_hidden(s, ds.n_features())
                    .map(|a| ModelSpec::new(&a.to_string(), a))
            })
            .collect::<Result<_>>()?
    };
    if let Some(dup) = specs
        .iter()
        .enumerate()
        .find(|(i, s)| specs[..*i].iter().any(|t| t.name == s.name))
    {
        return Err(Error::Config(format!(
            "model '{}' is listed twice",
            dup.1.name
        )));
    }
    Session::new("compare", &ds, &p, &config, (seed, init_rng), &args.output).run(&specs, None)
}
