//! Learning: a team's Markdown issue log → signatures (`logdoc import`), and one unknown
//! failure line → a draft signature and issue-log entry (`logdoc draft`, the TUI's `a` key).
//!
//! ```text
//!  ISSUE_LOG.md ──► parse ──► entries ──► message: key line (+ near line) ──► generalize: regex,
//!                  (## Issue #N,          (normalised as the engine does;      keyword, captures
//!                   ### sections,          most distinctive failure line)       for volatile parts)
//!                   messiness noted)                 │
//!                                                    ▼
//!        entry: title, summary, fix + snippet, prevention ──► write: TOML ──► check: the signature's
//!                                                                              own examples, by the
//!                                                                              real engine
//! ```
//!
//! Every signature produced has passed `signatures check` (its examples match, its
//! counter-examples do not, every matched line holds a keyword) before it is returned; an entry
//! whose message cannot be generalised safely is skipped with the reason.
//!
//! ```
//! use logdoc::import::{draft_from_line, import_issue_log};
//! let log = "## Issue #1: Worker cannot reach Redis\n### Error Message\n```\nredis.exceptions.ConnectionError: Error 111 connecting to redis:6379. Connection refused.\n```\n### Root Cause\nRedis was not up yet.\n### Solution\nWait for it.\n";
//! let outcome = import_issue_log(log, "team.md").unwrap();
//! assert_eq!(outcome.imported[0].id, "worker-cannot-reach-redis");
//! assert!(outcome.imported[0].toml.contains("(?P<host>"));
//!
//! let draft = draft_from_line("ModuleNotFoundError: No module named 'debug_toolbar'");
//! assert!(draft.signature_toml.contains("No module named"));
//! assert!(draft.issue_entry_markdown.contains("### Error Message"));
//! ```

mod draft;
pub mod entry;
pub mod generalize;
pub mod message;
pub mod parse;
mod tokens;
pub mod write;

use std::collections::{BTreeMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;

use crate::signature::{CounterExample, Example, NearRule, SignatureFile};
pub use draft::{draft_from_line, Draft};
use generalize::Level;
use message::MessageRule;
use parse::{ErrorMessage, IssueEntry};

use crate::scan::scan_text;
use crate::signature::{examples, Origin, SignatureError, SignatureSet, SourceFile};

/// What importing an issue log produced. Nothing is written to disk here.
#[derive(Debug, Clone, Default)]
pub struct ImportOutcome {
    pub imported: Vec<Imported>,
    pub skipped: Vec<Skipped>,
    /// Irregularities of the log and what was done about them.
    pub notes: Vec<String>,
}

/// One signature made from one entry.
#[derive(Debug, Clone)]
pub struct Imported {
    pub id: String,
    /// `<id>.toml`.
    pub file_name: String,
    /// The checked signature file.
    pub toml: String,
    pub heading: String,
    /// 1-based line of the entry's heading in the issue log.
    pub line: usize,
    /// The message line the signature is keyed on, as the engine sees it.
    pub keyed_on: String,
    pub pattern: String,
    /// The `near` line's pattern, when the key line needed one.
    pub near: Option<String>,
    /// What was filled in or worked around for this entry.
    pub notes: Vec<String>,
}

/// An entry that gave no signature, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    pub heading: String,
    pub line: usize,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    #[error("found no `## Issue #N: title` headings in {0}; is it an issue log?")]
    NoIssues(String),
}

/// Imports the issue log `markdown` (named `source` in comments and messages).
pub fn import_issue_log(markdown: &str, source: &str) -> Result<ImportOutcome, ImportError> {
    let log = parse::parse(markdown);
    if log.entries.is_empty() {
        return Err(ImportError::NoIssues(source.to_string()));
    }
    let mut outcome = ImportOutcome {
        notes: log.notes.clone(),
        ..Default::default()
    };
    let mut taken = HashSet::new();
    for entry in &log.entries {
        let Some(message) = entry.error_message() else {
            outcome.skipped.push(Skipped {
                heading: entry.heading.clone(),
                line: entry.line,
                reason: "no error message (no `### Error Message` code block)".into(),
            });
            continue;
        };
        match import_entry(entry, &message, source, &mut taken) {
            Ok(imported) => outcome.imported.push(imported),
            Err(reason) => outcome.skipped.push(Skipped {
                heading: entry.heading.clone(),
                line: entry.line,
                reason,
            }),
        }
    }
    note_shared_rules(&mut outcome);
    Ok(outcome)
}

/// Entries whose messages gave the same rule fire together: say so, so they can be merged.
fn note_shared_rules(outcome: &mut ImportOutcome) {
    for i in 1..outcome.imported.len() {
        let (before, rest) = outcome.imported.split_at_mut(i);
        let this = &mut rest[0];
        if let Some(same) = before
            .iter()
            .find(|o| o.pattern == this.pattern && o.near == this.near)
        {
            this.notes.push(format!("same rule as `{}` (\"{}\"): both fire on this message; merge them if they are one failure", same.id, same.heading));
        }
    }
}

/// One entry → one checked signature, generalising as much as is safe: quoted identifiers are
/// kept literal when generalising them leaves the rule too generic or failing its check.
fn import_entry(
    entry: &IssueEntry,
    message: &ErrorMessage,
    source: &str,
    taken: &mut HashSet<String>,
) -> Result<Imported, String> {
    let prose = entry::prose_of(entry);
    // The reason given is the first level's: it describes the message as generalised fully.
    let mut first_error: Option<String> = None;
    for level in [Level::All, Level::KeepQuoted] {
        let rule = match message::rule_for(&message.text, level) {
            Ok(rule) => rule,
            Err(e) => {
                first_error.get_or_insert(e.0);
                continue;
            }
        };
        let mut ids = taken.clone();
        let id = entry::id_from_title(&prose.title, &mut ids);
        let file = SignatureFile {
            id: id.clone(),
            title: prose.title.clone(),
            severity: entry::severity_of(entry),
            category: entry::category_of(entry, &message.text),
            tags: entry::tags_of(entry, &message.text),
            priority: 50,
            explains: vec![],
            keywords: vec![],
            patterns: vec![],
            summary: write::escape_template(&prose.summary),
            fix: write::escape_template(&prose.fix),
            snippet: prose.snippet.as_deref().map(write::escape_template),
            prevention: prose.prevention.clone(),
            references: std::iter::once(entry.heading.clone())
                .chain(prose.files_changed.clone())
                .collect(),
            near: None,
            examples: vec![],
            counter_examples: vec![],
        };
        let mut header = vec![format!(
            "Imported by `logdoc import` from {source}, \"{}\" (line {}).",
            entry.heading, entry.line
        )];
        header.push(format!(
            "Keyed on line {} of the error message ({}): {}",
            rule.key + 1,
            message.how,
            rule.normalized[rule.key].trim()
        ));
        if let Some(near) = &rule.near {
            header.push(format!(
                "That line alone is weak, so line {} must appear within {} lines of it: {}",
                near.line + 1,
                near.within,
                rule.normalized[near.line].trim()
            ));
        }
        let file_name = format!("{id}.toml");
        match finish(file, &rule, header, &file_name) {
            Ok(toml) => {
                *taken = ids;
                let mut notes: Vec<String> = prose
                    .missing
                    .iter()
                    .map(|m| format!("{m}: filled with a pointer to the issue log"))
                    .collect();
                if level == Level::KeepQuoted {
                    notes.push(
                        "quoted names kept literal: generalising them left the rule too generic"
                            .into(),
                    );
                }
                if message.how.contains("plain text") {
                    notes.push(format!("error message read from {}", message.how));
                }
                return Ok(Imported {
                    id,
                    file_name,
                    toml,
                    heading: entry.heading.clone(),
                    line: entry.line,
                    keyed_on: rule.normalized[rule.key].trim().to_string(),
                    pattern: rule.rule.pattern.clone(),
                    near: rule.near.as_ref().map(|n| n.rule.pattern.clone()),
                    notes,
                });
            }
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    Err(first_error.unwrap_or_default())
}

/// Fills in the rule, the examples (with the captures the engine finds in them) and the
/// counter-examples, templates the fix with the captured values, and checks the result.
pub(crate) fn finish(
    mut file: SignatureFile,
    rule: &MessageRule,
    mut header: Vec<String>,
    file_name: &str,
) -> Result<String, String> {
    file.keywords = vec![rule.rule.keyword.clone()];
    file.patterns = vec![rule.rule.pattern.clone()];
    file.near = rule.near.as_ref().map(|n| NearRule {
        keywords: vec![n.rule.keyword.clone()],
        pattern: n.rule.pattern.clone(),
        within: n.within,
    });
    file.examples = vec![
        Example {
            log: rule.example(),
            captures: BTreeMap::new(),
        },
        Example {
            log: rule.example_with_other_values(),
            captures: BTreeMap::new(),
        },
    ];
    file.counter_examples = vec![CounterExample {
        log: rule.altered_key_line(),
    }];
    header.push("counter_examples[0] is the key line with its stable phrase altered.".into());
    if let Some(rest) = rule.rest_without_key() {
        file.counter_examples.push(CounterExample { log: rest });
        header.push(
            "counter_examples[1] is the rest of the error message, without its key line.".into(),
        );
    }
    header.push("examples[1] is the message with other values, as another log would show it. Review the prose, then run".into());
    header.push(format!("`logdoc signatures check {file_name}`."));

    let origin = Origin::File(PathBuf::from(file_name));
    let first =
        check_toml(&write::render(&file, &header), origin.clone()).map_err(|e| describe(&e))?;
    let sig = &first.signatures()[0];
    let set = Arc::new(first.clone());
    for example in &mut file.examples {
        let diagnosis = scan_text(&example.log, Arc::clone(&set), false);
        if let Some(f) = diagnosis.findings.iter().find(|f| f.id == sig.id) {
            example.captures = f.first.captures.iter().cloned().collect();
        }
    }
    let values = file.examples[0].captures.clone();
    file.summary = write::template_values(&file.summary, &values);
    file.fix = write::template_values(&file.fix, &values);
    file.snippet = file.snippet.map(|s| write::template_values(&s, &values));
    let text = write::render(&file, &header);
    let set = Arc::new(check_toml(&text, origin).map_err(|e| describe(&e))?);
    let errors = examples::check(&set);
    match errors.first() {
        None => Ok(text),
        Some(_) => Err(format!(
            "the generalised rule fails its own check: {}",
            describe(&errors)
        )),
    }
}

fn describe(errors: &[SignatureError]) -> String {
    errors
        .iter()
        .map(|e| e.message.clone())
        .collect::<Vec<_>>()
        .join("; ")
}

/// Parses and validates one signature file's text, as `logdoc` loads it.
pub fn check_toml(text: &str, origin: Origin) -> Result<SignatureSet, Vec<SignatureError>> {
    SignatureSet::from_sources(vec![SourceFile {
        origin,
        text: text.to_string(),
    }])
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOG: &str = "## Issue #1: Missing database URL\n### Error Message\n```\nKeyError: 'DATABASE_URL'\n```\n### Root Cause\nNot set.\n### Solution\nSet it.\n### How to Avoid\nCheck env.\n\n## Issue #2: Missing database URL\n### Error Message\n```\nKeyError: 'DATABASE_URL'\n```\n";

    #[test]
    fn quoted_names_stay_literal_when_the_rest_is_generic() {
        let outcome = import_issue_log(LOG, "log.md").unwrap();
        let first = &outcome.imported[0];
        assert_eq!(first.pattern, "KeyError: 'DATABASE_URL'");
        assert!(
            first
                .notes
                .iter()
                .any(|n| n.starts_with("quoted names kept literal")),
            "{:?}",
            first.notes
        );
        // Same title, so the second id gets a suffix; it has no prose sections, so those are pointers.
        let second = &outcome.imported[1];
        assert_eq!(second.id, "missing-database-url-2");
        assert!(
            second
                .notes
                .iter()
                .any(|n| n.starts_with("summary (no Root Cause section)")),
            "{:?}",
            second.notes
        );
        assert!(
            second
                .notes
                .iter()
                .any(|n| n.starts_with("same rule as `missing-database-url`")),
            "{:?}",
            second.notes
        );
    }
}
