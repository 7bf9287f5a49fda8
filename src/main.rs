//! The `nonlin` command: parse the arguments, call the library, report errors.

use clap::Parser;

fn main() -> std::process::ExitCode {
    let cli = nonlin::cli::Cli::parse();
    match nonlin::cli::run(cli) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
