//! A cross-validation study through the library, with an observer that
//! counts finished folds: `cargo run --release --example study`
use nonlin::data::Dataset;
use nonlin::report::study::sentences;
use nonlin::run::models::study_models;
use nonlin::run::{study, Cancel, Event, StudyConfig};
use nonlin::train::TrainConfig;

fn main() -> nonlin::Result<()> {
    let data = Dataset::heart_failure();
    let mut config = StudyConfig::new(
        study_models(data.n_features(), data.outputs()),
        TrainConfig::default(),
        0,
    );
    config.repeats = 2;
    let mut folds = 0;
    let total = config.n_runs();
    let mut count = |e: &Event| {
        if let Event::FoldFinished { .. } = e {
            folds += 1;
        }
    };
    let result = study::run(&data, &config, &mut count, &Cancel::new())?;
    println!("{folds} of {total} fold runs reported");
    println!("{}", sentences(&result, "accuracy"));
    Ok(())
}
