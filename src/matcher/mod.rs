//! Matching: which signatures a clean line matches, and what their patterns captured.
//!
//! One aho-corasick automaton holds every literal logdoc looks for (ASCII case-insensitive):
//! each signature's keywords, the keywords of its multi-line (`near`) rule, and the words
//! every failure-looking line holds. One pass over a line tells which signatures' regexes to
//! run, which near rules to try, and whether the line may look like a failure; the common
//! line costs that pass and nothing else.

mod block;
mod buckets;
mod confirm;
mod repeats;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use std::ops::Range;

pub use block::BlockSearcher;
pub use confirm::{Found, LiteralAt};
pub use repeats::RepeatedHits;

use crate::normalize;
use crate::signature::{Pattern, SignatureSet};

/// Captured `(name, value)` pairs of one match, in pattern order.
pub type Captures = Vec<(String, String)>;

/// A signature's primary pattern matched a line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    /// Index of the signature in its [`SignatureSet`].
    pub signature: usize,
    pub captures: Captures,
}

/// Words that every line [`crate::diagnosis::looks_like_failure`] accepts contains at least one of.
pub const FAILURE_WORDS: &[&str] = &[
    "error",
    "fatal",
    "panic",
    "fail",
    "err!",
    "err_",
    "exception",
    "traceback",
    "crit",
    "exit",
    "non-zero",
    "enoent",
    "eacces",
    "eaddrinuse",
    "econnrefused",
    "enotfound",
    "etimedout",
    "eperm",
    "segmentation",
    "killed",
];

/// What one literal found in a line means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Meaning {
    Keyword(usize),
    NearKeyword(usize),
    FailureWord,
}

/// The literals found in one line, by meaning.
#[derive(Debug, Clone, Default)]
pub struct LineMatches {
    /// Signatures whose keywords occur (their patterns should run), ascending.
    pub candidates: Vec<usize>,
    /// Signatures whose near-rule keywords occur, ascending.
    pub near: Vec<usize>,
    /// The line holds a failure word.
    pub failure_word: bool,
}

impl LineMatches {
    pub fn clear(&mut self) {
        self.candidates.clear();
        self.near.clear();
        self.failure_word = false;
    }

    pub fn is_empty(&self) -> bool {
        self.candidates.is_empty() && self.near.is_empty() && !self.failure_word
    }
}

/// The compiled prefilter over a signature set.
#[derive(Debug, Clone)]
pub struct Matcher {
    /// Leftmost-first search over the same literals: finds *whether* any literal occurs, with
    /// the SIMD prefilter that overlapping search cannot use. Most lines stop here.
    quick: AhoCorasick,
    /// What blocks are searched for, lowercase: the same minimal literals, and the markers of
    /// lines that may start a build step (see [`block_literals`]).
    searched: Vec<String>,
    /// A block searcher for them, not tuned to any input.
    block: BlockSearcher,
    /// Overlapping search: every literal occurrence, for the few lines that have one.
    automaton: AhoCorasick,
    /// Literal index → every meaning it has (the same literal may serve several signatures).
    meanings: Vec<Vec<Meaning>>,
    /// Every literal, lowercase, by index.
    literals: Vec<String>,
    /// For each literal searched in blocks, the literals holding it: (literal, offset), for
    /// every place it is in them.
    holders: Vec<Vec<(u32, u32)>>,
}

impl Matcher {
    pub fn new(set: &SignatureSet) -> Self {
        let mut literals: Vec<String> = Vec::new();
        let mut meanings: Vec<Vec<Meaning>> = Vec::new();
        let mut add = |literal: &str, meaning: Meaning| {
            let lower = literal.to_ascii_lowercase();
            match literals.iter().position(|l| *l == lower) {
                Some(i) => {
                    if !meanings[i].contains(&meaning) {
                        meanings[i].push(meaning)
                    }
                }
                None => {
                    literals.push(lower);
                    meanings.push(vec![meaning]);
                }
            }
        };
        for (i, sig) in set.signatures().iter().enumerate() {
            for k in &sig.keywords {
                add(k, Meaning::Keyword(i));
            }
            if let Some(near) = &sig.near {
                for k in &near.keywords {
                    add(k, Meaning::NearKeyword(i));
                }
            }
        }
        for w in FAILURE_WORDS {
            add(w, Meaning::FailureWord);
        }
        // DFAs: lines are short, so the per-byte speed counts, not the build time or memory
        // (an overlapping search over a 70-byte line: 440 ns with the default NFA, ~100 with
        // a DFA).
        let build = |kind| {
            AhoCorasickBuilder::new()
                .ascii_case_insensitive(true)
                .kind(Some(AhoCorasickKind::DFA))
                .match_kind(kind)
                .build(&literals)
                .expect("literal automaton builds")
        };
        // Any line holding some literal holds one that contains no other literal, so the quick
        // check needs only those: fewer literals keep aho-corasick on its SIMD prefilter.
        let minimal = minimal(&literals);
        let quick = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .kind(Some(AhoCorasickKind::DFA))
            .match_kind(MatchKind::LeftmostFirst)
            .build(&minimal)
            .expect("literal automaton builds");
        let searched = block_literals(&minimal);
        let block = BlockSearcher::new(&searched);
        let holders = confirm::places(&searched, &literals);
        Matcher {
            quick,
            searched,
            block,
            automaton: build(MatchKind::Standard),
            meanings,
            literals,
            holders,
        }
    }

    /// A searcher for whole blocks of lines (see [`BlockSearcher`]), not tuned to any input.
    pub fn block_searcher(&self) -> &BlockSearcher {
        &self.block
    }

    /// A block searcher tuned to text like `sample` (ASCII-lowercased lines of the input).
    pub fn tuned_block_searcher(&self, sample: &[u8]) -> BlockSearcher {
        BlockSearcher::tuned(&self.searched, sample)
    }

    /// Whether `text` holds any literal at all (the question most lines stop at).
    pub fn has_literal(&self, text: &str) -> bool {
        self.quick.is_match(text)
    }

    /// Finds every literal in `text`.
    pub fn scan(&self, text: &str, out: &mut LineMatches) {
        out.clear();
        if self.has_literal(text) {
            self.scan_candidate(text, out);
        }
    }

    /// [`Matcher::scan`] of a line likely to hold a literal (a block search found a piece of
    /// one): no quick check first, which would cost as much as the scan itself.
    pub fn scan_candidate(&self, text: &str, out: &mut LineMatches) {
        out.clear();
        for m in self.automaton.find_overlapping_iter(text) {
            self.add_meanings(m.pattern().as_usize(), out);
        }
        out.candidates.sort_unstable();
        out.near.sort_unstable();
    }

    /// [`Matcher::scan`] of `text[within]`, from where the block search found its literals in
    /// `text`: `occurrences` (indices into the literals searched, positions in `text`) are
    /// every occurrence of them in it. Every literal holds one of those, so the literals that
    /// hold them, compared in place, are every literal in `text[within]`.
    pub fn scan_occurrences(
        &self,
        text: &str,
        within: Range<usize>,
        occurrences: &[LiteralAt],
        out: &mut LineMatches,
    ) {
        out.clear();
        let bytes = text.as_bytes();
        for o in occurrences {
            for &(l, offset) in &self.holders[o.literal as usize] {
                let literal = self.literals[l as usize].as_bytes();
                let Some(from) = (o.at as usize).checked_sub(offset as usize) else {
                    continue;
                };
                let to = from + literal.len();
                if from < within.start || to > within.end {
                    continue;
                }
                if bytes[from..to].eq_ignore_ascii_case(literal) {
                    self.add_meanings(l as usize, out);
                }
            }
        }
        out.candidates.sort_unstable();
        out.near.sort_unstable();
    }

    fn add_meanings(&self, literal: usize, out: &mut LineMatches) {
        for meaning in &self.meanings[literal] {
            match *meaning {
                Meaning::Keyword(i) => push_unique(&mut out.candidates, i),
                Meaning::NearKeyword(i) => push_unique(&mut out.near, i),
                Meaning::FailureWord => out.failure_word = true,
            }
        }
    }

    /// Every candidate signature whose pattern matches `text`, with the captures of its first
    /// matching pattern.
    pub fn hits(&self, set: &SignatureSet, text: &str, found: &LineMatches, out: &mut Vec<Hit>) {
        out.clear();
        for &i in &found.candidates {
            if let Some(captures) = match_signature(set, i, text) {
                out.push(Hit {
                    signature: i,
                    captures,
                });
            }
        }
    }
}

/// The literals searched in whole blocks: `minimal` and [`normalize::STEP_MARKERS`], none
/// holding another. The scan plans a line holding a marker in full, as the normaliser must
/// see it; so the planner needs no search of its own for them.
fn block_literals(minimal_literals: &[&String]) -> Vec<String> {
    let all: Vec<String> = minimal_literals
        .iter()
        .map(|l| l.to_string())
        .chain(normalize::STEP_MARKERS.iter().map(|m| m.to_string()))
        .collect();
    minimal(&all).into_iter().cloned().collect()
}

/// The items of `items` that hold no other item: a text holding some item holds one of these.
pub(crate) fn minimal<T: AsRef<[u8]> + PartialEq>(items: &[T]) -> Vec<&T> {
    items
        .iter()
        .filter(|i| {
            !items
                .iter()
                .any(|o| o != *i && memchr::memmem::find(i.as_ref(), o.as_ref()).is_some())
        })
        .collect()
}

fn push_unique(v: &mut Vec<usize>, i: usize) {
    if !v.contains(&i) {
        v.push(i);
    }
}

/// Runs signature `i`'s patterns on `text`; the captures of the first that matches.
pub fn match_signature(set: &SignatureSet, i: usize, text: &str) -> Option<Captures> {
    let sig = &set.signatures()[i];
    // `is_match` first: most tries fail, and only `captures` allocates its slots.
    sig.patterns
        .iter()
        .map(Pattern::regex)
        .filter(|re| re.is_match(text))
        .find_map(|re| re.captures(text).map(|c| named_captures(re, &c)))
}

/// The named, non-empty captures of one regex match.
pub fn named_captures(re: &regex::Regex, caps: &regex::Captures<'_>) -> Captures {
    re.capture_names()
        .flatten()
        .filter_map(|name| {
            caps.name(name)
                .filter(|m| !m.as_str().is_empty())
                .map(|m| (name.to_string(), m.as_str().to_string()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(m: &LineMatches) -> (Vec<usize>, Vec<usize>, bool) {
        (m.candidates.clone(), m.near.clone(), m.failure_word)
    }

    #[test]
    fn literals_found_in_blocks_give_what_the_automaton_gives() {
        let set = SignatureSet::builtin().unwrap();
        let matcher = Matcher::new(&set);
        let lines = [
            "npm ERR! code ELIFECYCLE",
            "npm error command failed with exit code 1",
            "api-1  | Error: P3009 migrate found failed migrations",
            "Collecting psycopg2==2.9.9",
            "#12 3.4 gyp ERR! find Python - python3 is not in PATH",
            "database-1  | FATAL:  password authentication failed for user \"app\"",
            "web-1  | GET /health 200",
            "Step 5/12 : RUN npm ci",
            // `database ` (a keyword) only in the prefix the normaliser strips.
            "database  | ready to accept connections",
        ];
        let block = lines.join("\n");
        let lower = block.to_ascii_lowercase();
        let mut found = Vec::new();
        matcher.block_searcher().find(lower.as_bytes(), &mut found);
        let (mut start, mut literals) = (0, Vec::new());
        let (mut want, mut got) = (LineMatches::default(), LineMatches::default());
        for line in lines {
            let end = start + line.len();
            let here: Vec<Found> = found
                .iter()
                .copied()
                .filter(|f| (start..end).contains(&f.at))
                .collect();
            let searcher = matcher.block_searcher();
            searcher.occurrences(&lower.as_bytes()[start..end], start, &here, &mut literals);
            // The whole line, and its text behind a compose prefix when it has one.
            let from = line.find("| ").map_or(0, |i| i + 2);
            for within in [0..line.len(), from..line.len()] {
                matcher.scan(&line[within.clone()], &mut want);
                matcher.scan_occurrences(line, within.clone(), &literals, &mut got);
                assert_eq!(summary(&got), summary(&want), "{line:?} {within:?}");
            }
            start = end + 1;
        }
    }
}
