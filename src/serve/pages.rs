//! The page itself (embedded HTML, JS and CSS), `/health` and `/api/meta`
//! (the activations, presets, defaults and caps the form needs).

use super::state::{AppState, HEART};
use axum::extract::State;
use axum::http::header;
use axum::response::{Html, IntoResponse};
use axum::Json;
use nonlin::data::Table;
use nonlin::model::activation::table::TABLE;
use nonlin::run::split_run::tutorial_defs;
use nonlin::run::Hidden;
use nonlin::train::TrainConfig;
use serde_json::{json, Value};
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

pub async fn style() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
        include_str!("assets/style.css"),
    )
}

pub async fn health(State(state): State<Arc<AppState>>) -> Json<Value> {
    Json(json!({ "status": "ok", "active_runs": state.active() }))
}

/// What the form needs from the server.
pub async fn meta(State(state): State<Arc<AppState>>) -> Json<Value> {
    let activations: Vec<Value> = TABLE
        .iter()
        .map(|a| {
            json!({
                "name": a.name,
                "usage": a.usage(),
                "help": a.help,
                "params": a.params.iter().map(|p| json!({"name": p.name, "default": short(p.default)})).collect::<Vec<_>>(),
            })
        })
        .collect();
    let presets: Vec<Value> = tutorial_defs()
        .into_iter()
        .map(|d| {
            let layers = match &d.hidden {
                Hidden::Widths { widths, activation } => widths
                    .iter()
                    .map(|w| json!({"width": w, "activation": activation}))
                    .collect::<Vec<_>>(),
                Hidden::Spec(_) => Vec::new(),
            };
            json!({
                "name": d.name, "layers": layers, "optimizer": "sgd", "lr": short(TrainConfig::DEFAULT_LR),
                "epochs": TrainConfig::DEFAULT_EPOCHS, "scaling": "before_split", "seed": 42,
                "init_rng": "torch", "batch_size": null,
            })
        })
        .collect();
    let (id, table, target) = state.default_data();
    Json(json!({
        "version": env!("CARGO_PKG_VERSION"),
        "activations": activations,
        "optimizers": ["sgd", "adam", "adamw"],
        "presets": presets,
        "limits": state.limits,
        "data": table_info(id, table, target),
        "heart": table_info(HEART, state.heart(), nonlin::data::HEART_FAILURE_TARGET),
        "options": state.options,
    }))
}

/// An f32 as the shortest decimal that reads back as it (0.01, not
/// 0.009999999776482582), for the form.
fn short(x: f32) -> f64 {
    x.to_string().parse().unwrap_or(x as f64)
}

pub fn table_info(id: &str, t: &Table, target: &str) -> Value {
    json!({ "id": id, "source": t.source, "columns": t.names(), "rows": t.n_rows(), "target": target })
}
