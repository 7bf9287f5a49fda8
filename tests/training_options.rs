//! Training options without a PyTorch fixture: mini-batches, early stopping,
//! `pos_weight`, Adam vs AdamW weight decay, Nesterov momentum and the
//! learning-rate schedules — each against a hand computation of PyTorch's
//! rule or an observable that breaks if the option is ignored.

mod common;

use nonlin::data::{Prepared, Samples};
use nonlin::model::{Architecture, Network, Workspace};
use nonlin::run::{Fit, ModelSpec, Silent};
use nonlin::train::TrainedModel;
use nonlin::train::{
    BceWithLogits, EarlyStopping, History, LossConfig, LrSchedule, Optimizer, OptimizerConfig,
    TrainConfig, Trainer,
};

/// The embedded Heart Failure data, scaler fit on the training rows
/// (239 train rows, 60 test rows).
fn data() -> Prepared {
    let p = common::prepared("data_train_scaler");
    assert_eq!((p.train.n, p.test.n), (239, 60));
    p
}

fn spec(hidden: &str) -> ModelSpec {
    ModelSpec::new(hidden, Architecture::parse_hidden(hidden, 12).unwrap())
}

fn config(epochs: usize, optimizer: OptimizerConfig) -> TrainConfig {
    TrainConfig {
        epochs,
        optimizer,
        schedule: LrSchedule::Constant,
        loss: LossConfig::default(),
        batch_size: None,
        shuffle_seed: 0,
        early_stopping: None,
        plateau: None,
        threads: None,
    }
}

fn run(hidden: &str, data: &Prepared, config: &TrainConfig, seed: u64) -> TrainedModel {
    Fit::new(&spec(hidden), data, config)
        .seed(seed)
        .run(&mut Silent)
        .unwrap()
}

fn bits(v: &[f32]) -> Vec<u32> {
    v.iter().map(|x| x.to_bits()).collect()
}

fn history_bits(h: &History) -> Vec<[u64; 6]> {
    h.records
        .iter()
        .map(|r| {
            [
                r.train_loss.to_bits() as u64,
                r.test_loss.unwrap().to_bits() as u64,
                r.train_correct as u64,
                r.test_correct.unwrap() as u64,
                r.val_loss.map_or(u64::MAX, |v| v.to_bits() as u64),
                r.lr.to_bits() as u64,
            ]
        })
        .collect()
}

fn max_abs_diff(a: &[f32], b: &[f32]) -> f32 {
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y).abs())
        .fold(0.0, f32::max)
}

// ---------- mini-batches ----------

#[test]
fn mini_batch_runs_are_bit_identical_for_the_same_seeds() {
    let data = data();
    let cfg = TrainConfig {
        batch_size: Some(32),
        shuffle_seed: 7,
        ..config(40, OptimizerConfig::adam(0.01))
    };
    let a = run("16-relu-8-tanh", &data, &cfg, 3);
    let b = run("16-relu-8-tanh", &data, &cfg, 3);
    assert_eq!(a.history.records.len(), 40);
    assert_eq!(history_bits(&a.history), history_bits(&b.history));
    assert_eq!(a.history, b.history);
    assert_eq!(bits(&a.net.params), bits(&b.net.params));
    // It did train, and not as one full batch would.
    let first = &a.history.records[0];
    let last = a.history.last().unwrap();
    assert!(
        last.train_loss < 0.8 * first.train_loss,
        "{first:?} → {last:?}"
    );
    let full = run(
        "16-relu-8-tanh",
        &data,
        &TrainConfig {
            batch_size: None,
            ..cfg.clone()
        },
        3,
    );
    assert_ne!(bits(&full.net.params), bits(&a.net.params));
    assert!(max_abs_diff(&full.net.params, &a.net.params) > 1e-2);
}

#[test]
fn a_different_shuffle_seed_gives_a_different_history() {
    let data = data();
    let cfg = TrainConfig {
        batch_size: Some(32),
        shuffle_seed: 7,
        ..config(20, OptimizerConfig::adam(0.01))
    };
    let a = run("16-relu-8-tanh", &data, &cfg, 3);
    let b = run(
        "16-relu-8-tanh",
        &data,
        &TrainConfig {
            shuffle_seed: 8,
            ..cfg.clone()
        },
        3,
    );
    // Same initial weights (seed 3), different batch order from epoch 0 on.
    assert_ne!(
        a.history.records[0].train_loss,
        b.history.records[0].train_loss
    );
    assert_ne!(history_bits(&a.history), history_bits(&b.history));
    assert!(max_abs_diff(&a.net.params, &b.net.params) > 1e-3);
    // The shuffle seed matters only with mini-batches.
    let full = |s: u64| {
        run(
            "16-relu-8-tanh",
            &data,
            &TrainConfig {
                batch_size: None,
                shuffle_seed: s,
                ..cfg.clone()
            },
            3,
        )
    };
    assert_eq!(full(7).history, full(8).history);
}

/// `n` copies of one row: every batch then has the same mean gradient
/// whatever its size or order, so an epoch of mini-batches is exactly
/// "as many full-batch steps as there are batches".
fn identical_rows(n: usize) -> Samples {
    let row = [0.7f32, -1.3, 0.4];
    let x: Vec<f32> = (0..n).flat_map(|_| row).collect();
    Samples::from_rows(&x, 3, vec![1.0; n], (0..n).collect())
}

fn train_on(
    train: &Samples,
    test: &Samples,
    epochs: usize,
    batch: Option<usize>,
) -> (Network, History) {
    let arch = Architecture::parse_hidden("4-tanh", 3).unwrap();
    let cfg = TrainConfig {
        batch_size: batch,
        ..config(epochs, OptimizerConfig::sgd(0.5))
    };
    let mut t = Trainer::new("rows", Network::new(arch, 9), cfg, train, test, None).unwrap();
    t.run(|_, _| {}).unwrap();
    t.finish()
}

#[test]
fn the_last_partial_batch_is_an_optimizer_step() {
    let (train, test) = (identical_rows(239), identical_rows(1));
    // Batches of 100: 100 + 100 + 39 → three steps in the epoch.
    let (mb, mb_hist) = train_on(&train, &test, 1, Some(100));
    let (three, three_hist) = train_on(&train, &test, 3, None);
    let (two, _) = train_on(&train, &test, 2, None);
    let scale = three.params.iter().fold(0.0f32, |m, v| m.max(v.abs()));
    // Per-row gradients are summed in f32 over 100, 39 or 239 rows, so the
    // means differ by a few ulps; the steps themselves move params by ~1e-2.
    let d3 = max_abs_diff(&mb.params, &three.params);
    let d2 = max_abs_diff(&mb.params, &two.params);
    assert!(d3 <= 1e-6 * scale, "vs three full-batch steps: {d3:e}");
    assert!(d2 > 1e-3, "vs two full-batch steps: {d2:e}");
    // The epoch's train loss is the row-weighted mean of the three batch
    // losses, each measured before its step.
    let l: Vec<f64> = three_hist
        .records
        .iter()
        .map(|r| r.train_loss as f64)
        .collect();
    let want = (100.0 * l[0] + 100.0 * l[1] + 39.0 * l[2]) / 239.0;
    let got = mb_hist.records[0].train_loss as f64;
    assert!((got - want).abs() <= 1e-6 * want, "{got} vs {want}");
    let c: Vec<usize> = three_hist
        .records
        .iter()
        .map(|r| r.train_correct / 239)
        .collect();
    assert_eq!(
        mb_hist.records[0].train_correct,
        100 * c[0] + 100 * c[1] + 39 * c[2]
    );
    // Batches of 120: 120 + 119 → two steps; 239 or more → one full batch.
    let (b120, _) = train_on(&train, &test, 1, Some(120));
    assert!(max_abs_diff(&b120.params, &two.params) <= 1e-6 * scale);
    let (one, _) = train_on(&train, &test, 1, None);
    for b in [239, 240, 10_000] {
        let (p, _) = train_on(&train, &test, 1, Some(b));
        assert_eq!(bits(&p.params), bits(&one.params), "batch {b}");
    }
}

// ---------- early stopping ----------

fn early(epochs: usize, patience: usize, lr: f32) -> TrainConfig {
    TrainConfig {
        early_stopping: Some(EarlyStopping {
            patience,
            validation_fraction: 0.2,
        }),
        ..config(epochs, OptimizerConfig::adam(lr))
    }
}

/// The validation loss of `net` on the split `Fit` carves out.
fn val_loss(net: &Network, data: &Prepared, fraction: f64, seed: u64) -> (f32, usize, usize) {
    let (train, val) = data.train.split_validation(fraction, seed as u32).unwrap();
    let mut ws = Workspace::new(&net.arch, val.n);
    let logits = net.forward(&mut ws, &val.xt, val.n);
    (
        BceWithLogits::default().evaluate(logits, &val.y).loss,
        train.n,
        val.n,
    )
}

/// The first epoch with the lowest recorded validation loss.
fn argmin_val(h: &History) -> usize {
    let mut best = 0;
    for (i, r) in h.records.iter().enumerate() {
        if r.val_loss.unwrap() < h.records[best].val_loss.unwrap() {
            best = i;
        }
    }
    best
}

#[test]
fn early_stopping_is_deterministic_stops_and_restores_the_best_epoch() {
    let data = data();
    let cfg = early(2000, 5, 0.05);
    let a = run("32-relu-32-relu", &data, &cfg, 1);
    let b = run("32-relu-32-relu", &data, &cfg, 1);
    assert_eq!(history_bits(&a.history), history_bits(&b.history));
    assert_eq!(a.history, b.history);
    assert_eq!(bits(&a.net.params), bits(&b.net.params));

    let h = &a.history;
    let stopped = h
        .stopped_epoch
        .expect("a large lr overfits and stops early");
    assert!(stopped < 2000 - 1, "{stopped}");
    assert_eq!(h.records.len(), stopped + 1);
    let best = h.best_epoch.unwrap();
    assert_eq!(best, argmin_val(h));
    // Patience 5: five epochs without improvement after the best.
    assert_eq!(stopped - best, 5);
    assert!(h.records.iter().all(|r| r.val_loss.is_some()));

    // The returned weights are the best epoch's, not the last epoch's.
    let (loss, n_train, n_val) = val_loss(&a.net, &data, 0.2, 1);
    assert_eq!(loss.to_bits(), h.records[best].val_loss.unwrap().to_bits());
    assert_ne!(loss, h.records[stopped].val_loss.unwrap());
    // Training used the rest of the train split (stratified 20% held out).
    assert_eq!((h.n_train, n_train + n_val), (n_train, 239));
    assert_eq!(n_val, 48);
}

#[test]
fn reaching_the_last_epoch_also_restores_the_best_weights() {
    let data = data();
    // Patience too long to fire within 150 epochs, lr large enough to overfit.
    let a = run("32-relu-32-relu", &data, &early(150, 1000, 0.05), 1);
    let h = &a.history;
    assert_eq!(h.stopped_epoch, None);
    assert_eq!(h.records.len(), 150);
    let best = h.best_epoch.unwrap();
    assert_eq!(best, argmin_val(h));
    assert!(best < 149, "the run should overfit before the end: {best}");
    let (loss, _, _) = val_loss(&a.net, &data, 0.2, 1);
    assert_eq!(loss.to_bits(), h.records[best].val_loss.unwrap().to_bits());
    // A different init seed is a different validation split and run.
    let c = run("32-relu-32-relu", &data, &early(150, 1000, 0.05), 2);
    assert_ne!(history_bits(h), history_bits(&c.history));
}

// ---------- pos_weight ----------

#[test]
fn pos_weight_follows_pytorchs_formula() {
    // ℓ = −[w·t·log σ(x) + (1 − t)·log(1 − σ(x))], ∂ℓ/∂x = w·t·(σ − 1) + (1 − t)·σ;
    // values from Python's math module.
    let cases = [
        (0.0f32, 1.0f32, 3.0f32, 2.0794415416798357f64, -1.5f64),
        (0.5, 1.0, 3.0, 1.4222309525403198, -1.132622006394436),
        (-2.0, 1.0, 0.5, 1.0634640055214863, -0.4403985389889412),
        (1.5, 0.0, 3.0, 1.7014132779827524, 0.8175744761936437),
        (-1.0, 0.0, 3.0, 0.3132616875182228, 0.2689414213699951),
        (2.0, 1.0, 1.0, 0.12692801104297263, -0.11920292202211769),
    ];
    for (x, t, w, loss, grad) in cases {
        let mut g = [0.0];
        let v = BceWithLogits {
            pos_weight: Some(w),
        }
        .forward_backward(&[x], &[t], &mut g);
        assert!(
            (v.loss as f64 - loss).abs() <= 2e-7 * loss,
            "x={x} t={t} w={w}: {} vs {loss}",
            v.loss
        );
        assert!(
            (g[0] as f64 - grad).abs() <= 2e-7,
            "x={x} t={t} w={w}: ∂ {} vs {grad}",
            g[0]
        );
    }
    // Over a batch: the mean of the terms, each gradient divided by n.
    let xs: Vec<f32> = cases.iter().map(|c| c.0).collect();
    let ts: Vec<f32> = cases.iter().map(|c| c.1).collect();
    let mut g = vec![0.0; xs.len()];
    let v = BceWithLogits {
        pos_weight: Some(3.0),
    }
    .forward_backward(&xs, &ts, &mut g);
    let n = xs.len() as f64;
    let sigma = |x: f64| 1.0 / (1.0 + (-x).exp());
    let mut want = 0.0;
    for (i, (&x, &t)) in xs.iter().zip(&ts).enumerate() {
        let (t, s) = (t as f64, sigma(x as f64));
        want += -(3.0 * t * s.ln() + (1.0 - t) * (1.0 - s).ln()) / n;
        let d = (3.0 * t * (s - 1.0) + (1.0 - t) * s) / n;
        assert!((g[i] as f64 - d).abs() <= 1e-7, "{i}: {} vs {d}", g[i]);
    }
    assert!((v.loss as f64 - want).abs() <= 2e-7 * want);
    // pos_weight = 1 is the plain loss.
    let plain = BceWithLogits::default().evaluate(&xs, &ts);
    let one = BceWithLogits {
        pos_weight: Some(1.0),
    }
    .evaluate(&xs, &ts);
    assert_eq!(plain, one);
}

#[test]
fn pos_weight_changes_training() {
    let data = data();
    let plain = run("8-relu", &data, &config(50, OptimizerConfig::adam(0.01)), 0);
    let weighted = run(
        "8-relu",
        &data,
        &TrainConfig {
            loss: LossConfig::with_pos_weight(2.0),
            ..config(50, OptimizerConfig::adam(0.01))
        },
        0,
    );
    // Up-weighting the positives (deaths) pushes the logits up: more
    // positive predictions on the training rows.
    let mean_logit = |net: &Network| {
        let mut ws = Workspace::new(&net.arch, data.train.n);
        let l = net.forward(&mut ws, &data.train.xt, data.train.n);
        l.iter().map(|&v| v as f64).sum::<f64>() / l.len() as f64
    };
    assert!(mean_logit(&weighted.net) > mean_logit(&plain.net) + 0.1);
    assert!(weighted.history.records[0].train_loss > plain.history.records[0].train_loss);
}

// ---------- optimizers ----------

/// `torch.optim.Adam`/`AdamW` (single-tensor, non-fused) in f64, by hand.
fn adam_by_hand(decoupled: bool, p0: &[f64], grads: &[[f64; 2]], lr: f64, wd: f64) -> Vec<f64> {
    let (b1, b2, eps) = (0.9f64, 0.999f64, 1e-8);
    let mut p = p0.to_vec();
    let (mut m, mut v) = (vec![0.0; p.len()], vec![0.0; p.len()]);
    for (k, g) in grads.iter().enumerate() {
        let t = (k + 1) as i32;
        for i in 0..p.len() {
            let mut gi = g[i];
            if decoupled {
                p[i] *= 1.0 - lr * wd; // AdamW: decay the weight itself
            } else {
                gi += wd * p[i]; // Adam: L2 term added to the gradient
            }
            m[i] = b1 * m[i] + (1.0 - b1) * gi;
            v[i] = b2 * v[i] + (1.0 - b2) * gi * gi;
            let m_hat = m[i] / (1.0 - b1.powi(t));
            let denom = (v[i] / (1.0 - b2.powi(t))).sqrt() + eps;
            p[i] -= lr * m_hat / denom;
        }
    }
    p
}

#[test]
fn adamw_decouples_weight_decay_and_adam_couples_it() {
    let p0 = [1.0f32, -2.0];
    let grads = [[0.3f64, -0.1], [-0.2, 0.05], [0.1, 0.4]];
    let (lr, wd) = (0.1f32, 0.1f32);
    let run_opt = |cfg: OptimizerConfig| {
        let mut opt = Optimizer::new(cfg, 2);
        let mut p = p0.to_vec();
        for g in &grads {
            opt.step(&mut p, &[g[0] as f32, g[1] as f32], lr);
        }
        assert_eq!(opt.steps(), 3);
        p
    };
    let cfg = |adamw: bool, weight_decay: f32| {
        let (beta1, beta2, eps) = (0.9, 0.999, 1e-8);
        if adamw {
            OptimizerConfig::AdamW {
                lr,
                beta1,
                beta2,
                eps,
                weight_decay,
            }
        } else {
            OptimizerConfig::Adam {
                lr,
                beta1,
                beta2,
                eps,
                weight_decay,
            }
        }
    };
    let p64: Vec<f64> = p0.iter().map(|&v| v as f64).collect();
    let adam = run_opt(cfg(false, wd));
    let adamw = run_opt(cfg(true, wd));
    for (got, decoupled) in [(&adam, false), (&adamw, true)] {
        let want = adam_by_hand(decoupled, &p64, &grads, lr as f64, wd as f64);
        for i in 0..2 {
            assert!(
                (got[i] as f64 - want[i]).abs() <= 1e-6,
                "decoupled={decoupled} p[{i}]: {} vs {}",
                got[i],
                want[i]
            );
        }
    }
    // Coupled decay turns p[1]'s first gradient −0.1 into −0.1 + 0.1·(−2) = −0.3
    // and p[0]'s 0.3 into 0.4: the two rules end far apart.
    assert!(max_abs_diff(&adam, &adamw) > 1e-2, "{adam:?} vs {adamw:?}");
    // Without weight decay the two are the same algorithm, bit for bit.
    assert_eq!(
        bits(&run_opt(cfg(false, 0.0))),
        bits(&run_opt(cfg(true, 0.0)))
    );

    // And in training.
    let data = data();
    let train = |opt| run("16-relu", &data, &config(30, opt), 0);
    let a = train(cfg(false, 0.05));
    let w = train(cfg(true, 0.05));
    assert!(max_abs_diff(&a.net.params, &w.net.params) > 1e-4);
}

#[test]
fn sgd_nesterov_momentum_first_two_steps_follow_pytorch() {
    // torch.optim.SGD: g ← g + wd·p; buf ← g on the first step, else
    // μ·buf + (1 − dampening)·g; nesterov: g ← g + μ·buf; p ← p − lr·g.
    // lr 0.1, μ 0.9, wd 0.01, p = 1, gradients 0.5 then −0.25:
    //   step 1: g = 0.51, buf = 0.51, g = 0.51 + 0.459 = 0.969, p = 0.9031
    //   step 2: g = −0.25 + 0.009031 = −0.240969,
    //           buf = 0.459 − 0.240969 = 0.218031,
    //           g = −0.240969 + 0.1962279 = −0.0447411, p = 0.90757411
    let cfg = OptimizerConfig::Sgd {
        lr: 0.1,
        momentum: 0.9,
        dampening: 0.0,
        nesterov: true,
        weight_decay: 0.01,
    };
    let mut opt = Optimizer::new(cfg, 1);
    let mut p = [1.0f32];
    opt.step(&mut p, &[0.5], 0.1);
    assert!((p[0] as f64 - 0.9031).abs() <= 1e-7, "{}", p[0]);
    opt.step(&mut p, &[-0.25], 0.1);
    assert!((p[0] as f64 - 0.90757411).abs() <= 1e-7, "{}", p[0]);
    // Classical momentum (no Nesterov) would be at 1 − 0.051 − 0.1·0.218031.
    let mut classical = Optimizer::new(
        OptimizerConfig::Sgd {
            lr: 0.1,
            momentum: 0.9,
            dampening: 0.0,
            nesterov: false,
            weight_decay: 0.01,
        },
        1,
    );
    let mut q = [1.0f32];
    classical.step(&mut q, &[0.5], 0.1);
    classical.step(&mut q, &[-0.25], 0.1);
    let buf2 = 0.9 * 0.51 + (-0.25 + 0.01 * 0.949);
    assert!(
        (q[0] as f64 - (0.949 - 0.1 * buf2)).abs() <= 1e-7,
        "{}",
        q[0]
    );
    assert!((p[0] - q[0]).abs() > 1e-2);
}

// ---------- learning-rate schedules ----------

fn schedule_run(schedule: LrSchedule, epochs: usize, lr: f32) -> History {
    let data = data();
    let cfg = TrainConfig {
        schedule,
        ..config(epochs, OptimizerConfig::sgd(lr))
    };
    run("8-tanh", &data, &cfg, 0).history
}

#[test]
fn step_schedule_lr_follows_the_formula_and_is_the_one_applied() {
    // StepLR: lr·γ^⌊epoch/step_size⌋. With γ = 0.5 every value is the f32
    // base rate times a power of two, exactly.
    let h = schedule_run(
        LrSchedule::Step {
            step_size: 3,
            gamma: 0.5,
        },
        10,
        0.1,
    );
    for (i, r) in h.records.iter().enumerate() {
        assert_eq!(r.lr, 0.1f32 / (1 << (i / 3)) as f32, "epoch {i}");
    }
    let h = schedule_run(
        LrSchedule::Step {
            step_size: 2,
            gamma: 0.1,
        },
        7,
        0.3,
    );
    for (i, r) in h.records.iter().enumerate() {
        let want = 0.3 * 0.1f64.powi((i / 2) as i32);
        assert!(
            (r.lr as f64 - want).abs() <= 1.2e-7 * want,
            "epoch {i}: {} vs {want}",
            r.lr
        );
    }
    // γ = 0: from epoch 3 on the rate is 0 and the weights stop moving, so
    // the recorded rate is the one the optimizer used.
    let h = schedule_run(
        LrSchedule::Step {
            step_size: 3,
            gamma: 0.0,
        },
        8,
        0.5,
    );
    let test: Vec<f32> = h.records.iter().map(|r| r.test_loss.unwrap()).collect();
    assert!(test[0] != test[1] && test[1] != test[2], "{test:?}");
    assert!(test[2..].iter().all(|&v| v == test[2]), "{test:?}");
    assert!(h.records[3..]
        .iter()
        .all(|r| r.lr == 0.0 && r.train_loss == h.records[3].train_loss));
}

#[test]
fn cosine_schedule_lr_follows_the_closed_form() {
    // CosineAnnealingLR: η_min + (lr − η_min)·(1 + cos(π·epoch/T_max))/2,
    // past T_max too (it rises again, as the closed form does).
    let (base, eta_min, t_max) = (0.05f64, 0.001f64, 10usize);
    let h = schedule_run(LrSchedule::Cosine { t_max, eta_min }, 15, base as f32);
    assert_eq!(h.records.len(), 15);
    for (i, r) in h.records.iter().enumerate() {
        let want = eta_min
            + (base - eta_min) * (1.0 + (std::f64::consts::PI * i as f64 / t_max as f64).cos())
                / 2.0;
        assert!(
            (r.lr as f64 - want).abs() <= 1.2e-7 * want,
            "epoch {i}: {} vs {want}",
            r.lr
        );
    }
    assert_eq!(h.records[0].lr, 0.05);
    assert!((h.records[10].lr as f64 - eta_min).abs() < 1e-10);
    assert!((h.records[5].lr as f64 - (base + eta_min) / 2.0).abs() < 1e-9);
    // A schedule changes the run.
    let constant = schedule_run(LrSchedule::Constant, 15, base as f32);
    assert_eq!(constant.records[0], h.records[0]);
    assert_ne!(constant.records[1].test_loss, h.records[1].test_loss);
}
