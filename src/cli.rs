//! Command-line arguments, parsed by clap and turned into a validated run configuration.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use crate::report::Format;
use crate::signature::Severity;

/// Reads deployment logs (docker build, npm, tsc, pip, Prisma, browser consoles) and tells
/// you what broke and how to fix it.
#[derive(Debug, Parser)]
#[command(name = "logdoc", version, args_conflicts_with_subcommands = true, after_help = AFTER_HELP)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    /// Log files to read; `-` is standard input (the default when it is piped). Gzip is
    /// recognised by its content.
    #[arg(value_name = "FILE")]
    pub inputs: Vec<String>,

    /// Print a report even when stdout is a terminal
    #[arg(long, conflicts_with = "tui")]
    pub report: bool,

    /// Open the interactive view even when stdout is not a terminal
    #[arg(long)]
    pub tui: bool,

    /// Follow a growing log file like `tail -F` (rotation and truncation are handled)
    #[arg(short = 'f', long, value_name = "FILE", conflicts_with = "inputs")]
    pub follow: Option<PathBuf>,

    /// Internal: hold the clipboard with the text on stdin until another program takes it
    #[arg(long = "serve-clipboard", hide = true)]
    pub serve_clipboard: bool,

    /// Report format
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,

    /// Exit with 1 when a finding is at least this severe
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    pub fail_on: FailOn,

    /// When to colour the text report
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    #[command(flatten)]
    pub set: SetArgs,

    /// Show secrets found in the log as they are (they are masked by default)
    #[arg(long)]
    pub no_redact: bool,

    /// Threads that prefilter the log in report mode (0: one per core, at most 4; 1: no
    /// helper threads; at most 6)
    #[arg(long, short = 'j', value_name = "N", default_value_t = 0)]
    pub threads: usize,
}

/// Which signatures to load; shared by the scan and the `signatures` commands.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct SetArgs {
    /// Add signatures from a TOML file or a folder of them (repeatable); a signature with a
    /// built-in id replaces the built-in one
    #[arg(long = "signatures", value_name = "PATH", global = true)]
    pub signatures: Vec<PathBuf>,

    /// Leave out the built-in signatures and your user signature folder (to test the
    /// `--signatures` set alone)
    #[arg(long, global = true)]
    pub no_builtin: bool,
}

const AFTER_HELP: &str = "\
Exit status: 0 no finding reached --fail-on, 1 one did, 2 usage, input or signature error.

Examples:
  docker build . 2>&1 | logdoc
  logdoc -f /var/log/app.log
  logdoc build.log --format json
  logdoc signatures check my-signatures/";

#[derive(Debug, Subcommand)]
pub enum Command {
    /// List, show and check signatures
    Signatures {
        #[command(subcommand)]
        action: SignaturesAction,
    },
    /// Turn a team's Markdown issue log into signatures (one per issue with an error message)
    Import {
        /// The issue log: `## Issue #N: title` sections with `### Error Message` code blocks,
        /// `### Root Cause`, `### Solution`, `### How to Avoid`
        issue_log: PathBuf,
        /// Folder to write the signature files to [default: your user signature folder,
        /// `$XDG_CONFIG_HOME/logdoc/signatures`]
        #[arg(short, long, value_name = "DIR")]
        output: Option<PathBuf>,
    },
    /// Draft a signature and an issue-log entry from one failure line no signature knows
    Draft {
        /// The line, as the log shows it
        line: String,
    },
    /// Print shell completions
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

#[derive(Debug, Subcommand)]
pub enum SignaturesAction {
    /// List every loaded signature and where it came from
    List,
    /// Show one signature in full
    Show { id: String },
    /// Print every signature's line regexes, one per line (for `rg -f` comparisons)
    Patterns,
    /// Run a corpus of excerpts with known verdicts; print right/missed/wrong per signature
    Eval {
        /// The corpus folder (`<signature-id>/*.log`, `negatives/*.log`)
        dir: PathBuf,
    },
    /// Validate signature files and run their examples and counter-examples
    Check {
        /// Files or folders to check (added to the loaded set)
        paths: Vec<PathBuf>,
    },
}

/// The least severe finding that fails the run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    Info,
    /// Always exit 0 after a successful scan
    Never,
}

impl FailOn {
    /// Whether a finding of `severity` fails the run.
    pub fn fails(self, severity: Severity) -> bool {
        match self {
            FailOn::Error => severity >= Severity::Error,
            FailOn::Warning => severity >= Severity::Warning,
            FailOn::Info => true,
            FailOn::Never => false,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}
