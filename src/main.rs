use std::io::{self, Write};
use std::process::ExitCode;

use clap::Parser;
use logdoc::cli::Cli;
use logdoc::commands::{self, Reported};

fn main() -> ExitCode {
    let cli = Cli::parse();
    match commands::run(cli) {
        Ok(code) => code,
        // The reader went away (`logdoc … | head -1`): nothing more to say to anyone.
        Err(e) if commands::is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) if e.is::<Reported>() => ExitCode::from(commands::EXIT_ERROR),
        Err(e) => {
            // Not eprintln!: it panics when stderr is a closed pipe.
            let _ = writeln!(io::stderr(), "logdoc: {}", commands::error_line(&e));
            ExitCode::from(commands::EXIT_ERROR)
        }
    }
}
