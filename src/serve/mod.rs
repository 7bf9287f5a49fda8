//! `nonlin serve`: the playground. A small HTTP server (axum on tokio) that
//! serves one embedded page and turns its requests into the library's run
//! configurations; training runs on blocking worker threads and its events
//! reach the page as Server-Sent Events. Bound to 127.0.0.1 unless told
//! otherwise. No training logic lives here.

mod control;
mod curve;
mod decision;
mod error;
mod form;
mod forward;
mod limits;
mod live;
mod outcome;
mod pages;
mod request;
mod runs;
mod sse;
mod state;
mod task_data;
mod upload;
mod views;
mod wire;
mod words;
mod worker;

use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use axum::Router;
use limits::Limits;
pub use limits::DEFAULT_MAX_RUNS;
use nonlin::data::{MissingPolicy, Table};
use nonlin::error::{Error, Result};
use nonlin::run::settings::missing_policy;
use nonlin::run::ReadSettings;
use state::AppState;
use std::io::Write;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use wire::PageOptions;

/// How to serve: what a front end (the command line) gives the server.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// CSV file the page starts with (default: the embedded Heart Failure data).
    pub data: Option<PathBuf>,
    /// Target column of `data` (default: DEATH_EVENT).
    pub target: Option<String>,
    /// How `data` is read.
    pub read: ReadSettings,
    /// The page's first missing-value policy, by name (default: error).
    pub missing: Option<String>,
    /// The page's first positive label.
    pub positive: Option<String>,
    /// The page's first categorical columns.
    pub categorical: Vec<String>,
    pub host: IpAddr,
    /// 0: any free port (the URL printed tells which).
    pub port: u16,
    /// Open the page in the default browser.
    pub open: bool,
    /// Trainings and studies that may run at once (more get HTTP 429).
    pub max_runs: usize,
}

impl Default for ServeOptions {
    fn default() -> ServeOptions {
        ServeOptions {
            data: None,
            target: None,
            read: ReadSettings::default(),
            missing: None,
            positive: None,
            categorical: Vec::new(),
            host: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: 8080,
            open: false,
            max_runs: DEFAULT_MAX_RUNS,
        }
    }
}

/// The routes of the server.
fn router(state: Arc<AppState>) -> Router {
    let limit = state.limits.upload_bytes;
    let json = DefaultBodyLimit::max(state.limits.json_bytes);
    Router::new()
        .route("/", get(pages::index))
        .route("/app.js", get(pages::script))
        .route("/results.js", get(pages::results_script))
        .route("/regression.js", get(pages::regression_script))
        .route("/task.js", get(pages::task_script))
        .route("/style.css", get(pages::style))
        .route("/health", get(pages::health))
        .route("/api/meta", get(pages::meta))
        .route("/api/data", post(upload::upload))
        .route("/api/data/{id}/check", get(upload::recheck))
        .route("/api/runs", post(runs::start_run).layer(json))
        .route("/api/runs/{id}/control", post(runs::control).layer(json))
        .route("/api/runs/{id}/files", get(runs::list_files))
        .route("/api/runs/{id}/files/{*name}", get(runs::get_file))
        .route("/api/runs/{id}/decision", get(views::decision))
        .route("/api/runs/{id}/curve", get(views::curve))
        .route("/api/study", post(runs::start_study).layer(json))
        .layer(DefaultBodyLimit::max(limit))
        .with_state(state)
}

/// Loads `data` with `train`'s reader and checks its target column is
/// there; what else `train` would say of it (missing values, a column to
/// leave out) the page shows, where its controls can change it.
fn start_table(o: &ServeOptions) -> Result<Option<(Table, String)>> {
    let Some(path) = &o.data else {
        return Ok(None);
    };
    let table = Table::from_path_with(path, &o.read.options()?)?;
    let target = o
        .target
        .clone()
        .unwrap_or_else(|| nonlin::data::HEART_FAILURE_TARGET.to_string());
    table.column_index(&target)?;
    Ok(Some((table, target)))
}

/// The page's first data choices (as the page's controls spell them).
fn page_options(o: &ServeOptions) -> Result<PageOptions> {
    let policy = match o.missing.as_deref() {
        Some(name) => missing_policy(name)?,
        None => MissingPolicy::default(),
    };
    let missing = match policy {
        MissingPolicy::Error => "error",
        MissingPolicy::Drop => "drop",
        MissingPolicy::Impute(s) => s.name(),
    };
    Ok(PageOptions {
        missing,
        positive: o.positive.clone(),
        categorical: o.categorical.clone(),
    })
}

/// Runs the server until Ctrl-C.
pub fn run(args: ServeOptions) -> Result<()> {
    if args.max_runs == 0 {
        return Err(Error::invalid("max_runs", "must be at least 1"));
    }
    let limits = Limits {
        concurrent_runs: args.max_runs,
        ..Limits::default()
    };
    let options = page_options(&args)?;
    let state = Arc::new(AppState::new(limits, start_table(&args)?, options));
    if !args.host.is_loopback() {
        eprintln!(
            "warning: listening on {}, not a loopback address: anyone who can reach this \
             machine can use the server",
            args.host
        );
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Error::Config(format!("cannot start the server runtime: {e}")))?;
    runtime.block_on(async move {
        let addr = SocketAddr::new(args.host, args.port);
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|e| Error::Config(format!("cannot listen on {addr}: {e}")))?;
        let bound = listener
            .local_addr()
            .map_err(|e| Error::Config(format!("cannot read the bound address: {e}")))?;
        let url = format!("http://{bound}/");
        println!("nonlin serve: {url}");
        println!("Press Ctrl-C to stop.");
        let _ = std::io::stdout().flush();
        if args.open {
            open_browser(&url);
        }
        axum::serve(listener, router(state))
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await
            .map_err(|e| Error::Config(format!("the server stopped: {e}")))
    })
}

/// Asks the desktop to open `url`; a failure is only reported.
fn open_browser(url: &str) {
    let cmd = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(target_os = "windows") {
        "explorer"
    } else {
        "xdg-open"
    };
    if let Err(e) = std::process::Command::new(cmd).arg(url).spawn() {
        eprintln!("could not open a browser ({cmd}: {e}); open {url} yourself");
    }
}
