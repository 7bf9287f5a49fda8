//! The epoch loop allocates nothing: a counting global allocator watches
//! training after `Trainer::new` has sized every buffer.

mod common;

use nonlin::model::{Activation, Architecture, Network};
use nonlin::train::{EarlyStopping, LrSchedule, OptimizerConfig, TrainConfig, Trainer};
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

struct Counting;

thread_local! {
    /// Allocations made by this thread (tests run in parallel threads).
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

fn count() -> usize {
    ALLOCATIONS.with(Cell::get)
}

fn bump() {
    // try_with: the allocator may run while the thread-local is torn down.
    let _ = ALLOCATIONS.try_with(|c| c.set(c.get() + 1));
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        bump();
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        bump();
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Allocations made while running every epoch of `config`.
fn allocations_during_training(arch: Architecture, config: TrainConfig, with_val: bool) -> usize {
    let p = common::prepared("data");
    let (train, val) = if with_val {
        let (t, v) = p.train.split_validation(0.2, 1).unwrap();
        (t, Some(v))
    } else {
        (p.train.clone(), None)
    };
    let epochs = config.epochs;
    let mut trainer = Trainer::new(
        "m",
        Network::new(arch, 0),
        config,
        &train,
        &p.test,
        val.as_ref(),
    )
    .unwrap();
    let before = count();
    let mut ran = 0;
    trainer.run(|_, _| ran += 1).unwrap();
    let after = count();
    assert!(ran > 0 && ran <= epochs);
    after - before
}

#[test]
fn full_batch_sgd_epochs_allocate_nothing() {
    for arch in [
        Architecture::mlp(12, &[5], Activation::Identity),
        Architecture::mlp(12, &[20, 20], Activation::Identity),
        Architecture::mlp(12, &[5], Activation::Relu),
        Architecture::parse_hidden("16-tanh-8-gelu-4-softplus", 12).unwrap(),
    ] {
        let n = allocations_during_training(arch.clone(), TrainConfig::tutorial(200, 0.1), false);
        assert_eq!(n, 0, "{arch}: {n} allocations in the epoch loop");
    }
}

#[test]
fn mini_batch_adam_schedule_and_early_stopping_allocate_nothing() {
    let config = TrainConfig {
        optimizer: OptimizerConfig::adam(0.01),
        batch_size: Some(32),
        schedule: LrSchedule::Cosine {
            t_max: 100,
            eta_min: 0.0,
        },
        ..TrainConfig::tutorial(100, 0.01)
    };
    assert_eq!(
        allocations_during_training(
            Architecture::mlp(12, &[5], Activation::Elu { alpha: 1.0 }),
            config.clone(),
            false
        ),
        0
    );
    let config = TrainConfig {
        optimizer: OptimizerConfig::Sgd {
            lr: 0.1,
            momentum: 0.9,
            dampening: 0.0,
            nesterov: true,
            weight_decay: 1e-3,
        },
        early_stopping: Some(EarlyStopping {
            patience: 10,
            validation_fraction: 0.2,
        }),
        ..config
    };
    assert_eq!(
        allocations_during_training(Architecture::mlp(12, &[5], Activation::Relu), config, true),
        0
    );
}

#[test]
fn blocked_full_batch_and_evaluation_allocate_nothing() {
    // More rows than one block: training and test sets run in row blocks.
    let n = 2 * nonlin::train::trainer::BLOCK_ROWS + 77;
    let train = nonlin::data::synth::samples(n, 1);
    let test = nonlin::data::synth::samples(n, 2);
    let arch = Architecture::mlp(12, &[16, 16], Activation::Relu);
    let mut trainer = Trainer::new(
        "m",
        Network::new(arch, 0),
        TrainConfig::tutorial(3, 0.1),
        &train,
        &test,
        None,
    )
    .unwrap();
    let before = count();
    trainer.run(|_, _| {}).unwrap();
    assert_eq!(count() - before, 0);
}

#[test]
fn the_counter_sees_allocations() {
    // Guards the test itself: a Vec allocation must be counted.
    let before = count();
    let v: Vec<u64> = std::hint::black_box(vec![1, 2, 3]);
    assert!(count() > before);
    drop(v);
}
