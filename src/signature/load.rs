//! Loading signature files: the embedded default set, a user's files and folders, and the
//! validation that names the file, line and field of every mistake.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::model::{Near, Signature, SignatureFile};
use super::pattern::Pattern;
use super::template::placeholders;
use super::SignatureError;

mod builtin {
    include!(concat!(env!("OUT_DIR"), "/builtin_signatures.rs"));
}

/// Where a signature came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// Embedded in the binary from `signatures/<name>`.
    Builtin(String),
    /// Loaded from a file at run time.
    File(PathBuf),
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Origin::Builtin(name) => write!(f, "builtin:{name}"),
            Origin::File(path) => write!(f, "{}", path.display()),
        }
    }
}

/// The text of one signature file and where it came from.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub origin: Origin,
    pub text: String,
}

/// The embedded default signature files.
pub fn builtin_sources() -> Vec<SourceFile> {
    builtin::BUILTIN
        .iter()
        .map(|(name, text)| SourceFile {
            origin: Origin::Builtin(name.to_string()),
            text: text.to_string(),
        })
        .collect()
}

/// Reads a signature file, or every `*.toml` in a folder (sorted by name).
pub fn read_sources(path: &Path) -> Result<Vec<SourceFile>, SignatureError> {
    let shown = path.display().to_string();
    let meta = std::fs::metadata(path)
        .map_err(|e| SignatureError::new(&shown, format!("cannot read: {e}")))?;
    let mut files = Vec::new();
    if meta.is_dir() {
        let entries = std::fs::read_dir(path)
            .map_err(|e| SignatureError::new(&shown, format!("cannot list folder: {e}")))?;
        let mut paths: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "toml") && p.is_file())
            .collect();
        paths.sort();
        for p in paths {
            files.extend(read_sources(&p)?);
        }
    } else {
        let text = std::fs::read_to_string(path)
            .map_err(|e| SignatureError::new(&shown, format!("cannot read: {e}")))?;
        files.push(SourceFile {
            origin: Origin::File(path.to_path_buf()),
            text,
        });
    }
    Ok(files)
}

/// A validated set of signatures, in load order, with unique ids.
#[derive(Debug, Clone, Default)]
pub struct SignatureSet {
    signatures: Vec<Signature>,
    /// The prefilter over this set, built once on first use and shared by every engine.
    matcher: std::sync::OnceLock<std::sync::Arc<crate::matcher::Matcher>>,
}

impl SignatureSet {
    /// The embedded default set.
    pub fn builtin() -> Result<Self, Vec<SignatureError>> {
        Self::from_sources(builtin_sources())
    }

    /// Parses and validates `sources`. A later file whose id repeats an id from another
    /// *origin kind* (a user file over a built-in) replaces it; two files of the same kind with
    /// one id are an error. Returns every problem found, not just the first.
    pub fn from_sources(sources: Vec<SourceFile>) -> Result<Self, Vec<SignatureError>> {
        let mut errors = Vec::new();
        let mut signatures: Vec<Signature> = Vec::new();
        let mut seen: HashMap<String, usize> = HashMap::new();
        for source in &sources {
            match parse_signature(source) {
                Ok(sig) => match seen.get(&sig.id) {
                    Some(&at) if same_kind(&signatures[at].origin, &sig.origin) => {
                        errors.push(
                            SignatureError::new(&source.origin.to_string(), format!("duplicate id `{}`, already defined in {}; give one of them another id", sig.id, signatures[at].origin))
                                .field("id")
                                .line(line_of(&source.text, "id")),
                        );
                    }
                    Some(&at) => signatures[at] = sig,
                    None => {
                        seen.insert(sig.id.clone(), signatures.len());
                        signatures.push(sig);
                    }
                },
                Err(mut e) => errors.append(&mut e),
            }
        }
        if errors.is_empty() {
            Ok(SignatureSet {
                signatures,
                matcher: Default::default(),
            })
        } else {
            Err(errors)
        }
    }

    /// The literal prefilter over this set (built on first use).
    pub fn matcher(&self) -> std::sync::Arc<crate::matcher::Matcher> {
        std::sync::Arc::clone(
            self.matcher
                .get_or_init(|| std::sync::Arc::new(crate::matcher::Matcher::new(self))),
        )
    }

    pub fn signatures(&self) -> &[Signature] {
        &self.signatures
    }

    pub fn len(&self) -> usize {
        self.signatures.len()
    }

    pub fn is_empty(&self) -> bool {
        self.signatures.is_empty()
    }

    pub fn get(&self, id: &str) -> Option<&Signature> {
        self.signatures.iter().find(|s| s.id == id)
    }

    /// Index of the signature with `id`.
    pub fn index_of(&self, id: &str) -> Option<usize> {
        self.signatures.iter().position(|s| s.id == id)
    }
}

fn same_kind(a: &Origin, b: &Origin) -> bool {
    matches!(
        (a, b),
        (Origin::Builtin(_), Origin::Builtin(_)) | (Origin::File(_), Origin::File(_))
    )
}

/// 1-based line of the first line that assigns `key` (`key =` at the start of a line).
fn line_of(text: &str, key: &str) -> Option<usize> {
    text.lines()
        .position(|l| {
            let l = l.trim_start();
            l.strip_prefix(key)
                .is_some_and(|rest| rest.trim_start().starts_with('='))
        })
        .map(|i| i + 1)
}

/// Largest `near.within`: the recent lines kept for looking back.
pub const MAX_WITHIN: u32 = 1000;

/// 1-based line holding `needle` (for pointing at a regex or example).
fn line_containing(text: &str, needle: &str) -> Option<usize> {
    line_containing_from(text, 0, needle)
}

/// Like [`line_containing`], looking only from the line where `key = ` is assigned.
fn line_in_field(text: &str, key: &str, needle: &str) -> Option<usize> {
    let from =
        line_of(text, key).map_or(0, |l| text.lines().take(l - 1).map(|x| x.len() + 1).sum());
    line_containing_from(text, from, needle)
}

fn line_containing_from(text: &str, from: usize, needle: &str) -> Option<usize> {
    let first = needle.lines().find(|l| !l.trim().is_empty())?;
    let at = from + text.get(from..)?.find(first)?;
    Some(text[..at].matches('\n').count() + 1)
}

fn line_at_offset(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

fn parse_signature(source: &SourceFile) -> Result<Signature, Vec<SignatureError>> {
    let file = source.origin.to_string();
    let raw: SignatureFile = toml::from_str(&source.text).map_err(|e| {
        let line = e.span().map(|s| line_at_offset(&source.text, s.start));
        let message = with_toml_hint(e.message().trim());
        vec![SignatureError::new(&file, message).line(line)]
    })?;
    let text = &source.text;
    let mut errors = Vec::new();
    let err = |field: &str, message: String, line: Option<usize>| {
        SignatureError::new(&file, message).field(field).line(line)
    };

    if raw.id.is_empty()
        || !raw
            .id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        errors.push(err(
            "id",
            format!(
                "`{}` is not a valid id: use lowercase letters, digits and `-`",
                raw.id
            ),
            line_of(text, "id"),
        ));
    }
    // Built-in files are named after their id, so a newcomer finds a signature by its id.
    if let Origin::Builtin(name) = &source.origin {
        let stem = name.trim_end_matches(".toml");
        if stem != raw.id {
            errors.push(err(
                "id",
                format!(
                    "id `{}` differs from the file name `{stem}.toml`; name the file after the id",
                    raw.id
                ),
                line_of(text, "id"),
            ));
        }
    }
    for (field, value) in [
        ("title", &raw.title),
        ("summary", &raw.summary),
        ("fix", &raw.fix),
        ("prevention", &raw.prevention),
    ] {
        if value.trim().is_empty() {
            errors.push(err(
                field,
                format!("`{field}` is empty: write it"),
                line_of(text, field),
            ));
        }
    }
    if raw.priority > 100 {
        errors.push(err(
            "priority",
            format!("priority {} is out of range 0–100", raw.priority),
            line_of(text, "priority"),
        ));
    }
    if raw.keywords.is_empty() || raw.keywords.iter().any(|k| k.trim().len() < 3) {
        errors.push(err(
            "keywords",
            "give at least one keyword of 3 or more characters: the prefilter runs a signature's patterns only on lines containing one".into(),
            line_of(text, "keywords"),
        ));
    }
    if raw.patterns.is_empty() {
        errors.push(err(
            "patterns",
            "give at least one regex".into(),
            line_of(text, "patterns"),
        ));
    }
    // See `Pattern`: the built-in set's regexes are compiled when first used.
    let parse = match source.origin {
        Origin::Builtin(_) => Pattern::deferred,
        Origin::File(_) => Pattern::compiled,
    };
    let mut patterns = Vec::new();
    for (i, p) in raw.patterns.iter().enumerate() {
        match parse(p) {
            Ok(pattern) => patterns.push(pattern),
            Err(e) => errors.push(err(
                &format!("patterns[{i}]"),
                format!("bad regex: {}; {REGEX_HINT}", one_line(&e)),
                line_containing(text, p),
            )),
        }
    }
    let near = match &raw.near {
        Some(n) => match parse(&n.pattern) {
            Ok(pattern) if n.within >= 1 && n.within <= MAX_WITHIN => {
                let keywords = if n.keywords.is_empty() {
                    raw.keywords.clone()
                } else {
                    n.keywords.clone()
                };
                if keywords.iter().any(|k| k.trim().len() < 3) {
                    errors.push(err(
                        "near.keywords",
                        "near keywords must be 3 or more characters long".into(),
                        line_of(text, "keywords"),
                    ));
                }
                Some(Near {
                    keywords,
                    pattern,
                    within: n.within,
                })
            }
            Ok(_) => {
                errors.push(err(
                    "near.within",
                    format!(
                        "within = {} must be between 1 and {MAX_WITHIN} lines",
                        n.within
                    ),
                    line_of(text, "within"),
                ));
                None
            }
            Err(e) => {
                errors.push(err(
                    "near.pattern",
                    format!("bad regex: {}; {REGEX_HINT}", one_line(&e)),
                    line_containing(text, &n.pattern),
                ));
                None
            }
        },
        None => None,
    };
    let defined: Vec<&str> = patterns
        .iter()
        .chain(near.as_ref().map(|n| &n.pattern))
        .flat_map(Pattern::names)
        .collect();
    for (field, template) in [
        ("summary", Some(&raw.summary)),
        ("fix", Some(&raw.fix)),
        ("snippet", raw.snippet.as_ref()),
    ] {
        let Some(template) = template else { continue };
        for name in placeholders(template) {
            if !defined.contains(&name) {
                errors.push(err(
                    field,
                    format!("placeholder `{{{name}}}` is not a named capture of any pattern; add `(?P<{name}>...)` to a pattern, give a fallback `{{{name}|...}}`, or write `{{{{` for a literal brace"),
                    line_in_field(text, field, &format!("{{{name}")),
                ));
            }
        }
    }
    for (i, ex) in raw.examples.iter().enumerate() {
        for name in ex.captures.keys() {
            if !defined.contains(&name.as_str()) {
                errors.push(err(
                    &format!("examples[{i}].captures"),
                    format!("`{name}` is not a named capture of any pattern"),
                    line_containing(text, name),
                ));
            }
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Signature {
        id: raw.id,
        title: raw.title.trim().to_string(),
        severity: raw.severity,
        category: raw.category,
        tags: raw.tags,
        priority: raw.priority,
        explains: raw.explains,
        keywords: raw.keywords,
        patterns,
        near,
        summary: raw.summary.trim().to_string(),
        fix: raw.fix.trim().to_string(),
        snippet: raw.snippet.map(|s| s.trim_matches('\n').to_string()),
        prevention: raw.prevention.trim().to_string(),
        references: raw.references,
        examples: raw.examples,
        counter_examples: raw.counter_examples.into_iter().map(|c| c.log).collect(),
        origin: source.origin.clone(),
    })
}

/// How to mend a pattern that does not compile.
const REGEX_HINT: &str = "fix the pattern (Rust regex syntax, https://docs.rs/regex/#syntax; write it in a '''literal''' string so backslashes need no doubling)";

/// A TOML or shape error, with what to do about it.
fn with_toml_hint(message: &str) -> String {
    let hint = if message.starts_with("unknown field") {
        "remove the key or correct its spelling; the README's \"Writing a signature\" lists every key"
    } else if let Some(field) = message
        .strip_prefix("missing field `")
        .and_then(|rest| rest.split('`').next())
    {
        return format!("{message}; add `{field} = ...` (every signature needs id, title, severity, category, keywords, patterns, summary, fix and prevention)");
    } else if message.starts_with("unknown variant") {
        "use one of the values listed"
    } else if message.starts_with("invalid type") {
        "give the value the type shown (a list is written `[\"a\", \"b\"]`)"
    } else {
        "fix the TOML syntax at that line (close every string and bracket; put top-level keys before the `[near]` and `[[examples]]` tables)"
    };
    format!("{message}; {hint}")
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_set_loads() {
        let set = SignatureSet::builtin().unwrap_or_else(|e| panic!("{e:#?}"));
        assert!(set.get("pep668-externally-managed").is_some());
    }

    /// Built-in patterns are compiled on first use (see `Pattern`): each must compile, and
    /// have the named groups its parse found.
    #[test]
    fn every_builtin_pattern_compiles() {
        let set = SignatureSet::builtin().unwrap();
        for sig in set.signatures() {
            for p in sig
                .patterns
                .iter()
                .chain(sig.near.as_ref().map(|n| &n.pattern))
            {
                let regex = regex::Regex::new(p.as_str())
                    .unwrap_or_else(|e| panic!("{}: {}: {e}", sig.id, p.as_str()));
                let names: Vec<&str> = regex.capture_names().flatten().collect();
                assert_eq!(p.names().collect::<Vec<_>>(), names, "{}", sig.id);
                assert_eq!(p.regex().as_str(), p.as_str());
            }
        }
    }

    #[test]
    fn a_user_file_regex_too_large_is_told_when_it_loads() {
        let text = std::fs::read_to_string("signatures/port-in-use.toml").unwrap();
        let text = text.replacen("patterns = [", "patterns = [\n  '''\\w{1000}{1000}''',", 1);
        let errors = SignatureSet::from_sources(vec![SourceFile {
            origin: Origin::File("mine/port-in-use.toml".into()),
            text,
        }])
        .unwrap_err();
        assert!(
            errors.iter().any(|e| e.to_string().contains("patterns[0]")),
            "{errors:#?}"
        );
    }
}
