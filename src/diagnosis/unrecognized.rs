//! Unrecognised failures: lines that look like a failure but that no signature knows.
//!
//! They are what a user must still read by eye, so they are kept few: boilerplate that only
//! points at another error is skipped, repeats (BuildKit's error summary repeats the failing
//! step's output) count once, and at most [`MAX_KEPT`] are kept.

use std::collections::HashSet;
use std::sync::OnceLock;

use regex::Regex;

/// Most unrecognised lines kept per input.
pub const MAX_KEPT: usize = 50;
/// Most line shapes remembered for telling repeats.
const MAX_SHAPES: usize = 100_000;

/// One unrecognised failure line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unrecognized {
    pub line: u64,
    /// Normalised, masked text.
    pub text: String,
    pub step: Option<String>,
}

fn failure_like() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        // ASCII word boundaries: Unicode ones keep the regex off its fast DFA on non-ASCII lines.
        Regex::new(
            r#"(?x)
            ^\s*(?:error|ERROR|Error|fatal|FATAL|Fatal|panic|PANIC|FAIL|FAILED)(?:\[[^\]]*\])?(?::|!|\s-\s)
            | ^npm\ (?:ERR!|error)\s
            | ^\s*(?:Uncaught\ )?[A-Z][A-Za-z]*(?:Error|Exception)(?::\s|\ \[|$)
            | ^Traceback\ \(most\ recent\ call\ last\)
            | ^\s*\[(?:error|ERROR|fatal|FATAL|crit|CRIT)\]
            | ^(?:error|fatal|critical):\s
            | (?-u:\b)level=(?:error|fatal)(?-u:\b)
            | (?-u:\b)exit(?:ed)?\ (?:with\ )?(?:code|status)[:\ ]\ ?[1-9][0-9]*
            | (?-u:\b)returned\ a\ non-zero\ code
            | (?-u:\b)error\ TS[0-9]+:
            | (?-u:\b)E(?:NOENT|ACCES|ADDRINUSE|CONNREFUSED|NOTFOUND|TIMEDOUT|PERM):\s
            | (?-u:\b)Segmentation\ fault(?-u:\b) | ^Killed$
            | (?-u:\b)net::ERR_[A-Z_]+
            "#,
        )
        .expect("failure-like regex compiles")
    })
}

/// Lines that look like failures but only point elsewhere.
fn boilerplate() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r#"(?x)
            ^npm\ (?:ERR!|error)\ (?:$|A\ complete\ log|\s*/root/\.npm|code\ |errno\ |path\ |workspace\ |location\ |command\ (?:failed|sh\ -c)|syscall\ |This\ is\ probably|Failed\ at|Exit\ status|Make\ sure|[a-z]+\ [^\s]+@[0-9])
            | ^npm\ (?:ERR!|error)\s+$
            | ^ERROR:\ failed\ to\ solve:\ |^ERROR:\ failed\ to\ build:
            "#,
        )
        .expect("boilerplate regex compiles")
    })
}

/// Lines that only report that something above failed: a CI step's or container's exit, pip's
/// subprocess wrapper.
fn wrapper() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r#"(?x)
            ^(?:\#\#\[error\])?Process\ completed\ with\ exit\ code
            | ^ERROR:\ Job\ failed:
            | ^ERROR:\ script\ returned\ exit\ code
            | exited\ with\ (?:exit\ )?code:?\ [0-9]
            | ^error:\ subprocess-exited-with-error
            | ^ERROR:\ Command\ errored\ out\ with\ exit\ status
            | ^[│|]?\s*exit\ code:\ [0-9]
            | ^Error:\ Process\ completed\ with\ exit\ code
            "#,
        )
        .expect("wrapper regex compiles")
    })
}

/// True when `text` only reports that something before it failed.
pub fn is_wrapper(text: &str) -> bool {
    wrapper().is_match(text.trim_start())
}

/// True when `text` reads like a failure.
pub fn looks_like_failure(text: &str) -> bool {
    text.len() >= 6 && failure_like().is_match(text) && !boilerplate().is_match(text)
}

/// The error block a recognised line opened: further lines with the same leading marker
/// (`npm error`, `gyp ERR!`, `error:`) close by belong to it.
#[derive(Debug, Default)]
pub(super) struct Block {
    marker: String,
    last: u64,
}

/// Lines further apart than this end a block.
const BLOCK_GAP: u64 = 2;

/// The leading marker of a line: its first word, and the second too after a tool name.
fn marker(text: &str) -> &str {
    let text = text.trim_start();
    let mut words = text.split_whitespace();
    let first = words.next().unwrap_or("");
    let end = match first {
        "npm" | "gyp" | "yarn" | "pnpm" | "prisma" => words.next().map_or(first.len(), |second| {
            // `second` is a slice of `text`: the marker runs to its end.
            second.as_ptr() as usize - text.as_ptr() as usize + second.len()
        }),
        _ => first.len(),
    };
    &text[..end]
}

impl Block {
    pub fn start(&mut self, line: u64, text: &str) {
        self.marker.clear();
        self.marker.push_str(marker(text));
        self.last = line;
    }

    /// Whether `text` on `line` continues the block (and extends it when it does).
    pub fn continues(&mut self, line: u64, text: &str) -> bool {
        let same =
            !self.marker.is_empty() && line - self.last <= BLOCK_GAP && marker(text) == self.marker;
        if same {
            self.last = line;
        }
        same
    }
}

/// Keeps the unrecognised lines of one input.
#[derive(Debug, Default)]
pub(super) struct Collector {
    kept: Vec<Unrecognized>,
    seen: HashSet<String>,
    dropped: u64,
}

impl Collector {
    /// Adds a line; false when it repeats one already kept.
    pub fn add(&mut self, line: u64, text: String, step: Option<String>) -> bool {
        let shape: String = text
            .trim()
            .chars()
            .map(|c| if c.is_ascii_digit() { '#' } else { c })
            .collect();
        if !self.seen.insert(shape) {
            return false;
        }
        if self.kept.len() < MAX_KEPT {
            self.kept.push(Unrecognized {
                line,
                text: text.trim().to_string(),
                step,
            });
        } else {
            self.dropped += 1;
        }
        true
    }

    /// Marks a line's shape (digits aside) as seen; false when it was already.
    pub fn note(&mut self, text: &str) -> bool {
        let shape: String = text
            .trim()
            .chars()
            .map(|c| if c.is_ascii_digit() { '#' } else { c })
            .collect();
        if self.seen.contains(&shape) {
            return false;
        }
        // Bounded: past this many shapes, new ones are no longer remembered.
        if self.seen.len() < MAX_SHAPES {
            self.seen.insert(shape);
        }
        true
    }

    pub fn items(&self) -> &[Unrecognized] {
        &self.kept
    }

    pub fn dropped(&self) -> u64 {
        self.dropped
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrappers() {
        for line in [
            "##[error]Process completed with exit code 1.",
            "ERROR: Job failed: exit code 1",
            "backend-1 exited with code 1",
            "error: subprocess-exited-with-error",
            "│ exit code: 1",
        ] {
            assert!(is_wrapper(line), "{line}");
        }
        assert!(!is_wrapper("Error: connect ECONNREFUSED 127.0.0.1:5432"));
        assert!(!looks_like_failure(r#""OOMKilled": false,"#));
    }

    #[test]
    fn blocks_continue_on_the_same_marker() {
        assert_eq!(marker("npm error Usage:"), "npm error");
        assert_eq!(marker("  npm ERR! code 1"), "npm ERR!");
        assert_eq!(marker("error: subprocess-exited-with-error"), "error:");
        let mut b = Block::default();
        b.start(10, "npm error The `npm ci` command can only install");
        assert!(b.continues(12, "npm error Usage:"));
        assert!(b.continues(14, "npm error Options:"));
        assert!(!b.continues(15, "ERROR: failed"));
        assert!(!b.continues(30, "npm error later"));
    }

    #[test]
    fn failure_lines() {
        for line in [
            "error: command 'cc' failed",
            "npm ERR! Cannot read properties of undefined",
            "npm error ERESOLVE unable to resolve dependency tree",
            "TypeError: Cannot read properties of undefined (reading 'id')",
            "Traceback (most recent call last):",
            "[error]: Failed to start server",
            "backend-1 exited with code 1",
            "The command '/bin/sh -c make' returned a non-zero code: 2",
            "ModuleNotFoundError: No module named 'swisseph'",
        ] {
            assert!(looks_like_failure(line), "{line}");
            // The engine asks the regex only when the prefilter saw a failure word.
            let lower = line.to_ascii_lowercase();
            assert!(
                crate::matcher::FAILURE_WORDS
                    .iter()
                    .any(|w| lower.contains(w)),
                "{line}"
            );
        }
    }

    #[test]
    fn ordinary_lines() {
        for line in [
            "added 612 packages, and audited 613 packages in 21s",
            "found 0 vulnerabilities",
            "npm warn deprecated inflight@1.0.6",
            "✓ handles error responses (3 ms)",
            "npm error code ELIFECYCLE",
            "npm error A complete log of this run can be found in: /root/.npm/_logs/x.log",
            "exited with code 0",
        ] {
            assert!(!looks_like_failure(line), "{line}");
        }
    }
}
