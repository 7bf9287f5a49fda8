//! Training and studies over HTTP: `POST /api/runs` and `POST /api/study`
//! answer with a stream of events (SSE) while the work runs on a blocking
//! worker thread; a run's controls and files by its id (its views of the
//! network: [`super::views`]).

use super::control::Control;
use super::error::ApiError;
use super::form::{parse_body, Form};
use super::forward::Forwarder;
use super::live::LiveTap;
use super::outcome::done_message;
use super::request::{data_choice, run_settings, study_config, DataChoice, StudyShape};
use super::sse::{self, BUFFER};
use super::state::{AppState, RunSlot};
use super::task_data::{class_names, RunData};
use super::wire::{ControlAnswer, FileEntry, FileList, Msg, StudySentences};
use super::words::page_notes;
use super::worker;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use nonlin::data::{Dataset, Note, Task};
use nonlin::eval::study::{compared_of, metric_info, StudyResult};
use nonlin::report::study::{accuracy_mcc_svg, console_table, sentences};
use nonlin::run::{outputs, study, OutputOptions, Plan};
use std::sync::Arc;
use tokio::sync::mpsc;

pub type Shared = State<Arc<AppState>>;

fn body_or_400(body: Result<Bytes, BytesRejection>) -> Result<Bytes, ApiError> {
    body.map_err(|e| ApiError {
        status: e.status(),
        field: Some("body".into()),
        error: e.body_text(),
    })
}

/// Runs `f` on a blocking worker thread.
pub async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| ApiError::internal(format!("a worker thread failed: {e}")))?
}

/// Makes the data set as `train` does (on a worker thread: a large table
/// takes a while).
async fn dataset(choice: DataChoice) -> Result<Dataset, ApiError> {
    blocking(move || Ok(Dataset::from_table_with(&choice.table, &choice.options)?)).await
}

/// `POST /api/runs`: a `train` run; the answer is its event stream.
pub async fn start_run(
    State(state): Shared,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let body = parse_body(&body_or_400(body)?)?;
    let form = Form::new(&body);
    let config = run_settings(&form, &state.limits)?.config()?;
    let paused = form.opt_bool("paused")?.unwrap_or(false);
    let choice = data_choice(&form, state.as_ref(), &state.limits)?;
    let ds = dataset(choice).await?;
    // Split and preprocess once, here: the models are checked against the
    // prepared inputs (width, memory) before anything trains.
    // (The live results and the decision view read their own copy of the
    // prepared data; the run owns the other.)
    let (plan, live_data) = blocking(move || {
        let plan = Plan::new(ds, &config)?;
        let live_data = Arc::new(RunData::of_plan(&plan));
        Ok((plan, live_data))
    })
    .await?;
    // Bad input is told as such (400) even when the server is busy.
    let permit = state.permit()?;
    let id = state.next_id();
    let slot = state.add_run(id);
    if paused {
        slot.control.pause();
    }
    let notes: Vec<&Note> = plan.data_notes.iter().chain(&plan.split_notes).collect();
    let data_msg = Msg::Data {
        source: plan.source.clone(),
        rows: plan.n_rows,
        features: plan.prepared.features.clone(),
        positive: plan.labels.positive.to_string(),
        notes: page_notes(notes),
        task: plan.task,
        classes: class_names(&plan.classes),
    };
    slot.live.set_data(live_data);
    let (tx, rx) = mpsc::channel(BUFFER);
    let control = slot.control.clone();
    worker::spawn(control.cancel.clone(), move || {
        let _permit = permit;
        let tap = LiveTap::new(slot.live.clone());
        let mut fw = Forwarder::new(tx, slot.control.clone()).with_live(tap);
        fw.send(Msg::Run { id });
        fw.send(data_msg);
        match plan.run(&mut fw, &slot.control.cancel) {
            Ok(result) => {
                let msg = done_message(id, &result);
                let _ = slot.result.set(result);
                slot.live.clear();
                fw.send(msg);
            }
            // The `diverged` event has told the page already.
            Err(nonlin::Error::Diverged { .. }) => slot.live.clear(),
            Err(e) => {
                slot.live.clear();
                fw.send(error_message(e));
            }
        }
    })?;
    Ok(sse::stream(rx, control).into_response())
}

fn error_message(e: nonlin::Error) -> Msg {
    ApiError::from(e).body().into()
}

/// `POST /api/runs/{id}/control` with `{"action": "pause" | "resume" |
/// "step" | "stop"}`.
pub async fn control(
    State(state): Shared,
    Path(id): Path<u64>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<ControlAnswer>, ApiError> {
    let body = parse_body(&body_or_400(body)?)?;
    let form = Form::new(&body);
    form.only(&["action"])?;
    let action = form.choice("action", "", &["pause", "resume", "step", "stop"])?;
    let slot = state.run(id)?;
    let c: &Control = &slot.control;
    match action {
        "pause" => c.pause(),
        "resume" => c.resume(),
        "step" => c.step(),
        _ => c.stop(),
    }
    Ok(Json(ControlAnswer {
        id,
        action: action.to_string(),
    }))
}

/// The files `train` writes for this run, staged once.
async fn files_of(state: &AppState, id: u64) -> Result<Arc<RunSlot>, ApiError> {
    let slot = state.run(id)?;
    if slot.result.get().is_none() {
        return Err(ApiError::not_found(format!("run {id} has not finished")));
    }
    if slot.files.get().is_none() {
        let s = slot.clone();
        blocking(move || {
            let result = s
                .result
                .get()
                .ok_or_else(|| ApiError::not_found("no result"))?;
            let opts = OutputOptions {
                force: true,
                ..OutputOptions::default()
            };
            let staged = outputs::stage(result, &opts)?;
            let _ = s.files.set(staged.files);
            Ok(())
        })
        .await?;
    }
    Ok(slot)
}

/// `GET /api/runs/{id}/files`: the names and sizes.
pub async fn list_files(
    State(state): Shared,
    Path(id): Path<u64>,
) -> Result<Json<FileList>, ApiError> {
    let slot = files_of(&state, id).await?;
    let files = slot
        .files
        .get()
        .map(|f| {
            f.iter()
                .map(|(n, b)| FileEntry {
                    name: n.clone(),
                    bytes: b.len(),
                })
                .collect()
        })
        .unwrap_or_default();
    Ok(Json(FileList { id, files }))
}

/// `GET /api/runs/{id}/files/{name}`: one file, as a download.
pub async fn get_file(
    State(state): Shared,
    Path((id, name)): Path<(u64, String)>,
) -> Result<Response, ApiError> {
    let slot = files_of(&state, id).await?;
    let bytes = slot
        .files
        .get()
        .and_then(|f| f.iter().find(|(n, _)| *n == name).map(|(_, b)| b.clone()))
        .ok_or_else(|| ApiError::not_found(format!("run {id} has no file '{name}'")))?;
    let kind = match name.rsplit('.').next() {
        Some("csv") => "text/csv",
        Some("json") => "application/json",
        Some("html") => "text/html; charset=utf-8",
        Some("png") => "image/png",
        Some("svg") => "image/svg+xml",
        Some("txt") => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    };
    let file = name.replace('/', "_");
    Ok((
        [
            (header::CONTENT_TYPE, kind.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"run{id}_{file}\""),
            ),
        ],
        bytes,
    )
        .into_response())
}

/// `POST /api/study`: "Is it chance?" for the pinned models; the answer is
/// a stream of progress events, then the sentences and the strip plot.
pub async fn start_study(
    State(state): Shared,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let body = parse_body(&body_or_400(body)?)?;
    let form = Form::new(&body);
    let choice = data_choice(&form, state.as_ref(), &state.limits)?;
    let ds = dataset(choice).await?;
    // The models take the encoded inputs (text columns one-hot).
    let (ds, inputs) = blocking(move || {
        let d = study::input_width(&ds)?;
        Ok((ds, d))
    })
    .await?;
    let shape = StudyShape {
        inputs,
        outputs: ds.outputs(),
        task: ds.task,
    };
    let config = study_config(&form, shape, &state.limits)?;
    let permit = state.permit()?;
    let control = Arc::new(Control::default());
    let (tx, rx) = mpsc::channel(BUFFER);
    let c = control.clone();
    worker::spawn(control.cancel.clone(), move || {
        let _permit = permit;
        let mut fw = Forwarder::new(tx, c.clone());
        fw.send(Msg::StudyStarted {
            runs: config.n_runs(),
        });
        match study::run(&ds, &config, &mut fw, &c.cancel) {
            Ok(result) => fw.send(Msg::Study {
                sentences: study_sentences(&result),
                table: console_table(&result),
                svg: accuracy_mcc_svg(&result, 760, 360),
            }),
            Err(e) => fw.send(error_message(e)),
        }
    })?;
    Ok(sse::stream(rx, control).into_response())
}

/// The sentences of the study's comparisons: binary, accuracy's and MCC's;
/// another task, each of its compared metrics'.
fn study_sentences(result: &StudyResult) -> StudySentences {
    match result.task {
        Task::Binary => StudySentences::Binary {
            accuracy: sentences(result, "accuracy"),
            mcc: sentences(result, "mcc"),
        },
        task => StudySentences::Task {
            task,
            comparisons: compared_of(task)
                .iter()
                .map(|&m| {
                    let label = metric_info(m).map_or(m.to_string(), |i| i.label.to_string());
                    (label, sentences(result, m))
                })
                .collect(),
        },
    }
}
