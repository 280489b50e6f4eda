//! Lines seen again: a crash-looping service prints the same failure every second for hours,
//! and once timestamps and prefixes are stripped the lines are identical. Their hits (which
//! signatures' patterns match, and what they capture) are a function of the text alone, so
//! they are remembered instead of running the patterns again.

use std::collections::HashMap;

use super::{Hit, LineMatches, Matcher};
use crate::signature::SignatureSet;

/// Texts remembered at most; the memory is then cleared and fills again.
const MAX_TEXTS: usize = 512;
/// Longer texts are not remembered (they seldom repeat, and would cost memory).
const MAX_TEXT: usize = 1024;

/// The hits of recently seen candidate lines, by text.
#[derive(Debug, Default)]
pub struct RepeatedHits {
    seen: HashMap<String, Vec<Hit>>,
}

impl RepeatedHits {
    /// [`Matcher::hits`] of `text`, from memory when the same text was seen lately.
    pub fn hits(
        &mut self,
        matcher: &Matcher,
        set: &SignatureSet,
        text: &str,
        found: &LineMatches,
        out: &mut Vec<Hit>,
    ) {
        if found.candidates.is_empty() {
            out.clear();
            return;
        }
        if let Some(hits) = self.seen.get(text) {
            out.clear();
            out.extend_from_slice(hits);
            return;
        }
        matcher.hits(set, text, found, out);
        if text.len() <= MAX_TEXT {
            if self.seen.len() >= MAX_TEXTS {
                self.seen.clear();
            }
            self.seen.insert(text.to_string(), out.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_repeated_line_gets_the_same_hits() {
        let set = SignatureSet::builtin().unwrap();
        let matcher = set.matcher();
        let mut repeats = RepeatedHits::default();
        let mut found = LineMatches::default();
        let (mut first, mut again) = (Vec::new(), Vec::new());
        let line = "error: externally-managed-environment";
        matcher.scan(line, &mut found);
        repeats.hits(&matcher, &set, line, &found, &mut first);
        repeats.hits(&matcher, &set, line, &found, &mut again);
        assert_eq!(first, again);
        assert_eq!(first.len(), 1);
        // Past the limit the memory starts again, and answers stay right.
        for i in 0..MAX_TEXTS + 10 {
            let other = format!("error: externally-managed-environment #{i}");
            matcher.scan(&other, &mut found);
            repeats.hits(&matcher, &set, &other, &found, &mut again);
        }
        assert!(repeats.seen.len() <= MAX_TEXTS);
        matcher.scan(line, &mut found);
        repeats.hits(&matcher, &set, line, &found, &mut again);
        assert_eq!(first, again);
    }
}
