//! The figures and files of the bare command (`nonlin`: the tutorial's three
//! models × 1000 epochs), without the training: every file staged in memory
//! (11 SVG + PNG figures, histories, checkpoints, report.html), and one
//! line chart rasterized to PNG. Uses rayon's global pool (both cores).
//!
//! `cargo bench --bench figures`

use nonlin::data::Dataset;
use nonlin::report::figures::{self, HEIGHT, WIDTH};
use nonlin::report::png::svg_to_png;
use nonlin::run::{outputs, split_run, Cancel, OutputOptions, RunConfig, RunResult, Silent};
use std::sync::OnceLock;

fn main() {
    divan::main();
}

/// The bare command's trained models, once.
fn tutorial_run() -> &'static RunResult {
    static RUN: OnceLock<RunResult> = OnceLock::new();
    RUN.get_or_init(|| {
        let data = Dataset::heart_failure();
        split_run::run(&data, &RunConfig::compare(), &mut Silent, &Cancel::new()).unwrap()
    })
}

/// Every file of the bare command, staged (not written).
#[divan::bench(sample_count = 20, sample_size = 1)]
fn stage_compare_outputs(bencher: divan::Bencher) {
    let run = tutorial_run();
    let opts = OutputOptions::default();
    bencher.bench(|| outputs::stage(divan::black_box(run), &opts).unwrap());
}

/// One accuracy chart of 1000 epochs, SVG → 1200×800 PNG.
#[divan::bench(sample_count = 20, sample_size = 1)]
fn accuracy_chart_png(bencher: divan::Bencher) {
    let run = tutorial_run();
    let inputs = figures::FigureInputs {
        task: run.task,
        test: &run.prepared.test,
        classes: &run.classes,
        loss: &run.train.loss,
        target: &run.prepared.target,
        zoom: false,
    };
    let svg = figures::model_figures(&run.models[0], &inputs)
        .into_iter()
        .next()
        .unwrap()
        .svg;
    bencher.bench(|| svg_to_png(divan::black_box(&svg), WIDTH, HEIGHT).unwrap());
}
