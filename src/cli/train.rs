//! `nonlin train`: one model on any numeric CSV.

use super::args::{DataArgs, OutputArgs, TrainArgs};
use super::session::Session;
use crate::data::ScalingMode;
use crate::error::{Error, Result};
use crate::experiment::ModelSpec;
use crate::io::checkpoint;
use crate::model::init::InitRng;
use crate::model::{Activation, Architecture};
use crate::train::TrainConfig;
use clap::Args;
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

impl TrainCmdArgs {
    pub fn architecture(&self, d: usize) -> Result<Architecture> {
        match &self.arch {
            Some(spec) => Architecture::parse_hidden(spec, d),
            None => {
                if self.hidden.contains(&0) {
                    return Err(Error::Config("--hidden widths must be at least 1".into()));
                }
                Ok(Architecture::mlp(
                    d,
                    &self.hidden,
                    Activation::parse(&self.activation)?,
                ))
            }
        }
    }
}

pub fn run(args: &TrainCmdArgs) -> Result<()> {
    let scaling = if args.data.scale_before_split {
        ScalingMode::BeforeSplit
    } else {
        ScalingMode::TrainOnly
    };
    let (ds, p) = args.data.prepared(scaling)?;
    let (seed, init_rng) = args.train.init(0, InitRng::ChaCha8);
    let config = TrainConfig {
        shuffle_seed: seed,
        ..args.train.config(&p.train.y)?
    };
    let arch = args.architecture(ds.n_features())?;
    let init = match &args.init_weights {
        Some(path) => Some(checkpoint::init_network(path, &arch)?),
        None => None,
    };
    Session::new("train", &ds, &p, &config, (seed, init_rng), &args.output)
        .run(&[ModelSpec::new("model", arch)], init.as_ref())
}
