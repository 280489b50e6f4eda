//! Planning a block: which of its lines the engine must see, found without the engine.
//!
//! One literal search runs over the whole (ASCII-lowercased) block instead of one per line,
//! and a second one over the texts the first could not see: coloured lines once cleaned (the
//! clean text of most is searched without being made: [`colour_runs`]), the messages of JSON
//! log lines. A line that holds no literal of the matcher in any of these,
//! and that cannot start or end a build step, changes nothing the engine keeps: it is only
//! counted. Which lines may start a step is told from bytes too: the block search also looks
//! for [`normalize::STEP_MARKERS`] (a hit plans the line in full), and only a line holding
//! one of [`normalize::EFFECT_BYTES`] that [`normalize::marks_effect`] lets through is asked
//! for its [`normalize::effect`]. The rest become [`Plan`] events: *full* lines (sanitise,
//! normalise, match) and *quiet* ones (build-step headers: normalise only). Planning needs no
//! engine state, so blocks can be planned on several threads and applied in order on one.

use std::ops::Range;
use std::sync::Arc;

use crate::diagnosis::Engine;
use crate::matcher::{BlockSearcher, Found, LiteralAt, Matcher};
use crate::normalize::{self, Effect};
use crate::source::{colour_runs, Sanitizer};

/// What the engine must do with one line of a block.
#[derive(Debug, Clone)]
struct Event {
    /// Index of the line in its block.
    line: u64,
    /// True: [`Engine::feed_candidate`]; false: [`Engine::feed_quiet`].
    full: bool,
    /// The sanitised line, in [`Plan::text`].
    text: Range<usize>,
    /// Every literal occurrence in the line, in [`Plan::literals`], when the block search
    /// knows them (a plain line); else empty.
    literals: Range<usize>,
}

/// The lines of one block the engine must see, in order; every other line is only counted.
#[derive(Debug, Default)]
pub(super) struct Plan {
    /// Lines in the block.
    lines: u64,
    /// Lines longer than the cap, cut.
    pub truncated: u64,
    events: Vec<Event>,
    /// Sanitised text of the events' lines, end to end.
    text: String,
    /// The literals known in the events' lines, end to end.
    literals: Vec<LiteralAt>,
}

impl Plan {
    fn clear(&mut self) {
        self.lines = 0;
        self.truncated = 0;
        self.events.clear();
        self.text.clear();
        self.literals.clear();
    }

    fn push(&mut self, line: u64, full: bool, text: &str) {
        let text = self.keep(text);
        let at = self.literals.len();
        self.events.push(Event {
            line,
            full,
            text,
            literals: at..at,
        });
    }

    /// A line in full, with every literal occurrence in it.
    fn push_known(&mut self, line: u64, text: &str, literals: &[LiteralAt]) {
        let text = self.keep(text);
        let at = self.literals.len();
        self.literals.extend_from_slice(literals);
        self.events.push(Event {
            line,
            full: true,
            text,
            literals: at..self.literals.len(),
        });
    }

    /// Keeps `text` for an event that may come later.
    fn keep(&mut self, text: &str) -> Range<usize> {
        let start = self.text.len();
        self.text.push_str(text);
        start..self.text.len()
    }

    /// Feeds the block to `engine`: exactly what feeding its every line would have done.
    pub fn apply(&self, engine: &mut Engine) {
        let mut next = 0;
        for event in &self.events {
            engine.skip_lines(event.line - next);
            let text = &self.text[event.text.clone()];
            if !event.literals.is_empty() {
                engine.feed_found(text, &self.literals[event.literals.clone()]);
            } else if event.full {
                engine.feed_candidate(text);
            } else {
                engine.feed_quiet(text);
            }
            next = event.line + 1;
        }
        engine.skip_lines(self.lines - next);
    }
}

/// Bytes of lowercased input a planner waits for before it tunes its block searcher.
const TUNING_SAMPLE: usize = 64 * 1024;

/// Plans blocks; one per thread (it keeps its buffers between blocks).
pub(super) struct Planner {
    matcher: Arc<Matcher>,
    /// The block searcher tuned to this input, once a large enough block was seen.
    searcher: Option<BlockSearcher>,
    sanitizer: Sanitizer,
    lower: Vec<u8>,
    found: Vec<Found>,
    /// The literals of the line being planned.
    literals: Vec<LiteralAt>,
    again: Again,
}

/// The second search of a block: the texts of its [`Recheck`]s.
#[derive(Default)]
struct Again {
    /// The texts searched, lowercased, one per line.
    bytes: Vec<u8>,
    rechecks: Vec<Recheck>,
    /// JSON messages being rechecked, end to end.
    messages: String,
}

impl Again {
    fn clear(&mut self) {
        self.bytes.clear();
        self.rechecks.clear();
        self.messages.clear();
    }

    /// Queues line `line`, its text kept in the plan at `text`, to be searched by `searched`:
    /// its text, or else its JSON message, `message` of [`Again::messages`].
    fn push(
        &mut self,
        line: u64,
        text: Range<usize>,
        message: Option<Range<usize>>,
        searched: &str,
    ) {
        let start = self.bytes.len();
        lowercase_extend(searched.as_bytes(), &mut self.bytes);
        self.close(line, Text::Kept { text, message }, start);
    }

    /// Queues line `line`, `text` at `raw` in its block (`lower` lowercased), when it is a
    /// coloured line (or a CRLF one, or a progress bar's frames) whose clean text
    /// ([`colour_runs`]) holds no mark ([`normalize::marks_effect`]; none can be there unless
    /// `marks` says the line holds one of [`normalize::EFFECT_BYTES`]): searched without
    /// keeping its text. False, nothing queued, for any other line.
    fn push_coloured(
        &mut self,
        line: u64,
        text: &str,
        raw: Range<usize>,
        lower: &[u8],
        marks: bool,
    ) -> bool {
        let start = self.bytes.len();
        let bytes = &mut self.bytes;
        let lower = &lower[raw.clone()];
        let taken = colour_runs(text, |run, new_frame| {
            if new_frame {
                bytes.truncate(start);
            }
            bytes.extend_from_slice(&lower[run]);
        });
        // The clean text, lowercased: what marks a line does not depend on case.
        if !taken || (marks && normalize::marks_effect(&self.bytes[start..])) {
            self.bytes.truncate(start);
            return false;
        }
        self.close(line, Text::Raw(raw), start);
        true
    }

    fn close(&mut self, line: u64, text: Text, start: usize) {
        self.rechecks.push(Recheck {
            line,
            text,
            again: start..self.bytes.len(),
        });
        self.bytes.push(b'\n');
    }
}

/// A line whose literals can only be known from text the block search did not see: its
/// sanitised text (escape sequences removed can join a literal: `err\x1b[0mor`), or the
/// message of a JSON log line. Those texts are searched together after the block.
struct Recheck {
    line: u64,
    text: Text,
    /// Where the searched text is in [`Again::bytes`].
    again: Range<usize>,
}

/// The text of a [`Recheck`].
enum Text {
    /// The line's sanitised text, in [`Plan::text`], and maybe a JSON message (in
    /// [`Again::messages`]) searched instead of it.
    Kept {
        text: Range<usize>,
        message: Option<Range<usize>>,
    },
    /// A coloured line at this range of its block, its text not made yet: it holds no mark,
    /// so it matters only if the search finds a piece in it.
    Raw(Range<usize>),
}

impl Planner {
    pub fn new(matcher: Arc<Matcher>) -> Self {
        Planner {
            matcher,
            searcher: None,
            sanitizer: Sanitizer::default(),
            lower: Vec::new(),
            found: Vec::new(),
            literals: Vec::new(),
            again: Again::default(),
        }
    }

    /// Plans one line already cut to the line cap (the reader's over-long line).
    pub fn plan_cut(&mut self, line: &[u8], plan: &mut Plan) {
        plan.clear();
        plan.lines = 1;
        plan.truncated = 1;
        let text = self.sanitizer.clean_text(line);
        plan.push(0, true, text);
    }

    /// Plans a block of whole lines (each ending with `\n`, but maybe the last); lines longer
    /// than `max_line` are cut to it.
    pub fn plan(&mut self, block: &[u8], max_line: usize, plan: &mut Plan) {
        plan.clear();
        self.again.clear();
        lowercase_into(block, &mut self.lower);
        if self.searcher.is_none() && self.lower.len() >= TUNING_SAMPLE {
            self.searcher = Some(self.matcher.tuned_block_searcher(&self.lower));
        }
        let searcher = self
            .searcher
            .as_ref()
            .unwrap_or_else(|| self.matcher.block_searcher());
        searcher.find(&self.lower, &mut self.found);
        // The found pieces not yet passed: those of the current line first.
        let mut found = &self.found[..];
        // UTF-8 is checked once for the whole block, nearly always valid; else line by line.
        let valid = simdutf8::basic::from_utf8(block).ok();
        let utf8 = |range: Range<usize>| match valid {
            Some(text) => text.get(range),
            None => simdutf8::basic::from_utf8(&block[range]).ok(),
        };
        let mut special = next_special(block, 0);
        let mut mark = next_mark(block, 0);
        let mut newlines = memchr::memchr_iter(b'\n', block);
        let mut start = 0;
        let mut index = 0u64;
        while start < block.len() {
            let end = newlines.next().unwrap_or(block.len());
            let here = found.iter().take_while(|f| f.at < end).count();
            let (in_line, rest) = found.split_at(here);
            found = rest;
            let has_piece = !in_line.is_empty();
            if special < start {
                special = next_special(block, start);
            }
            if mark < start {
                mark = next_mark(block, start);
            }
            let mut line = &block[start..end];
            let mut simple = special >= end;
            if line.len() > max_line {
                line = &line[..max_line];
                plan.truncated += 1;
                simple = false;
            }
            // Most lines end here, told from their bytes: no piece, nothing to sanitise, and
            // no mark, or a BuildKit vertex's line that does not start a step; and valid
            // UTF-8. In a line that is not, the sanitiser drops stray bytes 0x80-0x9F (C1
            // controls to a terminal), which can join a literal (`erro\x88r`).
            let marked = mark < end && normalize::vertex_marks(line) != Some(false);
            let text = utf8(start..start + line.len());
            if simple && !has_piece && !marked && text.is_some() {
                index += 1;
                start = end + 1;
                continue;
            }
            let plain = text.filter(|_| simple);
            if has_piece && plain.is_some() {
                let line = &self.lower[start..end];
                searcher.occurrences(line, start, in_line, &mut self.literals);
            } else {
                self.literals.clear();
            }
            match plain {
                // The block search also finds the other markers of a step line.
                Some(text) if !self.literals.is_empty() => {
                    plan.push_known(index, text, &self.literals)
                }
                Some(text) if marked && normalize::marks_effect(text.as_bytes()) => {
                    plan_quiet(&mut self.again, index, text, plan)
                }
                Some(_) => {}
                // A coloured line holding no piece, whose clean text holds no mark: searched
                // again from its bytes, its text made only if a piece is found.
                None if !has_piece
                    && text.is_some_and(|text| {
                        let raw = start..start + line.len();
                        let marks = mark < end;
                        self.again
                            .push_coloured(index, text, raw, &self.lower, marks)
                    }) => {}
                None => {
                    let text = self.sanitizer.clean_text(line);
                    if has_piece {
                        plan.push(index, true, text);
                    } else {
                        let kept = plan.keep(text);
                        self.again.push(index, kept.clone(), None, &plan.text[kept]);
                    }
                }
            }
            index += 1;
            start = end + 1;
        }
        plan.lines = index;
        self.search_again(block, plan);
    }
}

/// Plans a plain line holding no literal: what normalising it could still do.
fn plan_quiet(again: &mut Again, index: u64, text: &str, plan: &mut Plan) {
    match normalize::effect(text) {
        Effect::Json(message) => {
            let kept = plan.keep(text);
            let start = again.messages.len();
            again.messages.push_str(&message);
            let range = start..again.messages.len();
            let searched = message.as_str();
            again.push(index, kept, Some(range), searched);
        }
        Effect::Nothing => {}
        Effect::Step => plan.push(index, false, text),
    }
}

impl Planner {
    /// Searches the texts of the block's [`Recheck`]s together, and plans those lines.
    fn search_again(&mut self, block: &[u8], plan: &mut Plan) {
        let again = &self.again;
        if again.rechecks.is_empty() {
            return;
        }
        self.searcher
            .as_ref()
            .unwrap_or_else(|| self.matcher.block_searcher())
            .find(&again.bytes, &mut self.found);
        let mut hits = self.found.iter().map(|f| f.at).peekable();
        for r in &again.rechecks {
            while hits.next_if(|&h| h < r.again.start).is_some() {}
            // A hit is a piece of a literal or of a step marker.
            let hit = hits.peek().is_some_and(|&h| h < r.again.end);
            let (text, message) = match &r.text {
                Text::Kept { text, message } => (text.clone(), message.as_ref()),
                // Without a piece, a coloured line without a mark changes nothing.
                Text::Raw(_) if !hit => continue,
                Text::Raw(raw) => (
                    plan.keep(self.sanitizer.clean_text(&block[raw.clone()])),
                    None,
                ),
            };
            let searched = match message {
                Some(m) => &again.messages[m.clone()],
                None => &plan.text[text.clone()],
            };
            let found = hit && self.matcher.has_literal(searched);
            let clean = &plan.text[text.clone()];
            let full = match (message, found) {
                (_, true) => Some(true),
                (Some(_), false) => None,
                (None, false) if !hit && !normalize::marks_effect(clean.as_bytes()) => None,
                // A sanitised line without a literal: what normalising it could still do.
                (None, false) => match normalize::effect(clean) {
                    Effect::Json(message) => self.matcher.has_literal(&message).then_some(true),
                    Effect::Step => Some(false),
                    Effect::Nothing => None,
                },
            };
            if let Some(full) = full {
                let at = plan.literals.len();
                plan.events.push(Event {
                    line: r.line,
                    full,
                    text,
                    literals: at..at,
                });
            }
        }
        // One event per line at most: the order by line is total.
        plan.events.sort_unstable_by_key(|e| e.line);
    }
}

/// ASCII-lowercases `block` into `out` (a form the compiler vectorises).
fn lowercase_into(block: &[u8], out: &mut Vec<u8>) {
    out.clear();
    lowercase_extend(block, out);
}

/// Appends `bytes`, ASCII-lowercased, to `out`.
fn lowercase_extend(bytes: &[u8], out: &mut Vec<u8>) {
    out.extend(
        bytes
            .iter()
            .map(|&b| b | (u8::from(b.wrapping_sub(b'A') < 26) << 5)),
    );
}

/// Bytes the sanitiser must interpret or may change: C0 controls but newline (tab included:
/// it becomes spaces), DEL, and the lead byte of C1 controls encoded in UTF-8.
fn is_special(b: u8) -> bool {
    (b < 0x20 && b != b'\n') || b == 0x7f || b == 0xc2
}

/// Position of the first of [`normalize::EFFECT_BYTES`] at or after `from`, or `block.len()`.
fn next_mark(block: &[u8], from: usize) -> usize {
    let [a, b, c] = normalize::EFFECT_BYTES;
    match block.get(from) {
        // A BuildKit line starts with one: no search to set up.
        Some(&x) if x == a || x == b || x == c => from,
        _ => memchr::memchr3(a, b, c, &block[from..]).map_or(block.len(), |i| from + i),
    }
}

/// Position of the first special byte at or after `from`, or `block.len()`.
fn next_special(block: &[u8], from: usize) -> usize {
    let rest = &block[from..];
    let mut chunks = rest.chunks_exact(64);
    let mut at = from;
    for chunk in &mut chunks {
        // A whole chunk of a known size, branch-free: it vectorises without a remainder
        // loop. The exact place only when needed.
        let chunk: &[u8; 64] = chunk.try_into().expect("chunks of 64 bytes");
        if chunk
            .iter()
            .fold(0u8, |acc, &b| acc | u8::from(is_special(b)))
            != 0
        {
            return at + chunk.iter().position(|&b| is_special(b)).unwrap_or(0);
        }
        at += 64;
    }
    let tail = chunks.remainder();
    tail.iter()
        .position(|&b| is_special(b))
        .map_or(block.len(), |i| at + i)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signature::SignatureSet;

    #[test]
    fn lowercasing_touches_only_ascii_capitals() {
        let mut out = Vec::new();
        lowercase_into("AZaz@[`{ ÉÀ\u{1F600}".as_bytes(), &mut out);
        assert_eq!(out, "azaz@[`{ ÉÀ\u{1F600}".as_bytes());
    }

    #[test]
    fn special_bytes_are_found_wherever_they_are() {
        for special in [0x1b, b'\r', b'\t', 0x00, 0x07, 0x7f, 0xc2] {
            for at in 0..200 {
                let mut block = vec![b'a'; 200];
                block[at] = special;
                for from in [0, at.saturating_sub(1), at, at + 1] {
                    let want = if from <= at { at } else { block.len() };
                    assert_eq!(
                        next_special(&block, from),
                        want,
                        "{special:#x} at {at} from {from}"
                    );
                }
            }
        }
        assert_eq!(next_special(b"a\nb\n", 0), 4);
    }

    /// Plans `block` with the built-in set: its line count and its events (line, in full,
    /// text).
    fn planned(block: &[u8]) -> (u64, Vec<(u64, bool, String)>) {
        let set = SignatureSet::builtin().unwrap();
        let mut planner = Planner::new(set.matcher());
        let mut plan = Plan::default();
        planner.plan(block, 1 << 20, &mut plan);
        let events = plan
            .events
            .iter()
            .map(|e| (e.line, e.full, plan.text[e.text.clone()].to_string()))
            .collect();
        (plan.lines, events)
    }

    #[test]
    fn invalid_utf8_lines_are_sanitised_before_they_are_searched() {
        let block = b"ok\nnpm \xffERR! code 1\nbad \xfe byte\n#5 \xff [x] y\n#5 0.1 erro\x88r: 3\n";
        let (lines, events) = planned(block);
        assert_eq!(lines, 5);
        assert_eq!(
            events,
            [
                (1, true, "npm \u{FFFD}ERR! code 1".to_string()),
                // The stray byte is dropped: the literal is whole again.
                (4, true, "#5 0.1 error: 3".to_string()),
            ]
        );
    }

    #[test]
    fn coloured_lines_are_searched_by_their_clean_text() {
        // The escape splits the literal in the first line; the other lines hold none.
        let block = b"api-1  | connect ECONN\x1b[1mREFUSED\x1b[0m 127.0.0.1:5432\r
\x1b[32mweb-1  |\x1b[0m GET /health 200\r
\x1b[32mok\x1b[0m\r
#7 \x1b[1m[2/6] RUN npm ci\x1b[0m
#7 0.2 \r\x1b[32m 40%\x1b[0m\r\x1b[32m100%\x1b[0m
#7 0.3 \r#8 [3/6] COPY . .\x1b[0m
";
        let (lines, events) = planned(block);
        assert_eq!(lines, 6);
        assert_eq!(
            events,
            [
                (
                    0,
                    true,
                    "api-1  | connect ECONNREFUSED 127.0.0.1:5432".to_string()
                ),
                (3, false, "#7 [2/6] RUN npm ci".to_string()),
                // A progress bar's last frame, a step's first line.
                (5, false, "#8 [3/6] COPY . .".to_string()),
            ]
        );
    }

    #[test]
    fn json_lines_are_searched_by_their_message() {
        // The raw lines hold no literal; the messages do ("in use" across the joined error
        // field, "error" from the numeric level), but the plain pino line does not.
        let block = br#"{"msg":"port 3000 busy in","err":"use by another process"}
{"level":30,"time":1,"msg":"job completed"}
api-1  | {"level":50,"msg":"db down"}
"#;
        let (_, events) = planned(block);
        let full: Vec<u64> = events.iter().filter(|e| e.1).map(|e| e.0).collect();
        assert_eq!(full, [0, 2]);
    }

    #[test]
    fn only_lines_that_matter_become_events() {
        let block = b"#5 [2/6] RUN npm ci\n#5 0.1 added 612 packages\n\x1b[32mok\x1b[0m\n#5 0.2 \x1b[31mnpm err\x1b[0mor! code 1\n{\"level\":50,\"msg\":\"db down\"}\n{\"level\":30,\"msg\":\"listening\"}\nlast";
        let (lines, events) = planned(block);
        assert_eq!(lines, 7);
        let events: Vec<(u64, bool, &str)> = events
            .iter()
            .map(|(l, f, t)| (*l, *f, t.as_str()))
            .collect();
        assert_eq!(
            events,
            [
                (0, false, "#5 [2/6] RUN npm ci"),
                (3, true, "#5 0.2 npm error! code 1"),
                (4, true, "{\"level\":50,\"msg\":\"db down\"}"),
            ]
        );
    }
}
