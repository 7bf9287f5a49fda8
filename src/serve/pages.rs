//! The page itself (embedded HTML, JS and CSS), `/health`, `/api/meta` (the
//! activations, presets, defaults and caps the form needs) and CSV uploads.

use super::error::ApiError;
use super::state::{AppState, HEART};
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{Html, IntoResponse};
use axum::Json;
use nonlin::data::dataset::FeatureSelection;
use nonlin::data::{Dataset, Table};
use nonlin::model::activation::table::TABLE;
use nonlin::run::split_run::tutorial_defs;
use nonlin::run::Hidden;
use nonlin::train::TrainConfig;
use serde_json::{json, Value};
use std::collections::HashMap;
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
    }))
}

/// An f32 as the shortest decimal that reads back as it (0.01, not
/// 0.009999999776482582), for the form.
fn short(x: f32) -> f64 {
    x.to_string().parse().unwrap_or(x as f64)
}

fn table_info(id: &str, t: &Table, target: &str) -> Value {
    json!({ "id": id, "source": t.source, "columns": t.names(), "rows": t.n_rows(), "target": target })
}

/// `POST /api/data?name=FILE&target=COL`: a CSV body, read with `train`'s
/// reader (its errors word for word, with `name` as the source).
pub async fn upload(
    State(state): State<Arc<AppState>>,
    Query(q): Query<HashMap<String, String>>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<Value>, ApiError> {
    let body = body.map_err(|e| ApiError {
        status: e.status(),
        field: Some("data".into()),
        error: format!(
            "{} (the limit is {} bytes)",
            e.body_text(),
            state.limits.upload_bytes
        ),
    })?;
    let name = q
        .get("name")
        .map_or("upload.csv", String::as_str)
        .to_string();
    if name.len() > 200 {
        return Err(ApiError::field("name", "is longer than 200 characters"));
    }
    let target = q.get("target").cloned();
    let wanted = target.clone();
    let limits = state.limits;
    let table = tokio::task::spawn_blocking(move || -> Result<Table, ApiError> {
        let table = Table::from_csv_bytes(&body, &name)?;
        let cells = table.n_rows() * table.n_cols();
        if cells > limits.cells {
            return Err(ApiError::field(
                "data",
                format!(
                    "{name}: {} rows × {} columns is more than this server takes ({} cells)",
                    table.n_rows(),
                    table.n_cols(),
                    limits.cells
                ),
            ));
        }
        // train's checks of the columns: a text or odd cell is told now.
        let target = wanted.unwrap_or_else(|| guess_target(&table));
        Dataset::from_table(&table, &target, &FeatureSelection::All)?;
        Ok(table)
    })
    .await
    .map_err(|e| ApiError::internal(format!("the upload worker failed: {e}")))??;
    let guess = target.unwrap_or_else(|| guess_target(&table));
    let info_cols = table.names();
    let rows = table.n_rows();
    let source = table.source.clone();
    let id = state.add_table(table);
    Ok(Json(json!({
        "id": id, "source": source, "columns": info_cols, "rows": rows, "target": guess,
    })))
}

/// `DEATH_EVENT` if there, else the last column.
fn guess_target(t: &Table) -> String {
    let heart = nonlin::data::HEART_FAILURE_TARGET;
    let names = t.names();
    if names.iter().any(|c| c == heart) {
        heart.to_string()
    } else {
        names.last().cloned().unwrap_or_default()
    }
}
