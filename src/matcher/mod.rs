//! Matching: which signatures a clean line matches, and what their patterns captured.
//!
//! One aho-corasick automaton holds every signature's keywords (ASCII case-insensitive); a
//! line's regexes run only for the signatures whose keywords occur in it, so the common line
//! costs one automaton pass and nothing else.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

use crate::signature::SignatureSet;

/// Captured `(name, value)` pairs of one match, in pattern order.
pub type Captures = Vec<(String, String)>;

/// A signature's primary pattern matched a line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    /// Index of the signature in its [`SignatureSet`].
    pub signature: usize,
    pub captures: Captures,
}

/// The compiled prefilter over a signature set.
#[derive(Debug, Clone)]
pub struct Matcher {
    automaton: AhoCorasick,
    /// Keyword pattern index → signature index.
    owner: Vec<usize>,
    /// Near-rule keyword automaton is not needed: near patterns run only on lines close to a hit.
    signatures: usize,
}

impl Matcher {
    pub fn new(set: &SignatureSet) -> Self {
        let mut keywords = Vec::new();
        let mut owner = Vec::new();
        for (i, sig) in set.signatures().iter().enumerate() {
            for k in &sig.keywords {
                keywords.push(k.as_str());
                owner.push(i);
            }
        }
        let automaton = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .build(&keywords)
            .expect("keyword automaton builds from literals");
        Matcher { automaton, owner, signatures: set.len() }
    }

    /// Signatures whose keywords occur in `text`, in signature order, without repeats.
    pub fn candidates(&self, text: &str, out: &mut Vec<usize>) {
        out.clear();
        for m in self.automaton.find_overlapping_iter(text) {
            let sig = self.owner[m.pattern().as_usize()];
            if !out.contains(&sig) {
                out.push(sig);
            }
        }
        out.sort_unstable();
    }

    /// Every signature whose pattern matches `text`, with the captures of its first matching pattern.
    pub fn hits(&self, set: &SignatureSet, text: &str, scratch: &mut Vec<usize>, out: &mut Vec<Hit>) {
        out.clear();
        self.candidates(text, scratch);
        for &i in scratch.iter() {
            if let Some(captures) = match_signature(set, i, text) {
                out.push(Hit { signature: i, captures });
            }
        }
    }

    pub fn signature_count(&self) -> usize {
        self.signatures
    }
}

/// Runs signature `i`'s patterns on `text`; the captures of the first that matches.
pub fn match_signature(set: &SignatureSet, i: usize, text: &str) -> Option<Captures> {
    let sig = &set.signatures()[i];
    sig.patterns.iter().find_map(|re| re.captures(text).map(|c| named_captures(re, &c)))
}

/// The named, non-empty captures of one regex match.
pub fn named_captures(re: &regex::Regex, caps: &regex::Captures<'_>) -> Captures {
    re.capture_names()
        .flatten()
        .filter_map(|name| caps.name(name).filter(|m| !m.as_str().is_empty()).map(|m| (name.to_string(), m.as_str().to_string())))
        .collect()
}
