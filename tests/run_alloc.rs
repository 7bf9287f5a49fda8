//! The run layer adds no allocation per epoch: training through `Fit` with
//! an observer allocates the same amount for 10 epochs as for 500 (all of
//! it in setup and in building the result).

use nonlin::data::{prepare, Dataset, PrepareOptions};
use nonlin::model::{Activation, Architecture};
use nonlin::run::{Cancel, Event, Fit, ModelSpec};
use nonlin::train::{EarlyStopping, TrainConfig};
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

struct Counting;

thread_local! {
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let _ = ALLOCATIONS.try_with(|c| c.set(c.get() + 1));
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let _ = ALLOCATIONS.try_with(|c| c.set(c.get() + 1));
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn allocations(config: &TrainConfig) -> (usize, usize) {
    let ds = Dataset::heart_failure();
    let data = prepare(&ds, &PrepareOptions::default()).unwrap();
    let spec = ModelSpec::new("m", Architecture::mlp(12, &[5], Activation::Relu));
    let cancel = Cancel::new();
    let mut epochs = 0;
    let mut observer = |e: &Event| {
        if let Event::Epoch { record, .. } = e {
            epochs += record.epoch.min(1);
        }
    };
    let before = ALLOCATIONS.with(Cell::get);
    let model = Fit::new(&spec, &data, config)
        .cancel(&cancel)
        .run(&mut observer)
        .unwrap();
    let used = ALLOCATIONS.with(Cell::get) - before;
    (used, model.history.records.len())
}

#[test]
fn fit_allocates_nothing_per_epoch() {
    for base in [
        TrainConfig::default(),
        TrainConfig {
            batch_size: Some(32),
            ..TrainConfig::default()
        },
        TrainConfig {
            early_stopping: Some(EarlyStopping {
                patience: 10_000,
                validation_fraction: 0.2,
            }),
            ..TrainConfig::default()
        },
    ] {
        let short = TrainConfig {
            epochs: 10,
            ..base.clone()
        };
        let long = TrainConfig {
            epochs: 500,
            ..base
        };
        let (a, na) = allocations(&short);
        let (b, nb) = allocations(&long);
        assert_eq!((na, nb), (10, 500));
        // History capacity is reserved up front for every epoch, so the
        // count does not depend on the number of epochs.
        assert_eq!(
            a, b,
            "allocations grow with epochs: {a} for 10, {b} for 500"
        );
    }
}
