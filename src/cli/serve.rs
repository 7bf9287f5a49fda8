//! `nonlin serve`'s flags, mapped onto the server's plain options.

use super::table_args::TableArgs;
use crate::serve::{ServeOptions, DEFAULT_MAX_RUNS};
use clap::Args;
use std::net::IpAddr;
use std::path::PathBuf;

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
    #[arg(long, default_value_t = DEFAULT_MAX_RUNS, value_name = "N")]
    pub max_runs: usize,
    /// `train`'s table flags: how --data is read, and the page's first
    /// choices of missing-value policy, positive label and categorical
    /// columns.
    #[command(flatten)]
    pub table: TableArgs,
}

impl ServeArgs {
    /// The server's options the flags give.
    pub fn options(&self) -> ServeOptions {
        ServeOptions {
            data: self.data.clone(),
            target: self.target.clone(),
            read: self.table.read.settings(),
            missing: self.table.missing.clone(),
            positive: self.table.positive.clone(),
            categorical: self.table.categorical.clone(),
            host: self.host,
            port: self.port,
            open: self.open,
            max_runs: self.max_runs,
        }
    }
}
