//! A finding: every occurrence of one signature in one input.

use crate::matcher::Captures;
use crate::signature::{template, Signature};

/// Most line numbers kept per finding; the count goes on past it.
pub const MAX_LINES: usize = 10_000;
/// Most distinct values kept per capture name.
const MAX_VALUES: usize = 8;

/// One line that matched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Occurrence {
    pub line: u64,
    /// The normalised, masked text of the line.
    pub text: String,
    pub captures: Captures,
    pub step: Option<String>,
}

/// All occurrences of one signature.
#[derive(Debug, Clone)]
pub struct Finding {
    /// Index of the signature in the engine's set.
    pub signature: usize,
    pub id: String,
    /// The first occurrence: where the finding is shown.
    pub first: Occurrence,
    /// Line numbers of every occurrence (up to 10 000, `MAX_LINES`), ascending.
    pub lines: Vec<u64>,
    pub count: u64,
    /// Each capture name with its distinct values, in order of first appearance.
    pub values: Vec<(String, Vec<String>)>,
}

impl Finding {
    pub(super) fn new(signature: usize, sig: &Signature, first: Occurrence) -> Self {
        let mut finding = Finding {
            signature,
            id: sig.id.clone(),
            first: first.clone(),
            lines: Vec::new(),
            count: 0,
            values: Vec::new(),
        };
        finding.add(first);
        finding
    }

    pub(super) fn add(&mut self, occurrence: Occurrence) {
        self.count += 1;
        if self.lines.len() < MAX_LINES {
            // Multi-line rules can confirm out of order; keep the list sorted.
            let at = self.lines.partition_point(|&l| l < occurrence.line);
            if self.lines.get(at) != Some(&occurrence.line) {
                self.lines.insert(at, occurrence.line);
            } else {
                self.count -= 1;
            }
        }
        if occurrence.line < self.first.line {
            self.first = occurrence.clone();
        }
        for (name, value) in occurrence.captures {
            match self.values.iter_mut().find(|(n, _)| *n == name) {
                Some((_, values)) => {
                    if values.len() < MAX_VALUES && !values.contains(&value) {
                        values.push(value);
                    }
                }
                None => self.values.push((name, vec![value])),
            }
        }
    }

    /// A capture's distinct values joined with ", ".
    pub fn capture(&self, name: &str) -> Option<String> {
        self.values
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.join(", "))
    }

    /// The signature's summary with this finding's captures filled in.
    pub fn summary(&self, sig: &Signature) -> String {
        template::fill(&sig.summary, |name| self.capture(name))
    }

    /// The signature's fix with this finding's captures filled in.
    pub fn fix(&self, sig: &Signature) -> String {
        template::fill(&sig.fix, |name| self.capture(name))
    }

    /// The signature's snippet with this finding's captures filled in.
    pub fn snippet(&self, sig: &Signature) -> Option<String> {
        sig.snippet
            .as_deref()
            .map(|s| template::fill(s, |name| self.capture(name)))
    }
}
