//! The page itself (embedded HTML, JS and CSS), `/health` and `/api/meta`
//! (the activations, presets, defaults and caps the form needs).

use super::request::{name_of, INIT_RNGS, PAGE_REPEATS, PRESET, SCALINGS};
use super::state::{AppState, HEART};
use super::wire::{
    ActivationEntry, FormDefaults, Health, LayerEntry, Meta, ParamInfo, PresetEntry, TableInfo,
};
use axum::extract::State;
use axum::http::header;
use axum::response::{Html, IntoResponse};
use axum::Json;
use nonlin::model::activation::table::TABLE;
use nonlin::run::{Hidden, Preset, RunConfig, StudyConfig};
use nonlin::train::{OptimizerConfig, OptimizerKind};
use std::sync::Arc;

pub async fn index() -> Html<&'static str> {
    Html(include_str!("assets/index.html"))
}

pub async fn script() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        include_str!("assets/app.js"),
    )
}

pub async fn results_script() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        include_str!("assets/results.js"),
    )
}

pub async fn regression_script() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        include_str!("assets/regression.js"),
    )
}

pub async fn task_script() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        include_str!("assets/task.js"),
    )
}

pub async fn style() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
        include_str!("assets/style.css"),
    )
}

pub async fn health(State(state): State<Arc<AppState>>) -> Json<Health> {
    Json(Health {
        status: "ok",
        active_runs: state.active(),
    })
}

/// A preset's models as form values.
fn preset_entries(config: &RunConfig) -> Vec<PresetEntry> {
    let train = &config.train;
    config
        .models
        .iter()
        .map(|d| PresetEntry {
            name: d.name.clone(),
            layers: match &d.hidden {
                Hidden::Widths { widths, activation } => widths
                    .iter()
                    .map(|&width| LayerEntry {
                        width,
                        activation: activation.clone(),
                    })
                    .collect(),
                Hidden::Layers(layers) => layers
                    .iter()
                    .map(|l| LayerEntry {
                        width: l.width,
                        activation: l.activation.clone(),
                    })
                    .collect(),
                Hidden::Spec(_) => Vec::new(),
            },
            optimizer: train.optimizer.kind().name(),
            lr: short(train.optimizer.lr()),
            epochs: train.epochs,
            scaling: name_of(SCALINGS, config.split.scaling),
            seed: config.seed,
            init_rng: name_of(INIT_RNGS, config.init_rng),
            batch_size: train.batch_size,
        })
        .collect()
}

/// The form's first values: the page's preset, and PyTorch's defaults of
/// the optimizer values the form shows.
fn defaults() -> FormDefaults {
    let run = preset_entries(&PRESET.config()).remove(0);
    let (momentum, beta1, beta2) = match (OptimizerConfig::sgd(1.0), OptimizerConfig::adam(1.0)) {
        (OptimizerConfig::Sgd { momentum, .. }, OptimizerConfig::Adam(adam)) => {
            (momentum, adam.beta1, adam.beta2)
        }
        _ => (0.0, 0.9, 0.999),
    };
    FormDefaults {
        run,
        momentum: short(momentum),
        beta1: short(beta1),
        beta2: short(beta2),
        repeats: PAGE_REPEATS,
        folds: StudyConfig::DEFAULT_FOLDS,
    }
}

/// What the form needs from the server.
pub async fn meta(State(state): State<Arc<AppState>>) -> Json<Meta> {
    let activations = TABLE
        .iter()
        .map(|a| ActivationEntry {
            name: a.name,
            usage: a.usage(),
            help: a.help,
            params: a
                .params
                .iter()
                .map(|p| ParamInfo {
                    name: p.name,
                    default: short(p.default),
                })
                .collect(),
        })
        .collect();
    let (id, table, target) = state.default_data();
    Json(Meta {
        version: env!("CARGO_PKG_VERSION"),
        activations,
        optimizers: OptimizerKind::NAMES,
        // The preset buttons: the tutorial's three models with its training.
        presets: preset_entries(&Preset::Compare.config()),
        defaults: defaults(),
        limits: state.limits,
        data: TableInfo::new(id, table, target),
        heart: TableInfo::new(HEART, state.heart(), nonlin::data::HEART_FAILURE_TARGET),
        options: state.options.clone(),
    })
}

/// An f32 as the shortest decimal that reads back as it (0.01, not
/// 0.009999999776482582), for the form.
fn short(x: f32) -> f64 {
    x.to_string().parse().unwrap_or(x as f64)
}
