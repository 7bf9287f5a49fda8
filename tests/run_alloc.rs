//! The run layer adds no allocation per epoch: training through `Fit` with
//! an observer allocates the same amount for 10 epochs as for 500 (all of
//! it in setup and in building the result).

use nonlin::data::{prepare, Dataset, PrepareOptions};
use nonlin::model::{Activation, Architecture};
use nonlin::run::{Cancel, Event, Fit, ModelSpec};
use nonlin::train::{EarlyStopping, TrainConfig};
mod thread_alloc;

#[global_allocator]
static GLOBAL: thread_alloc::Counting = thread_alloc::Counting;

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
    let before = thread_alloc::allocations();
    let model = Fit::new(&spec, &data, config)
        .cancel(&cancel)
        .run(&mut observer)
        .unwrap();
    let used = thread_alloc::allocations() - before;
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
