//! Multi-line rules: a signature whose `near` pattern must show up within N lines of its
//! primary pattern, before or after it.

use std::collections::VecDeque;

use crate::matcher::{named_captures, Captures};
use crate::signature::{Near, SignatureSet};

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

/// The recent lines (for looking back) and the primary matches waiting (for looking ahead).
pub(super) struct NearWindow {
    /// Most recent line last; holds at most `depth` lines; empty when no signature has a near rule.
    recent: VecDeque<String>,
    spare: Vec<String>,
    depth: usize,
    pending: Vec<Pending>,
    near: Vec<Option<Near>>,
}

impl NearWindow {
    pub fn new(set: &SignatureSet) -> Self {
        let near: Vec<Option<Near>> = set.signatures().iter().map(|s| s.near.clone()).collect();
        let depth = near.iter().flatten().map(|n| n.within as usize).max().unwrap_or(0);
        NearWindow { recent: VecDeque::with_capacity(depth), spare: Vec::new(), depth, pending: Vec::new(), near }
    }

    /// Checks the waiting matches against line `number`; returns those it confirms and drops
    /// those that expired.
    pub fn advance(&mut self, number: u64, text: &str) -> Vec<Pending> {
        if self.pending.is_empty() {
            return Vec::new();
        }
        let mut confirmed = Vec::new();
        let mut still = Vec::new();
        for mut p in self.pending.drain(..) {
            if number > p.until {
                continue;
            }
            let near = self.near[p.signature].as_ref().expect("pending only for near rules");
            if let Some(c) = near.regex.captures(text) {
                p.captures.extend(named_captures(&near.regex, &c));
                confirmed.push(p);
            } else {
                still.push(p);
            }
        }
        self.pending = still;
        confirmed
    }

    /// Looks for the near pattern on this line and the recent ones, newest first.
    pub fn look_back(&self, near: &Near, text: &str) -> Option<Captures> {
        std::iter::once(text)
            .chain(self.recent.iter().rev().take(near.within as usize).map(String::as_str))
            .find_map(|line| near.regex.captures(line).map(|c| named_captures(&near.regex, &c)))
    }

    pub fn wait(&mut self, pending: Pending) {
        // One waiting match per signature is enough: a later one would confirm on the same line.
        if !self.pending.iter().any(|p| p.signature == pending.signature) {
            self.pending.push(pending);
        }
    }

    /// Keeps `text` as the newest recent line.
    pub fn remember(&mut self, text: &str) {
        if self.depth == 0 {
            return;
        }
        let mut slot = if self.recent.len() == self.depth { self.recent.pop_front().unwrap_or_default() } else { self.spare.pop().unwrap_or_default() };
        slot.clear();
        slot.push_str(text);
        self.recent.push_back(slot);
    }
}
