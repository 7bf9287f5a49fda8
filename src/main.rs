//! The `nonlin` command: parse the arguments, call the library, report errors.

mod cli;
#[cfg(feature = "serve")]
mod serve;

use clap::Parser;

fn main() -> std::process::ExitCode {
    let args = cli::Cli::parse();
    match cli::run(args) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {}", e.worded(&cli::Flags));
            // A setting that does not apply is a usage error, as clap's are.
            if matches!(e, nonlin::Error::NotApplicable { .. }) {
                std::process::ExitCode::from(2)
            } else {
                std::process::ExitCode::FAILURE
            }
        }
    }
}
