//! The epoch loop allocates nothing: a counting global allocator watches
//! training after `Trainer::new` has sized every buffer — on the training
//! thread and on the kernel threads of a threaded run.

mod common;

use nonlin::model::{Activation, Architecture, Network};
use nonlin::train::{EarlyStopping, LrSchedule, OptimizerConfig, TrainConfig, Trainer};
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

struct Counting;

thread_local! {
    /// Allocations made by this thread (tests run in parallel threads).
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

fn count() -> usize {
    ALLOCATIONS.with(Cell::get)
}

thread_local! {
    /// 0: not yet known, 1: a kernel thread of `nonlin`'s pool, 2: another.
    static KIND: Cell<u8> = const { Cell::new(0) };
    /// Set while `KIND` is being found out (which may allocate).
    static ASKING: Cell<bool> = const { Cell::new(false) };
}

/// Allocations made by any kernel thread (`nonlin-kernel-*`).
static KERNEL_ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

/// Held by the tests that start kernel threads, so that the count above
/// belongs to one test at a time.
static POOLS: Mutex<()> = Mutex::new(());

fn kernel_count() -> usize {
    KERNEL_ALLOCATIONS.load(Ordering::SeqCst)
}

fn is_kernel_thread() -> bool {
    KIND.try_with(|kind| match kind.get() {
        1 => true,
        2 => false,
        _ => {
            if ASKING.with(|a| a.replace(true)) {
                return false;
            }
            let yes = std::thread::current()
                .name()
                .is_some_and(|n| n.starts_with("nonlin-kernel"));
            ASKING.with(|a| a.set(false));
            kind.set(if yes { 1 } else { 2 });
            yes
        }
    })
    .unwrap_or(false)
}

fn bump() {
    // try_with: the allocator may run while the thread-local is torn down.
    let _ = ALLOCATIONS.try_with(|c| c.set(c.get() + 1));
    if is_kernel_thread() {
        KERNEL_ALLOCATIONS.fetch_add(1, Ordering::SeqCst);
    }
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

/// Allocations (on this thread, on kernel threads) while `trainer` runs.
fn allocations_while_running(trainer: &mut Trainer) -> (usize, usize) {
    let (before, kernel_before) = (count(), kernel_count());
    trainer.run(|_, _| {}).unwrap();
    (count() - before, kernel_count() - kernel_before)
}

#[test]
fn blocked_full_batch_and_evaluation_allocate_nothing() {
    let _pools = POOLS.lock().unwrap_or_else(|e| e.into_inner());
    // More rows than one block: training and test sets run in row blocks.
    let n = 2 * nonlin::train::trainer::BLOCK_ROWS + 77;
    let train = nonlin::data::synth::samples(n, 1);
    let test = nonlin::data::synth::samples(n, 2);
    let arch = Architecture::mlp(12, &[16, 16], Activation::Relu);
    for threads in [1, 2] {
        let config = TrainConfig {
            threads: Some(threads),
            ..TrainConfig::tutorial(3, 0.1)
        };
        let net = Network::new(arch.clone(), 0);
        let mut trainer = Trainer::new("m", net, config, &train, &test, None).unwrap();
        assert_eq!(trainer.threads(), threads);
        assert_eq!(
            allocations_while_running(&mut trainer),
            (0, 0),
            "{threads} threads"
        );
    }
}

#[test]
fn threaded_mini_batches_in_blocks_allocate_nothing() {
    let _pools = POOLS.lock().unwrap_or_else(|e| e.into_inner());
    let train = nonlin::data::synth::samples(3000, 1);
    let test = nonlin::data::synth::samples(5000, 2);
    let arch = Architecture::mlp(12, &[64, 64], Activation::Relu);
    // 256: every batch in two blocks on two threads; 1450: two blocks, then
    // a last batch of 100 rows in one; the full batch: two blocks.
    for batch_size in [Some(256), Some(1450), None] {
        let config = TrainConfig {
            threads: Some(2),
            batch_size,
            optimizer: OptimizerConfig::adam(0.01),
            ..TrainConfig::tutorial(3, 0.1)
        };
        let net = Network::new(arch.clone(), 0);
        let mut trainer = Trainer::new("m", net, config, &train, &test, None).unwrap();
        assert_eq!(trainer.threads(), 2);
        assert_eq!(
            allocations_while_running(&mut trainer),
            (0, 0),
            "batch {batch_size:?}"
        );
    }
}

#[test]
fn multiclass_and_regression_epochs_in_blocks_allocate_nothing() {
    use nonlin::data::{synth, Task};
    use nonlin::train::{ClassWeight, LossConfig, RegressionLoss};
    let _pools = POOLS.lock().unwrap_or_else(|e| e.into_inner());
    let losses = [
        (
            Task::Multiclass,
            LossConfig {
                task: Some(Task::Multiclass),
                class_weight: ClassWeight::Balanced,
                label_smoothing: 0.1,
                ..LossConfig::default()
            },
        ),
        (
            Task::Regression,
            LossConfig {
                task: Some(Task::Regression),
                regression: Some(RegressionLoss::Huber { delta: 0.5 }),
                ..LossConfig::default()
            },
        ),
    ];
    for (task, loss) in losses {
        let train = synth::task_samples(3000, 1, task);
        let test = synth::task_samples(2500, 2, task);
        let k = if task == Task::Multiclass { 10 } else { 1 };
        let arch = Architecture::mlp_outputs(12, &[32, 32], Activation::Relu, k);
        // Two blocks of a full batch, mini-batches of 256 in two blocks,
        // and with early stopping a validation set.
        for (batch_size, early) in [(None, false), (Some(256), false), (Some(700), true)] {
            let config = TrainConfig {
                threads: Some(2),
                batch_size,
                loss,
                optimizer: OptimizerConfig::adam(0.01),
                ..TrainConfig::tutorial(3, 0.1)
            };
            let (fit, val) = if early {
                let (t, v) = train.split_validation(0.2, 1).unwrap();
                (t, Some(v))
            } else {
                (train.clone(), None)
            };
            let config = TrainConfig {
                early_stopping: early.then_some(EarlyStopping {
                    patience: 5,
                    validation_fraction: 0.2,
                }),
                ..config
            };
            let net = Network::new(arch.clone(), 0);
            let mut trainer = Trainer::new("m", net, config, &fit, &test, val.as_ref()).unwrap();
            assert_eq!(
                allocations_while_running(&mut trainer),
                (0, 0),
                "{task} batch {batch_size:?}"
            );
            let h = &trainer.history;
            assert_eq!(h.is_regression(), task == Task::Regression);
        }
    }
}

#[test]
fn the_counter_sees_kernel_thread_allocations() {
    // Guards the test itself: a kernel thread's allocation must be counted.
    let _pools = POOLS.lock().unwrap_or_else(|e| e.into_inner());
    let before = kernel_count();
    std::thread::Builder::new()
        .name("nonlin-kernel-test".into())
        .spawn(|| drop(std::hint::black_box(vec![1u8; 10])))
        .unwrap()
        .join()
        .unwrap();
    assert!(kernel_count() > before);
}

#[test]
fn the_counter_sees_allocations() {
    // Guards the test itself: a Vec allocation must be counted.
    let before = count();
    let v: Vec<u64> = std::hint::black_box(vec![1, 2, 3]);
    assert!(count() > before);
    drop(v);
}
