//! From an error message (one or more lines) to the rule that recognises it, and the examples
//! and counter-examples that prove the rule.
//!
//! The message is normalised as the engine normalises a log (BuildKit, compose and timestamp
//! prefixes off), each line is generalised, and the *key line* is the one that is safe to match
//! on its own (enough fixed text, see [`generalize::SAFE`]), reads like a failure, and has the
//! most distinctive fixed text. When that line is weak on its own, another failure line of the
//! message becomes a `near` rule: both must appear within a few lines of each other.
//!
//! The examples are the message itself and the message with other values (another port, path,
//! module, version, address) in a compose-prefixed log; the counter-examples are the key line
//! with its stable phrase altered, and the rest of the message without its key line.

use regex::Regex;

use super::generalize::{self, build, failure_like, Level, Namer, Rule};
use crate::normalize::Normalizer;
use crate::source::Sanitizer;

/// A key line's distinctiveness from which it needs no `near` rule.
const STRONG: usize = 25;
/// Extra lines allowed between the key line and its `near` line in other logs.
const NEAR_SLACK: u32 = 5;
/// Lines of a message considered for the key line.
const MAX_CANDIDATES: usize = 300;
/// The prefix the second example is shown with (a compose service).
const COMPOSE_PREFIX: &str = "app-1  | ";

/// The rule for one error message.
#[derive(Debug, Clone)]
pub struct MessageRule {
    /// The message's lines as written.
    pub lines: Vec<String>,
    /// The same lines as the engine sees them.
    pub normalized: Vec<String>,
    /// Index of the key line.
    pub key: usize,
    pub rule: Rule,
    pub near: Option<NearPart>,
}

/// A second line that must appear close to the key line.
#[derive(Debug, Clone)]
pub struct NearPart {
    pub line: usize,
    pub rule: Rule,
    pub within: u32,
}

/// Why a message gives no rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unsafe(pub String);

/// The lines of `text` as the engine sees them (sanitised, tool prefixes off).
pub fn normalize_lines(lines: &[String]) -> Vec<String> {
    let mut sanitizer = Sanitizer::default();
    let mut normalizer = Normalizer::default();
    lines
        .iter()
        .map(|l| {
            let clean = sanitizer.sanitize(l.as_bytes()).text.to_string();
            normalizer.normalize(&clean).text.to_string()
        })
        .collect()
}

/// Finds the key line (and a `near` line where it helps) of `message` at `level`.
pub fn rule_for(message: &str, level: Level) -> Result<MessageRule, Unsafe> {
    let lines: Vec<String> = message.lines().map(str::to_string).collect();
    let normalized = normalize_lines(&lines);
    let candidates: Vec<(usize, Rule)> = normalized
        .iter()
        .enumerate()
        .filter(|(_, l)| {
            !l.trim().is_empty()
                && !l.trim_start().starts_with("...")
                && !l.trim_start().starts_with('…')
        })
        // A pasted log of thousands of lines: its key line is near the top.
        .take(MAX_CANDIDATES)
        .filter_map(|(i, l)| generalize::generalize_line(l, level).map(|r| (i, r)))
        .collect();
    let rank = |(i, r): &(usize, Rule)| {
        (
            r.score >= generalize::SAFE,
            failure_like(&normalized[*i]),
            r.score.min(60),
            usize::MAX - i,
        )
    };
    let Some((key, best)) = candidates.iter().max_by_key(|c| rank(c)) else {
        return Err(Unsafe(
            "no line of the message has fixed text to match on".into(),
        ));
    };
    if best.score < generalize::SAFE {
        return Err(Unsafe(format!(
            "too generic to match safely: its most distinctive line, {:?}, keeps only {:?} once the varying parts are taken out",
            normalized[*key].trim(),
            best.stable.trim()
        )));
    }
    let key = *key;
    let mut namer = Namer::default();
    let rule = build(&normalized[key], level, &mut namer)
        .ok_or_else(|| Unsafe("the key line keeps no fixed text".into()))?;
    let key_regex = Regex::new(&rule.pattern)
        .map_err(|e| Unsafe(format!("the generalised pattern does not compile: {e}")))?;
    let near = if rule.score < STRONG {
        candidates
            .iter()
            .filter(|(i, r)| {
                *i != key
                    && r.score >= generalize::SAFE
                    && failure_like(&normalized[*i])
                    && !key_regex.is_match(&normalized[*i])
            })
            .max_by_key(|c| rank(c))
            .and_then(|(i, _)| {
                let near_rule = build(&normalized[*i], level, &mut namer)?;
                Regex::new(&near_rule.pattern).ok()?;
                let within = u32::try_from(i.abs_diff(key))
                    .unwrap_or(u32::MAX)
                    .saturating_add(NEAR_SLACK)
                    .min(crate::signature::load::MAX_WITHIN);
                Some(NearPart {
                    line: *i,
                    rule: near_rule,
                    within,
                })
            })
    } else {
        None
    };
    Ok(MessageRule {
        lines,
        normalized,
        key,
        rule,
        near,
    })
}

/// The rule for a single line at `level`, safe or not (drafts decide for themselves).
pub fn rule_for_line(line: &str, level: Level) -> Option<MessageRule> {
    let lines = vec![line.to_string()];
    let normalized = normalize_lines(&lines);
    let rule = generalize::generalize_line(&normalized[0], level)?;
    Some(MessageRule {
        lines,
        normalized,
        key: 0,
        rule,
        near: None,
    })
}

impl MessageRule {
    /// `line` matched literally, even when it is too short to key on (the check then says so).
    pub fn literal(line: &str) -> MessageRule {
        rule_for_line(line, Level::Literal).unwrap_or_else(|| {
            let text = line.trim().to_string();
            let rule = Rule {
                pattern: regex::escape(&text),
                keyword: text.clone(),
                stable: text.clone(),
                names: Vec::new(),
                score: 0,
                pieces: vec![generalize::Piece::Literal(text.clone())],
                core: 0..line.len(),
            };
            MessageRule {
                lines: vec![line.to_string()],
                normalized: vec![line.to_string()],
                key: 0,
                rule,
                near: None,
            }
        })
    }

    /// The message as written.
    pub fn example(&self) -> String {
        self.lines.join("\n")
    }

    /// The message with other values in its key (and near) line, every line behind a compose
    /// prefix: the same failure in another log.
    pub fn example_with_other_values(&self) -> String {
        let mut lines = self.lines.clone();
        lines[self.key] = replace_in_raw(
            &self.lines[self.key],
            &self.normalized[self.key],
            &self.rule.with_other_values(&self.normalized[self.key]),
        );
        if let Some(near) = &self.near {
            lines[near.line] = replace_in_raw(
                &self.lines[near.line],
                &self.normalized[near.line],
                &near.rule.with_other_values(&self.normalized[near.line]),
            );
        }
        lines
            .iter()
            .map(|l| format!("{COMPOSE_PREFIX}{l}"))
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// The key line with a word of its keyword changed: a look-alike that must not match.
    pub fn altered_key_line(&self) -> String {
        let raw = &self.lines[self.key];
        let line = if raw.contains(&self.rule.keyword) {
            raw
        } else {
            &self.normalized[self.key]
        };
        alter(line, &self.rule.keyword)
    }

    /// The message without the key line and the lines like it, when anything is left.
    pub fn rest_without_key(&self) -> Option<String> {
        let key = Regex::new(&self.rule.pattern).ok()?;
        let rest: Vec<&str> = self
            .lines
            .iter()
            .zip(&self.normalized)
            .enumerate()
            .filter(|(i, (_, n))| *i != self.key && !key.is_match(n))
            .map(|(_, (raw, _))| raw.as_str())
            .collect();
        let letters = rest
            .iter()
            .flat_map(|l| l.chars())
            .filter(|c| c.is_alphabetic())
            .count();
        (letters >= 3).then(|| rest.join("\n").trim_matches('\n').to_string())
    }
}

/// `raw` with its normalised part `normalized` replaced by `other`.
fn replace_in_raw(raw: &str, normalized: &str, other: &str) -> String {
    match raw.rfind(normalized) {
        Some(at) if !normalized.is_empty() => {
            format!("{}{other}{}", &raw[..at], &raw[at + normalized.len()..])
        }
        _ => other.to_string(),
    }
}

/// Words with a natural opposite, for altering a stable phrase.
const OPPOSITES: &[(&str, &str)] = &[
    ("failed", "succeeded"),
    ("cannot", "can"),
    ("refused", "accepted"),
    ("denied", "granted"),
    ("missing", "present"),
    ("invalid", "valid"),
    ("blocked", "allowed"),
    ("unable", "able"),
    ("error", "notice"),
    ("fatal", "notice"),
    ("timeout", "timer"),
    ("not", "now"),
];

/// `line` with one word inside the first occurrence of `keyword` changed: to its opposite when
/// it has one, else to `other`.
fn alter(line: &str, keyword: &str) -> String {
    let Some(at) = line.find(keyword) else {
        return format!("{line} (altered)");
    };
    let words: Vec<(usize, &str)> = word_spans(keyword)
        .into_iter()
        .filter(|(_, w)| w.len() >= 3 || w.eq_ignore_ascii_case("no"))
        .collect();
    let opposite = words.iter().find_map(|(i, w)| {
        OPPOSITES
            .iter()
            .find(|(from, _)| w.eq_ignore_ascii_case(from))
            .map(|(_, to)| (*i, *w, match_case(w, to)))
    });
    let (offset, word, replacement) = match opposite {
        Some(found) => found,
        None => match words.iter().max_by_key(|(_, w)| w.len()) {
            Some((i, w)) => (
                *i,
                *w,
                match_case(
                    w,
                    if w.eq_ignore_ascii_case("other") {
                        "another"
                    } else {
                        "other"
                    },
                ),
            ),
            None => return format!("{line} (altered)"),
        },
    };
    let start = at + offset;
    format!(
        "{}{replacement}{}",
        &line[..start],
        &line[start + word.len()..]
    )
}

fn word_spans(text: &str) -> Vec<(usize, &str)> {
    let mut spans = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        match (c.is_alphabetic(), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                spans.push((s, &text[s..i]));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        spans.push((s, &text[s..]));
    }
    spans
}

/// `to` in the case of `like` (`Cannot` → `Can`, `FAILED` → `SUCCEEDED`).
fn match_case(like: &str, to: &str) -> String {
    if like.len() > 1 && like.chars().all(|c| !c.is_lowercase()) {
        to.to_uppercase()
    } else if like.starts_with(char::is_uppercase) {
        let mut c = to.chars();
        c.next()
            .map(|f| f.to_uppercase().chain(c).collect())
            .unwrap_or_default()
    } else {
        to.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_line_is_the_distinctive_failure() {
        let m = rule_for("error: command 'gcc' failed: No such file or directory\n\nBuilding wheel for pyswisseph (pyproject.toml): started\n...\ngcc -fno-strict-overflow -Wall ...\nerror: command 'gcc' failed: No such file or directory", Level::All).unwrap();
        assert_eq!(m.key, 0);
        assert!(m.near.is_none());
        assert_eq!(m.rule.names, vec!["command"]);
        let rest = m.rest_without_key().unwrap();
        assert!(
            rest.contains("Building wheel") && !rest.contains("failed"),
            "{rest}"
        );
    }

    #[test]
    fn weak_key_line_gets_a_near_rule() {
        let m = rule_for(
            "[2024-03-05 08:01:12 +0000] [1] [CRITICAL] WORKER TIMEOUT (pid:42)\n[2024-03-05 08:01:12 +0000] [42] [ERROR] Error handling request /api/reports/export",
            Level::All,
        )
        .unwrap();
        assert_eq!(m.key, 0);
        let near = m.near.as_ref().expect("near rule");
        assert_eq!(near.line, 1);
        assert_eq!(near.rule.names, vec!["path"]);
    }

    #[test]
    fn generic_messages_are_refused() {
        let e = rule_for("#12 45.30 Killed\n#12 ERROR: process \"/bin/sh -c npm run build\" did not complete successfully: exit code: 137", Level::All).unwrap_err();
        assert!(e.0.starts_with("too generic"), "{}", e.0);
    }

    #[test]
    fn altered_lines_read_naturally() {
        assert_eq!(
            alter(
                "consumer: Cannot connect to redis://x",
                "consumer: Cannot connect to "
            ),
            "consumer: Can connect to redis://x"
        );
        assert_eq!(
            alter(
                "error: externally-managed-environment",
                "externally-managed-environment"
            ),
            "error: externally-managed-other"
        );
        assert_eq!(
            alter("WORKER TIMEOUT (pid:1)", "WORKER TIMEOUT (pid:"),
            "WORKER TIMER (pid:1)"
        );
    }

    #[test]
    fn other_values_keep_the_raw_prefix() {
        let m = rule_for("#9 0.412 redis.exceptions.ConnectionError: Error 111 connecting to redis:6379. Connection refused.", Level::All).unwrap();
        let other = m.example_with_other_values();
        assert!(
            other.starts_with("app-1  | #9 0.412 redis.exceptions.ConnectionError"),
            "{other}"
        );
        assert!(other.contains("other-host:7480"), "{other}");
    }
}
