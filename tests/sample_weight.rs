//! Per-row weights (scikit-learn's `sample_weight`) through the losses, the
//! blocked batches and the trainer: an integer weight is the row repeated
//! that many times (a weight of 0 is the row dropped), up to float
//! rounding; all-ones weights are the unweighted run, bit for bit.

use nonlin::data::{Samples, Task};
use nonlin::model::{Activation, Architecture, Network};
use nonlin::train::blocked::{BlockedBatch, Rows};
use nonlin::train::{
    BceWithLogits, CrossEntropy, LossConfig, Objective, OptimizerConfig, RegressionLoss,
    TrainConfig, Trainer,
};

/// Every loss: binary (with and without `pos_weight`), multiclass (plain,
/// class-weighted and smoothed), and the three regression losses.
fn objectives() -> Vec<Objective> {
    vec![
        Objective::Binary(BceWithLogits::default()),
        Objective::Binary(BceWithLogits {
            pos_weight: Some(2.5),
        }),
        Objective::Multiclass {
            classes: 3,
            loss: CrossEntropy::default(),
        },
        Objective::Multiclass {
            classes: 3,
            loss: CrossEntropy::new(Some(vec![0.5, 2.0, 1.25]), 0.1).unwrap(),
        },
        Objective::Regression(RegressionLoss::Mse),
        Objective::Regression(RegressionLoss::L1),
        Objective::Regression(RegressionLoss::Huber { delta: 0.5 }),
    ]
}

/// Targets of `n` rows for `o`: 0/1, class indices, or standardized values.
fn targets(o: &Objective, n: usize) -> Vec<f32> {
    (0..n)
        .map(|i| match o.task() {
            Task::Binary => f32::from(u8::from(i % 3 == 0)),
            Task::Multiclass => ((i * 7 + 1) % 3) as f32,
            Task::Regression => ((i as f32) * 0.37).cos() * 1.5,
        })
        .collect()
}

/// Class-major outputs of `n` rows.
fn outputs(o: &Objective, n: usize) -> Vec<f32> {
    (0..o.outputs() * n)
        .map(|j| ((j as f32) * 0.71).sin() * 2.5)
        .collect()
}

/// Integer weights 0..=4, some of each.
fn integer_weights(n: usize) -> Vec<f32> {
    (0..n).map(|i| ((i * 5 + 2) % 5) as f32).collect()
}

/// Row `i` of class-major `[k][n]` values repeated `w[i]` times, in order.
fn repeat_rows(v: &[f32], k: usize, w: &[f32]) -> Vec<f32> {
    let n = w.len();
    let mut out = Vec::new();
    for c in 0..k {
        for i in 0..n {
            for _ in 0..w[i] as usize {
                out.push(v[c * n + i]);
            }
        }
    }
    out
}

fn rel_close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol * a.abs().max(b.abs()).max(1e-30)
}

#[test]
fn integer_weights_equal_repeated_rows_in_every_loss() {
    for n in [5, 19, 64] {
        for o in objectives() {
            let (k, w) = (o.outputs(), integer_weights(n));
            let (out, y) = (outputs(&o, n), targets(&o, n));
            let mut g = vec![0.0; k * n];
            let v = o.forward_backward(&out, &y, Some(&w), &mut g);
            let (rout, ry) = (repeat_rows(&out, k, &w), repeat_rows(&y, 1, &w));
            let m = ry.len();
            let mut rg = vec![0.0; k * m];
            let r = o.forward_backward(&rout, &ry, None, &mut rg);
            assert!(
                rel_close(v.loss as f64, r.loss as f64, 1e-6),
                "{o:?} n {n}: {} vs {}",
                v.loss,
                r.loss
            );
            assert_eq!(o.weight(&y, Some(&w)), o.weight(&ry, None), "{o:?}");
            // Row i's gradient is the sum of its copies' gradients.
            let scale = g.iter().fold(0.0f32, |a, v| a.max(v.abs())) as f64;
            for c in 0..k {
                let mut at = 0;
                for i in 0..n {
                    let copies = w[i] as usize;
                    let sum: f64 = rg[c * m + at..c * m + at + copies]
                        .iter()
                        .map(|&v| v as f64)
                        .sum();
                    at += copies;
                    let gi = g[c * n + i] as f64;
                    assert!(
                        (gi - sum).abs() <= 1e-6 * scale,
                        "{o:?} n {n} class {c} row {i}: {gi} vs {sum}"
                    );
                }
            }
            // Evaluation agrees with the fused pass.
            assert_eq!(o.evaluate(&out, &y, Some(&w)).loss, v.loss, "{o:?}");
        }
    }
}

#[test]
fn all_ones_weights_are_the_unweighted_bits() {
    for n in [1, 8, 19, 300] {
        for o in objectives() {
            let k = o.outputs();
            let (out, y) = (outputs(&o, n), targets(&o, n));
            let ones = vec![1.0; n];
            let (mut g1, mut g0) = (vec![0.0; k * n], vec![0.0; k * n]);
            let a = o.forward_backward(&out, &y, Some(&ones), &mut g1);
            let b = o.forward_backward(&out, &y, None, &mut g0);
            assert_eq!(
                (a.loss.to_bits(), a.correct),
                (b.loss.to_bits(), b.correct),
                "{o:?} n {n}"
            );
            assert_eq!(bits(&g1), bits(&g0), "{o:?} n {n}");
            assert_eq!(o.weight(&y, Some(&ones)), o.weight(&y, None));
        }
    }
}

fn bits(v: &[f32]) -> Vec<u32> {
    v.iter().map(|x| x.to_bits()).collect()
}

/// `n` rows of `d` features (feature-major inputs) with targets for `o`.
fn samples(o: &Objective, n: usize, d: usize) -> Samples {
    let x: Vec<f32> = (0..n * d)
        .map(|i| ((i * 37 % 101) as f32 / 50.0) - 1.0)
        .collect();
    Samples::from_rows(&x, d, targets(o, n), (0..n).collect())
}

/// `s` with row `i` repeated `w[i]` times (a weight of 0 drops it).
fn repeated(s: &Samples, w: &[f32]) -> Samples {
    let idx: Vec<usize> = (0..s.n)
        .flat_map(|i| std::iter::repeat_n(i, w[i] as usize))
        .collect();
    s.select(&idx)
}

fn net_for(o: &Objective, d: usize) -> Network {
    let arch = Architecture::mlp_outputs(d, &[7], Activation::Tanh, o.outputs());
    Network::new(arch, 11)
}

#[test]
fn blocked_steps_with_weights_equal_repeated_rows() {
    // 300 rows: two blocks; picked rows (a mini-batch) and a range.
    let (n, d) = (300, 4);
    for o in objectives() {
        let net = net_for(&o, d);
        let base = samples(&o, n, d);
        let w = integer_weights(n);
        let weighted = base.clone().with_weight(w.clone()).unwrap();
        let rep = repeated(&base, &w);
        let mut b = BlockedBatch::new(&net.arch, 1, rep.n, rep.n).unwrap();
        let step = b.step(&net, &o, &rep, Rows::Range(0, rep.n));
        let (want, want_loss) = (step.grads.to_vec(), step.loss_sum / step.weight);
        let scale = want.iter().fold(0.0f32, |a, v| a.max(v.abs())) as f64;
        let picked: Vec<usize> = (0..n).rev().collect();
        for rows in [Rows::Range(0, n), Rows::Picked(&picked)] {
            let step = b.step(&net, &o, &weighted, rows);
            let loss = step.loss_sum / step.weight;
            assert!(
                rel_close(loss, want_loss, 1e-6),
                "{o:?}: {loss} vs {want_loss}"
            );
            for (a, e) in step.grads.iter().zip(&want) {
                assert!(
                    (*a as f64 - *e as f64).abs() <= 1e-6 * scale,
                    "{o:?}: {a} vs {e}"
                );
            }
        }
        let eval_w = b.evaluate(&net, &o, &weighted).loss as f64;
        let eval_r = b.evaluate(&net, &o, &rep).loss as f64;
        assert!(
            rel_close(eval_w, eval_r, 1e-6),
            "{o:?}: {eval_w} vs {eval_r}"
        );
    }
}

#[test]
fn blocked_steps_with_all_ones_weights_are_the_unweighted_bits() {
    let d = 4;
    for n in [200, 600] {
        for o in objectives() {
            let net = net_for(&o, d);
            let plain = samples(&o, n, d);
            let ones = plain.clone().with_weight(vec![1.0; n]).unwrap();
            let mut b = BlockedBatch::new(&net.arch, 1, n, n).unwrap();
            let picked: Vec<usize> = (0..n).map(|i| (i * 7) % n).collect();
            for rows in [Rows::Range(0, n), Rows::Picked(&picked)] {
                let p = b.step(&net, &o, &plain, rows);
                let p = (bits(p.grads), p.loss_sum.to_bits(), p.weight, p.correct);
                let q = b.step(&net, &o, &ones, rows);
                let q = (bits(q.grads), q.loss_sum.to_bits(), q.weight, q.correct);
                assert!(p == q, "{o:?} n {n}");
            }
            assert_eq!(
                b.evaluate(&net, &o, &plain),
                b.evaluate(&net, &o, &ones),
                "{o:?} n {n}"
            );
        }
    }
}

/// Trains `o`'s task on `s` full-batch with Adam for 30 epochs.
fn trained(o: &Objective, s: &Samples) -> Vec<f32> {
    let loss = match o {
        Objective::Binary(l) => LossConfig {
            pos_weight: l
                .pos_weight
                .map_or(Default::default(), nonlin::train::PosWeight::Value),
            ..LossConfig::default()
        },
        Objective::Multiclass { .. } => LossConfig {
            task: Some(Task::Multiclass),
            ..LossConfig::default()
        },
        Objective::Regression(l) => LossConfig {
            task: Some(Task::Regression),
            regression: Some(*l),
            ..LossConfig::default()
        },
    };
    let config = TrainConfig {
        epochs: 30,
        optimizer: OptimizerConfig::adam(0.01),
        loss,
        ..TrainConfig::default()
    };
    let mut t = Trainer::with_sets("w", net_for(o, s.d), config, s, None, None).unwrap();
    t.run(|_, _| {}).unwrap();
    t.finish().0.params
}

/// Regression samples need their target's values: standardized already.
fn with_values(o: &Objective, s: Samples) -> Samples {
    if o.task() != Task::Regression {
        return s;
    }
    let scale = nonlin::data::TargetScale::identity();
    let values = s.y.iter().map(|&v| v as f64).collect();
    Samples {
        target: Some(nonlin::data::samples::TargetValues { values, scale }),
        ..s
    }
}

#[test]
fn training_with_weights_equals_training_on_repeated_or_dropped_rows() {
    let (n, d) = (60, 4);
    let objectives = [
        Objective::Binary(BceWithLogits::default()),
        Objective::Multiclass {
            classes: 3,
            loss: CrossEntropy::default(),
        },
        Objective::Regression(RegressionLoss::Mse),
    ];
    for o in objectives {
        let base = with_values(&o, samples(&o, n, d));
        let w = integer_weights(n);
        let by_weight = trained(&o, &base.clone().with_weight(w.clone()).unwrap());
        let by_rows = trained(&o, &repeated(&base, &w));
        let scale = by_rows.iter().fold(0.0f32, |a, v| a.max(v.abs()));
        let diff = by_weight
            .iter()
            .zip(&by_rows)
            .fold(0.0f32, |a, (x, y)| a.max((x - y).abs()));
        assert!(diff <= 1e-5 * scale, "{o:?}: params differ by {diff:e}");
    }
}
