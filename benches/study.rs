//! The default `nonlin study`: 10 × 5-fold CV of the five default networks
//! (250 trainings of 1000 epochs) plus the logistic (50 more trainings) and
//! majority baselines, on the embedded Heart Failure data, on one thread per core
//! (rayon's default; set RAYON_NUM_THREADS to change it).
//!
//! `cargo bench --bench study`

use nonlin::data::Dataset;
use nonlin::run::models::study_models;
use nonlin::run::{study, Cancel, Silent, StudyConfig};
use nonlin::train::TrainConfig;

fn main() {
    divan::main();
}

fn heart() -> Dataset {
    Dataset::heart_failure()
}

/// The whole default study (350 runs).
#[divan::bench(sample_count = 3, sample_size = 1)]
fn default_study(bencher: divan::Bencher) {
    let ds = heart();
    let config = StudyConfig::new(
        study_models(ds.n_features(), 1),
        TrainConfig::tutorial(1000, 0.01),
        0,
    );
    bencher
        .bench(|| study::run(&ds, divan::black_box(&config), &mut Silent, &Cancel::new()).unwrap());
}

/// One repeat of 5 folds (35 runs): a tenth of the default study.
#[divan::bench(sample_count = 5, sample_size = 1)]
fn one_repeat(bencher: divan::Bencher) {
    let ds = heart();
    let mut config = StudyConfig::new(
        study_models(ds.n_features(), 1),
        TrainConfig::tutorial(1000, 0.01),
        0,
    );
    config.repeats = 1;
    bencher
        .bench(|| study::run(&ds, divan::black_box(&config), &mut Silent, &Cancel::new()).unwrap());
}
