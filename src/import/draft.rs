//! From one unrecognised failure line to a draft: a signature that matches the line and its
//! look-alikes with other values (and passes `signatures check` as it stands), and an issue-log
//! entry in the team's Markdown format, both with `TODO`s where a person must write the why
//! and the fix. The TUI's `a` key and `logdoc draft "LINE"` use it.

use std::collections::HashSet;
use std::time::{SystemTime, UNIX_EPOCH};

use super::entry::{category_of, id_from_title, tags_of};
use super::generalize::{Level, SAFE};
use super::message::{rule_for_line, MessageRule};
use super::parse::IssueEntry;
use super::write::render;
use crate::signature::Severity;
use crate::signature::SignatureFile;

/// A drafted signature and issue-log entry for one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    /// The signature's id (a file name for it: `<id>.toml`).
    pub id: String,
    /// The signature file. It matches the line and passes `logdoc signatures check`, except
    /// for a line with fewer than three characters of text, which nothing can key on (its
    /// header comment then says why).
    pub signature_toml: String,
    /// An `## Issue #N: title` entry to append to the team's issue log.
    pub issue_entry_markdown: String,
}

/// Drafts a signature and an issue-log entry from `line` (raw or normalised; tool prefixes
/// are taken off as the engine does). Volatile parts are generalised as `logdoc import` does;
/// when that leaves too little fixed text, quoted names, then everything but numbers, then
/// the whole line are kept literal — a draft is for editing, so it never refuses.
pub fn draft_from_line(line: &str) -> Draft {
    draft_on(line, &today())
}

fn draft_on(line: &str, date: &str) -> Draft {
    let line = line.trim_end_matches(['\r', '\n']);
    let line = line.lines().find(|l| !l.trim().is_empty()).unwrap_or(line);
    let mut last_error = String::from("the line has fewer than three characters of text to key on");
    let mut fallback = None;
    for level in [
        Level::All,
        Level::KeepQuoted,
        Level::NumbersOnly,
        Level::Literal,
    ] {
        let Some(rule) = rule_for_line(line, level) else {
            continue;
        };
        if rule.rule.score < SAFE && level != Level::Literal {
            continue;
        }
        let (file, header, title) = signature_for(line, &rule);
        let file_name = format!("{}.toml", file.id);
        match super::finish(file.clone(), &rule, header.clone(), &file_name) {
            Ok(toml) => {
                return Draft {
                    id: file.id.clone(),
                    signature_toml: toml,
                    issue_entry_markdown: entry_markdown(line, &title, &file, date),
                }
            }
            Err(e) => {
                last_error = e;
                fallback = Some((file, header, title));
            }
        }
    }
    // Nothing checks: hand back the last attempt (or a skeleton) with the reason on top.
    let (file, mut header, title) = fallback.unwrap_or_else(|| {
        let rule = MessageRule::literal(line);
        signature_for(line, &rule)
    });
    header.push(format!("NOT CHECKED: {last_error}"));
    Draft {
        id: file.id.clone(),
        signature_toml: render(&file, &header),
        issue_entry_markdown: entry_markdown(line, &title, &file, date),
    }
}

fn signature_for(line: &str, rule: &MessageRule) -> (SignatureFile, Vec<String>, String) {
    let title = title_of(&rule.rule.stable, line);
    let id = id_from_title(&title, &mut HashSet::new());
    let entry = IssueEntry {
        title: title.clone(),
        heading: format!("Issue #N: {title}"),
        ..Default::default()
    };
    let placeholders: Vec<String> = rule.rule.names.iter().map(|n| format!("{{{n}}}")).collect();
    let mut fix = "TODO: the steps that fix it.".to_string();
    if !placeholders.is_empty() {
        fix.push_str(&format!(
            " Values captured from the log can be used here: {}.",
            placeholders.join(", ")
        ));
    }
    let mut tags: Vec<String> = tags_of(&entry, line)
        .into_iter()
        .filter(|t| t != "imported")
        .collect();
    tags.push("draft".into());
    let file = SignatureFile {
        id,
        title: title.clone(),
        severity: Severity::Error,
        category: category_of(&entry, line),
        tags,
        priority: 50,
        explains: vec![],
        keywords: vec![],
        patterns: vec![],
        summary:
            "TODO: why this happens (drafted by logdoc from an unrecognised line; see the example)."
                .into(),
        fix,
        snippet: None,
        prevention: "TODO: how to keep it from happening again.".into(),
        references: vec![format!("Issue #N: {title}")],
        near: None,
        examples: vec![],
        counter_examples: vec![],
    };
    let header = vec![
        "Drafted by logdoc from an unrecognised line: write the summary, fix and prevention (the TODOs).".to_string(),
        format!("Keyed on: {}", rule.normalized[rule.key].trim()),
    ];
    (file, header, title)
}

/// A title from the line's fixed text: `No module named '…'`, at most 80 characters.
fn title_of(stable: &str, line: &str) -> String {
    let words: Vec<&str> = stable.split_whitespace().collect();
    let text = if words.is_empty() {
        line.split_whitespace().collect::<Vec<_>>().join(" ")
    } else {
        words.join(" ")
    };
    let text = text.trim_end_matches([':', ',', ';']).to_string();
    if text.chars().count() <= 80 {
        return text;
    }
    let cut: String = text.chars().take(79).collect();
    let cut = cut
        .rsplit_once(' ')
        .map_or(cut.as_str(), |(head, _)| head)
        .to_string();
    format!("{cut}…")
}

/// The issue-log entry, in the format `logdoc import` reads.
fn entry_markdown(line: &str, title: &str, file: &SignatureFile, date: &str) -> String {
    let fence = if line.contains("```") { "~~~~" } else { "```" };
    format!(
        "## Issue #N: {title}\n\n\
         **Date**: {date}  \n\
         **Category**: {category}  \n\
         **Status**: 🔍 Open\n\n\
         ### Error Message\n{fence}\n{line}\n{fence}\n\n\
         ### Root Cause\nTODO: why it happened.\n\n\
         ### Solution\nTODO: what fixed it, with the change in a code block:\n```bash\n# the commands or code that fixed it\n```\n\n\
         ### How to Avoid\n- TODO: how to keep it from happening again\n\n\
         ### Files Changed\n- TODO\n\n---\n",
        category = capitalise(file.category.as_str()),
    )
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// Today's date (UTC), `YYYY-MM-DD`.
fn today() -> String {
    let days = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() / 86_400);
    civil_date(i64::try_from(days).unwrap_or(0))
}

/// Days since 1970-01-01 → `YYYY-MM-DD` (proleptic Gregorian; H. Hinnant's algorithm).
fn civil_date(days: i64) -> String {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::import::{check_toml, import_issue_log};
    use crate::scan::scan_text;
    use crate::signature::{examples, Origin};

    /// The draft's signature loads, passes its check, and fires on `line` and on `other`.
    fn assert_usable(draft: &Draft, line: &str, other: &str) {
        let set = check_toml(&draft.signature_toml, Origin::File("draft.toml".into()))
            .unwrap_or_else(|e| panic!("{e:?}\n{}", draft.signature_toml));
        let set = Arc::new(set);
        assert_eq!(examples::check(&set), vec![], "{}", draft.signature_toml);
        for log in [line, other] {
            let d = scan_text(log, Arc::clone(&set), false);
            assert!(
                d.findings.iter().any(|f| f.id == draft.id),
                "{log:?} not matched by\n{}",
                draft.signature_toml
            );
        }
    }

    #[test]
    fn drafts_match_the_line_and_others_like_it() {
        let table: &[(&str, &str)] = &[
            ("ModuleNotFoundError: No module named 'debug_toolbar'", "web-1  | ModuleNotFoundError: No module named 'silk'"),
            ("2024-05-02T10:11:12Z ERROR dial tcp 10.0.4.7:5432: connect: connection refused", "ERROR dial tcp 172.18.0.2:6432: connect: connection refused"),
            ("#14 3.2 error: failed to push registry.example.com/shop/api:1.4.2: unexpected status: 401 Unauthorized", "error: failed to push ghcr.io/acme/web:2.0.0: unexpected status: 401 Unauthorized"),
        ];
        for (line, other) in table {
            let draft = draft_on(line, "2026-01-02");
            assert_usable(&draft, line, other);
            assert!(
                draft.issue_entry_markdown.starts_with("## Issue #N: "),
                "{}",
                draft.issue_entry_markdown
            );
            assert!(draft.issue_entry_markdown.contains("**Date**: 2026-01-02"));
        }
    }

    #[test]
    fn generic_lines_are_drafted_literally() {
        let draft = draft_on("Killed", "2026-01-02");
        assert_usable(&draft, "Killed", "#12 45.30 Killed");
        assert!(
            draft.signature_toml.contains("patterns = [\"Killed\"]"),
            "{}",
            draft.signature_toml
        );
    }

    #[test]
    fn the_drafted_entry_imports_back() {
        let line = "celery.exceptions.WorkerLostError: Worker exited prematurely: signal 9 (SIGKILL) Job: 17.";
        let draft = draft_on(line, "2026-01-02");
        let outcome = import_issue_log(&draft.issue_entry_markdown, "draft.md").unwrap();
        assert_eq!(outcome.imported.len(), 1, "{:?}", outcome.skipped);
        assert_eq!(outcome.imported[0].id, draft.id);
        assert_eq!(outcome.imported[0].keyed_on, line);
    }

    #[test]
    fn dates() {
        assert_eq!(civil_date(0), "1970-01-01");
        assert_eq!(civil_date(20_454), "2026-01-01");
        assert_eq!(civil_date(11_016), "2000-02-29");
    }
}
