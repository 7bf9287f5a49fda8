//! The epoch loop. Everything it needs — activations, gradients, optimizer
//! state, batch buffers, the history — is allocated in [`Trainer::new`]; an
//! epoch allocates nothing.

use super::fanned::{gather, FannedBlocks};
use super::loss::LossValue;
use super::{BceWithLogits, EpochRecord, History, Optimizer, TrainConfig};
use crate::data::Samples;
use crate::error::{Error, Result};
use crate::model::{Network, Parallel, Workspace};
use crate::rng::below;
use rand_chacha::ChaCha8Rng;
use rand_core::SeedableRng;

/// Buffers for mini-batch training.
struct Batches {
    size: usize,
    order: Vec<usize>,
    xb: Vec<f32>,
    yb: Vec<f32>,
    rng: ChaCha8Rng,
}

/// Rows per block when a full batch or an evaluation set is larger: the
/// activation memory is bounded by this, not by the data's size, and a
/// block's activations stay in cache. Sets of at most this many rows run in
/// one pass, as before (the tutorial's bits).
pub const BLOCK_ROWS: usize = 4096;

/// Buffers for processing a large set in fixed row blocks: each block's
/// gradient (a mean over the block) is added, weighted by its share of the
/// rows, in block order, so the result does not depend on anything but the
/// data.
struct Blocks {
    xb: Vec<f32>,
    yb: Vec<f32>,
    grads: Vec<f32>,
}

impl Blocks {
    /// Copies rows `start..start + len` of `s` into the block buffers.
    fn gather(&mut self, s: &Samples, start: usize, len: usize) {
        gather(s, start, len, &mut self.xb, &mut self.yb);
    }
}

/// Loss and accuracy of `net` on `s`, in blocks of [`BLOCK_ROWS`] when larger.
fn evaluate(
    net: &Network,
    par: &mut Parallel,
    ws: &mut Workspace,
    blocks: &mut Blocks,
    loss: BceWithLogits,
    s: &Samples,
) -> LossValue {
    if s.n <= BLOCK_ROWS {
        let logits = par.forward(net, ws, &s.xt, s.n);
        return loss.evaluate(logits, &s.y);
    }
    let (mut total, mut correct) = (0.0f64, 0);
    for start in (0..s.n).step_by(BLOCK_ROWS) {
        let len = BLOCK_ROWS.min(s.n - start);
        blocks.gather(s, start, len);
        let logits = par.forward(net, ws, &blocks.xb, len);
        let v = loss.evaluate(logits, &blocks.yb[..len]);
        total += v.loss as f64 * len as f64;
        correct += v.correct;
    }
    LossValue {
        loss: (total / s.n as f64) as f32,
        correct,
    }
}

/// Best-weights bookkeeping for early stopping.
struct Stopper {
    patience: usize,
    best_loss: f32,
    best_epoch: usize,
    best_params: Vec<f32>,
    since_best: usize,
}

/// Trains one network on one train/test pair.
pub struct Trainer<'d> {
    pub net: Network,
    pub history: History,
    ws: Workspace,
    /// The passes, on one thread or several ([`TrainConfig::threads`]).
    par: Parallel,
    opt: Optimizer,
    config: TrainConfig,
    train: &'d Samples,
    test: &'d Samples,
    val: Option<&'d Samples>,
    batches: Option<Batches>,
    blocks: Blocks,
    /// A full batch's blocks spread over threads, when there are threads.
    fanned: Option<FannedBlocks>,
    stopper: Option<Stopper>,
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
        let d = net.arch.input_width();
        for (what, s) in [
            ("train", Some(train)),
            ("test", Some(test)),
            ("validation", val),
        ] {
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
        let batches = match config.batch_size {
            Some(0) => return Err(Error::invalid("batch_size", "must be at least 1")),
            Some(b) if b < train.n => Some(Batches {
                size: b,
                order: (0..train.n).collect(),
                xb: vec![0.0; b * d],
                yb: vec![0.0; b],
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
        // Full batches and evaluation sets larger than a block run in blocks.
        let train_rows = batches.as_ref().map_or(train.n.min(BLOCK_ROWS), |b| b.size);
        let eval_rows = test.n.max(val.map_or(0, |v| v.n)).min(BLOCK_ROWS);
        let capacity = train_rows.max(eval_rows);
        let block_rows = capacity.min(BLOCK_ROWS);
        let blocks = Blocks {
            xb: vec![0.0; block_rows * d],
            yb: vec![0.0; block_rows],
            grads: vec![0.0; net.params.len()],
        };
        let par = Parallel::new(&net.arch, config.thread_count(), capacity)
            .map_err(|e| Error::Config(format!("cannot start the worker threads: {e}")))?;
        let fanned = (par.threads() > 1 && batches.is_none() && train.n > BLOCK_ROWS)
            .then(|| FannedBlocks::new(&net.arch, par.threads(), train.n));
        Ok(Trainer {
            blocks,
            fanned,
            par,
            ws: Workspace::new(&net.arch, capacity),
            opt: Optimizer::new(config.optimizer, net.params.len()),
            history: History::with_capacity(train.n, test.n, config.epochs),
            config,
            net,
            train,
            test,
            val,
            batches,
            stopper,
            name: name.to_string(),
        })
    }

    /// Threads the large passes of this run use (1 when the problem is
    /// too small to split, see [`crate::model::parallel`]).
    pub fn threads(&self) -> usize {
        self.par.threads()
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
        let loss = self.config.loss;
        let (train_loss, train_correct) = match self.batches.as_mut() {
            None if self.train.n > BLOCK_ROWS && self.fanned.is_some() => {
                let fanned = self.fanned.as_mut().expect("checked");
                let pool = self.par.pool().expect("fanned blocks only with a pool");
                let grads = &mut self.blocks.grads;
                let v = fanned.step(&self.net, pool, loss, self.train, grads);
                self.opt.step(&mut self.net.params, grads, lr);
                v
            }
            None if self.train.n > BLOCK_ROWS => {
                let (train, blocks, ws) = (self.train, &mut self.blocks, &mut self.ws);
                let par = &mut self.par;
                let (mut total, mut correct) = (0.0f64, 0);
                for start in (0..train.n).step_by(BLOCK_ROWS) {
                    let len = BLOCK_ROWS.min(train.n - start);
                    blocks.gather(train, start, len);
                    par.forward(&self.net, ws, &blocks.xb, len);
                    let (logits, grad) = ws.logits_and_grad(len);
                    let v = loss.forward_backward(logits, &blocks.yb[..len], grad);
                    par.backward(&self.net, ws, &blocks.xb, len);
                    let share = (len as f64 / train.n as f64) as f32;
                    if start == 0 {
                        for (g, &b) in blocks.grads.iter_mut().zip(&ws.grads) {
                            *g = share * b;
                        }
                    } else {
                        for (g, &b) in blocks.grads.iter_mut().zip(&ws.grads) {
                            *g += share * b;
                        }
                    }
                    total += v.loss as f64 * len as f64;
                    correct += v.correct;
                }
                self.opt.step(&mut self.net.params, &blocks.grads, lr);
                ((total / train.n as f64) as f32, correct)
            }
            None => {
                let n = self.train.n;
                self.par.forward(&self.net, &mut self.ws, &self.train.xt, n);
                let (logits, grad) = self.ws.logits_and_grad(n);
                let v = loss.forward_backward(logits, &self.train.y, grad);
                self.par
                    .backward(&self.net, &mut self.ws, &self.train.xt, n);
                self.opt.step(&mut self.net.params, &self.ws.grads, lr);
                (v.loss, v.correct)
            }
            Some(b) => {
                let (train, d) = (self.train, self.train.d);
                for i in (1..train.n).rev() {
                    let j = below(&mut b.rng, i + 1);
                    b.order.swap(i, j);
                }
                let (mut total, mut correct) = (0.0f64, 0);
                for chunk in b.order.chunks(b.size) {
                    let bn = chunk.len();
                    for j in 0..d {
                        let src = &train.xt[j * train.n..(j + 1) * train.n];
                        for (dst, &r) in b.xb[j * bn..(j + 1) * bn].iter_mut().zip(chunk) {
                            *dst = src[r];
                        }
                    }
                    for (dst, &r) in b.yb.iter_mut().zip(chunk) {
                        *dst = train.y[r];
                    }
                    self.par.forward(&self.net, &mut self.ws, &b.xb, bn);
                    let (logits, grad) = self.ws.logits_and_grad(bn);
                    let v = loss.forward_backward(logits, &b.yb[..bn], grad);
                    self.par.backward(&self.net, &mut self.ws, &b.xb, bn);
                    self.opt.step(&mut self.net.params, &self.ws.grads, lr);
                    total += v.loss as f64 * bn as f64;
                    correct += v.correct;
                }
                ((total / train.n as f64) as f32, correct)
            }
        };
        let (net, par, ws, blocks) = (&self.net, &mut self.par, &mut self.ws, &mut self.blocks);
        let test = evaluate(net, par, ws, blocks, loss, self.test);
        let val_loss = self
            .val
            .map(|val| evaluate(net, par, ws, blocks, loss, val).loss);
        for (what, v) in [
            ("the training loss", Some(train_loss)),
            ("the test loss", Some(test.loss)),
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
        let rec = EpochRecord {
            epoch,
            train_loss,
            train_correct,
            test_loss: test.loss,
            test_correct: test.correct,
            val_loss,
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
        Ok(rec)
    }

    /// The trained network and its history.
    pub fn finish(self) -> (Network, History) {
        (self.net, self.history)
    }
}
