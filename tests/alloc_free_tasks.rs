//! The new task losses allocate nothing: a full-batch epoch of a K-output
//! network with `CrossEntropy` (weights and smoothing on), and of a
//! one-output network with each regression loss, watched by a counting
//! global allocator once every buffer is sized.

use nonlin::model::{Activation, Architecture, Network, Workspace};
use nonlin::train::cross_entropy::{argmax_rows, balanced_weights};
use nonlin::train::{CrossEntropy, Optimizer, OptimizerConfig, RegressionLoss};
mod thread_alloc;

#[global_allocator]
static GLOBAL: thread_alloc::Counting = thread_alloc::Counting;

fn count() -> usize {
    thread_alloc::allocations()
}

/// Feature-major inputs of `n` rows × `d`, deterministic.
fn inputs(n: usize, d: usize) -> Vec<f32> {
    (0..n * d)
        .map(|i| ((i * 37 % 101) as f32 / 50.0) - 1.0)
        .collect()
}

#[test]
fn multiclass_epochs_allocate_nothing() {
    let (n, d, k) = (203, 6, 4);
    let x = inputs(n, d);
    let y: Vec<f32> = (0..n).map(|i| (i % k) as f32).collect();
    let arch = Architecture::mlp_outputs(d, &[9], Activation::Relu, k);
    let mut net = Network::new(arch, 3);
    let mut ws = Workspace::new(&net.arch, n);
    let config = OptimizerConfig::adam(0.01);
    let mut opt = Optimizer::new(config, net.params.len());
    let loss = CrossEntropy::new(Some(balanced_weights(&y, k)), 0.1).unwrap();
    let mut pred = vec![0usize; n];
    let mut first = f32::NAN;
    let before = count();
    for epoch in 0..20 {
        net.forward(&mut ws, &x, n);
        let (logits, grad) = ws.logits_and_grad(n);
        let v = loss.forward_backward(logits, k, &y, grad);
        if epoch == 0 {
            first = v.loss;
        }
        net.backward(&mut ws, &x, n);
        opt.step(&mut net.params, &ws.grads, config.lr());
        let out = net.forward(&mut ws, &x, n);
        let _ = loss.evaluate(out, k, &y);
        argmax_rows(out, k, &mut pred);
    }
    assert_eq!(count() - before, 0, "allocations in the epoch loop");
    let out = net.forward(&mut ws, &x, n);
    assert!(loss.evaluate(out, k, &y).loss < first, "it learns");
}

#[test]
fn regression_epochs_allocate_nothing() {
    let (n, d) = (150, 5);
    let x = inputs(n, d);
    let y: Vec<f32> = (0..n).map(|i| (i as f32 * 0.1).sin()).collect();
    for loss in [
        RegressionLoss::Mse,
        RegressionLoss::L1,
        RegressionLoss::Huber { delta: 0.5 },
    ] {
        let arch = Architecture::mlp_outputs(d, &[8], Activation::Tanh, 1);
        let mut net = Network::new(arch, 5);
        let mut ws = Workspace::new(&net.arch, n);
        let config = OptimizerConfig::sgd(0.05);
        let mut opt = Optimizer::new(config, net.params.len());
        let before = count();
        for _ in 0..20 {
            net.forward(&mut ws, &x, n);
            let (out, grad) = ws.logits_and_grad(n);
            loss.forward_backward(out, &y, grad);
            net.backward(&mut ws, &x, n);
            opt.step(&mut net.params, &ws.grads, config.lr());
            let out = net.forward(&mut ws, &x, n);
            let _ = loss.evaluate(out, &y);
        }
        assert_eq!(
            count() - before,
            0,
            "{loss:?}: allocations in the epoch loop"
        );
    }
}
