//! What each command does, given parsed arguments. Returns the process exit code.

use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{bail, Context};
use clap::CommandFactory;

use crate::cli::{Cli, ColorChoice, Command, SetArgs, SignaturesAction};
use crate::report::{self, ReportInput};
use crate::scan::{self, ScanOptions};
use crate::signature::{self, Origin, SignatureError, SignatureSet};
use crate::source::{self, InputSpec};
use crate::tui;

mod learn;

/// Exit codes.
pub const EXIT_OK: u8 = 0;
pub const EXIT_FOUND: u8 = 1;
pub const EXIT_ERROR: u8 = 2;

/// A failure that has already been reported to the user; exit with `EXIT_ERROR`.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct Reported(pub String);

/// Runs the parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match &cli.command {
        Some(Command::Signatures { action }) => signatures(action, &cli.set),
        Some(Command::Import { issue_log, output }) => {
            learn::import(issue_log, output.as_deref(), &cli.set)
        }
        Some(Command::Draft { line }) => learn::draft(line),
        Some(Command::Completions { shell }) => {
            // clap_complete panics when its writer fails: write to memory, then to stdout.
            let mut script = Vec::new();
            clap_complete::generate(*shell, &mut Cli::command(), "logdoc", &mut script);
            let mut stdout = io::stdout().lock();
            stdout
                .write_all(&script)
                .and_then(|()| stdout.flush())
                .context("writing the completions")?;
            Ok(ExitCode::SUCCESS)
        }
        None => report_command(&cli),
    }
}

/// Loads the built-in set and the user signature folder (unless left out), then the files
/// given: each layer replaces signatures of the one before with the same id.
pub fn load_set(
    args: &SetArgs,
    extra: &[std::path::PathBuf],
) -> Result<SignatureSet, Vec<SignatureError>> {
    let mut sources = if args.no_builtin {
        Vec::new()
    } else {
        signature::builtin_sources()
    };
    let mut errors = Vec::new();
    let mut given = Vec::new();
    for path in args.signatures.iter().chain(extra) {
        match signature::load::read_sources(path) {
            Ok(mut s) => given.append(&mut s),
            Err(e) => errors.push(e),
        }
    }
    if !args.no_builtin {
        let (mut user, mut e) = crate::config::user_sources(&given);
        sources.append(&mut user);
        errors.append(&mut e);
    }
    sources.append(&mut given);
    match SignatureSet::from_sources(sources) {
        Ok(set) if errors.is_empty() => Ok(set),
        Ok(_) => Err(errors),
        Err(mut e) => {
            errors.append(&mut e);
            Err(errors)
        }
    }
}

fn load_or_report(args: &SetArgs) -> anyhow::Result<SignatureSet> {
    load_set(args, &[]).map_err(|errors| {
        for e in &errors {
            warn(&e.to_string());
        }
        Reported(format!("{} problem(s) in signature files", errors.len())).into()
    })
}

fn report_command(cli: &Cli) -> anyhow::Result<ExitCode> {
    if cli.serve_clipboard {
        return Ok(tui::clipboard::serve());
    }
    let set = Arc::new(load_or_report(&cli.set)?);
    let specs: Vec<InputSpec> = if let Some(path) = &cli.follow {
        vec![InputSpec::Path(path.clone())]
    } else if cli.inputs.is_empty() {
        if io::stdin().is_terminal() {
            bail!("no input: give a log file, or pipe a log in (e.g. `docker build . 2>&1 | logdoc`); see --help");
        }
        vec![InputSpec::Stdin]
    } else {
        cli.inputs.iter().map(|s| InputSpec::parse(s)).collect()
    };
    match choose_view(cli, specs.len(), &TerminalInfo::probe()) {
        ViewMode::Tui => {
            let input = match &cli.follow {
                Some(path) => tui::TuiInput::Follow(path.clone()),
                None => tui::TuiInput::Spec(specs[0].clone()),
            };
            let options = tui::Options {
                input,
                set: Arc::clone(&set),
                redact: !cli.no_redact,
            };
            match tui::run(options) {
                Ok(outcome) => return Ok(tui_exit_code(cli, &outcome)),
                Err(tui::TuiError::Unavailable(e)) => {
                    eprintln!("logdoc: cannot open the interactive view ({e}); printing the report")
                }
                Err(e) => return Err(e.into()),
            }
        }
        ViewMode::Report(Some(note)) => eprintln!("logdoc: {note}"),
        ViewMode::Report(None) => {}
    }
    if let Some(path) = &cli.follow {
        eprintln!(
            "logdoc: following needs the interactive view; reporting on {} as it is now",
            path.display()
        );
    }
    let options = ScanOptions {
        redact: !cli.no_redact,
        threads: cli.threads,
        ..Default::default()
    };
    let show_progress = io::stderr().is_terminal();
    let mut scans = Vec::new();
    // An input that cannot be read is reported and skipped, like `grep` does; the others
    // still get their report, and the exit status is 2.
    let mut failed_inputs = 0;
    for spec in &specs {
        let input = match source::open(spec) {
            Ok(input) => input,
            Err(e) => {
                warn(&e.to_string());
                failed_inputs += 1;
                continue;
            }
        };
        let scan = scan::scan_partial(input, Arc::clone(&set), &options, |bytes, elapsed| {
            if show_progress {
                let mb = bytes as f64 / 1e6;
                eprint!(
                    "\rlogdoc: scanning {}: {mb:.0} MB ({:.0} MB/s)\x1b[K",
                    spec.name(),
                    mb / elapsed.as_secs_f64()
                );
            }
        });
        if show_progress {
            eprint!("\r\x1b[K");
        }
        match scan {
            Ok((scan, None)) => scans.push(scan),
            Ok((scan, Some(e))) => {
                let lines = scan.diagnosis.lines;
                warn(&format!(
                    "{e}; the report covers the {lines} line(s) read before it"
                ));
                failed_inputs += 1;
                scans.push(scan);
            }
            Err(e) => {
                warn(&e.to_string());
                failed_inputs += 1;
            }
        }
    }
    if scans.is_empty() {
        return Ok(ExitCode::from(EXIT_ERROR));
    }
    let inputs: Vec<ReportInput<'_>> = scans
        .iter()
        .map(|scan| ReportInput { scan, set: &set })
        .collect();
    let color = match cli.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    };
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    match report::write(cli.format, &inputs, report::Style { color }, &mut out) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => return Ok(ExitCode::SUCCESS),
        Err(e) => return Err(e).context("writing the report"),
    }
    if failed_inputs > 0 {
        return Ok(ExitCode::from(EXIT_ERROR));
    }
    let failed = report::worst(&inputs).is_some_and(|s| cli.fail_on.fails(s));
    Ok(ExitCode::from(if failed { EXIT_FOUND } else { EXIT_OK }))
}

/// Prints `logdoc: message` on stderr; a closed stderr is not worth a panic.
fn warn(message: &str) {
    let _ = writeln!(io::stderr(), "logdoc: {message}");
}

/// The error as one line: its message and causes, a cause its message already holds left
/// out (`x.gz: corrupt gzip data: unexpected end of file`, not `…: unexpected end of file:
/// unexpected end of file`).
pub fn error_line(error: &anyhow::Error) -> String {
    let mut line = String::new();
    for cause in error.chain() {
        let text = cause.to_string();
        if line.contains(&text) {
            continue;
        }
        if !line.is_empty() {
            line.push_str(": ");
        }
        line.push_str(&text);
    }
    line
}

/// The error, or one of its causes, is a write to a closed pipe (`logdoc … | head -1`).
pub fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause
            .downcast_ref::<io::Error>()
            .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
    })
}

/// Whether a run opens the interactive view or prints the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ViewMode {
    Tui,
    /// The report, with a note for stderr when the user may have expected the view.
    Report(Option<String>),
}

/// What the terminal around logdoc offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TerminalInfo {
    /// Standard output is a terminal.
    pub stdout: bool,
    /// Keys can be read: standard input is a terminal, or `/dev/tty` opens.
    pub keys: bool,
    /// `TERM=dumb`.
    pub dumb: bool,
}

impl TerminalInfo {
    pub fn probe() -> Self {
        let keys = io::stdin().is_terminal()
            || std::fs::OpenOptions::new()
                .read(true)
                .write(true)
                .open("/dev/tty")
                .is_ok();
        TerminalInfo {
            stdout: io::stdout().is_terminal(),
            keys,
            dumb: std::env::var_os("TERM").is_some_and(|t| t == "dumb"),
        }
    }
}

/// The view for this run: `--report` and `--tui` decide; otherwise the interactive view when
/// stdout is a terminal, keys can be read, the terminal is not dumb, there is one input and
/// the text format is asked for.
pub fn choose_view(cli: &Cli, inputs: usize, term: &TerminalInfo) -> ViewMode {
    const HIDE: &str = "(--report hides this note)";
    if cli.report {
        return ViewMode::Report(None);
    }
    if cli.tui {
        return if inputs > 1 {
            ViewMode::Report(Some(
                "the interactive view shows one input; printing the report".into(),
            ))
        } else {
            ViewMode::Tui
        };
    }
    if !term.stdout || cli.format != report::Format::Text {
        return ViewMode::Report(None);
    }
    let note = if inputs > 1 {
        format!("the interactive view shows one input; printing the report of all {inputs} {HIDE}")
    } else if term.dumb {
        format!("TERM=dumb: printing the report instead of the interactive view {HIDE}")
    } else if !term.keys {
        format!("no terminal to read keys from: printing the report instead of the interactive view {HIDE}")
    } else {
        return ViewMode::Tui;
    };
    ViewMode::Report(Some(note))
}

/// The exit status after the interactive view: as the report's, or 128 + the signal.
fn tui_exit_code(cli: &Cli, outcome: &tui::Outcome) -> ExitCode {
    // The set the view ended with: it may have learned a signature (`a`).
    let set = &outcome.set;
    if let Some(sig) = outcome.signal {
        return ExitCode::from(128u8.saturating_add(sig.clamp(0, 127) as u8));
    }
    let worst = outcome
        .diagnosis
        .findings
        .iter()
        .filter_map(|f| set.signatures().get(f.signature))
        .map(|s| s.severity)
        .max();
    let failed = worst.is_some_and(|s| cli.fail_on.fails(s));
    ExitCode::from(if failed { EXIT_FOUND } else { EXIT_OK })
}

fn signatures(action: &SignaturesAction, args: &SetArgs) -> anyhow::Result<ExitCode> {
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let result = match action {
        SignaturesAction::List => {
            let set = load_or_report(args)?;
            list(&set, &mut out)
        }
        SignaturesAction::Show { id } => {
            let set = load_or_report(args)?;
            let Some(sig) = set.get(id) else {
                bail!("no signature with id `{id}`; `logdoc signatures list` shows them all");
            };
            show(sig, &mut out)
        }
        SignaturesAction::Patterns => {
            let set = load_or_report(args)?;
            set.signatures()
                .iter()
                .flat_map(|s| &s.patterns)
                .try_for_each(|p| writeln!(out, "{}", unnamed_groups(p.as_str())))
                .and_then(|()| out.flush())
        }
        SignaturesAction::Check { paths } => return check(args, paths, &mut out),
        SignaturesAction::Eval { dir } => {
            let set = Arc::new(load_or_report(args)?);
            let evaluation = crate::eval::evaluate(dir, &set)?;
            for miss in &evaluation.misses {
                writeln!(out, "{}: {}", miss.file.display(), miss.message)?;
            }
            if !evaluation.misses.is_empty() {
                writeln!(out)?;
            }
            write!(out, "{}", evaluation.table())?;
            out.flush()?;
            let clean = evaluation.misses.is_empty();
            return Ok(ExitCode::from(if clean { EXIT_OK } else { EXIT_FOUND }));
        }
    };
    match result {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(ExitCode::SUCCESS),
        r => {
            r?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn list(set: &SignatureSet, out: &mut dyn Write) -> io::Result<()> {
    let width = set
        .signatures()
        .iter()
        .map(|s| s.id.len())
        .max()
        .unwrap_or(2);
    for sig in set.signatures() {
        let origin = match &sig.origin {
            Origin::Builtin(_) => "builtin".to_string(),
            Origin::File(p) => p.display().to_string(),
        };
        writeln!(
            out,
            "{:<width$}  {:<7}  {:<8}  {}  ({origin})",
            sig.id,
            sig.severity.as_str(),
            sig.category.as_str(),
            sig.title
        )?;
    }
    out.flush()
}

fn show(sig: &signature::Signature, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "{}  [{}]", sig.title, sig.id)?;
    writeln!(
        out,
        "severity {} · category {} · priority {} · from {}",
        sig.severity.as_str(),
        sig.category.as_str(),
        sig.priority,
        sig.origin
    )?;
    if !sig.tags.is_empty() {
        writeln!(out, "tags: {}", sig.tags.join(", "))?;
    }
    writeln!(out, "keywords: {}", sig.keywords.join(" | "))?;
    for p in &sig.patterns {
        writeln!(out, "pattern: {}", p.as_str())?;
    }
    if let Some(near) = &sig.near {
        writeln!(
            out,
            "near (within {} lines): {}",
            near.within,
            near.pattern.as_str()
        )?;
    }
    if !sig.explains.is_empty() {
        writeln!(out, "explains: {}", sig.explains.join(", "))?;
    }
    writeln!(out, "\nWhy:\n{}\n\nFix:\n{}", sig.summary, sig.fix)?;
    if let Some(s) = &sig.snippet {
        writeln!(out, "\n{s}")?;
    }
    writeln!(out, "\nPrevention:\n{}", sig.prevention)?;
    for r in &sig.references {
        writeln!(out, "Reference: {r}")?;
    }
    writeln!(
        out,
        "\n{} example(s), {} counter-example(s)",
        sig.examples.len(),
        sig.counter_examples.len()
    )?;
    out.flush()
}

fn check(
    args: &SetArgs,
    paths: &[std::path::PathBuf],
    out: &mut dyn Write,
) -> anyhow::Result<ExitCode> {
    let set = match load_set(args, paths) {
        Ok(set) => Arc::new(set),
        Err(mut errors) => {
            errors.extend(examples_of_loadable_files(args, paths));
            for e in &errors {
                writeln!(out, "{e}")?;
            }
            writeln!(out, "{} problem(s)", errors.len())?;
            out.flush()?;
            return Ok(ExitCode::from(EXIT_FOUND));
        }
    };
    let errors = signature::examples::check(&set);
    for e in &errors {
        writeln!(out, "{e}")?;
    }
    for note in short_keywords(&set) {
        writeln!(out, "{note}")?;
    }
    let examples: usize = set
        .signatures()
        .iter()
        .map(|s| s.examples.len() + s.counter_examples.len())
        .sum();
    if errors.is_empty() {
        writeln!(
            out,
            "{} signatures, {examples} examples and counter-examples: all pass",
            set.len()
        )?;
        out.flush()?;
        Ok(ExitCode::SUCCESS)
    } else {
        writeln!(
            out,
            "{} problem(s) in {} signatures",
            errors.len(),
            set.len()
        )?;
        out.flush()?;
        Ok(ExitCode::from(EXIT_FOUND))
    }
}

/// Notes (not problems) on keywords of three bytes: each shortens the SIMD fingerprint of
/// its whole search group when a large log is scanned (see `src/matcher/block.rs`).
fn short_keywords(set: &SignatureSet) -> Vec<String> {
    let mut notes = Vec::new();
    for sig in set.signatures() {
        let near = sig.near.iter().flat_map(|n| &n.keywords);
        for k in sig.keywords.iter().chain(near) {
            if k.len() < 4 {
                notes.push(format!(
                    "note: {}: keyword `{k}` of `{}` is shorter than 4 bytes, which slows the \
                     scan of large logs; a longer piece of what its patterns match is as good",
                    sig.origin, sig.id
                ));
            }
        }
    }
    notes
}

/// When some files do not load, the examples of each file that loads on its own are still
/// run, so that one `check` lists every problem, not only the first kind.
fn examples_of_loadable_files(args: &SetArgs, paths: &[std::path::PathBuf]) -> Vec<SignatureError> {
    let mut errors = Vec::new();
    for path in args.signatures.iter().chain(paths) {
        let Ok(sources) = signature::load::read_sources(path) else {
            continue;
        };
        for source in sources {
            if let Ok(set) = SignatureSet::from_sources(vec![source]) {
                errors.extend(signature::examples::check(&Arc::new(set)));
            }
        }
    }
    errors
}

/// A regex with its named groups made non-capturing, so tools that join many patterns into
/// one (`rg -f`, `grep -E -f`) accept them.
fn unnamed_groups(pattern: &str) -> String {
    static NAMED: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let named = NAMED.get_or_init(|| {
        regex::Regex::new(r"(^|[^\\])\(\?P?<[A-Za-z_][A-Za-z0-9_]*>").expect("valid")
    });
    // Run twice: adjacent groups share the character between them.
    let once = named.replace_all(pattern, "${1}(?:");
    named.replace_all(&once, "${1}(?:").into_owned()
}
