//! The optimizers and learning-rate schedules without a PyTorch fixture:
//! Adam vs AdamW weight decay, Nesterov momentum, the step and cosine
//! schedules — each against a hand computation of PyTorch's rule or an
//! observable that breaks if the option is ignored.

mod common;
mod training_util;

use nonlin::train::{History, LrSchedule, Optimizer, OptimizerConfig, TrainConfig};
use training_util::{bits, config, data, max_abs_diff, run};

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
        let p = nonlin::train::AdamParams {
            lr,
            beta1,
            beta2,
            eps,
            weight_decay,
        };
        if adamw {
            OptimizerConfig::AdamW(p)
        } else {
            OptimizerConfig::Adam(p)
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
