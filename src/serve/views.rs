//! A run's views of its network, while it trains (the latest snapshot) and
//! when it ends (the final model): `GET /api/runs/{id}/decision` for a
//! classifier, `GET /api/runs/{id}/curve` for a regression. A view that
//! does not apply to the run's task, or an input the run does not have, is
//! refused with 400 naming the field.

use super::curve::{prediction_curve, CURVE_POINTS};
use super::decision::decision_grid;
use super::error::ApiError;
use super::runs::{blocking, Shared};
use super::state::RunSlot;
use super::task_data::TaskData;
use super::wire::{Curve, Decision};
use axum::extract::{Path, Query};
use axum::Json;
use nonlin::data::Task;
use nonlin::model::Network;
use std::collections::HashMap;
use std::sync::Arc;

/// Cells along each side of the decision view.
const DECISION_CELLS: usize = 48;

/// The network a view shows: the finished run's model, or while it trains
/// the latest snapshot; `epoch`: the network's, `finished`: whether it is
/// the final model.
struct Shown {
    net: Network,
    epoch: usize,
    finished: bool,
}

/// Calls `f` with the network the run's views show and the run's data.
fn with_network<T>(
    id: u64,
    slot: &RunSlot,
    f: impl FnOnce(&Shown, &TaskData) -> Result<T, ApiError>,
) -> Result<T, ApiError> {
    // The live state first: a run that ends in between has set its result
    // before letting the live state go.
    let (snapshot, live) = (slot.live.snapshot(), slot.live.data());
    if let Some(r) = slot.result.get() {
        let m = r
            .models
            .first()
            .ok_or_else(|| ApiError::not_found("the run trained no model"))?;
        let shown = Shown {
            net: m.net.clone(),
            epoch: m.history.records.len().saturating_sub(1),
            finished: true,
        };
        return f(&shown, &TaskData::of_result(r));
    }
    match (snapshot, live) {
        (Some(s), Some(data)) => {
            let shown = Shown {
                net: s.net,
                epoch: s.epoch,
                finished: false,
            };
            f(&shown, &data.view())
        }
        _ => Err(ApiError::not_found(format!(
            "run {id} has not finished an epoch yet"
        ))),
    }
}

/// Input `name` of the run: by name, else (a whole number no input is
/// named) by its 0-based position.
fn input(data: &TaskData, field: &str, name: Option<&String>) -> Result<usize, ApiError> {
    let feats = &data.prepared.features;
    let name = name.ok_or_else(|| ApiError::field(field, "is required: a feature name"))?;
    if let Some(j) = feats.iter().position(|f| f == name) {
        return Ok(j);
    }
    match name.trim().parse::<usize>() {
        Ok(j) if j < feats.len() => Ok(j),
        Ok(j) => Err(ApiError::field(
            field,
            format!(
                "feature index {j} is out of range: this run has {} inputs (0 to {})",
                feats.len(),
                feats.len() - 1
            ),
        )),
        Err(_) => Err(ApiError::field(
            field,
            format!("'{name}' is not a feature of this run"),
        )),
    }
}

/// 400 unless the run's task is `want`'s (`view`: the view's name).
fn require(data: &TaskData, view: &str, fits: bool, want: &str) -> Result<(), ApiError> {
    if fits {
        return Ok(());
    }
    Err(ApiError::field(
        "task",
        format!(
            "the {view} is drawn for {want}; this run's target is {}",
            data.task
        ),
    ))
}

/// `GET /api/runs/{id}/decision?x=FEATURE&y=FEATURE`: a classifier over
/// the plane of two inputs.
pub async fn decision(
    axum::extract::State(state): Shared,
    Path(id): Path<u64>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Json<Decision>, ApiError> {
    let slot: Arc<RunSlot> = state.run(id)?;
    blocking(move || {
        with_network(id, &slot, |shown, data| {
            require(
                data,
                "decision view",
                data.task.is_classification(),
                "a class target (binary or multiclass)",
            )?;
            let fx = input(data, "x", q.get("x"))?;
            let fy = input(data, "y", q.get("y"))?;
            Ok(Json(decision_grid(
                &shown.net,
                data,
                (fx, fy),
                DECISION_CELLS,
                (shown.epoch, shown.finished),
            )))
        })
    })
    .await
}

/// `GET /api/runs/{id}/curve?feature=FEATURE`: a regression's prediction
/// along one input (by name, or by its 0-based position), the others at
/// their training medians.
pub async fn curve(
    axum::extract::State(state): Shared,
    Path(id): Path<u64>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Json<Curve>, ApiError> {
    let slot: Arc<RunSlot> = state.run(id)?;
    if let Some(k) = q.keys().find(|k| k.as_str() != "feature") {
        return Err(ApiError::field(
            k.clone(),
            "is not a setting of the curve; the setting is: feature",
        ));
    }
    blocking(move || {
        with_network(id, &slot, |shown, data| {
            require(
                data,
                "prediction curve",
                data.task == Task::Regression,
                "a regression target",
            )?;
            let j = input(data, "feature", q.get("feature"))?;
            Ok(Json(prediction_curve(
                &shown.net,
                data,
                j,
                CURVE_POINTS,
                (shown.epoch, shown.finished),
            )))
        })
    })
    .await
}
