//! The accuracy harness: runs a corpus of log excerpts with known verdicts and counts, per
//! signature, what logdoc got right, missed, and fired wrongly.
//!
//! Layout of a corpus folder:
//! - `<signature-id>/<name>.log`: the first finding must be `<signature-id>`; an optional
//!   `<name>.toml` beside it may give `captures = { .. }` (of the first finding's first line)
//!   and `first = "<id>"` to override the folder's id.
//! - `negatives/<name>.log`: a look-alike; no finding may fire but those its optional
//!   `<name>.toml` lists in `allowed = [..]`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Deserialize;

use crate::scan::{scan, ScanOptions};
use crate::signature::SignatureSet;
use crate::source::{open, InputSpec};

/// The folder holding look-alikes.
pub const NEGATIVES: &str = "negatives";

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Sidecar {
    first: Option<String>,
    #[serde(default)]
    captures: BTreeMap<String, String>,
    #[serde(default)]
    allowed: Vec<String>,
}

/// Counts for one signature.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    /// Excerpts expecting this signature first.
    pub expected: usize,
    /// ... of which it came first with the right captures.
    pub right: usize,
    /// ... of which it did not.
    pub missed: usize,
    /// Excerpts where it fired but should not have (first on another's excerpt, or on a negative).
    pub wrong: usize,
}

/// One wrong verdict, for the user to look at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Miss {
    pub file: PathBuf,
    pub message: String,
}

/// The result of evaluating a corpus.
#[derive(Debug, Clone, Default)]
pub struct Evaluation {
    pub tallies: BTreeMap<String, Tally>,
    pub negatives: usize,
    pub misses: Vec<Miss>,
}

impl Evaluation {
    pub fn right(&self) -> usize {
        self.tallies.values().map(|t| t.right).sum()
    }
    pub fn expected(&self) -> usize {
        self.tallies.values().map(|t| t.expected).sum()
    }
    pub fn wrong(&self) -> usize {
        self.tallies.values().map(|t| t.wrong).sum()
    }
    /// Share of excerpts whose first finding was right.
    pub fn recall(&self) -> f64 {
        ratio(self.right(), self.expected())
    }
    /// Share of first findings and negative findings that were right.
    pub fn precision(&self) -> f64 {
        ratio(self.right(), self.right() + self.wrong())
    }

    /// A Markdown table, one row per signature, then the totals.
    pub fn table(&self) -> String {
        let mut out = String::from("| signature | excerpts | right | missed | wrongly fired |\n|---|---:|---:|---:|---:|\n");
        for (id, t) in &self.tallies {
            out.push_str(&format!(
                "| `{id}` | {} | {} | {} | {} |\n",
                t.expected, t.right, t.missed, t.wrong
            ));
        }
        out.push_str(&format!(
            "| **all** ({} excerpts, {} negatives) | {} | {} | {} | {} |\n\nrecall {:.1} %, precision {:.1} %\n",
            self.expected(),
            self.negatives,
            self.expected(),
            self.right(),
            self.expected() - self.right(),
            self.wrong(),
            self.recall() * 100.0,
            self.precision() * 100.0
        ));
        out
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        1.0
    } else {
        a as f64 / b as f64
    }
}

/// Why a corpus could not be evaluated.
#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    #[error("{0}: cannot read corpus folder: {1}")]
    Folder(String, std::io::Error),
    #[error("{0}: {1}")]
    Sidecar(String, String),
    #[error(transparent)]
    Source(#[from] crate::source::SourceError),
}

/// Evaluates every excerpt under `dir` with `set`.
pub fn evaluate(dir: &Path, set: &Arc<SignatureSet>) -> Result<Evaluation, EvalError> {
    let mut eval = Evaluation::default();
    for sig in set.signatures() {
        eval.tallies.entry(sig.id.clone()).or_default();
    }
    for folder in sorted_entries(dir)?.into_iter().filter(|p| p.is_dir()) {
        let name = folder
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        for log in sorted_entries(&folder)?
            .into_iter()
            .filter(|p| p.extension().is_some_and(|x| x == "log"))
        {
            let sidecar = read_sidecar(&log)?;
            let findings = diagnose(&log, set)?;
            if name == NEGATIVES {
                eval.negatives += 1;
                let fired: BTreeSet<&str> = findings
                    .iter()
                    .map(|(id, _)| id.as_str())
                    .filter(|id| !sidecar.allowed.iter().any(|a| a == id))
                    .collect();
                for id in fired {
                    eval.tallies.entry(id.to_string()).or_default().wrong += 1;
                    eval.misses.push(Miss {
                        file: log.clone(),
                        message: format!("look-alike diagnosed as `{id}`"),
                    });
                }
                continue;
            }
            let expected = sidecar.first.clone().unwrap_or(name.clone());
            eval.tallies.entry(expected.clone()).or_default().expected += 1;
            let verdict = match findings.first() {
                None => Err("nothing found".to_string()),
                Some((id, _)) if *id != expected => {
                    eval.tallies.entry(id.clone()).or_default().wrong += 1;
                    Err(format!("first finding `{id}`"))
                }
                Some((_, captures)) => sidecar
                    .captures
                    .iter()
                    .find(|(k, v)| {
                        captures.iter().find(|(n, _)| n == *k).map(|(_, got)| got) != Some(v)
                    })
                    .map_or(Ok(()), |(k, v)| {
                        let got = captures
                            .iter()
                            .find(|(n, _)| n == k)
                            .map(|(_, g)| g.as_str());
                        Err(format!("capture `{k}` = {got:?}, expected {v:?}"))
                    }),
            };
            let tally = eval.tallies.entry(expected.clone()).or_default();
            match verdict {
                Ok(()) => tally.right += 1,
                Err(why) => {
                    tally.missed += 1;
                    eval.misses.push(Miss {
                        file: log.clone(),
                        message: format!("expected `{expected}`: {why}"),
                    });
                }
            }
        }
    }
    Ok(eval)
}

fn sorted_entries(dir: &Path) -> Result<Vec<PathBuf>, EvalError> {
    let entries =
        std::fs::read_dir(dir).map_err(|e| EvalError::Folder(dir.display().to_string(), e))?;
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    Ok(paths)
}

fn read_sidecar(log: &Path) -> Result<Sidecar, EvalError> {
    let path = log.with_extension("toml");
    match std::fs::read_to_string(&path) {
        Ok(text) => toml::from_str(&text)
            .map_err(|e| EvalError::Sidecar(path.display().to_string(), e.message().to_string())),
        Err(_) => Ok(Sidecar::default()),
    }
}

/// Ids in rank order, each with the captures of its first line.
fn diagnose(
    log: &Path,
    set: &Arc<SignatureSet>,
) -> Result<Vec<(String, crate::matcher::Captures)>, EvalError> {
    let input = open(&InputSpec::Path(log.to_path_buf()))?;
    let scan = scan(
        input,
        Arc::clone(set),
        &ScanOptions {
            redact: false,
            ..Default::default()
        },
        |_, _| {},
    )?;
    Ok(scan
        .diagnosis
        .findings
        .into_iter()
        .map(|f| (f.id, f.first.captures))
        .collect())
}
