//! Training one model on prepared data: the step every pipeline shares.
//!
//! ```no_run
//! # use nonlin::{data::{prepare, Dataset, PrepareOptions}, model::{Activation, Architecture}};
//! # use nonlin::{run::{Fit, ModelSpec, Silent}, train::TrainConfig};
//! # fn main() -> nonlin::Result<()> {
//! let ds = Dataset::heart_failure();
//! let data = prepare(&ds, &PrepareOptions::default())?;
//! let spec = ModelSpec::new("relu", Architecture::mlp(12, &[5], Activation::Relu));
//! let trained = Fit::new(&spec, &data, &TrainConfig::default()).seed(7).run(&mut Silent)?;
//! # Ok(()) }
//! ```

use super::event::{Cancel, Event, Observer};
use super::models::ModelSpec;
use crate::data::Prepared;
use crate::error::{Error, Result};
use crate::eval::summary::SummaryRow;
use crate::model::init::InitRng;
use crate::model::Network;
use crate::train::{TrainConfig, TrainedModel, Trainer};
use std::borrow::Cow;

/// One model to train: what, on which data, how, and from which start.
#[derive(Clone, Copy)]
pub struct Fit<'a> {
    spec: &'a ModelSpec,
    data: &'a Prepared,
    config: &'a TrainConfig,
    seed: u64,
    init_rng: InitRng,
    weights: Option<&'a Network>,
    cancel: Option<&'a Cancel>,
}

/// A finished [`Fit`]: the model, and whether it was cancelled early.
#[derive(Debug, Clone)]
pub struct Fitted {
    pub model: TrainedModel,
    pub cancelled: bool,
}

impl<'a> Fit<'a> {
    /// Seed 0, ChaCha8 initial weights, no cancellation.
    pub fn new(spec: &'a ModelSpec, data: &'a Prepared, config: &'a TrainConfig) -> Fit<'a> {
        Fit {
            spec,
            data,
            config,
            seed: 0,
            init_rng: InitRng::ChaCha8,
            weights: None,
            cancel: None,
        }
    }

    /// Seeds the initial weights (unless [`Fit::weights`] gives them) and
    /// the early-stopping hold-out.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// The random stream of the initial weights.
    pub fn init_rng(mut self, rng: InitRng) -> Self {
        self.init_rng = rng;
        self
    }

    /// Starts from these weights instead of seeded ones.
    pub fn weights(mut self, net: Option<&'a Network>) -> Self {
        self.weights = net;
        self
    }

    /// Stops between epochs once `cancel` is raised.
    pub fn cancel(mut self, cancel: &'a Cancel) -> Self {
        self.cancel = Some(cancel);
        self
    }

    /// Trains, reporting every epoch and the end to `obs`.
    pub fn run(self, obs: &mut dyn Observer) -> Result<TrainedModel> {
        self.run_cancellable(obs).map(|f| f.model)
    }

    /// Like [`Fit::run`], and says whether cancellation cut it short.
    pub fn run_cancellable(self, obs: &mut dyn Observer) -> Result<Fitted> {
        let Fit {
            spec,
            data,
            config,
            seed,
            ..
        } = self;
        let net = match self.weights {
            Some(w) => w.clone(),
            None => Network::with_init(spec.arch.clone(), seed, self.init_rng),
        };
        let (train, val) = match config.early_stopping {
            Some(es) => {
                let (t, v) = data
                    .train
                    .split_validation(es.validation_fraction, seed as u32)?;
                (Cow::Owned(t), Some(v))
            }
            // Trained on as it is: no copy of the training rows.
            None => (Cow::Borrowed(&data.train), None),
        };
        // No test set (`test_set = false`): epochs without test figures.
        let test = (!data.split.test.is_empty()).then_some(&data.test);
        let mut trainer =
            Trainer::with_sets(&spec.name, net, config.clone(), &train, test, val.as_ref())?;
        let name = spec.name.as_str();
        let mut cancelled = false;
        while !trainer.finished() {
            if self.cancel.is_some_and(Cancel::is_cancelled) {
                cancelled = true;
                break;
            }
            match trainer.epoch() {
                Ok(record) => obs.on_event(&Event::Epoch {
                    model: name,
                    history: &trainer.history,
                    record: &record,
                    network: &trainer.net,
                }),
                Err(e) => {
                    if let Error::Diverged { epoch, what, .. } = &e {
                        obs.on_event(&Event::Diverged {
                            model: name,
                            epoch: *epoch,
                            what,
                        });
                    }
                    return Err(e);
                }
            }
        }
        let (net, history) = trainer.finish();
        let model = TrainedModel {
            name: spec.name.clone(),
            net,
            history,
        };
        let summary = SummaryRow::of(&model);
        obs.on_event(&Event::ModelFinished {
            model: name,
            history: &model.history,
            summary: summary.as_ref(),
            cancelled,
        });
        Ok(Fitted { model, cancelled })
    }
}
