//! Running models on prepared data: one model ([`train_one`]) or the
//! tutorial's comparison ([`tutorial_models`]), with the summary table.

use crate::data::Prepared;
use crate::error::Result;
use crate::model::{Activation, Architecture, Network};
use crate::train::{EpochRecord, History, TrainConfig, Trainer};
use serde::Serialize;

/// A named architecture to train.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelSpec {
    pub name: String,
    pub arch: Architecture,
}

impl ModelSpec {
    pub fn new(name: &str, arch: Architecture) -> ModelSpec {
        ModelSpec {
            name: name.to_string(),
            arch,
        }
    }
}

/// The tutorial's three networks for `d` input features.
pub fn tutorial_models(d: usize) -> Vec<ModelSpec> {
    vec![
        ModelSpec::new("model_0", Architecture::mlp(d, &[5], Activation::Identity)),
        ModelSpec::new(
            "deeper_model",
            Architecture::mlp(d, &[20, 20], Activation::Identity),
        ),
        ModelSpec::new(
            "model_non_linear",
            Architecture::mlp(d, &[5], Activation::Relu),
        ),
    ]
}

/// A trained model and how it got there.
#[derive(Debug, Clone)]
pub struct TrainedModel {
    pub name: String,
    pub net: Network,
    pub history: History,
}

/// Trains one model. `init` replaces the seeded initialisation (e.g. weights
/// exported from PyTorch); `on_epoch` sees every epoch (for logs and progress).
pub fn train_one(
    spec: &ModelSpec,
    data: &Prepared,
    config: &TrainConfig,
    seed: u64,
    init: Option<Network>,
    on_epoch: impl FnMut(&History, &EpochRecord),
) -> Result<TrainedModel> {
    let net = init.unwrap_or_else(|| Network::new(spec.arch.clone(), seed));
    let (train, val) = match config.early_stopping {
        Some(es) => {
            let (t, v) = data
                .train
                .split_validation(es.validation_fraction, seed as u32)?;
            (t, Some(v))
        }
        None => (data.train.clone(), None),
    };
    let mut trainer = Trainer::new(
        &spec.name,
        net,
        config.clone(),
        &train,
        &data.test,
        val.as_ref(),
    )?;
    trainer.run(on_epoch)?;
    let (net, history) = trainer.finish();
    Ok(TrainedModel {
        name: spec.name.clone(),
        net,
        history,
    })
}

/// One line of the summary table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SummaryRow {
    pub model: String,
    pub arch: String,
    pub epochs: usize,
    pub final_train_loss: f64,
    pub final_train_acc: f64,
    pub final_test_loss: f64,
    pub final_test_acc: f64,
    pub best_test_acc: f64,
    pub best_test_epoch: usize,
}

impl SummaryRow {
    pub fn of(m: &TrainedModel) -> SummaryRow {
        let h = &m.history;
        let last = h.last().expect("a trained model has at least one epoch");
        let best = h
            .best_test()
            .expect("a trained model has at least one epoch");
        SummaryRow {
            model: m.name.clone(),
            arch: m.net.arch.to_string(),
            epochs: h.records.len(),
            final_train_loss: last.train_loss as f64,
            final_train_acc: h.train_acc(last),
            final_test_loss: last.test_loss as f64,
            final_test_acc: h.test_acc(last),
            best_test_acc: h.test_acc(best),
            best_test_epoch: best.epoch,
        }
    }
}

pub const SUMMARY_HEADERS: [&str; 7] = [
    "model",
    "arch",
    "final test acc",
    "best test acc",
    "best epoch",
    "final train loss",
    "final test loss",
];

/// The summary as table cells (same columns as [`SUMMARY_HEADERS`]).
pub fn summary_cells(rows: &[SummaryRow]) -> Vec<Vec<String>> {
    rows.iter()
        .map(|r| {
            vec![
                r.model.clone(),
                r.arch.clone(),
                format!("{:.2}%", r.final_test_acc),
                format!("{:.2}%", r.best_test_acc),
                r.best_test_epoch.to_string(),
                format!("{:.5}", r.final_train_loss),
                format!("{:.5}", r.final_test_loss),
            ]
        })
        .collect()
}

/// A plain-text table with aligned columns.
pub fn text_table(headers: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for r in rows {
        for (w, c) in widths.iter_mut().zip(r) {
            *w = (*w).max(c.chars().count());
        }
    }
    let line = |cells: Vec<&str>| -> String {
        let parts: Vec<String> = cells
            .iter()
            .zip(&widths)
            .enumerate()
            .map(|(i, (c, &w))| {
                if i < 2 {
                    format!("{c:<w$}")
                } else {
                    format!("{c:>w$}")
                }
            })
            .collect();
        parts.join("  ").trim_end().to_string() + "\n"
    };
    let mut s = line(headers.to_vec());
    s += &line(
        widths
            .iter()
            .map(|&w| "-".repeat(w))
            .collect::<Vec<_>>()
            .iter()
            .map(String::as_str)
            .collect(),
    );
    for r in rows {
        s += &line(r.iter().map(String::as_str).collect());
    }
    s
}

/// CSV of the summary rows.
pub fn summary_csv(rows: &[SummaryRow]) -> String {
    let mut s = String::from(
        "model,arch,epochs,final_train_loss,final_train_acc,final_test_loss,final_test_acc,best_test_acc,best_test_epoch\n",
    );
    for r in rows {
        s += &format!(
            "{},{},{},{:?},{:?},{:?},{:?},{:?},{}\n",
            r.model,
            r.arch,
            r.epochs,
            r.final_train_loss,
            r.final_train_acc,
            r.final_test_loss,
            r.final_test_acc,
            r.best_test_acc,
            r.best_test_epoch
        );
    }
    s
}
