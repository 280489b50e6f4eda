//! The prose of a signature, taken from an issue-log entry: id and title from the heading,
//! `summary` from Root Cause, `fix` from Solution (its code blocks as the snippet), `prevention`
//! from How to Avoid / Prevention Strategies, and a guess at category, severity and tags.

use std::collections::HashSet;

use super::parse::{code_blocks, prose, IssueEntry};
use crate::signature::{Category, Severity};

/// Section names, lower-cased substrings, for each part of a signature.
const CAUSE: &[&str] = &["cause"];
const DESCRIPTION: &[&str] = &[
    "description",
    "what went wrong",
    "what happened",
    "problem",
    "context",
];
const SOLUTION: &[&str] = &["solution", "fix", "resolution", "workaround"];
const PREVENTION: &[&str] = &[
    "avoid",
    "prevent",
    "lesson",
    "learning",
    "insight",
    "takeaway",
    "best practice",
];
const FILES: &[&str] = &["files changed", "related files", "changed files"];

/// The prose parts of a signature for `entry`.
#[derive(Debug, Clone)]
pub struct Prose {
    pub title: String,
    pub summary: String,
    pub fix: String,
    pub snippet: Option<String>,
    pub prevention: String,
    /// The entry's Files Changed, as one reference line.
    pub files_changed: Option<String>,
    /// Parts the entry did not have, filled with a pointer to the issue log.
    pub missing: Vec<&'static str>,
}

/// Reads the prose of `entry`. Text is plain (bold marks dropped) but not yet escaped for
/// templates.
pub fn prose_of(entry: &IssueEntry) -> Prose {
    let mut missing = Vec::new();
    let title = if entry.title.trim().is_empty() {
        entry.heading.clone()
    } else {
        entry.title.clone()
    };
    let joined = |words: &[&str]| -> String {
        entry
            .sections_named(words)
            .map(|s| tidy(&prose(&s.body)))
            .filter(|t| !t.is_empty())
            .collect::<Vec<_>>()
            .join("\n\n")
    };

    let mut summary = joined(CAUSE);
    if summary.is_empty() {
        summary = joined(DESCRIPTION);
    }
    if summary.is_empty() {
        missing.push("summary (no Root Cause section)");
        summary = format!(
            "The issue log has no root cause for this failure; see \"{}\".",
            entry.heading
        );
    }

    let solutions: Vec<_> = entry.sections_named(SOLUTION).collect();
    let mut fix = String::new();
    let mut snippets = Vec::new();
    for (i, s) in solutions.iter().enumerate() {
        let text = tidy(&prose(&s.body));
        if !text.is_empty() {
            if !fix.is_empty() {
                fix.push_str("\n\n");
            }
            if i > 0 {
                fix.push_str(&format!("{}: ", s.name));
            }
            fix.push_str(&text);
        }
        snippets.extend(
            code_blocks(&s.body)
                .into_iter()
                .map(|b| b.code.trim_matches('\n').to_string())
                .filter(|c| !c.trim().is_empty()),
        );
    }
    let snippet = (!snippets.is_empty()).then(|| snippets.join("\n\n"));
    if fix.is_empty() {
        if snippet.is_some() {
            fix = "Apply the change below, from the issue log's solution.".into();
        } else {
            missing.push("fix (no Solution section)");
            fix = format!(
                "The issue log records no solution; see \"{}\".",
                entry.heading
            );
        }
    }
    let files: Vec<String> = entry
        .sections_named(FILES)
        .flat_map(|s| {
            s.body
                .lines()
                .map(|l| l.trim().trim_start_matches(['-', '*']).trim().to_string())
                .collect::<Vec<_>>()
        })
        .filter(|l| !l.is_empty())
        .collect();
    let files_changed =
        (!files.is_empty()).then(|| format!("Files changed then: {}", files.join("; ")));

    let mut prevention = joined(PREVENTION);
    if prevention.is_empty() {
        missing.push("prevention (no How to Avoid section)");
        prevention = "The issue log records no prevention for this failure; add a `### How to Avoid` section and import it again.".into();
    }
    Prose {
        title,
        summary,
        fix,
        snippet,
        prevention,
        files_changed,
        missing,
    }
}

/// Markdown prose made plain for a terminal: bold marks dropped, runs of blank lines cut to one.
pub fn tidy(text: &str) -> String {
    let mut out: Vec<String> = Vec::new();
    for line in text.replace("**", "").replace("__", "").lines() {
        let line = line.trim_end();
        if line.trim().is_empty() && out.last().is_none_or(|l| l.is_empty()) {
            continue;
        }
        out.push(if line.trim().is_empty() {
            String::new()
        } else {
            line.to_string()
        });
    }
    while out.last().is_some_and(String::is_empty) {
        out.pop();
    }
    out.join("\n")
}

/// An id made from a title: lower-case ASCII words joined by `-`, at most 48 characters,
/// unique among `taken` (a `-2`, `-3` ... is added).
pub fn id_from_title(title: &str, taken: &mut HashSet<String>) -> String {
    let mut slug = String::new();
    for c in title.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    let mut id = String::new();
    for word in slug
        .split('-')
        .filter(|w| !w.is_empty() && !matches!(*w, "a" | "an" | "the"))
    {
        if !id.is_empty() && id.len() + 1 + word.len() > 48 {
            break;
        }
        if !id.is_empty() {
            id.push('-');
        }
        id.push_str(word);
    }
    if id.is_empty() {
        id = "imported-issue".into();
    }
    let mut unique = id.clone();
    let mut n = 2;
    while !taken.insert(unique.clone()) {
        unique = format!("{id}-{n}");
        n += 1;
    }
    unique
}

/// The category, from the entry's `**Category**:` line when it names one, else from the words
/// of the title (counted twice) and the error message.
pub fn category_of(entry: &IssueEntry, message: &str) -> Category {
    let table: &[(Category, &[&str])] = &[
        (
            Category::Build,
            &[
                "build",
                "dockerfile",
                "compile",
                "compilation",
                "npm ci",
                "pip install",
                "typescript",
                "tsc",
                "webpack",
                "wheel",
                "gcc",
                "lockfile",
                "package-lock",
                "collectstatic",
                "image",
            ],
        ),
        (
            Category::Database,
            &[
                "database",
                "postgres",
                "postgresql",
                "mysql",
                "migration",
                "migrate",
                "relation",
                "prisma",
                "sql",
                "sqlite",
                "mongodb",
            ],
        ),
        (
            Category::Network,
            &[
                "cors",
                "network",
                "dns",
                "connection refused",
                "timed out",
                "timeout",
                "upstream",
                "proxy",
                "nginx",
                "port",
                "host",
                "tls",
                "certificate",
                "502",
                "504",
            ],
        ),
        (
            Category::Config,
            &[
                "config",
                "configuration",
                "environment variable",
                ".env",
                "settings",
                "allowed_hosts",
                "env var",
                "secret key",
            ],
        ),
        (
            Category::Security,
            &[
                "permission",
                "denied",
                "credential",
                "unauthorized",
                "forbidden",
                "csrf",
            ],
        ),
        (
            Category::Runtime,
            &[
                "runtime",
                "crash",
                "memory",
                "worker",
                "exception",
                "traceback",
                "panic",
            ],
        ),
    ];
    if let Some(declared) = entry.metadata().get("category") {
        let declared = declared.to_lowercase();
        if let Some((c, _)) = table.iter().find(|(c, _)| declared.contains(c.as_str())) {
            return *c;
        }
    }
    let title = entry.title.to_lowercase();
    let message = message.to_lowercase();
    let score = |words: &[&str]| -> usize {
        words
            .iter()
            .map(|w| 2 * usize::from(title.contains(w)) + usize::from(message.contains(w)))
            .sum()
    };
    table
        .iter()
        .map(|(c, words)| (*c, score(words)))
        .filter(|(_, s)| *s > 0)
        .max_by_key(|(c, s)| {
            (
                *s,
                usize::MAX - table.iter().position(|(x, _)| x == c).unwrap_or(0),
            )
        })
        .map_or(Category::Runtime, |(c, _)| c)
}

/// `warning` for an entry whose `**Severity**:` says low or minor, else `error`: an error
/// message in a deployment log is a failure.
pub fn severity_of(entry: &IssueEntry) -> Severity {
    match entry.metadata().get("severity").map(|s| s.to_lowercase()) {
        Some(s) if s.contains("low") || s.contains("minor") => Severity::Warning,
        _ => Severity::Error,
    }
}

/// Tools named in the title, the message or the solution's code (`python`, `redis`, `docker`).
pub fn tags_of(entry: &IssueEntry, message: &str) -> Vec<String> {
    const TOOLS: &[&str] = &[
        "docker",
        "compose",
        "kubernetes",
        "npm",
        "node",
        "typescript",
        "python",
        "pip",
        "django",
        "celery",
        "redis",
        "postgres",
        "mysql",
        "prisma",
        "nginx",
        "gunicorn",
        "uwsgi",
        "go",
        "rust",
        "cargo",
        "java",
        "maven",
        "gradle",
        "stripe",
        "cors",
        "openssl",
        "alpine",
        "debian",
        "ubuntu",
        "webpack",
        "vite",
        "react",
        "next",
        "gcc",
        "rails",
        "ruby",
        "php",
        "dotnet",
    ];
    let mut text = format!("{} {}", entry.title, message).to_lowercase();
    for s in entry.sections_named(SOLUTION) {
        for b in code_blocks(&s.body) {
            text.push(' ');
            text.push_str(&b.info.to_lowercase());
        }
    }
    let words: HashSet<&str> = text
        .split(|c: char| !c.is_ascii_alphanumeric())
        .map(|w| match w {
            "dockerfile" => "docker",
            "postgresql" | "psycopg2" => "postgres",
            "pip3" => "pip",
            "python3" => "python",
            "tsc" | "ts" => "typescript",
            other => other,
        })
        .collect();
    let mut tags: Vec<String> = TOOLS
        .iter()
        .filter(|t| words.contains(*t))
        .map(|t| t.to_string())
        .collect();
    tags.push("imported".into());
    tags
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::parse::parse;

    #[test]
    fn ids_are_short_unique_slugs() {
        let mut taken = HashSet::new();
        assert_eq!(
            id_from_title(
                "Python 3.12+ Externally Managed Environment (PEP 668)",
                &mut taken
            ),
            "python-3-12-externally-managed-environment-pep"
        );
        assert_eq!(
            id_from_title("The Missing Logs Directory", &mut taken),
            "missing-logs-directory"
        );
        assert_eq!(
            id_from_title("Missing logs directory!", &mut taken),
            "missing-logs-directory-2"
        );
        assert_eq!(id_from_title("¿¿", &mut taken), "imported-issue");
    }

    #[test]
    fn prose_from_sections() {
        let log = parse(
            "## Issue #1: CORS blocked\n**Category**: Network\n**Severity**: Low\n### Error Message\n```\nblocked by CORS policy\n```\n### Root Cause\nThe **origin** was not allowed.\n\n\n\nOnly one.\n### Solution\nAllow it:\n```env\nALLOWED_ORIGINS=https://a.example\n```\n### Alternative Solution\nUse a proxy.\n### How to Avoid\n- Test CORS\n### Files Changed\n- `.env`\n",
        );
        let e = &log.entries[0];
        let p = prose_of(e);
        assert_eq!(p.summary, "The origin was not allowed.\n\nOnly one.");
        assert_eq!(p.fix, "Allow it:\n\nAlternative Solution: Use a proxy.");
        assert_eq!(
            p.files_changed.as_deref(),
            Some("Files changed then: `.env`")
        );
        assert_eq!(
            p.snippet.as_deref(),
            Some("ALLOWED_ORIGINS=https://a.example")
        );
        assert_eq!(p.prevention, "- Test CORS");
        assert!(p.missing.is_empty());
        assert_eq!(category_of(e, "blocked by CORS policy"), Category::Network);
        assert_eq!(severity_of(e), Severity::Warning);
        assert_eq!(
            tags_of(e, "blocked by CORS policy"),
            vec!["cors", "imported"]
        );
    }
}
