//! `nonlin serve`: the playground. A small HTTP server (axum on tokio) that
//! serves one embedded page and turns its requests into the library's run
//! configurations; training runs on blocking worker threads and its events
//! reach the page as Server-Sent Events. Bound to 127.0.0.1 unless told
//! otherwise. No training logic lives here.

mod control;
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
mod upload;
mod worker;

use crate::cli::table_args::TableArgs;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use axum::Router;
use clap::Args;
use limits::Limits;
use nonlin::data::{MissingPolicy, Table};
use nonlin::error::{Error, Result};
use state::AppState;
use std::io::Write;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;

/// `nonlin serve` flags.
#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// CSV file the page starts with (default: the embedded Heart Failure data).
    #[arg(long, value_name = "PATH")]
    pub data: Option<PathBuf>,
    /// Target column of --data, holding two values (default: DEATH_EVENT).
    #[arg(long, value_name = "COL", requires = "data")]
    pub target: Option<String>,
    /// Address to listen on. Anything but a loopback address exposes the
    /// server (and your CPU) to the network.
    #[arg(long, default_value = "127.0.0.1")]
    pub host: IpAddr,
    /// Port (0: any free port; the URL printed tells which).
    #[arg(long, default_value_t = 8080)]
    pub port: u16,
    /// Open the page in the default browser.
    #[arg(long)]
    pub open: bool,
    /// Trainings and studies that may run at once (more get HTTP 429).
    #[arg(long, default_value_t = Limits::default().concurrent_runs, value_name = "N")]
    pub max_runs: usize,
    /// `train`'s table flags: how --data is read, and the page's first
    /// choices of missing-value policy, positive label and categorical
    /// columns.
    #[command(flatten)]
    pub table: TableArgs,
}

/// The routes of the server.
fn router(state: Arc<AppState>) -> Router {
    let limit = state.limits.upload_bytes;
    let json = DefaultBodyLimit::max(state.limits.json_bytes);
    Router::new()
        .route("/", get(pages::index))
        .route("/app.js", get(pages::script))
        .route("/results.js", get(pages::results_script))
        .route("/style.css", get(pages::style))
        .route("/health", get(pages::health))
        .route("/api/meta", get(pages::meta))
        .route("/api/data", post(upload::upload))
        .route("/api/data/{id}/check", get(upload::recheck))
        .route("/api/runs", post(runs::start_run).layer(json))
        .route("/api/runs/{id}/control", post(runs::control).layer(json))
        .route("/api/runs/{id}/files", get(runs::list_files))
        .route("/api/runs/{id}/files/{*name}", get(runs::get_file))
        .route("/api/runs/{id}/decision", get(runs::decision))
        .route("/api/study", post(runs::start_study).layer(json))
        .layer(DefaultBodyLimit::max(limit))
        .with_state(state)
}

/// Loads `--data` with `train`'s reader and checks its target column is
/// there; what else `train` would say of it (missing values, a column to
/// leave out) the page shows, where its controls can change it.
fn start_table(args: &ServeArgs) -> Result<Option<(Table, String)>> {
    let Some(path) = &args.data else {
        return Ok(None);
    };
    let table = Table::from_path_with(path, &args.table.read_options()?)?;
    let target = args
        .target
        .clone()
        .unwrap_or_else(|| nonlin::data::HEART_FAILURE_TARGET.to_string());
    table.column_index(&target)?;
    Ok(Some((table, target)))
}

/// The page's first data choices, from `--missing`, `--positive` and
/// `--categorical` (as the page's controls spell them).
fn page_options(t: &TableArgs) -> Result<serde_json::Value> {
    let missing = match t.missing_policy()? {
        MissingPolicy::Error => "error",
        MissingPolicy::Drop => "drop",
        MissingPolicy::Impute(s) => s.name(),
    };
    Ok(serde_json::json!({
        "missing": missing,
        "positive": t.positive,
        "categorical": t.categorical,
    }))
}

/// Runs the server until Ctrl-C.
pub fn run(args: &ServeArgs) -> Result<()> {
    if args.max_runs == 0 {
        return Err(Error::invalid("max_runs", "must be at least 1"));
    }
    let limits = Limits {
        concurrent_runs: args.max_runs,
        ..Limits::default()
    };
    let options = page_options(&args.table)?;
    let state = Arc::new(AppState::new(limits, start_table(args)?, options));
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
