//! Full batches and evaluation sets larger than `BLOCK_ROWS` run in fixed
//! row blocks: deterministic, and the same mean loss and gradient as one pass
//! up to rounding.

use nonlin::data::synth;
use nonlin::model::{Activation, Architecture, Network, Workspace};
use nonlin::train::trainer::BLOCK_ROWS;
use nonlin::train::{TrainConfig, Trainer};

/// Per epoch: train loss, train correct, test loss, test correct.
type Records = Vec<(f32, usize, f32, usize)>;

fn run(train_rows: usize) -> (Vec<u32>, Records) {
    let train = synth::samples(train_rows, 1);
    let test = synth::samples(train_rows / 2, 2);
    let arch = Architecture::mlp(12, &[16], Activation::Relu);
    let mut t = Trainer::new(
        "m",
        Network::new(arch, 0),
        TrainConfig::tutorial(5, 0.1),
        &train,
        &test,
        None,
    )
    .unwrap();
    t.run(|_, _| {}).unwrap();
    let h = t
        .history
        .records
        .iter()
        .map(|r| {
            (
                r.train_loss,
                r.train_correct,
                r.test_loss.unwrap(),
                r.test_correct.unwrap(),
            )
        })
        .collect();
    (t.net.params.iter().map(|v| v.to_bits()).collect(), h)
}

#[test]
fn blocked_full_batch_is_deterministic() {
    let n = 2 * BLOCK_ROWS + 123;
    assert_eq!(run(n), run(n));
}

#[test]
fn blocked_loss_and_step_match_one_pass() {
    let n = 2 * BLOCK_ROWS + 123;
    let train = synth::samples(n, 1);
    let arch = Architecture::mlp(12, &[16], Activation::Relu);
    let net = Network::new(arch.clone(), 0);
    // One pass over all rows: loss, gradient and the SGD step by hand.
    let mut ws = Workspace::new(&arch, n);
    let loss = TrainConfig::tutorial(1, 0.1)
        .loss
        .resolve(&train.y, 1, "the rows")
        .unwrap();
    net.forward(&mut ws, &train.xt, n);
    let (logits, grad) = ws.logits_and_grad(n);
    let v = loss.forward_backward(logits, &train.y, None, grad);
    net.backward(&mut ws, &train.xt, n);
    let stepped: Vec<f32> = net
        .params
        .iter()
        .zip(&ws.grads)
        .map(|(p, g)| p - 0.1 * g)
        .collect();
    let test = synth::samples(100, 2);
    let mut t = Trainer::new("m", net, TrainConfig::tutorial(1, 0.1), &train, &test, None).unwrap();
    let rec = t.epoch().unwrap();
    assert_eq!(rec.train_correct, v.correct);
    assert!(
        (rec.train_loss - v.loss).abs() <= 1e-6 * v.loss,
        "{} vs {}",
        rec.train_loss,
        v.loss
    );
    for (a, b) in t.net.params.iter().zip(&stepped) {
        assert!((a - b).abs() <= 1e-6 * b.abs().max(1e-3), "{a} vs {b}");
    }
}
