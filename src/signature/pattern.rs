//! A signature's regex: checked when its file loads, compiled when first used.
//!
//! The built-in set holds some 250 regexes. Compiling them all took ~20 ms of every run's
//! start (a report of a short log took under 40 ms in all), while a scan seldom runs more
//! than a few: a signature's patterns run only on lines holding its keywords. So a built-in
//! pattern is only parsed when the set loads (for its named groups, which the templates may
//! use), and compiled on first use; every one of them is compiled by the tests. A pattern
//! from a file given at run time is compiled as it loads, so that every mistake in it, even
//! one that only compiling finds (a regex too large), is told with the file and field.

use std::sync::OnceLock;

use regex::Regex;
use regex_syntax::ast::{self, Ast};

/// One regex of a signature: as written, its named groups, and the regex once compiled.
#[derive(Debug, Clone)]
pub struct Pattern {
    source: String,
    /// Its named capture groups, in order.
    names: Vec<String>,
    compiled: OnceLock<Regex>,
}

impl Pattern {
    /// Compiles `source` now. The error is the regex crate's message.
    pub fn compiled(source: &str) -> Result<Self, String> {
        let regex = Regex::new(source).map_err(|e| e.to_string())?;
        let names = regex.capture_names().flatten().map(String::from).collect();
        Ok(Pattern {
            source: source.to_string(),
            names,
            compiled: OnceLock::from(regex),
        })
    }

    /// Parses `source` now and compiles it on first use: for the built-in set, whose every
    /// pattern the tests compile. The error is the parser's message.
    pub fn deferred(source: &str) -> Result<Self, String> {
        let tree = ast::parse::Parser::new()
            .parse(source)
            .map_err(|e| e.to_string())?;
        let names = ast::visit(&tree, GroupNames::default()).unwrap_or_default();
        Ok(Pattern {
            source: source.to_string(),
            names,
            compiled: OnceLock::new(),
        })
    }

    /// The compiled regex.
    pub fn regex(&self) -> &Regex {
        self.compiled.get_or_init(|| {
            Regex::new(&self.source).expect("a built-in pattern compiles (the tests compile all)")
        })
    }

    /// The regex as written.
    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// Its named capture groups, in order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.names.iter().map(String::as_str)
    }
}

/// Collects the names of a syntax tree's named groups, in order.
#[derive(Default)]
struct GroupNames(Vec<String>);

impl ast::Visitor for GroupNames {
    type Output = Vec<String>;
    type Err = std::convert::Infallible;

    fn finish(self) -> Result<Vec<String>, Self::Err> {
        Ok(self.0)
    }

    fn visit_pre(&mut self, ast: &Ast) -> Result<(), Self::Err> {
        if let Ast::Group(group) = ast {
            if let ast::GroupKind::CaptureName { name, .. } = &group.kind {
                self.0.push(name.name.clone());
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_deferred_pattern_knows_its_names_before_it_is_compiled() {
        let p = Pattern::deferred(r"(?P<kind>sk_(?:live|test))_(x)(?<rest>[a-z]+)").unwrap();
        assert!(p.compiled.get().is_none());
        assert_eq!(p.names().collect::<Vec<_>>(), ["kind", "rest"]);
        let names: Vec<&str> = p.regex().capture_names().flatten().collect();
        assert_eq!(names, ["kind", "rest"]);
        assert!(p.regex().is_match("sk_live_xabc"));
    }

    #[test]
    fn both_ways_reject_bad_syntax() {
        assert!(Pattern::deferred("(unclosed").is_err());
        assert!(Pattern::compiled("(unclosed").is_err());
        // Only compiling finds a regex too large.
        assert!(Pattern::deferred(r"\w{1000}{1000}").is_ok());
        assert!(Pattern::compiled(r"\w{1000}{1000}").is_err());
    }
}
