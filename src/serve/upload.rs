//! CSV uploads: `POST /api/data` reads the body with `train`'s reader and
//! its options (delimiter, decimal separator, header; detected unless
//! given), keeps the table, and checks it as `train --data` would with the
//! page's target, missing-value policy and positive label;
//! `GET /api/data/{id}/check` checks a kept table again with other choices.
//! The answer holds the reader's and the data layer's notes, and the error
//! `train` would stop with, word for word (`null` if none).

use super::error::ApiError;
use super::form::Form;
use super::limits::Limits;
use super::request::{dataset_options, Tables};
use super::state::AppState;
use super::task_data::class_names;
use super::wire::{Check, Upload};
use super::words::page_notes;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, Query, State};
use axum::Json;
use nonlin::data::{Dataset, ReadOptions, Table};
use nonlin::run::ReadSettings;
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::sync::Arc;

type Params = HashMap<String, String>;

/// The query parameters as a form (every value a string).
fn query_form(q: Params) -> Map<String, Value> {
    q.into_iter().map(|(k, v)| (k, Value::String(v))).collect()
}

/// The reader's options: `delimiter` (`,` `;` `tab` `|` `space`), `decimal`
/// (`.` or `,`), `header` (`yes` or `no`); absent or `detect`: detected.
/// The library reads the values.
fn read_options(form: &Form) -> Result<ReadOptions, ApiError> {
    let given = |field: &str| -> Result<Option<&str>, ApiError> {
        Ok(form.opt_str(field)?.filter(|s| *s != "detect"))
    };
    let header = match given("header")? {
        None => None,
        Some("yes") => Some(true),
        Some("no") => Some(false),
        Some(s) => {
            return Err(ApiError::field(
                "header",
                format!("must be yes, no or detect, got '{s}'"),
            ))
        }
    };
    let settings = ReadSettings {
        delimiter: given("delimiter")?.map(str::to_string),
        decimal: given("decimal")?.map(str::to_string),
        header,
    };
    Ok(settings.options()?)
}

/// What `train` would make of `table` with the form's target, missing-value
/// policy, positive label and task.
fn check(table: &Table, form: &Form, target: &str, limits: &Limits) -> Result<Check, ApiError> {
    let options = dataset_options(form, target, limits)?;
    Ok(match Dataset::from_table_with(table, &options) {
        Ok(ds) => Check {
            target: target.to_string(),
            task: Some(ds.task),
            classes: class_names(&ds.classes),
            notes: page_notes(&ds.notes),
            error: None,
        },
        Err(e) => Check {
            target: target.to_string(),
            task: None,
            classes: Vec::new(),
            notes: page_notes(&table.notes()),
            error: Some(ApiError::from(e).body()),
        },
    })
}

/// `POST /api/data?name=FILE[&target=COL&missing=…&positive=…&categorical=A,B&task=…&max_classes=…&delimiter=…&decimal=…&header=…]`.
pub async fn upload(
    State(state): State<Arc<AppState>>,
    Query(q): Query<Params>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<Upload>, ApiError> {
    let body = body.map_err(|e| ApiError {
        status: e.status(),
        field: Some("data".into()),
        error: format!(
            "{} (the limit is {} bytes)",
            e.body_text(),
            state.limits.upload_bytes
        ),
    })?;
    let form = query_form(q);
    let f = Form::new(&form);
    f.only(&[
        "name",
        "target",
        "missing",
        "positive",
        "categorical",
        "task",
        "max_classes",
        "delimiter",
        "decimal",
        "header",
    ])?;
    let name = f.opt_str("name")?.unwrap_or("upload.csv").to_string();
    let options = read_options(&f)?;
    let wanted = f.opt_str("target")?.map(str::to_string);
    let limits = state.limits;
    // Reading and checking take a while on a large table: a worker thread.
    let (table, check) = tokio::task::spawn_blocking(move || {
        let table = Table::from_csv_bytes_with(&body, &name, &options)?;
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
        let target = wanted.unwrap_or_else(|| guess_target(&table));
        let answer = check(&table, &Form::new(&form), &target, &limits)?;
        Ok((table, answer))
    })
    .await
    .map_err(|e| ApiError::internal(format!("the upload worker failed: {e}")))??;
    Ok(Json(Upload {
        check,
        columns: table.names(),
        rows: table.n_rows(),
        source: table.source.clone(),
        id: state.add_table(table),
    }))
}

/// `GET /api/data/{id}/check?target=COL[&missing=…&positive=…&categorical=A,B&task=…&max_classes=…]`.
pub async fn recheck(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    Query(q): Query<Params>,
) -> Result<Json<Check>, ApiError> {
    let form = query_form(q);
    let f = Form::new(&form);
    f.only(&[
        "target",
        "missing",
        "positive",
        "categorical",
        "task",
        "max_classes",
    ])?;
    let table = state.table(&id).ok_or_else(|| {
        ApiError::not_found(format!(
            "no table '{id}' (uploads are kept for a while only; upload it again)"
        ))
    })?;
    let target = f
        .opt_str("target")?
        .map_or_else(|| guess_target(&table), str::to_string);
    let limits = state.limits;
    let answer =
        tokio::task::spawn_blocking(move || check(&table, &Form::new(&form), &target, &limits))
            .await
            .map_err(|e| ApiError::internal(format!("the check worker failed: {e}")))??;
    Ok(Json(answer))
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
