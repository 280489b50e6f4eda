//! The report's data, kept apart from engine types: what every format prints and what JSON
//! consumers depend on.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::scan::Scan;
use crate::signature::SignatureSet;

/// The report of one input.
#[derive(Debug, Clone, Serialize)]
pub struct ReportDto {
    pub source: String,
    pub lines: u64,
    pub findings: Vec<FindingDto>,
    pub unrecognized: Vec<UnrecognizedDto>,
    /// Unrecognised lines not listed (over the cap).
    #[serde(skip_serializing_if = "is_zero")]
    pub unrecognized_more: u64,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// One finding, with its fix filled in.
#[derive(Debug, Clone, Serialize)]
pub struct FindingDto {
    pub id: String,
    pub title: String,
    pub severity: String,
    pub category: String,
    /// 1-based line of the first occurrence in the original input.
    pub line: u64,
    /// Every occurrence's line.
    pub lines: Vec<u64>,
    pub count: u64,
    /// Capture name → its distinct values, joined with ", ".
    pub captures: BTreeMap<String, String>,
    pub summary: String,
    pub fix: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub snippet: Option<String>,
    pub prevention: String,
    pub references: Vec<String>,
    /// The first matching line, normalised and masked.
    pub text: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub step: Option<String>,
    /// Ids of present findings that explain this one (it is a consequence of them).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub explained_by: Vec<String>,
}

/// A failure-like line no signature knows.
#[derive(Debug, Clone, Serialize)]
pub struct UnrecognizedDto {
    pub line: u64,
    pub text: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub step: Option<String>,
}

impl ReportDto {
    pub fn new(scan: &Scan, set: &SignatureSet) -> Self {
        let d = &scan.diagnosis;
        let findings: Vec<FindingDto> = d
            .findings
            .iter()
            .map(|f| {
                let sig = &set.signatures()[f.signature];
                let explained_by = d
                    .findings
                    .iter()
                    .filter(|other| set.signatures()[other.signature].explains.contains(&f.id))
                    .map(|other| other.id.clone())
                    .collect();
                FindingDto {
                    id: f.id.clone(),
                    title: line(&sig.title),
                    severity: sig.severity.as_str().to_string(),
                    category: sig.category.as_str().to_string(),
                    line: f.first.line,
                    lines: f.lines.clone(),
                    count: f.count,
                    captures: f
                        .values
                        .iter()
                        .map(|(k, v)| (k.clone(), line(&v.join(", "))))
                        .collect(),
                    summary: block(&f.summary(sig)),
                    fix: block(&f.fix(sig)),
                    snippet: f.snippet(sig).map(|s| block(&s)),
                    prevention: block(&sig.prevention),
                    references: sig.references.iter().map(|r| line(r)).collect(),
                    text: line(&f.first.text),
                    step: f.first.step.as_deref().map(line),
                    explained_by,
                }
            })
            .collect();
        let mut notes = Vec::new();
        if scan.bytes == 0 && d.lines == 0 {
            notes.push("the input is empty: there is nothing to diagnose".to_string());
        }
        if scan.binary {
            notes.push(
                "the input looks binary (it holds NUL bytes); its text was scanned".to_string(),
            );
        }
        if scan.truncated_lines > 0 {
            notes.push(format!(
                "{} over-long line(s) were cut to the line limit",
                scan.truncated_lines
            ));
        }
        ReportDto {
            source: line(&scan.source),
            lines: d.lines,
            findings,
            unrecognized: d
                .unrecognized
                .iter()
                .map(|u| UnrecognizedDto {
                    line: u.line,
                    text: line(&u.text),
                    step: u.step.as_deref().map(line),
                })
                .collect(),
            unrecognized_more: d.unrecognized_dropped,
            notes,
        }
    }
}

/// One line of report text with every control character shown as an escape (`\u{1b}`), so
/// nothing a report prints can act on a terminal: log text was sanitised already, but a file
/// name or a user's signature file was not.
fn line(text: &str) -> String {
    visible(text, false)
}

/// Like [`line`], keeping line breaks and tabs (summaries, fixes, snippets).
fn block(text: &str) -> String {
    visible(text, true)
}

fn visible(text: &str, multi_line: bool) -> String {
    let is_control = |c: char| {
        let keep = multi_line && (c == '\n' || c == '\t');
        !keep && (c.is_control() || c == '\u{2028}' || c == '\u{2029}')
    };
    if !text.contains(is_control) {
        return text.to_string();
    }
    text.chars()
        .map(|c| {
            if is_control(c) {
                c.escape_unicode().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_shown_as_escapes() {
        assert_eq!(
            line("a\x1b]0;t\x07b\u{9b}c\nd"),
            "a\\u{1b}]0;t\\u{7}b\\u{9b}c\\u{a}d"
        );
        assert_eq!(block("fix:\n\tdo it\x1b[2J"), "fix:\n\tdo it\\u{1b}[2J");
        assert_eq!(line("plain text"), "plain text");
    }
}
