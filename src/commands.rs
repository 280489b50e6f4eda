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
        Some(Command::Completions { shell }) => {
            clap_complete::generate(*shell, &mut Cli::command(), "logdoc", &mut io::stdout());
            Ok(ExitCode::SUCCESS)
        }
        None => report_command(&cli),
    }
}

/// Loads the built-in set (unless left out) plus the user's files.
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
    for path in args.signatures.iter().chain(extra) {
        match signature::load::read_sources(path) {
            Ok(mut s) => sources.append(&mut s),
            Err(e) => errors.push(e),
        }
    }
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
            eprintln!("logdoc: {e}");
        }
        Reported(format!("{} problem(s) in signature files", errors.len())).into()
    })
}

fn report_command(cli: &Cli) -> anyhow::Result<ExitCode> {
    let set = Arc::new(load_or_report(&cli.set)?);
    let specs: Vec<InputSpec> = if cli.inputs.is_empty() {
        if io::stdin().is_terminal() {
            bail!("no input: give a log file, or pipe a log in (e.g. `docker build . 2>&1 | logdoc`); see --help");
        }
        vec![InputSpec::Stdin]
    } else {
        cli.inputs.iter().map(|s| InputSpec::parse(s)).collect()
    };
    if cli.tui {
        eprintln!(
            "logdoc: the interactive view is not available in this build; printing the report"
        );
    }
    let options = ScanOptions {
        redact: !cli.no_redact,
        ..Default::default()
    };
    let show_progress = io::stderr().is_terminal();
    let mut scans = Vec::new();
    for spec in &specs {
        let input = source::open(spec)?;
        let scan = scan::scan(input, Arc::clone(&set), &options, |bytes, elapsed| {
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
        scans.push(scan?);
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
    let failed = report::worst(&inputs).is_some_and(|s| cli.fail_on.fails(s));
    Ok(ExitCode::from(if failed { EXIT_FOUND } else { EXIT_OK }))
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
            near.regex.as_str()
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
        Err(errors) => {
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
