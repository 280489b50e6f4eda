use std::process::ExitCode;

use clap::Parser;
use logdoc::cli::Cli;
use logdoc::commands::{self, Reported};

fn main() -> ExitCode {
    let cli = Cli::parse();
    match commands::run(cli) {
        Ok(code) => code,
        Err(e) if e.is::<Reported>() => ExitCode::from(commands::EXIT_ERROR),
        Err(e) => {
            eprintln!("logdoc: {e:#}");
            ExitCode::from(commands::EXIT_ERROR)
        }
    }
}
