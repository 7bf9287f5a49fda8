//! The epoch loop. Everything it needs — activations, gradients, optimizer
//! state, batch buffers, the history — is allocated in [`Trainer::new`]; an
//! epoch allocates nothing.

use super::blocked::{BlockedBatch, Rows};
use super::regression_loss::{total_squares, ErrorSums};
use super::{EpochRecord, History, Objective, Optimizer, Plateau, RegressionMetrics, TrainConfig};
use crate::data::{Samples, Task};
use crate::error::{Error, Result};
use crate::model::Network;
use crate::rng::below;
use rand_chacha::ChaCha8Rng;
use rand_core::SeedableRng;

pub use super::blocked::BLOCK_ROWS;

/// The shuffled order of mini-batch training.
struct Batches {
    size: usize,
    order: Vec<usize>,
    rng: ChaCha8Rng,
}

/// Best-weights bookkeeping for early stopping.
struct Stopper {
    patience: usize,
    best_loss: f32,
    best_epoch: usize,
    best_params: Vec<f32>,
    since_best: usize,
}

/// The loss-plateau rule's state ([`Plateau`]).
struct PlateauWatch {
    rule: Plateau,
    best: f64,
    epochs_without: usize,
}

impl PlateauWatch {
    /// scikit-learn's `_update_no_improvement_count` on the training loss:
    /// true once the loss has not improved by `tol` for more than
    /// `n_iter_no_change` epochs.
    fn stalled(&mut self, loss: f64) -> bool {
        if loss > self.best - self.rule.tol {
            self.epochs_without += 1;
        } else {
            self.epochs_without = 0;
        }
        self.best = self.best.min(loss);
        self.epochs_without > self.rule.n_iter_no_change
    }
}

/// Trains one network on one train/test pair.
pub struct Trainer<'d> {
    pub net: Network,
    pub history: History,
    /// Every batch and evaluation set in fixed row blocks, on one thread or
    /// several ([`TrainConfig::threads`]).
    blocked: BlockedBatch,
    opt: Optimizer,
    config: TrainConfig,
    train: &'d Samples,
    test: Option<&'d Samples>,
    val: Option<&'d Samples>,
    batches: Option<Batches>,
    stopper: Option<Stopper>,
    plateau: Option<PlateauWatch>,
    /// The loss, `pos_weight = auto` and balanced class weights resolved
    /// on the training rows.
    loss: Objective,
    /// A regression target's total sum of squares on the train and test
    /// rows (for R²).
    sst: Option<(f64, f64)>,
    name: String,
}

impl<'d> Trainer<'d> {
    /// Prepares a run; `val` is required when early stopping is configured.
    pub fn new(
        name: &str,
        net: Network,
        config: TrainConfig,
        train: &'d Samples,
        test: &'d Samples,
        val: Option<&'d Samples>,
    ) -> Result<Trainer<'d>> {
        Trainer::with_sets(name, net, config, train, Some(test), val)
    }

    /// [`Trainer::new`] with the test set optional: without one, an epoch
    /// has no test figures ([`EpochRecord::test_loss`] is `None`).
    pub fn with_sets(
        name: &str,
        net: Network,
        config: TrainConfig,
        train: &'d Samples,
        test: Option<&'d Samples>,
        val: Option<&'d Samples>,
    ) -> Result<Trainer<'d>> {
        let d = net.arch.input_width();
        for (what, s) in [("train", Some(train)), ("test", test), ("validation", val)] {
            if let Some(s) = s {
                if s.d != d {
                    return Err(Error::Config(format!(
                        "{name}: the network takes {d} inputs but the {what} data has {} features",
                        s.d
                    )));
                }
                if s.n == 0 {
                    return Err(Error::Data(format!("{name}: the {what} set is empty")));
                }
            }
        }
        config.validate()?;
        let outputs = net.arch.outputs();
        let loss = config
            .loss
            .resolve(&train.y, outputs, "the training rows")?;
        let sst = check_task(name, &loss, outputs, [Some(train), test, val])?.then(|| {
            let sst = |s: &Samples| total_squares(&s.target.as_ref().expect("checked").values);
            (sst(train), test.map_or(f64::NAN, sst))
        });
        let batches = match config.batch_size {
            Some(b) if b < train.n => Some(Batches {
                size: b,
                order: (0..train.n).collect(),
                rng: ChaCha8Rng::seed_from_u64(config.shuffle_seed),
            }),
            _ => None,
        };
        let stopper = match (config.early_stopping, val) {
            (Some(es), Some(_)) => Some(Stopper {
                patience: es.patience.max(1),
                best_loss: f32::INFINITY,
                best_epoch: 0,
                best_params: net.params.clone(),
                since_best: 0,
            }),
            (Some(_), None) => {
                return Err(Error::Config(format!(
                    "{name}: early stopping needs a validation set"
                )))
            }
            _ => None,
        };
        let plateau = config.plateau.map(|rule| PlateauWatch {
            rule,
            best: f64::INFINITY,
            epochs_without: 0,
        });
        let batch_rows = batches.as_ref().map_or(train.n, |b| b.size);
        let eval_rows = test.map_or(0, |t| t.n).max(val.map_or(0, |v| v.n));
        let mut blocked =
            BlockedBatch::new(&net.arch, config.thread_count(), batch_rows, eval_rows)
                .map_err(|e| Error::Config(format!("cannot start the worker threads: {e}")))?;
        if sst.is_some() {
            blocked = blocked.for_regression(batch_rows, eval_rows);
        }
        Ok(Trainer {
            blocked,
            opt: Optimizer::new(config.optimizer, net.params.len()),
            history: History {
                n_val: val.map_or(0, |v| v.n),
                ..History::with_capacity(train.n, test.map_or(0, |t| t.n), config.epochs)
            },
            config,
            net,
            train,
            test,
            val,
            batches,
            stopper,
            plateau,
            loss,
            sst,
            name: name.to_string(),
        })
    }

    /// Threads the large batches of this run use (1 when the problem is
    /// too small to split, see [`super::blocked`]).
    pub fn threads(&self) -> usize {
        self.blocked.threads()
    }

    /// True once all epochs ran or early stopping fired.
    pub fn finished(&self) -> bool {
        self.history.stopped_epoch.is_some() || self.history.records.len() >= self.config.epochs
    }

    /// Runs every remaining epoch, calling `on_epoch` after each.
    pub fn run(&mut self, mut on_epoch: impl FnMut(&History, &EpochRecord)) -> Result<()> {
        while !self.finished() {
            let rec = self.epoch()?;
            on_epoch(&self.history, &rec);
        }
        Ok(())
    }

    /// One epoch: the training step(s), then test (and validation) metrics
    /// with the updated parameters.
    pub fn epoch(&mut self) -> Result<EpochRecord> {
        let epoch = self.history.records.len();
        let lr = self.config.schedule.lr(self.config.optimizer.lr(), epoch);
        let loss = &self.loss;
        let (train, blocked, net, opt) =
            (self.train, &mut self.blocked, &mut self.net, &mut self.opt);
        let (loss_sum, weight, train_correct, train_errors) = match self.batches.as_mut() {
            None => {
                let step = blocked.step(net, loss, train, Rows::Range(0, train.n));
                opt.step(&mut net.params, step.grads, lr);
                (step.loss_sum, step.weight, step.correct, step.errors)
            }
            Some(b) => {
                for i in (1..train.n).rev() {
                    let j = below(&mut b.rng, i + 1);
                    b.order.swap(i, j);
                }
                let (mut total, mut weight, mut correct) = (0.0f64, 0.0f64, 0);
                let mut errors = ErrorSums::default();
                for chunk in b.order.chunks(b.size) {
                    let step = blocked.step(net, loss, train, Rows::Picked(chunk));
                    opt.step(&mut net.params, step.grads, lr);
                    total += step.loss_sum;
                    weight += step.weight;
                    correct += step.correct;
                    errors = errors.plus(step.errors);
                }
                (total, weight, correct, errors)
            }
        };
        let train_loss = (loss_sum / weight) as f32;
        let test = self.test.map(|test| blocked.evaluate(net, loss, test));
        let val = self.val.map(|val| blocked.evaluate(net, loss, val));
        let val_loss = val.as_ref().map(|v| v.loss);
        for (what, v) in [
            ("the training loss", Some(train_loss)),
            ("the test loss", test.as_ref().map(|t| t.loss)),
            ("the validation loss", val_loss),
        ] {
            if let Some(v) = v.filter(|v| !v.is_finite()) {
                return Err(Error::Diverged {
                    model: self.name.clone(),
                    epoch,
                    what: format!("{what} became {v}"),
                });
            }
        }
        let fit =
            |errors: ErrorSums, sst: f64, n: usize| RegressionMetrics::from_sums(errors, sst, n);
        let (train_fit, test_fit) = match self.sst {
            Some((sst_train, sst_test)) => (
                Some(fit(train_errors, sst_train, train.n)),
                test.as_ref()
                    .zip(self.test)
                    .map(|(t, s)| fit(t.errors, sst_test, s.n)),
            ),
            None => (None, None),
        };
        let rec = EpochRecord {
            epoch,
            train_loss,
            train_correct,
            test_loss: test.as_ref().map(|t| t.loss),
            test_correct: test.as_ref().map(|t| t.correct),
            val_loss,
            val_correct: val.as_ref().map(|v| v.correct),
            train_fit,
            test_fit,
            lr,
        };
        self.history.records.push(rec);
        if let (Some(s), Some(v)) = (self.stopper.as_mut(), val_loss) {
            if v < s.best_loss {
                s.best_loss = v;
                s.best_epoch = epoch;
                s.best_params.copy_from_slice(&self.net.params);
                s.since_best = 0;
            } else {
                s.since_best += 1;
            }
            let last = epoch + 1 == self.config.epochs;
            if s.since_best >= s.patience || last {
                self.net.params.copy_from_slice(&s.best_params);
                self.history.best_epoch = Some(s.best_epoch);
                if !last {
                    self.history.stopped_epoch = Some(epoch);
                }
            }
        }
        if let Some(p) = self.plateau.as_mut() {
            if p.stalled(train_loss as f64) && epoch + 1 < self.config.epochs {
                self.history.stopped_epoch = Some(epoch);
                self.history.converged = true;
            }
        }
        Ok(rec)
    }

    /// The trained network and its history.
    pub fn finish(self) -> (Network, History) {
        (self.net, self.history)
    }

    /// The loss being minimized.
    pub fn objective(&self) -> &Objective {
        &self.loss
    }
}

/// The network's outputs and the sets' targets fit the task: one output
/// (binary, regression) or one per class, class indices below it, and a
/// regression target's values on every set. True for regression.
fn check_task(
    name: &str,
    loss: &Objective,
    outputs: usize,
    sets: [Option<&Samples>; 3],
) -> Result<bool> {
    let task = loss.task();
    let want = match task {
        Task::Multiclass if outputs < 3 => {
            return Err(Error::Config(format!(
                "{name}: a multiclass network needs one output per class (3 or more), \
                 this one has {outputs}"
            )))
        }
        Task::Multiclass => outputs,
        _ => 1,
    };
    if outputs != want {
        return Err(Error::Config(format!(
            "{name}: a {task} network has one output, this one has {outputs}"
        )));
    }
    for s in sets.into_iter().flatten() {
        match task {
            Task::Regression if s.target.is_none() => {
                return Err(Error::Config(format!(
                    "{name}: a regression run needs the target's values (Samples::target)"
                )))
            }
            Task::Multiclass => {
                if let Some(bad) = s.y.iter().find(|&&t| !(t >= 0.0 && (t as usize) < outputs)) {
                    return Err(Error::Config(format!(
                        "{name}: class index {bad} is outside the network's {outputs} classes"
                    )));
                }
            }
            _ => {}
        }
    }
    Ok(task == Task::Regression)
}
