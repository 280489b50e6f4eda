//! Normalising: a sanitised line → the text the tool printed, without the wrappers around it.
//!
//! Removes, in any combination: leading ISO-8601 timestamps (kubectl `--timestamps`, CI
//! runners, DCDeploy), `[tag] ` prefixes (`[build]`, kubectl `--prefix`), compose's
//! `service-1  | `, Docker BuildKit's `#12 3.456 ` and the bare `3.456 ` inside its error
//! summary, the classic builder's `Step 5/12 : `, podman/buildah's `[1/2] STEP 6/10: `; and
//! unwraps JSON log lines (Docker's json-file `log`, pino/winston/bunyan `msg`/`message`).
//! Keeps track of the build step each line belongs to, so a finding can say where it happened.
//!
//! ```
//! use logdoc::normalize::Normalizer;
//! let mut n = Normalizer::default();
//! n.normalize("#9 [production 4/9] RUN pip3 install pyswisseph");
//! let line = n.normalize("#9 0.412 error: externally-managed-environment");
//! assert_eq!(line.text, "error: externally-managed-environment");
//! let step = line.step.unwrap();
//! assert_eq!(n.step_name(step), "[production 4/9] RUN pip3 install pyswisseph");
//! ```

mod json;

use std::collections::HashMap;

/// A normalised line: the clean text and the build step it belongs to, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Normalized<'a> {
    pub text: &'a str,
    pub step: Option<usize>,
}

/// Stateful normaliser: one per input, fed every line in order.
#[derive(Debug, Default, Clone)]
pub struct Normalizer {
    steps: Vec<String>,
    step_index: HashMap<String, usize>,
    /// BuildKit vertex number → step.
    vertices: HashMap<u32, usize>,
    /// Step of the classic builder or podman, until the next one starts.
    current: Option<usize>,
    /// Inside BuildKit's `------` error summary, and its step.
    in_summary: bool,
    summary_step: Option<usize>,
    json_text: String,
}

/// Two normalisers are equal when they would normalise every line to come the same way (the
/// scratch text of the last JSON line aside).
impl PartialEq for Normalizer {
    fn eq(&self, other: &Self) -> bool {
        self.steps == other.steps
            && self.vertices == other.vertices
            && self.current == other.current
            && self.in_summary == other.in_summary
            && self.summary_step == other.summary_step
    }
}

impl Normalizer {
    /// Normalises the next line of the input.
    pub fn normalize<'a>(&'a mut self, line: &'a str) -> Normalized<'a> {
        let text = strip_wrappers(line);
        if let Some(json) = unwrap_json(text) {
            self.json_text = json;
            let step = self.current;
            return Normalized {
                text: strip_wrappers(&self.json_text),
                step,
            };
        }
        self.structural(text)
    }

    /// The name of step `index` (`[builder 6/9] RUN npm run build`, `Step 5/12 : RUN npm ci`).
    pub fn step_name(&self, index: usize) -> &str {
        self.steps.get(index).map(String::as_str).unwrap_or("")
    }

    fn step_id(&mut self, name: &str) -> usize {
        if let Some(&i) = self.step_index.get(name) {
            return i;
        }
        self.steps.push(name.to_string());
        self.step_index
            .insert(name.to_string(), self.steps.len() - 1);
        self.steps.len() - 1
    }

    fn structural<'a>(&mut self, text: &'a str) -> Normalized<'a> {
        if text.trim_end() == "------" {
            self.in_summary = !self.in_summary;
            if !self.in_summary {
                self.summary_step = None;
            }
            return Normalized { text, step: None };
        }
        if self.in_summary {
            if let Some(header) = text.strip_prefix(" > ") {
                let name = header.trim_end().trim_end_matches(':');
                self.summary_step = Some(self.step_id(name));
                return Normalized {
                    text,
                    step: self.summary_step,
                };
            }
            // Older BuildKit repeats the output as `#0 0.512 text`, newer as `0.512 text`.
            let body = buildkit_vertex(text).map_or(text, |(_, rest)| rest);
            let body = strip_seconds(body).unwrap_or(body);
            return Normalized {
                text: body,
                step: self.summary_step,
            };
        }
        if let Some((vertex, rest)) = buildkit_vertex(text) {
            if rest.starts_with('[') && rest.contains("] ") {
                let step = self.step_id(rest.trim_end());
                self.vertices.insert(vertex, step);
                return Normalized {
                    text: rest,
                    step: Some(step),
                };
            }
            let step = self.vertices.get(&vertex).copied();
            return Normalized {
                text: strip_seconds(rest).unwrap_or(rest),
                step,
            };
        }
        if let Some(rest) = text.strip_prefix("Step ") {
            if let Some((counter, instruction)) = rest.split_once(" : ") {
                if is_counter(counter) {
                    self.current = Some(self.step_id(text.trim_end()));
                    return Normalized {
                        text: instruction,
                        step: self.current,
                    };
                }
            }
        }
        if let Some(instruction) = podman_step(text) {
            self.current = Some(self.step_id(text.trim_end()));
            return Normalized {
                text: instruction,
                step: self.current,
            };
        }
        Normalized {
            text,
            step: self.current,
        }
    }
}

/// What normalising a line can do, told without a [`Normalizer`]: lets a scanner that skips
/// uninteresting lines know which ones it must still show to the normaliser, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// A JSON log line; its clean message text (the line's text once normalised holds no
    /// literal that this text does not).
    Json(String),
    /// The line may start or end a build step: normalise it in order.
    Step,
    /// Normalising the line changes no state, and its text is a slice of the line.
    Nothing,
}

/// Strings (ASCII-lowercased) of which a line holds one if its [`effect`] is
/// [`Effect::Step`], unless [`marks_effect`] says it may have one.
pub const STEP_MARKERS: &[&str] = &["step ", "------"];

/// Bytes of which a line holding none of [`STEP_MARKERS`] holds one if its [`effect`] is not
/// [`Effect::Nothing`]: `{` (JSON), `#` (a BuildKit vertex), `>` (a summary's ` > ` header).
/// A scanner looks for them first; [`marks_effect`] then looks closer.
pub const EFFECT_BYTES: [u8; 3] = [b'{', b'#', b'>'];

/// False only if [`effect`] is [`Effect::Nothing`] for `line` (sanitised text, maybe
/// ASCII-lowercased), unless `line` holds one of [`STEP_MARKERS`]; told from its bytes, far
/// cheaper than [`effect`]. A BuildKit vertex's line tells by its first bytes; else it takes a
/// `#` (a vertex behind wrappers), a `{` on a line ending with `}` (a JSON object), or a ` > `
/// (a summary's header).
pub fn marks_effect(line: &[u8]) -> bool {
    // What `effect` decides first, and alone, for the commonest line of a build log.
    if let Some(marks) = vertex_marks(line) {
        return marks;
    }
    let [brace, hash, angle] = EFFECT_BYTES;
    memchr::memchr3_iter(brace, hash, angle, line).any(|i| match line[i] {
        b'{' => may_end_with_brace(line),
        b'>' => i > 0 && line[i - 1] == b' ' && line.get(i + 1) == Some(&b' '),
        _ => true,
    })
}

/// True if `line.trim_end().ends_with('}')` may be, told from bytes: after its ASCII
/// whitespace, a `}`, or the last byte of a character that may be whitespace too.
fn may_end_with_brace(line: &[u8]) -> bool {
    let trimmed = line
        .iter()
        .rposition(|&b| !matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r'));
    trimmed.is_some_and(|i| line[i] == b'}' || line[i] >= 0x80)
}

/// For a BuildKit vertex's line (`#12 …`), what [`marks_effect`] says of it, told from its
/// first bytes: whether a `[` follows the number (a step's first line). None for any other
/// line.
pub fn vertex_marks(line: &[u8]) -> Option<bool> {
    vertex_split(line).map(|(_, rest)| line.get(rest) == Some(&b'['))
}

/// Where the number of a BuildKit vertex's line (`#12 3.4 text`) ends and its text starts.
fn vertex_split(line: &[u8]) -> Option<(usize, usize)> {
    let rest = line.strip_prefix(b"#")?;
    let n = rest.iter().take_while(|b| b.is_ascii_digit()).count();
    if n == 0 || n > 6 {
        return None;
    }
    match rest.get(n) {
        Some(b' ') => Some((1 + n, 2 + n)),
        None => Some((1 + n, 1 + n)),
        _ => None,
    }
}

/// False only if [`effect`] is [`Effect::Nothing`] for `line`, told from its bytes: a scanner
/// can skip most lines without stripping their wrappers.
pub fn may_have_effect(line: &str) -> bool {
    let b = line.as_bytes();
    marks_effect(b)
        || STEP_MARKERS.iter().any(|m| {
            b.windows(m.len())
                .any(|w| w.eq_ignore_ascii_case(m.as_bytes()))
        })
}

/// How normalising `line` (sanitised) can matter; see [`Effect`].
pub fn effect(line: &str) -> Effect {
    // The commonest line of a build log, a BuildKit vertex's, has no wrappers to strip.
    if let Some((_, rest)) = buildkit_vertex(line) {
        return if rest.starts_with('[') {
            Effect::Step
        } else {
            Effect::Nothing
        };
    }
    let text = strip_wrappers(line);
    if is_json_shaped(text) && json::message_is_slice(text) {
        // Its text once normalised, if it has one, is a slice of it; and a JSON object starts
        // no build step.
        return Effect::Nothing;
    }
    if let Some(json) = unwrap_json(text) {
        return Effect::Json(json);
    }
    // Mirrors `Normalizer::structural`: everything there that changes state starts this way.
    let step = text.trim_end() == "------"
        || text.starts_with(" > ")
        || text.starts_with("Step ")
        || buildkit_vertex(text).is_some_and(|(_, rest)| rest.starts_with('['))
        || podman_step(text).is_some();
    if step {
        Effect::Step
    } else {
        Effect::Nothing
    }
}

/// Starts and ends like a JSON object (wrappers already stripped).
fn is_json_shaped(text: &str) -> bool {
    text.starts_with('{') && text.trim_end().ends_with('}')
}

/// The clean text of a JSON log line (its wrappers already stripped), or `None`.
fn unwrap_json(text: &str) -> Option<String> {
    if !is_json_shaped(text) {
        return None;
    }
    let message = json::message(text)?;
    // JSON escapes (`\u001b`, `\u0007`, `\r`) decode to control characters that the
    // sanitiser never saw: sanitise the decoded message too.
    Some(
        crate::source::Sanitizer::default()
            .clean_text(message.as_bytes())
            .to_string(),
    )
}

/// Strips timestamps, `[tag] ` and compose prefixes, in any order and combination.
fn strip_wrappers(mut text: &str) -> &str {
    for _ in 0..6 {
        let before = text.len();
        text = strip_timestamp(text);
        text = strip_syslog(text);
        text = strip_actions_marker(text);
        text = strip_tag(text);
        text = strip_compose(text);
        if text.len() == before {
            break;
        }
    }
    text
}

fn digits(s: &[u8], at: usize, n: usize) -> bool {
    s.len() >= at + n && s[at..at + n].iter().all(u8::is_ascii_digit)
}

/// `2025-12-18T12:14:03.123Z `, `2025-12-18 12:14:03,123 `, `2025-12-18T12:14:03+01:00 `.
fn strip_timestamp(text: &str) -> &str {
    let b = text.as_bytes();
    let shaped = digits(b, 0, 4)
        && b.get(4) == Some(&b'-')
        && digits(b, 5, 2)
        && b.get(7) == Some(&b'-')
        && digits(b, 8, 2)
        && matches!(b.get(10), Some(b'T' | b' '))
        && digits(b, 11, 2)
        && b.get(13) == Some(&b':')
        && digits(b, 14, 2)
        && b.get(16) == Some(&b':')
        && digits(b, 17, 2);
    if !shaped {
        return text;
    }
    let mut i = 19;
    if matches!(b.get(i), Some(b'.' | b',')) {
        i += 1;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
    }
    match b.get(i) {
        Some(b'Z') => i += 1,
        Some(b'+' | b'-') if digits(b, i + 1, 2) => {
            i += 3;
            if b.get(i) == Some(&b':') {
                i += 1;
            }
            while b.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
        }
        _ => {}
    }
    // A zone name after the time, as PostgreSQL writes it (`... 12:14:03.123 UTC [1] LOG:`).
    for zone in [" UTC", " GMT"] {
        if text[i..].starts_with(zone) {
            i += zone.len();
        }
    }
    match b.get(i) {
        None => "",
        Some(b' ' | b'\t') => text[i..].trim_start_matches([' ', '\t']),
        _ => text,
    }
}

/// syslog/journald: `Dec 18 12:40:11 build-01 deploy.sh[2241]: `.
fn strip_syslog(text: &str) -> &str {
    let b = text.as_bytes();
    let shaped = b.len() > 16
        && b[0].is_ascii_uppercase()
        && b[1].is_ascii_lowercase()
        && b[2].is_ascii_lowercase()
        && b[3] == b' '
        && (b[4] == b' ' || b[4].is_ascii_digit())
        && b[5].is_ascii_digit()
        && b[6] == b' '
        && digits(b, 7, 2)
        && b[9] == b':'
        && digits(b, 10, 2)
        && b[12] == b':'
        && digits(b, 13, 2)
        && b[15] == b' ';
    if !shaped {
        return text;
    }
    // host, then `program[pid]:` or `program:`
    let rest = &text[16..];
    let Some((_host, after_host)) = rest.split_once(' ') else {
        return text;
    };
    match after_host.split_once(": ") {
        Some((program, message)) if !program.is_empty() && !program.contains(' ') => message,
        _ => text,
    }
}

/// GitHub Actions' `##[group]`, `##[endgroup]`, `##[error]`, `##[warning]`, `##[command]` markers.
fn strip_actions_marker(text: &str) -> &str {
    let Some(rest) = text.strip_prefix("##[") else {
        return text;
    };
    match rest.split_once(']') {
        Some((marker, message)) if marker.bytes().all(|b| b.is_ascii_lowercase()) => message,
        _ => text,
    }
}

/// `[build] `, `[pod/api-7d9/app] `, `[backend] ` (but not `[error]: ...` or `[1/2] STEP`).
fn strip_tag(text: &str) -> &str {
    let Some(rest) = text.strip_prefix('[') else {
        return text;
    };
    let Some(close) = rest.find(']') else {
        return text;
    };
    let tag = &rest[..close];
    let after = &rest[close + 1..];
    let tag_ok = (1..=64).contains(&tag.len())
        && tag
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_./:@-".contains(&b))
        && tag.bytes().any(|b| b.is_ascii_alphabetic());
    if tag_ok && after.starts_with([' ', '\t']) {
        after.trim_start_matches([' ', '\t'])
    } else {
        text
    }
}

/// Compose's `backend-1  | `, older `backend_1  | `, a padded `backend   | `, or pm2's
/// `0|backend  | `.
fn strip_compose(text: &str) -> &str {
    // pm2 puts the process id first: `0|backend  | `.
    let ids = text.bytes().take_while(u8::is_ascii_digit).count();
    if ids > 0 && text.as_bytes().get(ids) == Some(&b'|') {
        let after = &text[ids + 1..];
        if let Some(bar) = after.get(..64.min(after.len())).and_then(|h| h.find(" | ")) {
            let name = after[..bar].trim_end();
            if !name.is_empty()
                && name
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"_.-".contains(&b))
            {
                return &after[bar + 3..];
            }
        }
    }
    // `name` (letters, digits, `_.-`, starting with a letter or digit), spaces, then the bar
    // within the first 80 bytes. Walking the name first rejects most lines at their first byte.
    let bytes = text.as_bytes();
    if !bytes.first().is_some_and(u8::is_ascii_alphanumeric) {
        return text;
    }
    let name_len = bytes
        .iter()
        .take_while(|&&b| b.is_ascii_alphanumeric() || b"_.-".contains(&b))
        .count();
    let pad = bytes[name_len..].iter().take_while(|&&b| b == b' ').count();
    let bar = name_len + pad;
    if pad == 0 || bar >= 80 || bytes.get(bar) != Some(&b'|') {
        return text;
    }
    let name = &text[..name_len];
    let numbered = name
        .rfind(['-', '_'])
        .is_some_and(|i| i + 1 < name.len() && name[i + 1..].bytes().all(|b| b.is_ascii_digit()));
    if !numbered && pad < 2 {
        return text;
    }
    let rest = &text[bar + 1..];
    rest.strip_prefix(' ').unwrap_or(rest)
}

/// `#12 rest` → (12, rest).
fn buildkit_vertex(text: &str) -> Option<(u32, &str)> {
    let (number, rest) = vertex_split(text.as_bytes())?;
    // At most six ASCII digits: always a `u32`.
    let vertex = text[1..number].parse().ok()?;
    Some((vertex, &text[rest..]))
}

/// `3.456 text` → `text`; `12.3` alone → ``.
fn strip_seconds(text: &str) -> Option<&str> {
    let b = text.as_bytes();
    let int = b.iter().take_while(|c| c.is_ascii_digit()).count();
    if int == 0 || b.get(int) != Some(&b'.') {
        return None;
    }
    let frac = b[int + 1..]
        .iter()
        .take_while(|c| c.is_ascii_digit())
        .count();
    if frac == 0 {
        return None;
    }
    let end = int + 1 + frac;
    match b.get(end) {
        None => Some(""),
        Some(b' ') => Some(&text[end + 1..]),
        _ => None,
    }
}

/// `5/12`.
fn is_counter(s: &str) -> bool {
    s.split_once('/').is_some_and(|(a, b)| {
        !a.is_empty() && !b.is_empty() && a.bytes().chain(b.bytes()).all(|c| c.is_ascii_digit())
    })
}

/// podman/buildah `[1/2] STEP 6/10: RUN ...` or `STEP 6/10: RUN ...` → the instruction.
fn podman_step(text: &str) -> Option<&str> {
    let rest = match text.strip_prefix('[') {
        Some(r) => {
            let (counter, after) = r.split_once("] ")?;
            if !is_counter(counter) {
                return None;
            }
            after
        }
        None => text,
    };
    let rest = rest.strip_prefix("STEP ")?;
    let (counter, instruction) = rest.split_once(": ")?;
    is_counter(counter).then_some(instruction)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(lines: &[&str]) -> Vec<String> {
        let mut n = Normalizer::default();
        lines
            .iter()
            .map(|l| n.normalize(l).text.to_string())
            .collect()
    }

    #[test]
    fn buildkit_output_and_summary() {
        let got = texts(&[
            "#12 [builder 6/9] RUN npm run build",
            "#12 2.341 src/a.ts(1,10): error TS2305: x",
            "#12 ERROR: process \"/bin/sh -c npm run build\" did not complete successfully: exit code: 2",
            "------",
            " > [builder 6/9] RUN npm run build:",
            "2.341 src/a.ts(1,10): error TS2305: x",
            "#0 2.342 second",
            "------",
            "3.14 is not stripped outside the summary",
        ]);
        assert_eq!(got[1], "src/a.ts(1,10): error TS2305: x");
        assert_eq!(got[2], "ERROR: process \"/bin/sh -c npm run build\" did not complete successfully: exit code: 2");
        assert_eq!(got[5], "src/a.ts(1,10): error TS2305: x");
        assert_eq!(got[6], "second");
        assert_eq!(got[8], "3.14 is not stripped outside the summary");
    }

    #[test]
    fn steps_are_tracked() {
        let mut n = Normalizer::default();
        n.normalize("#7 [builder 3/9] RUN npm ci");
        n.normalize("#8 [builder 4/9] COPY . .");
        let step = n.normalize("#7 1.2 npm error code EUSAGE").step.unwrap();
        assert_eq!(n.step_name(step), "[builder 3/9] RUN npm ci");
        let classic = n.normalize("Step 5/12 : RUN npm ci");
        assert_eq!(classic.text, "RUN npm ci");
        let step = n.normalize("npm ERR! code EUSAGE").step.unwrap();
        assert_eq!(n.step_name(step), "Step 5/12 : RUN npm ci");
        let podman = n.normalize("[2/2] STEP 6/10: RUN npm run build");
        assert_eq!(podman.text, "RUN npm run build");
    }

    #[test]
    fn wrappers_are_removed() {
        let got = texts(&[
            "2025-12-18T12:14:03.123456789Z prisma:warn Prisma failed",
            "2025-12-18 12:14:03 [error]: Failed to connect to database {",
            "2025-12-18 12:14:03.123 UTC [1] LOG:  database system is ready",
            "backend-1  | Error: ENOENT: no such file or directory",
            "web_1     | listening",
            "[build] [stage-1] npm ci",
            "[pod/api-7d9f/app] 2025-12-18T12:14:03Z started",
            "backend-1  | 2025-12-18T12:14:03+00:00 up",
            "Dec 18 12:40:11 build-01 deploy.sh[2241]:   Collecting pyswisseph",
            "##[error]Process completed with exit code 1.",
            "0|backend  | Error: listen EADDRINUSE",
        ]);
        assert_eq!(got[0], "prisma:warn Prisma failed");
        assert_eq!(got[1], "[error]: Failed to connect to database {");
        assert_eq!(got[2], "[1] LOG:  database system is ready");
        assert_eq!(got[3], "Error: ENOENT: no such file or directory");
        assert_eq!(got[4], "listening");
        assert_eq!(got[5], "npm ci");
        assert_eq!(got[6], "started");
        assert_eq!(got[7], "up");
        assert_eq!(got[8], "  Collecting pyswisseph");
        assert_eq!(got[9], "Process completed with exit code 1.");
        assert_eq!(got[10], "Error: listen EADDRINUSE");
    }

    #[test]
    fn look_alikes_are_left_alone() {
        let same = [
            "a | b",
            "x|y",
            "[1, 2] list",
            "#!/bin/sh",
            "# comment",
            "2025-12-18 is a date",
        ];
        assert_eq!(texts(&same), same);
    }

    #[test]
    fn escape_sequences_inside_json_are_removed() {
        let got = texts(&[
            r#"{"log":"error: \u001b]52;c;ZXZpbA==\u0007externally-\u001b[31mmanaged\u001b[0m\r\n"}"#,
            r#"{"level":"error","msg":"boom \u009b31m\u001b]0;pwned\u0007done\u0000"}"#,
            r#"{"log":"10%\r100%\tok\n"}"#,
        ]);
        assert_eq!(got[0], "error: externally-managed");
        assert_eq!(got[1], "error: boom 31mdone");
        assert_eq!(got[2], "100%    ok");
    }

    #[test]
    fn json_lines_are_unwrapped() {
        let got = texts(&[
            r#"{"log":"npm error code ELIFECYCLE\n","stream":"stderr","time":"2025-12-18T12:00:00Z"}"#,
            r#"{"level":50,"time":1734523443000,"msg":"Failed to connect","err":{"type":"PrismaClientInitializationError","message":"libssl.so.1.1: cannot open"}}"#,
            r#"{"level":"info","message":"listening on 3000"}"#,
        ]);
        assert_eq!(got[0], "npm error code ELIFECYCLE");
        assert_eq!(
            got[1],
            "error: Failed to connect PrismaClientInitializationError libssl.so.1.1: cannot open"
        );
        assert_eq!(got[2], "listening on 3000");
    }

    #[test]
    fn lines_with_an_effect_are_told_by_their_bytes() {
        for line in [
            "Step 3/9 : RUN npm ci",
            "2025-12-18T12:00:00Z STEP 2/5: RUN pip install -r requirements.txt",
            "[1/2] STEP 1/4: FROM node:20",
            "------",
            " > [builder 4/6] RUN npm ci:",
            "#5 [2/6] RUN npm ci",
            r#"api-1  | {"level":50,"msg":"db down"}"#,
        ] {
            assert_ne!(effect(line), Effect::Nothing, "{line}");
            assert!(may_have_effect(line), "{line}");
        }
        for line in [
            "web-1  | [12:00:02] GET /health -> rendered in 9ms",
            "#5 0.412 added 612 packages",
            "#5 0.412 echo '#' > out.json # {\"a\": 1}",
            "api-1  | GET /items/{id} -> 200",
            "a >b",
            "#12",
        ] {
            assert_eq!(effect(line), Effect::Nothing, "{line}");
            assert!(!marks_effect(line.as_bytes()), "{line}");
        }
        // What may be a vertex or a JSON object behind wrappers, or a summary's header.
        for line in [
            "web-1  | #5 [2/6] RUN npm ci",
            "2025-12-18T12:00:00Z {\"level\":50,\"msg\":\"down\"}  ",
            "   > [builder 4/6] RUN npm ci:",
            "#5 [2/6] RUN npm ci",
            "#5 [",
            "x #",
        ] {
            assert!(marks_effect(line.as_bytes()), "{line}");
        }
        // Whitespace after a JSON object's brace, ASCII or not, is trimmed as `effect` trims.
        for line in ["{\"a\":1}\u{b}", "{\"a\":1}\u{3000}", "x {\"a\":1} \t"] {
            assert!(marks_effect(line.as_bytes()), "{line:?}");
        }
        assert!(!marks_effect(b"x { y"));
        assert!(!may_have_effect(
            "nginx-1  | 172.18.0.4 - - \"GET /health HTTP/1.1\" 200 2 \"-\" \"curl/8.5.0\""
        ));
        assert!(!may_have_effect(
            "2025-12-18 12:00:01.874 UTC [85] LOG:  checkpoint complete"
        ));
    }
}
