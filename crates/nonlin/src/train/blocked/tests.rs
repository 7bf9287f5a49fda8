use super::*;
use crate::data::synth;
use crate::model::Activation;

fn bits(v: LossValue) -> (u32, usize) {
    (v.loss.to_bits(), v.correct)
}

#[test]
fn evaluation_has_the_bits_of_one_pass_then_of_row_blocks() {
    let arch = Architecture::mlp(12, &[24, 8], Activation::Tanh);
    let net = Network::new(arch.clone(), 5);
    let loss = Objective::Binary(super::super::BceWithLogits::default());
    for n in [7, 300, 3001, 9000] {
        let s = synth::samples(n, 4);
        let mut ws = Workspace::new(&arch, n);
        let expected = if n <= BLOCK_ROWS {
            loss.evaluate(net.forward(&mut ws, &s.xt, n), &s.y, None)
        } else {
            let (mut total, mut correct) = (0.0f64, 0);
            for start in (0..n).step_by(BLOCK_ROWS) {
                let len = BLOCK_ROWS.min(n - start);
                let sub = s.select(&(start..start + len).collect::<Vec<_>>());
                let v = loss.evaluate(net.forward(&mut ws, &sub.xt, len), &sub.y, None);
                total += v.loss as f64 * len as f64;
                correct += v.correct;
            }
            LossValue {
                loss: (total / n as f64) as f32,
                correct,
            }
        };
        for threads in [1, 2] {
            let cutoffs = Cutoffs {
                min_threaded_work: 0,
                ..Cutoffs::default()
            };
            let mut b = BlockedBatch::with_cutoffs(&arch, threads, 1, n, cutoffs).unwrap();
            assert_eq!(
                bits(b.evaluate(&net, &loss, &s).value()),
                bits(expected),
                "n {n}"
            );
        }
    }
}

#[test]
fn waves_of_blocks_give_the_sums_of_one_job() {
    let arch = Architecture::mlp(12, &[16], Activation::Relu);
    let net = Network::new(arch.clone(), 5);
    let loss = Objective::Binary(super::super::BceWithLogits::default());
    let s = synth::samples(4 * BLOCK_ROWS + 808, 4);
    let rows = Rows::Range(0, s.n);
    let cutoffs = Cutoffs {
        min_threaded_work: 0,
        ..Cutoffs::default()
    };
    let run = |threads: usize, wave: Option<usize>| {
        let mut b = BlockedBatch::with_cutoffs(&arch, threads, s.n, 1, cutoffs).unwrap();
        if let Some(w) = wave {
            b = b.with_wave(w);
        }
        let step = b.step(&net, &loss, &s, rows);
        let grads: Vec<u32> = step.grads.iter().map(|v| v.to_bits()).collect();
        (grads, step.loss_sum.to_bits(), step.correct)
    };
    let one_job = run(1, None);
    for threads in [1, 2] {
        for wave in [1, 2, 3] {
            assert!(
                run(threads, Some(wave)) == one_job,
                "{threads} threads, wave {wave}"
            );
        }
    }
}

#[test]
fn a_full_batch_up_to_block_rows_is_one_pass_and_a_mini_batch_splits() {
    let arch = Architecture::mlp(12, &[16], Activation::Relu);
    let net = Network::new(arch.clone(), 5);
    let loss = Objective::Binary(super::super::BceWithLogits::default());
    let s = synth::samples(SPLIT_MIN_ROWS + 97, 4);
    let n = s.n;
    let mut ws = Workspace::new(&arch, n);
    net.forward(&mut ws, &s.xt, n);
    let (logits, grad) = ws.logits_and_grad(n);
    loss.forward_backward(logits, &s.y, None, grad);
    net.backward(&mut ws, &s.xt, n);
    let as_bits = |g: &[f32]| g.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
    let mut b = BlockedBatch::new(&arch, 2, n, 1).unwrap();
    let full = as_bits(b.step(&net, &loss, &s, Rows::Range(0, n)).grads);
    assert_eq!(
        full,
        as_bits(&ws.grads),
        "a full batch is summed in one pass"
    );
    let all: Vec<usize> = (0..n).collect();
    let picked = as_bits(b.step(&net, &loss, &s, Rows::Picked(&all)).grads);
    assert_ne!(
        picked, full,
        "the same rows as a mini-batch run in two blocks"
    );
}

#[test]
fn a_batch_of_one_block_is_the_one_pass_step() {
    let arch = Architecture::mlp(12, &[16], Activation::Relu);
    let net = Network::new(arch.clone(), 5);
    let loss = Objective::Binary(super::super::BceWithLogits::default());
    let s = synth::samples(SPLIT_MIN_ROWS - 1, 4);
    let n = s.n;
    let mut ws = Workspace::new(&arch, n);
    net.forward(&mut ws, &s.xt, n);
    let (logits, grad) = ws.logits_and_grad(n);
    let v = loss.forward_backward(logits, &s.y, None, grad);
    net.backward(&mut ws, &s.xt, n);
    let mut b = BlockedBatch::new(&arch, 1, n, 1).unwrap();
    let step = b.step(&net, &loss, &s, Rows::Range(0, n));
    assert_eq!(step.loss_sum, v.loss as f64 * n as f64);
    assert_eq!(step.correct, v.correct);
    let as_bits = |g: &[f32]| g.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
    assert_eq!(as_bits(step.grads), as_bits(&ws.grads));
}
