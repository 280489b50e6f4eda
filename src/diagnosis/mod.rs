//! Diagnosis: clean lines in, ranked findings out.
//!
//! [`Engine`] is the one incremental engine behind both the report and the TUI: feed it
//! sanitised lines as they arrive ([`Engine::feed`]); at any moment [`Engine::diagnosis`]
//! gives the findings so far, root cause first. Each line is normalised (tool prefixes off),
//! matched (prefilter, then regexes), and either recorded as an occurrence of a finding —
//! repeats of a signature become one finding with a count and every line number — or, when
//! it looks like a failure that no signature knows, kept as *unrecognised*.

mod finding;
mod rank;
mod unrecognized;
mod window;

use std::collections::HashMap;
use std::sync::Arc;

pub use finding::{Finding, Occurrence};
pub use unrecognized::{looks_like_failure, Unrecognized};

use crate::matcher::{Captures, Hit, LineMatches, LiteralAt, Matcher, RepeatedHits};
use crate::normalize::Normalizer;
use crate::redact::Redactor;
use crate::signature::{Severity, SignatureSet};
use window::{NearWindow, Pending};

/// What the engine concluded about one fed line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LineVerdict {
    /// 1-based number of the line in the input.
    pub number: u64,
    /// Severity of the most severe finding this line is an occurrence of.
    pub severity: Option<Severity>,
    /// The line looks like a failure but no signature knows it.
    pub unrecognized: bool,
}

/// The findings of an input so far, ranked.
#[derive(Debug, Clone, Default)]
pub struct Diagnosis {
    /// Root cause first.
    pub findings: Vec<Finding>,
    pub unrecognized: Vec<Unrecognized>,
    /// Unrecognised lines beyond those kept.
    pub unrecognized_dropped: u64,
    /// Lines read.
    pub lines: u64,
}

/// The incremental scan engine for one input.
pub struct Engine {
    set: Arc<SignatureSet>,
    matcher: Arc<Matcher>,
    normalizer: Normalizer,
    redactor: Option<Redactor>,
    window: NearWindow,
    findings: Vec<Finding>,
    by_signature: HashMap<usize, usize>,
    unrecognized: unrecognized::Collector,
    lines: u64,
    last_hit_line: u64,
    found: LineMatches,
    hits: Vec<Hit>,
    repeats: RepeatedHits,
    block: unrecognized::Block,
    /// The current line's normalised text (reused, so feeding allocates nothing per line).
    text: String,
    /// Bumped whenever what [`Engine::diagnosis`] returns changes (line count aside).
    revision: u64,
}

/// What is known of a line's literals before the engine looks.
#[derive(Clone, Copy)]
enum Known<'a> {
    Nothing,
    /// A piece of one was found in it.
    Candidate,
    /// Every occurrence of the literals searched in blocks (see [`Matcher::scan_occurrences`]).
    Occurrences(&'a [LiteralAt]),
}

impl Engine {
    /// An engine over `set`, masking secrets in everything it keeps when `redact` is true.
    pub fn new(set: Arc<SignatureSet>, redact: bool) -> Self {
        let matcher = set.matcher();
        let window = NearWindow::new();
        Engine {
            set,
            matcher,
            normalizer: Normalizer::default(),
            redactor: redact.then(Redactor::new),
            window,
            findings: Vec::new(),
            by_signature: HashMap::new(),
            unrecognized: unrecognized::Collector::default(),
            lines: 0,
            last_hit_line: 0,
            found: LineMatches::default(),
            block: unrecognized::Block::default(),
            hits: Vec::new(),
            repeats: RepeatedHits::default(),
            text: String::new(),
            revision: 0,
        }
    }

    pub fn signatures(&self) -> &Arc<SignatureSet> {
        &self.set
    }

    /// The matcher, for callers that search whole blocks for literals first.
    pub fn matcher(&self) -> &Arc<Matcher> {
        &self.matcher
    }

    /// Feeds a sanitised line known to hold no literal of the matcher, not even once
    /// normalised: it is counted and shown to the normaliser (build steps), nothing more.
    pub fn feed_quiet(&mut self, text: &str) {
        self.lines += 1;
        self.normalizer.normalize(text);
    }

    /// Counts `n` lines that [`Engine::feed`] would only have counted: no literal of the
    /// matcher, and nothing the normaliser keeps ([`crate::normalize::Effect::Nothing`]).
    pub fn skip_lines(&mut self, n: u64) {
        self.lines += n;
    }

    /// Feeds the next sanitised line (see [`crate::source::Sanitizer`]).
    pub fn feed(&mut self, clean: &str) -> LineVerdict {
        self.feed_line(clean, Known::Nothing)
    }

    /// [`Engine::feed`] of a line likely to hold a literal: a piece of one was found in it
    /// (see [`Matcher::scan_candidate`]).
    pub fn feed_candidate(&mut self, clean: &str) -> LineVerdict {
        self.feed_line(clean, Known::Candidate)
    }

    /// [`Engine::feed`] of a line whose every occurrence of the literals searched in blocks
    /// is known (see [`Matcher::scan_occurrences`]).
    pub fn feed_found(&mut self, clean: &str, occurrences: &[LiteralAt]) -> LineVerdict {
        self.feed_line(clean, Known::Occurrences(occurrences))
    }

    fn feed_line(&mut self, clean: &str, known: Known<'_>) -> LineVerdict {
        self.lines += 1;
        let number = self.lines;
        let mut text = std::mem::take(&mut self.text);
        text.clear();
        let normalized = self.normalizer.normalize(clean);
        text.push_str(normalized.text);
        let step = normalized.step;
        // Where the normalised text is in the line, when it is a part of it (not a JSON
        // message).
        let within = {
            let line = clean.as_bytes().as_ptr_range();
            let part = normalized.text.as_bytes().as_ptr_range();
            (line.start <= part.start && part.end <= line.end).then(|| {
                let from = part.start as usize - line.start as usize;
                from..from + normalized.text.len()
            })
        };
        let mut verdict = LineVerdict {
            number,
            ..Default::default()
        };

        match (known, within) {
            (Known::Occurrences(occurrences), Some(within)) => {
                self.matcher
                    .scan_occurrences(clean, within, occurrences, &mut self.found)
            }
            (Known::Nothing, _) => self.matcher.scan(&text, &mut self.found),
            _ => self.matcher.scan_candidate(&text, &mut self.found),
        }
        if self.found.is_empty() {
            // The common line: no literal of interest, so no match and not failure-like.
            self.text = text;
            return verdict;
        }
        // Multi-line rules that were waiting for this line, then this line's own matches.
        let mut confirmed = self
            .window
            .advance(&self.set, number, &text, &self.found.near);
        self.repeats
            .hits(&self.matcher, &self.set, &text, &self.found, &mut self.hits);
        let mut hits = std::mem::take(&mut self.hits);
        for hit in hits.drain(..) {
            let set = Arc::clone(&self.set);
            let sig = &set.signatures()[hit.signature];
            let step_name = self.step_name(step);
            let Some(near) = &sig.near else {
                self.record(hit.signature, number, &text, hit.captures, step_name);
                verdict.severity = verdict.severity.max(Some(sig.severity));
                continue;
            };
            let pending = Pending {
                signature: hit.signature,
                line: number,
                text: text.clone(),
                captures: hit.captures,
                step: step_name,
                until: number + u64::from(near.within),
            };
            match self
                .window
                .look_back(&set, hit.signature, number, &text, &self.found.near)
            {
                Some(extra) => {
                    let mut p = pending;
                    p.captures.extend(extra);
                    confirmed.push(p);
                }
                None => self.window.wait(pending),
            }
        }
        self.hits = hits;
        for p in confirmed {
            let severity = self.set.signatures()[p.signature].severity;
            if p.line == number {
                verdict.severity = verdict.severity.max(Some(severity));
            }
            self.record(p.signature, p.line, &p.text, p.captures, p.step);
        }
        self.window.remember(number, &text, &self.found.near);

        if verdict.severity.is_some() {
            self.last_hit_line = number;
            self.block.start(number, &text);
        } else if self.found.failure_word && unrecognized::looks_like_failure(&text) {
            // Lines right after a recognised one, or further lines of the same tool's error
            // block (`npm error ...` usage text), are its continuation.
            let near_hit = self.last_hit_line > 0 && number - self.last_hit_line <= 3;
            if self.block.continues(number, &text) || near_hit {
                // Remember it, so its repeat in BuildKit's error summary is known too.
                self.unrecognized.note(&text);
            } else {
                let shown = self.mask(&text);
                let step_name = self.step_name(step);
                verdict.unrecognized = self.unrecognized.add(number, shown, step_name);
                if verdict.unrecognized {
                    self.revision += 1;
                }
                // Its own block: the rest of an unknown `npm error ...` block is one line.
                self.block.start(number, &text);
            }
        }
        self.text = text;
        verdict
    }

    /// The step's name, masked: a `RUN STRIPE_KEY=sk_live_… npm run build` step shows it.
    fn step_name(&self, step: Option<usize>) -> Option<String> {
        step.map(|s| self.mask(self.normalizer.step_name(s)))
    }

    /// The findings so far, ranked, with fixes ready to fill.
    pub fn diagnosis(&self) -> Diagnosis {
        let mut findings = self.findings.clone();
        rank::rank(&self.set, &mut findings);
        // A line that an explaining finding's occurrence covers is not unrecognised after all.
        let known: std::collections::HashSet<u64> = findings
            .iter()
            .flat_map(|f| f.lines.iter().copied())
            .collect();
        let unrecognized: Vec<Unrecognized> = self
            .unrecognized
            .items()
            .iter()
            .filter(|u| !known.contains(&u.line))
            // `Process completed with exit code 1` only points at the failure: worth listing
            // when nothing else explains the run, noise next to a finding.
            .filter(|u| findings.is_empty() || !unrecognized::is_wrapper(&u.text))
            .cloned()
            .collect();
        Diagnosis {
            findings,
            unrecognized,
            unrecognized_dropped: self.unrecognized.dropped(),
            lines: self.lines,
        }
    }

    /// Lines fed so far.
    pub fn lines(&self) -> u64 {
        self.lines
    }

    /// A counter that increases whenever the diagnosis changes — a finding or an occurrence
    /// recorded (near-rule confirmations included), an unrecognised line kept or counted —
    /// and only then (the line count aside): a caller holding the diagnosis of an earlier
    /// revision need not take it again while this is unchanged.
    pub fn revision(&self) -> u64 {
        self.revision
    }

    /// At most 500 bytes of `text`, masked. Masking comes first, so a secret that the cut
    /// would split is still recognised whole.
    fn mask(&self, text: &str) -> String {
        match &self.redactor {
            Some(r) => truncate(&r.mask(text), 500).to_string(),
            None => truncate(text, 500).to_string(),
        }
    }

    fn record(
        &mut self,
        signature: usize,
        line: u64,
        text: &str,
        captures: Captures,
        step: Option<String>,
    ) {
        let captures: Captures = match &self.redactor {
            Some(r) => captures
                .into_iter()
                .map(|(k, v)| (k, r.mask(&v).into_owned()))
                .collect(),
            None => captures,
        };
        // Only a finding's first occurrence keeps its text: a line repeated a million times is
        // masked once, not a million times.
        let becomes_first = self
            .by_signature
            .get(&signature)
            .is_none_or(|&i| line < self.findings[i].first.line);
        let excerpt = if becomes_first {
            self.mask(text)
        } else {
            String::new()
        };
        self.revision += 1;
        self.last_hit_line = self.last_hit_line.max(line);
        let occurrence = Occurrence {
            line,
            text: excerpt,
            captures,
            step,
        };
        match self.by_signature.get(&signature) {
            Some(&i) => self.findings[i].add(occurrence),
            None => {
                let sig = &self.set.signatures()[signature];
                self.by_signature.insert(signature, self.findings.len());
                self.findings.push(Finding::new(signature, sig, occurrence));
            }
        }
    }
}

/// At most `max` bytes of `text`, cut at a character boundary.
pub(crate) fn truncate(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_revision_moves_only_when_the_diagnosis_does() {
        let set = Arc::new(SignatureSet::builtin().unwrap());
        let mut engine = Engine::new(set, true);
        let start = engine.revision();
        engine.feed("#5 0.1 added 612 packages in 3s");
        assert_eq!(engine.revision(), start, "an ordinary line");
        engine.feed("#9 0.41 error: externally-managed-environment");
        let found = engine.revision();
        assert!(found > start, "a finding");
        for _ in 0..4 {
            engine.feed("step 3 of 9");
        }
        assert_eq!(engine.revision(), found);
        engine.feed("FATAL: the frobnicator exploded");
        let unknown = engine.revision();
        assert!(unknown > found, "an unrecognised line");
        engine.feed("FATAL: the frobnicator exploded");
        assert_eq!(engine.revision(), unknown, "a repeat of it is not kept");
        assert_eq!(engine.diagnosis().unrecognized.len(), 1);
    }
}
