//! `logdoc import` and `logdoc draft`: the learning commands, on top of [`crate::import`].

use std::collections::HashSet;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{bail, Context};

use super::load_set;
use crate::cli::SetArgs;
use crate::config;
use crate::import::{self, Imported};
use crate::scan::scan_text;
use crate::signature::{Origin, SignatureSet};

/// `logdoc import ISSUE_LOG.md [-o DIR]`: writes one signature per issue with an error message
/// and says what it wrote, what it skipped and why.
pub(super) fn import(
    issue_log: &Path,
    output: Option<&Path>,
    args: &SetArgs,
) -> anyhow::Result<ExitCode> {
    // Lossy: a log saved in Latin-1 or with a stray byte is still worth importing.
    let bytes =
        std::fs::read(issue_log).with_context(|| format!("reading {}", issue_log.display()))?;
    let text = String::from_utf8_lossy(&bytes);
    let name = issue_log.file_name().map_or_else(
        || issue_log.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let outcome = import::import_issue_log(&text, &name)?;
    let user_dir = config::default_signature_dir();
    let dir: PathBuf = match output.map(Path::to_path_buf).or_else(|| user_dir.clone()) {
        Some(dir) => dir,
        None => bail!("no user signature folder (neither XDG_CONFIG_HOME nor HOME is set); give one with -o DIR"),
    };
    // What the signatures loaded now already say about each message (a built-in that knows it).
    let current = load_set(args, &[]).ok().map(Arc::new);

    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let entries = outcome.imported.len() + outcome.skipped.len();
    writeln!(
        out,
        "Importing {}: {entries} issue entries",
        issue_log.display()
    )?;
    for note in &outcome.notes {
        writeln!(out, "note: {note}")?;
    }
    if !outcome.imported.is_empty() {
        std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    let mut replaced = 0;
    for imported in &outcome.imported {
        let path = dir.join(&imported.file_name);
        if path.exists() {
            replaced += 1;
        }
        std::fs::write(&path, &imported.toml)
            .with_context(|| format!("writing {}", path.display()))?;
        writeln!(
            out,
            "\nwrote    {}  ← {} (line {})",
            imported.file_name, imported.heading, imported.line
        )?;
        writeln!(out, "         keyed on: {}", imported.keyed_on)?;
        writeln!(out, "         pattern:  {}", imported.pattern)?;
        if let Some(near) = &imported.near {
            writeln!(out, "         near:     {near}")?;
        }
        for note in &imported.notes {
            writeln!(out, "         note:     {note}")?;
        }
        if let Some(set) = &current {
            if let Some(Origin::Builtin(_)) = set.get(&imported.id).map(|s| &s.origin) {
                writeln!(
                    out,
                    "         replaces: the built-in signature `{}` (same id) wherever this folder is loaded",
                    imported.id
                )?;
            }
            let known = already_known(set, imported);
            if !known.is_empty() {
                writeln!(
                    out,
                    "         also matched by: {} (both will be reported)",
                    known.join(", ")
                )?;
            }
        }
    }
    for skipped in &outcome.skipped {
        writeln!(
            out,
            "\nskipped  {} (line {}): {}",
            skipped.heading, skipped.line, skipped.reason
        )?;
    }
    writeln!(
        out,
        "\nWrote {} signature file(s) to {}{}; skipped {} issue(s).",
        outcome.imported.len(),
        dir.display(),
        if replaced > 0 {
            format!(" ({replaced} replaced)")
        } else {
            String::new()
        },
        outcome.skipped.len()
    )?;
    if !outcome.imported.is_empty() {
        if user_dir.as_deref() == Some(dir.as_path()) {
            writeln!(
                out,
                "logdoc loads this folder on every run. Check them: logdoc signatures check {}",
                dir.display()
            )?;
        } else {
            writeln!(out, "Check them: logdoc signatures check {0}; use them: logdoc --signatures {0} build.log", dir.display())?;
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// Ids of loaded signatures (other than the imported one) that fire on its first example.
fn already_known(set: &Arc<SignatureSet>, imported: &Imported) -> Vec<String> {
    let Ok(own) = import::check_toml(
        &imported.toml,
        Origin::File(imported.file_name.clone().into()),
    ) else {
        return Vec::new();
    };
    let Some(example) = own.signatures().first().and_then(|s| s.examples.first()) else {
        return Vec::new();
    };
    let ids: HashSet<String> = scan_text(&example.log, Arc::clone(set), false)
        .findings
        .into_iter()
        .map(|f| f.id)
        .filter(|id| *id != imported.id)
        .collect();
    let mut ids: Vec<String> = ids.into_iter().collect();
    ids.sort();
    ids
}

/// `logdoc draft "LINE"`: prints a draft signature and issue-log entry for the line.
pub(super) fn draft(line: &str) -> anyhow::Result<ExitCode> {
    let draft = import::draft_from_line(line);
    let dir = config::default_signature_dir().map_or_else(
        || "your signature folder".to_string(),
        |d| d.display().to_string(),
    );
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let result = (|| -> io::Result<()> {
        writeln!(
            out,
            "# ---- signature: save as {dir}/{}.toml ----",
            draft.id
        )?;
        writeln!(out, "{}", draft.signature_toml.trim_end())?;
        writeln!(
            out,
            "\n<!-- ---- issue-log entry: append to your issue log ---- -->"
        )?;
        write!(out, "{}", draft.issue_entry_markdown)?;
        out.flush()
    })();
    match result {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(ExitCode::SUCCESS),
        r => {
            r?;
            Ok(ExitCode::SUCCESS)
        }
    }
}
