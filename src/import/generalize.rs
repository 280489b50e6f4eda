//! Generalising an error line into a matching rule.
//!
//! The line is cut into *pieces*: literal text, and volatile parts — URLs, paths, IP
//! addresses, `host:port`, host names, versions, dates, times, hex ids, numbers and quoted
//! identifiers. Volatile parts become named captures (`(?P<module>[^']+)`) or plain wildcards
//! (dates, times, hex ids and numbers); the literal text stays as it is, so the stable phrase
//! that identifies the failure is kept, and its longest run becomes the prefilter keyword.
//! Log-level and timestamp prefixes (`error:`, `npm error`, `[2024-03-05 08:01:12 +0000]`,
//! `[CRITICAL]`) and a leading location (`src/a.ts(3,7): `) are left out of the rule, so the
//! same failure printed by another tool version or logger still matches.
//!
//! ```
//! use logdoc::import::generalize::{generalize_line, Level};
//! let rule = generalize_line("error: No module named 'django_extensions'", Level::All).unwrap();
//! assert_eq!(rule.pattern, "No module named '(?P<module>[^'\\n]+)'");
//! assert_eq!(rule.keyword, "No module named '");
//! ```

use std::collections::HashSet;
use std::ops::Range;
use std::sync::OnceLock;

use regex::Regex;

use super::tokens::{escape_literal, fragment};
pub use super::tokens::{tokenize, Kind, Level, Piece};

/// A line turned into a regex.
#[derive(Debug, Clone)]
pub struct Rule {
    /// The regex (Rust `regex` syntax, no anchors): matches the line and its look-alikes with
    /// other values.
    pub pattern: String,
    /// The longest literal run of the pattern: every line the pattern matches contains it.
    pub keyword: String,
    /// The literal text with `…` for each volatile part.
    pub stable: String,
    /// Named captures, in order.
    pub names: Vec<String>,
    /// How distinctive the literal text is (see [`distinctiveness`]).
    pub score: usize,
    /// The pieces the pattern was built from, and where they start and end in the line.
    pub pieces: Vec<Piece>,
    pub core: Range<usize>,
}

impl Rule {
    /// The line with every volatile value replaced by another value of the same kind — a
    /// look-alike the rule must still match (another port, path, module, version ...).
    pub fn with_other_values(&self, line: &str) -> String {
        let mut out = String::with_capacity(line.len() + 16);
        out.push_str(line.get(..self.core.start).unwrap_or(""));
        for piece in &self.pieces {
            match piece {
                Piece::Literal(text) => out.push_str(text),
                Piece::Volatile { kind, text, .. } => {
                    out.push_str(&super::tokens::alternative(kind, text))
                }
            }
        }
        out.push_str(line.get(self.core.end..).unwrap_or(""));
        out
    }
}

/// Gives capture names, unique across the rules of one signature.
#[derive(Debug, Default)]
pub struct Namer {
    used: HashSet<String>,
}

impl Namer {
    fn name(&mut self, base: &str) -> String {
        if self.used.insert(base.to_string()) {
            return base.to_string();
        }
        (2..)
            .map(|n| format!("{base}_{n}"))
            .find(|n| self.used.insert(n.clone()))
            .unwrap_or_default()
    }
}

/// Generalises one (normalised) line on its own; `None` when nothing of at least three
/// characters stays literal to key the prefilter on.
pub fn generalize_line(line: &str, level: Level) -> Option<Rule> {
    build(line, level, &mut Namer::default())
}

/// Like [`generalize_line`], with capture names drawn from `namer`.
pub fn build(line: &str, level: Level, namer: &mut Namer) -> Option<Rule> {
    let start = line.len() - strip_prefixes(line).len();
    let end = line.trim_end().len().max(start);
    let mut pieces = tokenize(&line[start..end], level);
    let mut offsets: Vec<usize> = Vec::with_capacity(pieces.len());
    let mut at = start;
    for p in &pieces {
        offsets.push(at);
        at += piece_text(p).len();
    }
    // Leave out a leading location or timestamp: it varies and says nothing about the failure.
    let mut first = 0;
    while first < pieces.len() {
        let droppable = match &pieces[first] {
            Piece::Literal(t) => {
                !t.chars().any(char::is_alphanumeric)
                    && pieces.get(first + 1).is_some_and(is_location)
            }
            p => is_location(p),
        };
        if !droppable {
            break;
        }
        first += 1;
    }
    let mut core_start = offsets.get(first).copied().unwrap_or(end);
    let mut pieces: Vec<Piece> = pieces.drain(first..).collect();
    if let Some(Piece::Literal(t)) = pieces.first_mut() {
        let trimmed =
            t.trim_start_matches(|c: char| !c.is_alphanumeric() && !"'\"`‘“[({<".contains(c));
        core_start += t.len() - trimmed.len();
        *t = trimmed.to_string();
        if t.is_empty() {
            pieces.remove(0);
        }
    }
    if pieces.is_empty() {
        return None;
    }
    name_pieces(&mut pieces, namer);
    let mut pattern = String::new();
    let mut stable = String::new();
    let mut names = Vec::new();
    for p in &pieces {
        match p {
            Piece::Literal(t) => {
                pattern.push_str(&escape_literal(t));
                stable.push_str(t);
            }
            Piece::Volatile { kind, name, .. } => {
                let fragment = fragment(kind);
                match name {
                    Some(n) => {
                        pattern.push_str(&format!("(?P<{n}>{fragment})"));
                        names.push(n.clone());
                    }
                    None => pattern.push_str(&fragment),
                }
                stable.push('…');
            }
        }
    }
    let keyword = keyword(&pieces)?;
    let score = distinctiveness(&stable);
    Some(Rule {
        pattern,
        keyword,
        stable,
        names,
        score,
        pieces,
        core: core_start..end,
    })
}

/// The least distinctiveness of a rule that is safe to match on its own.
pub const SAFE: usize = 12;

/// How much of `stable` identifies a failure: the letters of its words that are neither
/// common English nor generic log vocabulary (`error`, `failed`, `exit code` ...), with
/// identifier-like words (`TS2305`, `DATABASE_URL`, `lockfileVersion`) counting double.
pub fn distinctiveness(stable: &str) -> usize {
    stable
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|w| w.chars().count() >= 3 && w.chars().any(char::is_alphabetic))
        .filter(|w| !GENERIC.contains(&w.to_lowercase().as_str()))
        .map(|w| {
            let identifier = w.chars().any(|c| c.is_ascii_digit() || c == '_')
                || w.chars()
                    .zip(w.chars().skip(1))
                    .any(|(a, b)| a.is_lowercase() && b.is_uppercase());
            w.chars().count() * if identifier { 2 } else { 1 }
        })
        .sum()
}

/// Words that say nothing about *which* failure a line reports.
const GENERIC: &[&str] = &[
    "error",
    "errors",
    "err",
    "failed",
    "failure",
    "fail",
    "fails",
    "fatal",
    "warning",
    "warn",
    "info",
    "debug",
    "notice",
    "critical",
    "crit",
    "exception",
    "the",
    "and",
    "for",
    "with",
    "not",
    "was",
    "were",
    "has",
    "have",
    "had",
    "been",
    "this",
    "that",
    "from",
    "into",
    "are",
    "but",
    "can",
    "could",
    "would",
    "should",
    "will",
    "please",
    "see",
    "more",
    "details",
    "detail",
    "stack",
    "trace",
    "traceback",
    "most",
    "recent",
    "call",
    "last",
    "line",
    "file",
    "message",
    "unknown",
    "unexpected",
    "occurred",
    "process",
    "command",
    "returned",
    "non",
    "zero",
    "code",
    "exit",
    "exited",
    "status",
    "did",
    "complete",
    "completed",
    "successfully",
    "success",
    "run",
    "running",
    "npm",
    "note",
    "hint",
    "you",
    "your",
    "its",
    "what",
    "when",
    "then",
    "there",
    "here",
    "also",
    "while",
    "all",
    "any",
    "some",
    "one",
    "two",
    "out",
    "off",
    "now",
    "via",
    "typeerror",
    "valueerror",
    "keyerror",
    "runtimeerror",
    "attributeerror",
    "indexerror",
    "assertionerror",
    "oserror",
    "ioerror",
    "syntaxerror",
    "referenceerror",
    "panic",
    "killed",
    "aborted",
    "abort",
    "terminated",
    "signal",
    "undefined",
    "null",
    "none",
    "true",
    "false",
    "something",
    "went",
    "wrong",
    "internal",
    "server",
];

/// True when `line` reads like a failure (used to pick the key line of a message).
pub fn failure_like(line: &str) -> bool {
    const WORDS: &[&str] = &[
        "error",
        "fail",
        "fatal",
        "cannot",
        "can't",
        "could not",
        "couldn't",
        "unable",
        "refused",
        "denied",
        "exception",
        "not found",
        "no such",
        "invalid",
        "missing",
        "blocked",
        "timeout",
        "timed out",
        "panic",
        "killed",
        "not allowed",
        "not permitted",
        "mismatch",
        "does not exist",
        "doesn't exist",
        "critical",
        "[emerg]",
        "segmentation fault",
        "out of memory",
        "unauthorized",
        "forbidden",
        "abort",
    ];
    let lower = line.to_lowercase();
    WORDS.iter().any(|w| lower.contains(w))
}

/// Level and timestamp prefixes, removed from the front of a line before it is generalised.
fn prefix() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r"(?x)^\s*(?:
                \[[^\]\n]{1,60}\]:?                                         # [error] [7] [2024-03-05 08:01:12 +0000]
              | [0-9]{4}[-/][0-9]{2}[-/][0-9]{2}(?:[T\ ][0-9]{2}:[0-9]{2}(?::[0-9]{2})?(?:[.,][0-9]+)?(?:Z|\ ?[+-][0-9]{2}:?[0-9]{2})?)?
              | [0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:[.,][0-9]+)?
              | npm\ (?:ERR!|error|warn|WARN)
              | (?i:error|fatal|warning|warn|critical|crit|panic|info|debug|emerg|alert)(?:\[[^\]]*\])?\ ?(?::|!|\ -\ )
              | [A-Za-z][A-Za-z0-9_.-]*:(?i:warn|warning|error|info|debug)\b   # prisma:warn
              | [A-Za-z][A-Za-z0-9_.-]*:\ \[(?i:emerg|alert|crit|error|warn|notice|info|debug)\]   # nginx: [emerg]
            )\s*",
        )
        .expect("prefix regex compiles")
    })
}

fn strip_prefixes(line: &str) -> &str {
    let mut rest = line;
    for _ in 0..8 {
        match prefix().find(rest) {
            Some(m) if m.end() > 0 && m.end() < rest.trim_end().len() => rest = &rest[m.end()..],
            _ => break,
        }
    }
    rest
}

fn is_location(p: &Piece) -> bool {
    matches!(
        p,
        Piece::Volatile {
            kind: Kind::Path
                | Kind::Date
                | Kind::Timestamp
                | Kind::Time
                | Kind::Number
                | Kind::Hex
                | Kind::Address
                | Kind::Host
                | Kind::Port,
            ..
        }
    )
}

fn piece_text(p: &Piece) -> &str {
    match p {
        Piece::Literal(t) | Piece::Volatile { text: t, .. } => t,
    }
}

/// The longest run of exact literal text (blank runs cut it) with at least 3 characters.
fn keyword(pieces: &[Piece]) -> Option<String> {
    let mut best: Option<&str> = None;
    for p in pieces {
        let Piece::Literal(t) = p else { continue };
        for segment in t.split("  ").flat_map(|s| s.split('\t')) {
            let segment = segment.trim();
            let key = |s: &str| (s.chars().filter(|c| c.is_alphanumeric()).count(), s.len());
            if segment.len() >= 3 && best.is_none_or(|b| key(segment) > key(b)) {
                best = Some(segment);
            }
        }
    }
    best.filter(|b| b.chars().any(char::is_alphanumeric))
        .map(str::to_string)
}

/// Names captured pieces after the word before them (`module`, `port`, `origin` ...) or their
/// kind; numbers, dates, times and hex ids stay unnamed wildcards unless the word says `port`.
fn name_pieces(pieces: &mut [Piece], namer: &mut Namer) {
    for i in 0..pieces.len() {
        let before = match i.checked_sub(1).map(|j| &pieces[j]) {
            Some(Piece::Literal(t)) => last_word(t),
            _ => None,
        };
        let after = match pieces.get(i + 1) {
            Some(Piece::Literal(t)) => first_word(t),
            _ => None,
        };
        let Piece::Volatile { kind, name, .. } = &mut pieces[i] else {
            continue;
        };
        let context = before
            .filter(|w| NOUNS.contains(&w.as_str()))
            .or(after.filter(|w| NOUNS.contains(&w.as_str())));
        let base = match kind {
            Kind::Number | Kind::Port => match context.as_deref() {
                Some("port") => {
                    *kind = Kind::Port;
                    Some("port".to_string())
                }
                Some("version") => Some("version".to_string()),
                _ if *kind == Kind::Port => Some("port".to_string()),
                _ => None,
            },
            Kind::Date | Kind::Timestamp | Kind::Time | Kind::Hex => None,
            _ => {
                let class = match kind {
                    Kind::Quoted { class, .. } => (**class).clone(),
                    other => other.clone(),
                };
                let context = match class {
                    Kind::Host | Kind::Address => context.filter(|c| HOSTISH.contains(&c.as_str())),
                    _ => context,
                };
                Some(context.unwrap_or_else(|| kind_name(&class).to_string()))
            }
        };
        *name = base.map(|b| namer.name(&b));
    }
}

/// Context words that name the value next to them.
const NOUNS: &[&str] = &[
    "origin",
    "module",
    "member",
    "package",
    "relation",
    "table",
    "column",
    "database",
    "command",
    "user",
    "role",
    "key",
    "variable",
    "field",
    "image",
    "service",
    "container",
    "queue",
    "bucket",
    "model",
    "class",
    "attribute",
    "property",
    "function",
    "method",
    "setting",
    "extension",
    "library",
    "plugin",
    "upstream",
    "channel",
    "topic",
    "index",
    "schema",
    "type",
    "branch",
    "tag",
    "port",
    "host",
    "file",
    "path",
    "version",
    "url",
    "address",
    "domain",
    "directory",
    "folder",
    "app",
    "application",
    "task",
    "worker",
    "entry",
    "template",
    "view",
    "route",
    "endpoint",
    "target",
    "platform",
    "network",
    "volume",
    "secret",
    "certificate",
    "interpreter",
    "binary",
];

/// Context words that may name a host or address.
const HOSTISH: &[&str] = &[
    "host",
    "upstream",
    "origin",
    "domain",
    "address",
    "service",
    "database",
    "server",
    "container",
];

fn kind_name(kind: &Kind) -> &'static str {
    match kind {
        Kind::Url => "url",
        Kind::Path => "path",
        Kind::Address => "address",
        Kind::Host => "host",
        Kind::Port => "port",
        Kind::Version => "version",
        Kind::Quoted { .. } | Kind::Name => "name",
        Kind::Date => "date",
        Kind::Timestamp => "timestamp",
        Kind::Time => "time",
        Kind::Hex => "id",
        Kind::Number => "number",
    }
}

fn last_word(text: &str) -> Option<String> {
    let words: Vec<&str> = text
        .split(|c: char| !c.is_ascii_alphabetic())
        .filter(|w| !w.is_empty())
        .collect();
    let trailing = text.trim_end_matches(|c: char| !c.is_ascii_alphabetic());
    // Only a word right before the value counts ("module named 'x'", "port 5432", "host: 'x'").
    if text.len() - trailing.len() > 3 {
        return None;
    }
    let mut it = words.iter().rev();
    let last = it.next()?.to_ascii_lowercase();
    if last == "named" || last == "called" {
        return it.next().map(|w| w.to_ascii_lowercase());
    }
    Some(last)
}

fn first_word(text: &str) -> Option<String> {
    let lead = text.len()
        - text
            .trim_start_matches(|c: char| !c.is_ascii_alphabetic())
            .len();
    if lead > 2 {
        return None;
    }
    text.split(|c: char| !c.is_ascii_alphabetic())
        .find(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(line: &str) -> Rule {
        generalize_line(line, Level::All).unwrap_or_else(|| panic!("no rule for {line:?}"))
    }

    fn assert_matches(rule: &Rule, line: &str) {
        let re = Regex::new(&rule.pattern).unwrap_or_else(|e| panic!("{}: {e}", rule.pattern));
        assert!(
            re.is_match(line),
            "{} does not match {line:?}",
            rule.pattern
        );
        assert!(
            line.to_ascii_lowercase()
                .contains(&rule.keyword.to_ascii_lowercase()),
            "keyword {:?} not in {line:?}",
            rule.keyword
        );
    }

    #[test]
    fn volatile_parts_become_captures_or_wildcards() {
        let table: &[(&str, &str)] = &[
            (
                "src/services/rbacService.ts(2,10): error TS2305: Module '\"@prisma/client\"' has no exported member 'User'.",
                "error TS2305: Module '\"(?P<module>[^\"'\\n]+)\"' has no exported member '(?P<member>[^'\\n]+)'\\.",
            ),
            (
                "consumer: Cannot connect to redis://redis:6379/0: Error 111 connecting to redis:6379. Connection refused.",
                "consumer: Cannot connect to (?P<url>[A-Za-z][A-Za-z0-9+.-]*://[^\\s'\"`<>]+): Error [0-9]+(?:\\.[0-9]+)? connecting to (?P<host>[A-Za-z0-9._-]+):(?P<port>[0-9]{1,5})\\. Connection refused\\.",
            ),
            ("error: externally-managed-environment", "externally\\-managed\\-environment"),
            (
                "2024/03/05 08:01:12 [emerg] 1#1: host not found in upstream \"web:8000\" in /etc/nginx/conf.d/default.conf:14",
                "host not found in upstream \"(?P<upstream>[^\"\\n]+)\" in (?P<path>[^\\s'\"`()<>,;]+):[0-9]+(?:\\.[0-9]+)?",
            ),
        ];
        for (line, want) in table {
            let r = rule(line);
            assert_eq!(&r.pattern, want, "{line}");
            assert_matches(&r, line);
        }
    }

    #[test]
    fn tcp_ip_and_dotted_modules_stay_literal() {
        let r = rule("django.db.utils.OperationalError: could not connect to server over TCP/IP");
        assert_eq!(r.names, Vec::<String>::new());
        assert!(
            r.pattern
                .starts_with("django\\.db\\.utils\\.OperationalError"),
            "{}",
            r.pattern
        );
    }

    #[test]
    fn stable_parts_inside_quotes_are_kept() {
        let r = rule("src/providers/StripeProvider.ts(36,7): error TS2322: Type '\"2025-11-17.clover\"' is not assignable to type '\"2025-12-15.clover\"'.");
        assert!(r.pattern.contains("\\.clover"), "{}", r.pattern);
        assert_eq!(r.names, vec!["type", "type_2"]);
        assert_matches(&r, "src/x.ts(1,1): error TS2322: Type '\"2024-06-20.acacia\"' is not assignable to type '\"2025-01-27.clover\"'.".replace("acacia", "clover").as_str());
    }

    #[test]
    fn other_values_still_match() {
        for line in [
            "Access to XMLHttpRequest at 'https://backend-wqqk6wf4oz.dcdeploy.cloud/auth/register' from origin 'https://frontend-wqqk6wf4oz.dcdeploy.cloud' has been blocked by CORS policy",
            "django.core.exceptions.DisallowedHost: Invalid HTTP_HOST header: 'api.shop.example.com'. You may need to add 'api.shop.example.com' to ALLOWED_HOSTS.",
            "Is the server running on host \"db\" (172.19.0.2) and accepting TCP/IP connections on port 5432?",
            "[2024-03-05 08:01:12 +0000] [1] [CRITICAL] WORKER TIMEOUT (pid:42)",
            "Error: ENOENT: no such file or directory, open 'logs/error-2025-12-18.log'",
            "prisma:warn Prisma failed to detect the libssl/openssl version to use, and may not work as expected. Defaulting to \"openssl-1.1.x\".",
        ] {
            let r = rule(line);
            assert_matches(&r, line);
            let other = r.with_other_values(line);
            assert_ne!(other, line);
            assert_matches(&r, &other);
        }
    }

    #[test]
    fn names_come_from_the_words_around() {
        assert_eq!(
            rule("No module named 'debug_toolbar'").names,
            vec!["module"]
        );
        assert_eq!(rule("connections on port 5432?").names, vec!["port"]);
        assert_eq!(
            rule("from origin 'https://a.example.com' has been blocked by CORS policy").names,
            vec!["origin"]
        );
        assert_eq!(
            rule("ValueError: Missing staticfiles manifest entry for 'css/main.8f3a2b1c.css'")
                .names,
            vec!["path"]
        );
    }

    #[test]
    fn generic_lines_score_low() {
        assert!(rule("Killed").score < SAFE);
        assert!(rule("ERROR: process \"/bin/sh -c npm run build\" did not complete successfully: exit code: 137").score < SAFE);
        assert!(rule("error: externally-managed-environment").score >= SAFE);
        assert!(rule("[CRITICAL] WORKER TIMEOUT (pid:42)").score >= SAFE);
    }

    #[test]
    fn levels_keep_more_literal() {
        let line = "KeyError: 'DATABASE_URL'";
        assert!(rule(line).score < SAFE);
        let kept = generalize_line(line, Level::KeepQuoted).unwrap();
        assert_eq!(kept.pattern, "KeyError: 'DATABASE_URL'");
        assert!(kept.score >= SAFE);
        let literal = generalize_line(
            "listen tcp :8080: bind: address already in use",
            Level::Literal,
        )
        .unwrap();
        assert_eq!(
            literal.pattern,
            "listen tcp :8080: bind: address already in use"
        );
    }

    #[test]
    fn apostrophes_are_not_quotes() {
        let r = rule("Response to preflight request doesn't pass access control check: it's 'x'");
        assert_eq!(r.names, vec!["name"]);
    }
}
