//! Reading a Markdown deployment issue log into entries.
//!
//! The format is the one teams write after each incident: `## Issue #N: title` headings, each
//! followed by `### Error Message` (a fenced code block), `### Root Cause`, `### Solution`
//! (prose and a code block), `### How to Avoid` or `### Prevention Strategies`, and
//! `### Files Changed`. Real logs are messy, and the parser takes them as they come:
//!
//! - headings inside code blocks are code, not headings;
//! - other `##` sections (Overview, Summary, Checklist) end the current issue and are ignored;
//! - issue numbers may repeat (two logs pasted together): each entry stays its own, and a note
//!   says so;
//! - sections that turn up after a `---` rule with no heading of their own, while the issue
//!   before them already has its sections, are *detached*: they are given to the issue with no
//!   sections of its own whose title shares the most words with them (a heading written
//!   without its body, the body pasted further down), and a note says so.
//!
//! ```
//! use logdoc::import::parse::parse;
//! let log = parse("## Issue #3: Lock file missing\n\n### Error Message\n```\nnpm error missing lock\n```\n");
//! assert_eq!(log.entries[0].heading, "Issue #3: Lock file missing");
//! assert_eq!(log.entries[0].error_message().unwrap().text, "npm error missing lock");
//! ```

use std::collections::BTreeMap;
use std::sync::OnceLock;

use regex::Regex;

/// A parsed issue log.
#[derive(Debug, Clone, Default)]
pub struct IssueLog {
    pub entries: Vec<IssueEntry>,
    /// What the parser did about irregularities, for the user to read.
    pub notes: Vec<String>,
}

/// One `## Issue #N: title` entry.
#[derive(Debug, Clone, Default)]
pub struct IssueEntry {
    /// The number as written (`7`; `N` in a draft), when there is one.
    pub number: Option<String>,
    pub title: String,
    /// The heading text without the `## `: `Issue #7: Prisma OpenSSL detection`.
    pub heading: String,
    /// 1-based line of the heading.
    pub line: usize,
    /// Text between the heading and the first `###` (metadata such as `**Category**: ...`).
    pub intro: String,
    pub sections: Vec<Section>,
}

/// One `### Name` section of an entry.
#[derive(Debug, Clone, Default)]
pub struct Section {
    pub name: String,
    /// 1-based line of the section heading.
    pub line: usize,
    pub body: String,
}

/// An entry's error message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorMessage {
    pub text: String,
    /// Where it was found, for notes ("section `Potential Error`, plain text").
    pub how: String,
}

impl IssueEntry {
    /// The first section whose name, lower-cased, contains one of `words`.
    pub fn section(&self, words: &[&str]) -> Option<&Section> {
        self.sections.iter().find(|s| {
            let name = s.name.to_lowercase();
            words.iter().any(|w| name.contains(w))
        })
    }

    /// Every section whose name contains one of `words`, in order.
    pub fn sections_named<'a>(
        &'a self,
        words: &'a [&str],
    ) -> impl Iterator<Item = &'a Section> + 'a {
        self.sections.iter().filter(move |s| {
            let name = s.name.to_lowercase();
            words.iter().any(|w| name.contains(w))
        })
    }

    /// The error message: the code blocks of the `Error Message` (or `Error`, `Potential
    /// Error`, `Error Output`, `Logs`, `Stack Trace`, `Symptoms`) section, else its quoted or
    /// plain text.
    pub fn error_message(&self) -> Option<ErrorMessage> {
        let section = self.sections.iter().find(|s| is_error_section(&s.name))?;
        let blocks = code_blocks(&section.body);
        if !blocks.is_empty() {
            let text = blocks
                .iter()
                .map(|b| b.code.as_str())
                .collect::<Vec<_>>()
                .join("\n");
            return nonblank(text).map(|text| ErrorMessage {
                text,
                how: format!("the code block of `### {}`", section.name),
            });
        }
        let quoted: Vec<&str> = section
            .body
            .lines()
            .filter_map(|l| l.trim_start().strip_prefix('>'))
            .map(str::trim)
            .collect();
        if !quoted.is_empty() {
            return nonblank(quoted.join("\n")).map(|text| ErrorMessage {
                text,
                how: format!("the quoted text of `### {}`", section.name),
            });
        }
        let plain: Vec<&str> = section
            .body
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        nonblank(plain.join("\n")).map(|text| ErrorMessage {
            text,
            how: format!("the plain text of `### {}` (no code block)", section.name),
        })
    }

    /// `**Key**: value` lines of the intro (`Severity`, `Category`, `Date` ...), keys lower-cased.
    pub fn metadata(&self) -> BTreeMap<String, String> {
        static RE: OnceLock<Regex> = OnceLock::new();
        let re = RE.get_or_init(|| {
            Regex::new(r"^\s*[-*]?\s*\*\*([^*]+?)\*\*\s*:?\s*(?:\*\*)?\s*:?\s*(.*?)\s*$")
                .expect("metadata regex compiles")
        });
        self.intro
            .lines()
            .filter_map(|l| re.captures(l))
            .map(|c| {
                (
                    c[1].trim().trim_end_matches(':').to_lowercase(),
                    c[2].trim().to_string(),
                )
            })
            .filter(|(_, v)| !v.is_empty())
            .collect()
    }
}

fn nonblank(text: String) -> Option<String> {
    (!text.trim().is_empty()).then_some(text)
}

fn is_error_section(name: &str) -> bool {
    let name = name.to_lowercase();
    (name.contains("error") && !name.contains("handling"))
        || [
            "stack trace",
            "traceback",
            "symptom",
            "log output",
            "logs",
            "output",
        ]
        .iter()
        .any(|w| name.contains(w))
}

/// Section names that belong to an issue (for telling detached sections from other prose).
fn is_issue_section(name: &str) -> bool {
    let name = name.to_lowercase();
    is_error_section(&name)
        || [
            "cause",
            "solution",
            "fix",
            "avoid",
            "prevent",
            "files changed",
            "resolution",
            "workaround",
        ]
        .iter()
        .any(|w| name.contains(w))
}

/// A fenced code block: its info string (`dockerfile`) and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeBlock {
    pub info: String,
    pub code: String,
}

/// The fenced code blocks of `markdown`, in order.
pub fn code_blocks(markdown: &str) -> Vec<CodeBlock> {
    let mut blocks = Vec::new();
    let mut open: Option<(String, String, Vec<&str>)> = None;
    for line in markdown.lines() {
        match &mut open {
            None => {
                if let Some((fence, info)) = fence_open(line) {
                    open = Some((fence, info, Vec::new()));
                }
            }
            Some((fence, info, lines)) => {
                if fence_closes(line, fence) {
                    blocks.push(CodeBlock {
                        info: std::mem::take(info),
                        code: lines.join("\n"),
                    });
                    open = None;
                } else {
                    lines.push(line);
                }
            }
        }
    }
    if let Some((_, info, lines)) = open {
        // An unterminated block runs to the end, as Markdown renders it.
        blocks.push(CodeBlock {
            info,
            code: lines.join("\n"),
        });
    }
    blocks
}

/// `markdown` without its fenced code blocks.
pub fn prose(markdown: &str) -> String {
    let mut out = Vec::new();
    let mut fence: Option<String> = None;
    for line in markdown.lines() {
        match &fence {
            None => match fence_open(line) {
                Some((f, _)) => fence = Some(f),
                None => out.push(line),
            },
            Some(f) => {
                if fence_closes(line, f) {
                    fence = None;
                }
            }
        }
    }
    out.join("\n")
}

/// The fence and info string of a line that opens a code block.
fn fence_open(line: &str) -> Option<(String, String)> {
    let trimmed = line.trim_start();
    if line.len() - trimmed.len() > 3 {
        return None;
    }
    let ch = trimmed.chars().next().filter(|c| *c == '`' || *c == '~')?;
    let n = trimmed.chars().take_while(|c| *c == ch).count();
    if n < 3 {
        return None;
    }
    let info = trimmed[n..].trim();
    if ch == '`' && info.contains('`') {
        return None;
    }
    Some((
        ch.to_string().repeat(n),
        info.split_whitespace().next().unwrap_or("").to_string(),
    ))
}

fn fence_closes(line: &str, fence: &str) -> bool {
    let trimmed = line.trim();
    let ch = fence.chars().next().unwrap_or('`');
    trimmed.len() >= fence.len() && trimmed.chars().all(|c| c == ch)
}

fn issue_heading() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"^#{1,2}\s+((?i:issue|incident|problem|bug)\s*(?:#\s*([0-9]+|N|X|\?)|([0-9]+))\s*[:.)\-–—]?\s*(.*?))\s*#*\s*$").expect("heading regex compiles")
    })
}

/// Where detached sections are being collected.
struct Detached {
    after_line: usize,
    after_heading: Option<String>,
    sections: Vec<Section>,
}

/// Parses an issue log. Never fails: what it cannot read is left out and noted.
pub fn parse(markdown: &str) -> IssueLog {
    let mut log = IssueLog::default();
    let mut current: Option<IssueEntry> = None;
    let mut detached: Option<Detached> = None;
    let mut orphans: Vec<Detached> = Vec::new();
    let mut fence: Option<String> = None;
    let mut after_rule = false;

    for (i, line) in markdown.lines().enumerate() {
        let number = i + 1;
        if let Some(f) = &fence {
            if fence_closes(line, f) {
                fence = None;
            }
            push_line(&mut current, &mut detached, line);
            continue;
        }
        if let Some((f, _)) = fence_open(line) {
            fence = Some(f);
            after_rule = false;
            push_line(&mut current, &mut detached, line);
            continue;
        }
        let trimmed = line.trim();
        if trimmed.starts_with("# ") || trimmed.starts_with("## ") {
            if let Some(d) = detached.take() {
                orphans.push(d);
            }
            if let Some(entry) = current.take() {
                log.entries.push(entry);
            }
            if let Some(c) = issue_heading().captures(trimmed) {
                current = Some(IssueEntry {
                    number: c.get(2).or(c.get(3)).map(|m| m.as_str().to_string()),
                    title: clean_inline(c.get(4).map_or("", |m| m.as_str())),
                    heading: clean_inline(&c[1]),
                    line: number,
                    ..Default::default()
                });
            }
            after_rule = false;
            continue;
        }
        if let Some(name) = trimmed.strip_prefix("### ") {
            let name = clean_inline(
                name.trim()
                    .trim_end_matches('#')
                    .trim()
                    .trim_end_matches(':'),
            );
            let section = Section {
                name: name.clone(),
                line: number,
                body: String::new(),
            };
            let starts_detached = after_rule
                && is_issue_section(&name)
                && match &current {
                    Some(entry) => !entry.sections.is_empty(),
                    None => true,
                };
            if starts_detached {
                if let Some(d) = detached.take() {
                    orphans.push(d);
                }
                detached = Some(Detached {
                    after_line: number,
                    after_heading: current.as_ref().map(|e| e.heading.clone()),
                    sections: vec![section],
                });
            } else if let Some(d) = &mut detached {
                d.sections.push(section);
            } else if let Some(entry) = &mut current {
                entry.sections.push(section);
            }
            after_rule = false;
            continue;
        }
        if is_rule(trimmed) {
            after_rule = true;
            continue;
        }
        if !trimmed.is_empty() {
            after_rule = false;
        }
        push_line(&mut current, &mut detached, line);
    }
    if let Some(d) = detached.take() {
        orphans.push(d);
    }
    if let Some(entry) = current.take() {
        log.entries.push(entry);
    }
    for entry in &mut log.entries {
        entry.intro = entry.intro.trim().to_string();
        for s in &mut entry.sections {
            s.body = s.body.trim_matches('\n').to_string();
        }
    }
    for orphan in orphans {
        adopt(&mut log, orphan);
    }
    note_repeated_numbers(&mut log);
    log
}

fn push_line(current: &mut Option<IssueEntry>, detached: &mut Option<Detached>, line: &str) {
    let target = match detached {
        Some(d) => d.sections.last_mut().map(|s| &mut s.body),
        None => current.as_mut().map(|e| match e.sections.last_mut() {
            Some(s) => &mut s.body,
            None => &mut e.intro,
        }),
    };
    if let Some(body) = target {
        body.push_str(line);
        body.push('\n');
    }
}

fn is_rule(trimmed: &str) -> bool {
    let compact: String = trimmed.chars().filter(|c| !c.is_whitespace()).collect();
    compact.len() >= 3
        && ["-", "*", "_"]
            .iter()
            .any(|c| compact.chars().all(|x| x.to_string() == *c))
}

/// Gives detached sections to the section-less entry whose title they share most words with.
fn adopt(log: &mut IssueLog, mut orphan: Detached) {
    for s in &mut orphan.sections {
        s.body = s.body.trim_matches('\n').to_string();
    }
    let text: String = orphan
        .sections
        .iter()
        .map(|s| format!("{} {}", s.name, s.body))
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase();
    let words = |title: &str| -> usize {
        title
            .to_lowercase()
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| w.len() >= 4)
            .filter(|w| text.contains(*w) || (w.ends_with('s') && text.contains(&w[..w.len() - 1])))
            .count()
    };
    let candidates: Vec<(usize, usize)> = log
        .entries
        .iter()
        .enumerate()
        .filter(|(_, e)| e.sections.is_empty())
        .map(|(i, e)| (i, words(&e.title)))
        .collect();
    let best = candidates.iter().map(|c| c.1).max().unwrap_or(0);
    let chosen: Vec<usize> = candidates
        .iter()
        .filter(|c| c.1 == best)
        .map(|c| c.0)
        .collect();
    let pick = match chosen.as_slice() {
        [one] if best > 0 || candidates.len() == 1 => Some(*one),
        _ => None,
    };
    let where_ = match &orphan.after_heading {
        Some(h) => format!("line {} (after \"{h}\")", orphan.after_line),
        None => format!("line {}", orphan.after_line),
    };
    let names = orphan
        .sections
        .iter()
        .map(|s| format!("`{}`", s.name))
        .collect::<Vec<_>>()
        .join(", ");
    match pick {
        Some(i) => {
            let entry = &mut log.entries[i];
            log.notes.push(format!(
                "sections {names} at {where_} follow a `---` rule without a heading of their own; they were given to \"{}\" (line {}), which had no sections and whose title they match",
                entry.heading, entry.line
            ));
            entry.sections = orphan.sections;
        }
        None => log.notes.push(format!("sections {names} at {where_} follow a `---` rule without a heading of their own and match no issue; they were left out")),
    }
}

fn note_repeated_numbers(log: &mut IssueLog) {
    let mut by_number: BTreeMap<u64, Vec<usize>> = BTreeMap::new();
    for e in &log.entries {
        if let Some(n) = e.number.as_deref().and_then(|n| n.parse().ok()) {
            by_number.entry(n).or_default().push(e.line);
        }
    }
    let repeated: Vec<String> = by_number
        .iter()
        .filter(|(_, lines)| lines.len() > 1)
        .map(|(n, lines)| {
            format!(
                "#{n} (lines {})",
                lines
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        })
        .collect();
    if !repeated.is_empty() {
        log.notes.push(format!("issue numbers repeat: {}; each entry is imported on its own, under an id made from its title", repeated.join("; ")));
    }
}

/// Inline Markdown → plain text: `**bold**` and `__bold__` marks and trailing `#`s dropped.
pub fn clean_inline(text: &str) -> String {
    text.replace("**", "").replace("__", "").trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    const MESSY: &str = "# Log\n\n## Overview\n### Error Message\nnot an issue\n\n---\n\n## Issue #1: First\n\n**Severity**: High\n\n### Error Message\n```\n## not a heading\nboom: first\n```\n\n### Root Cause\nBecause.\n\n---\n\n## Issue #1: Second, heading only\n\n**Date**: today\n\n---\n\n## Issue #2: Third\n\n### Error Message\n```\nboom: third\n```\n\n### Solution\nDo it.\n\n---\n\n### Potential Error\n```\nheading only went wrong\n```\n\n### Solution\nFix the second.\n\n---\n\n## Summary\n### 1. Practice\ntext\n";

    #[test]
    fn headings_in_code_other_sections_and_detached_sections() {
        let log = parse(MESSY);
        let headings: Vec<&str> = log.entries.iter().map(|e| e.heading.as_str()).collect();
        assert_eq!(
            headings,
            vec![
                "Issue #1: First",
                "Issue #1: Second, heading only",
                "Issue #2: Third"
            ]
        );
        assert_eq!(
            log.entries[0].error_message().unwrap().text,
            "## not a heading\nboom: first"
        );
        assert_eq!(
            log.entries[0]
                .metadata()
                .get("severity")
                .map(String::as_str),
            Some("High")
        );
        // The detached block went to the entry without sections that shares words with it.
        assert_eq!(
            log.entries[1].error_message().unwrap().text,
            "heading only went wrong"
        );
        assert_eq!(log.entries[2].sections.len(), 2);
        assert!(
            log.notes
                .iter()
                .any(|n| n.contains("Issue #1: Second, heading only")
                    && n.contains("`Potential Error`")),
            "{:?}",
            log.notes
        );
        assert!(
            log.notes.iter().any(|n| n.contains("#1 (lines")),
            "{:?}",
            log.notes
        );
    }

    #[test]
    fn error_message_without_a_code_block() {
        let log = parse("## Issue 4 - Plain\n### Error\nThe worker said: Killed\n");
        assert_eq!(log.entries[0].title, "Plain");
        let msg = log.entries[0].error_message().unwrap();
        assert_eq!(msg.text, "The worker said: Killed");
        assert!(msg.how.contains("plain text"));
    }

    #[test]
    fn prose_and_code_blocks() {
        let md = "Added a flag:\n```dockerfile\nRUN pip install --x\n```\nDone.\n~~~\nmore\n~~~";
        assert_eq!(prose(md), "Added a flag:\nDone.");
        let blocks = code_blocks(md);
        assert_eq!(
            blocks[0],
            CodeBlock {
                info: "dockerfile".into(),
                code: "RUN pip install --x".into()
            }
        );
        assert_eq!(blocks[1].code, "more");
    }
}
