//! The `netreach` binary: parses the command line, runs the subcommand, prints the
//! error chain and sets the exit code (0 success, 1 error, 2 usage).

mod cli;

use std::process::ExitCode;

fn main() -> ExitCode {
    // Ctrl-C: remove any output still being written, then stop (exit code 130).
    let _ = ctrlc::set_handler(|| {
        netreach::output::remove_pending_files();
        eprintln!("interrupted; no partial output left");
        std::process::exit(130);
    });
    let args = <cli::Cli as clap::Parser>::parse();
    match cli::run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}
