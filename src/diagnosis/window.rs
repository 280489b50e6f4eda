//! Multi-line rules: a signature whose `near` pattern must show up within N lines of its
//! primary pattern, before or after it.
//!
//! Only lines holding a near rule's keywords are kept for looking back (with their line
//! numbers), so the window costs nothing on ordinary lines.

use std::collections::VecDeque;

use crate::matcher::{named_captures, Captures};
use crate::signature::SignatureSet;

/// Most near-candidate lines kept for looking back.
const MAX_KEPT: usize = 256;

/// A primary match waiting for its `near` line.
#[derive(Debug, Clone)]
pub(super) struct Pending {
    pub signature: usize,
    pub line: u64,
    pub text: String,
    pub captures: Captures,
    pub step: Option<String>,
    /// Last line number the near line may appear on.
    pub until: u64,
}

/// A recent line that held some near rule's keywords.
struct Kept {
    line: u64,
    /// Signatures whose near keywords it holds.
    signatures: Vec<usize>,
    text: String,
}

/// The recent near-candidate lines (for looking back) and the primary matches waiting (for
/// looking ahead).
pub(super) struct NearWindow {
    recent: VecDeque<Kept>,
    pending: Vec<Pending>,
}

impl NearWindow {
    pub fn new() -> Self {
        NearWindow {
            recent: VecDeque::new(),
            pending: Vec::new(),
        }
    }

    /// Checks the waiting matches against line `number` (whose near candidates are `near`);
    /// returns those it confirms and drops those that expired.
    pub fn advance(
        &mut self,
        set: &SignatureSet,
        number: u64,
        text: &str,
        near: &[usize],
    ) -> Vec<Pending> {
        if self.pending.is_empty() {
            return Vec::new();
        }
        let mut confirmed = Vec::new();
        self.pending.retain_mut(|p| {
            if number > p.until {
                return false;
            }
            if !near.contains(&p.signature) {
                return true;
            }
            let Some(rule) = &set.signatures()[p.signature].near else {
                return false;
            };
            let regex = rule.pattern.regex();
            match regex.captures(text) {
                Some(c) => {
                    let mut done = p.clone();
                    done.captures.extend(named_captures(regex, &c));
                    confirmed.push(done);
                    false
                }
                None => true,
            }
        });
        confirmed
    }

    /// Looks for signature `signature`'s near pattern on this line (if it is a candidate) and
    /// on the kept lines within reach, newest first.
    pub fn look_back(
        &self,
        set: &SignatureSet,
        signature: usize,
        number: u64,
        text: &str,
        near: &[usize],
    ) -> Option<Captures> {
        let rule = set.signatures()[signature].near.as_ref()?;
        let this = near.contains(&signature).then_some(text);
        let earlier = self
            .recent
            .iter()
            .rev()
            .take_while(|k| number - k.line <= u64::from(rule.within))
            .filter(|k| k.signatures.contains(&signature))
            .map(|k| k.text.as_str());
        let regex = rule.pattern.regex();
        this.into_iter()
            .chain(earlier)
            .find_map(|line| regex.captures(line).map(|c| named_captures(regex, &c)))
    }

    pub fn wait(&mut self, pending: Pending) {
        // One waiting match per signature is enough: a later one would confirm on the same line.
        if !self
            .pending
            .iter()
            .any(|p| p.signature == pending.signature)
        {
            self.pending.push(pending);
        }
    }

    /// Keeps line `number` for looking back when it holds near keywords.
    pub fn remember(&mut self, number: u64, text: &str, near: &[usize]) {
        if near.is_empty() {
            return;
        }
        let mut kept = if self.recent.len() == MAX_KEPT {
            self.recent.pop_front().expect("full")
        } else {
            Kept {
                line: 0,
                signatures: Vec::new(),
                text: String::new(),
            }
        };
        kept.line = number;
        kept.signatures.clear();
        kept.signatures.extend_from_slice(near);
        kept.text.clear();
        kept.text.push_str(text);
        self.recent.push_back(kept);
    }
}
