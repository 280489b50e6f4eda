//! Regex search over the stored lines, done a slice at a time so a search of millions of
//! lines never freezes the view, and kept up to date as new lines arrive.

use regex::{Regex, RegexBuilder};

use super::store::LineStore;
use crate::redact::Redactor;

/// An active search: the pattern, and the lines that match it so far.
#[derive(Debug, Clone)]
pub struct Search {
    pub pattern: String,
    pub regex: Regex,
    /// Indices of matching lines, ascending.
    pub hits: Vec<usize>,
    /// Lines examined so far (the first `scanned` lines of the store).
    pub scanned: usize,
}

impl Search {
    /// Compiles `pattern`; smart case: case-insensitive unless it holds an uppercase letter.
    pub fn new(pattern: &str) -> Result<Self, String> {
        let insensitive = !pattern.chars().any(char::is_uppercase);
        let regex = RegexBuilder::new(pattern)
            .case_insensitive(insensitive)
            .size_limit(1 << 22)
            .build()
            .map_err(|e| first_line(&e.to_string()))?;
        Ok(Search {
            pattern: pattern.to_string(),
            regex,
            hits: Vec::new(),
            scanned: 0,
        })
    }

    /// Examines up to `budget` more lines; returns true when lines remain.
    ///
    /// A line is a hit when the pattern matches the text as shown: with masking on, a match
    /// on a secret that the view masks does not count.
    pub fn advance(
        &mut self,
        store: &LineStore,
        redactor: Option<&Redactor>,
        budget: usize,
    ) -> bool {
        let end = store.len().min(self.scanned + budget);
        for i in self.scanned..end {
            let text = store.text(i);
            if self.regex.is_match(text)
                && match redactor {
                    Some(r) => self.regex.is_match(&r.mask(text)),
                    None => true,
                }
            {
                self.hits.push(i);
            }
        }
        self.scanned = end;
        self.scanned < store.len()
    }

    pub fn done(&self, store: &LineStore) -> bool {
        self.scanned >= store.len()
    }

    /// The first hit after line `from` (wrapping round to the first), if any.
    pub fn next_after(&self, from: Option<usize>) -> Option<usize> {
        let at = from.map_or(0, |f| self.hits.partition_point(|&h| h <= f));
        self.hits.get(at).or(self.hits.first()).copied()
    }

    /// The last hit before line `from` (wrapping round to the last), if any.
    pub fn prev_before(&self, from: Option<usize>) -> Option<usize> {
        let at = from.map_or(self.hits.len(), |f| self.hits.partition_point(|&h| h < f));
        at.checked_sub(1)
            .and_then(|i| self.hits.get(i))
            .or(self.hits.last())
            .copied()
    }

    /// 1-based position of `line` among the hits.
    pub fn position(&self, line: usize) -> Option<usize> {
        self.hits.binary_search(&line).ok().map(|i| i + 1)
    }
}

fn first_line(s: &str) -> String {
    s.lines()
        .rfind(|l| !l.trim().is_empty())
        .unwrap_or(s)
        .trim()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::store::LineFlags;

    fn store(lines: &[&str]) -> LineStore {
        let mut s = LineStore::new();
        for l in lines {
            s.push(l, &[], LineFlags::default(), 0);
        }
        s
    }

    #[test]
    fn finds_hits_in_slices_and_wraps() {
        let s = store(&["Error one", "fine", "error two", "ok", "ERROR three"]);
        let mut search = Search::new("error").unwrap();
        assert!(search.advance(&s, None, 2));
        assert!(!search.advance(&s, None, 10));
        assert_eq!(search.hits, [0, 2, 4]);
        assert_eq!(search.next_after(Some(0)), Some(2));
        assert_eq!(search.next_after(Some(4)), Some(0));
        assert_eq!(search.prev_before(Some(2)), Some(0));
        assert_eq!(search.prev_before(Some(0)), Some(4));
        assert_eq!(search.position(4), Some(3));
        let upper = {
            let mut u = Search::new("ERROR").unwrap();
            u.advance(&s, None, 10);
            u.hits
        };
        assert_eq!(upper, [4]);
    }

    #[test]
    fn masked_secrets_are_not_found() {
        let s = store(&["DB_PASSWORD=hunter22", "hunter22 is shown"]);
        let mut search = Search::new("hunter22").unwrap();
        search.advance(&s, Some(&Redactor::new()), 10);
        assert_eq!(search.hits, [1]);
    }

    #[test]
    fn bad_patterns_say_why() {
        let e = Search::new("a(b").unwrap_err();
        assert!(e.contains("unclosed"), "{e}");
    }
}
