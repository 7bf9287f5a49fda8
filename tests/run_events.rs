//! The library door: pipelines driven with an observer, checked through the
//! events they emit (count, order, divergence, cancellation).

use nonlin::data::Dataset;
use nonlin::run::models::study_models;
use nonlin::run::{split_run, study, Cancel, Event, ModelDef, RunConfig, StudyConfig};
use nonlin::train::{OptimizerConfig, TrainConfig};
use nonlin::Error;

/// What an event was, without its borrowed payload.
#[derive(Debug, Clone, PartialEq)]
enum Seen {
    Started(String),
    ModelStarted(String),
    Epoch(String, usize),
    ModelFinished(String, bool, usize),
    Fold,
    Diverged(String, usize),
    Written,
}

fn record(log: &mut Vec<Seen>) -> impl FnMut(&Event) + Send + '_ {
    move |e: &Event| {
        log.push(match *e {
            Event::Started { kind, .. } => Seen::Started(kind.into()),
            Event::ModelStarted { model, .. } => Seen::ModelStarted(model.into()),
            Event::Epoch { model, record, .. } => Seen::Epoch(model.into(), record.epoch),
            Event::ModelFinished {
                model,
                cancelled,
                history,
                ..
            } => Seen::ModelFinished(model.into(), cancelled, history.records.len()),
            Event::FoldFinished { .. } => Seen::Fold,
            Event::Diverged { model, epoch, .. } => Seen::Diverged(model.into(), epoch),
            Event::Written { .. } => Seen::Written,
        })
    }
}

fn short(mut config: RunConfig, epochs: usize) -> RunConfig {
    config.train.epochs = epochs;
    config
}

#[test]
fn compare_emits_every_epoch_of_every_model_in_order() {
    let data = Dataset::heart_failure();
    let config = short(RunConfig::compare(), 30);
    let mut log = Vec::new();
    let result = split_run::run(&data, &config, &mut record(&mut log), &Cancel::new()).unwrap();
    let names = ["model_0", "deeper_model", "model_non_linear"];
    let mut expected = vec![Seen::Started("compare".into())];
    for n in names {
        expected.push(Seen::ModelStarted(n.into()));
        expected.extend((0..30).map(|e| Seen::Epoch(n.into(), e)));
        expected.push(Seen::ModelFinished(n.into(), false, 30));
    }
    assert_eq!(log, expected);
    assert!(!result.cancelled);
    assert_eq!(result.summary.len(), 3);
    // The epoch events carry the same rows as the returned histories.
    for m in &result.models {
        assert_eq!(m.history.records.len(), 30);
    }
}

#[test]
fn an_absurd_learning_rate_emits_diverged_and_fails() {
    let data = Dataset::heart_failure();
    let mut config = short(RunConfig::train_tutorial(), 50);
    config.train.optimizer = OptimizerConfig::sgd(1e30);
    let mut log = Vec::new();
    let err = split_run::run(&data, &config, &mut record(&mut log), &Cancel::new()).unwrap_err();
    let Error::Diverged { epoch, .. } = err else {
        panic!("expected a divergence, got {err}");
    };
    assert_eq!(log.last(), Some(&Seen::Diverged("model".into(), epoch)));
    assert!(!log.iter().any(|s| matches!(s, Seen::ModelFinished(..))));
}

#[test]
fn cancelling_after_n_epochs_leaves_n_rows() {
    let data = Dataset::heart_failure();
    let mut config = short(RunConfig::compare(), 1000);
    config.models = vec![ModelDef::spec("5-relu"), ModelDef::spec("5-tanh")];
    let cancel = Cancel::new();
    let mut epochs = 0;
    let flag = cancel.clone();
    let mut stop_after_7 = |e: &Event| {
        if let Event::Epoch { .. } = e {
            epochs += 1;
            if epochs == 7 {
                flag.cancel();
            }
        }
    };
    let result = split_run::run(&data, &config, &mut stop_after_7, &cancel).unwrap();
    assert!(result.cancelled);
    assert_eq!(result.models.len(), 1, "the second model never starts");
    assert_eq!(result.models[0].history.records.len(), 7);
    assert_eq!(result.summary[0].epochs, 7);
}

#[test]
fn cancelling_before_the_first_epoch_trains_nothing() {
    let data = Dataset::heart_failure();
    let cancel = Cancel::new();
    cancel.cancel();
    let mut log = Vec::new();
    let result =
        split_run::run(&data, &RunConfig::compare(), &mut record(&mut log), &cancel).unwrap();
    assert!(result.cancelled && result.models.is_empty() && result.summary.is_empty());
    assert_eq!(log, vec![Seen::Started("compare".into())]);
}

#[test]
fn study_reports_every_fold_and_can_be_cancelled() {
    let data = Dataset::heart_failure();
    let mut config = StudyConfig::new(
        study_models(data.n_features(), 1)[..2].to_vec(),
        TrainConfig::tutorial(20, 0.01),
        3,
    );
    config.repeats = 2;
    config.folds = 3;
    let mut log = Vec::new();
    let r = study::run(&data, &config, &mut record(&mut log), &Cancel::new()).unwrap();
    assert_eq!(log.len(), config.n_runs());
    assert!(log.iter().all(|s| *s == Seen::Fold));
    assert_eq!(r.records.len(), config.n_runs());

    let cancel = Cancel::new();
    cancel.cancel();
    let err = study::run(&data, &config, &mut |_: &Event| {}, &cancel).unwrap_err();
    assert!(matches!(err, Error::Cancelled), "{err}");
}

#[test]
fn settings_are_validated_in_field_terms() {
    let data = Dataset::heart_failure();
    let mut config = RunConfig::train();
    config.train.early_stopping = Some(nonlin::train::EarlyStopping {
        patience: 5,
        validation_fraction: 1.5,
    });
    let err = split_run::run(&data, &config, &mut |_: &Event| {}, &Cancel::new()).unwrap_err();
    match err {
        Error::Invalid { field, message } => {
            assert_eq!(field, "validation_fraction");
            assert!(message.contains("between 0 and 1"), "{message}");
        }
        other => panic!("expected a field error, got {other}"),
    }
    let mut config = RunConfig::train();
    config.split.test_size = 0.0;
    let err = split_run::run(&data, &config, &mut |_: &Event| {}, &Cancel::new()).unwrap_err();
    assert!(
        matches!(err, Error::Invalid { ref field, .. } if field == "test_size"),
        "{err}"
    );
}
