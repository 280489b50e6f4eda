//! Writing a signature file: the TOML (through the `toml` crate, so every string is escaped
//! right), a header comment saying where it came from, and fix text made safe for the
//! `{capture}` templates — literal braces escaped, the message's own values turned into
//! placeholders so the fix shows the values of the log being diagnosed.

use std::collections::BTreeMap;

use aho_corasick::{AhoCorasickBuilder, MatchKind};

use crate::signature::SignatureFile;

/// The file's text: `header` lines as `# ` comments, then the TOML.
pub fn render(file: &SignatureFile, header: &[String]) -> String {
    let mut out = String::new();
    for line in header {
        for l in line.lines() {
            out.push_str("# ");
            out.push_str(l);
            out.push('\n');
        }
    }
    // Serialising plain strings, vectors and maps cannot fail; an empty body would fail the
    // check right after, so nothing is hidden.
    out.push_str(&toml::to_string_pretty(file).unwrap_or_default());
    out
}

/// Escapes `text` so that filling it as a template prints it unchanged: a `{` that could start
/// a placeholder (`${origin}` in a JavaScript template string) or an escape becomes `{{`.
pub fn escape_template(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        out.push(c);
        if c == '{'
            && chars
                .peek()
                .is_some_and(|n| *n == '{' || n.is_ascii_lowercase())
        {
            out.push('{');
        }
    }
    out
}

/// Replaces each captured value found in an (escaped) template with `{name|value}`, so the fix
/// shows the value from the log being diagnosed and falls back to the one in the issue log.
/// Only whole values (not inside a longer word) of at least four characters are replaced.
pub fn template_values(escaped: &str, captures: &BTreeMap<String, String>) -> String {
    let usable: Vec<(&String, &String)> = captures
        .iter()
        .filter(|(name, v)| {
            (v.chars().count() >= 4 || name.starts_with("port"))
                && !v.contains(['{', '}', '\n'])
                && !v.trim().is_empty()
        })
        .collect();
    if usable.is_empty() {
        return escaped.to_string();
    }
    let Ok(ac) = AhoCorasickBuilder::new()
        .match_kind(MatchKind::LeftmostLongest)
        .build(usable.iter().map(|(_, v)| v.as_str()))
    else {
        return escaped.to_string();
    };
    let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
    let mut out = String::with_capacity(escaped.len());
    let mut last = 0;
    for m in ac.find_iter(escaped) {
        let before = escaped[..m.start()].chars().next_back();
        let after = escaped[m.end()..].chars().next();
        if word(before) || word(after) {
            continue;
        }
        let (name, value) = usable[m.pattern().as_usize()];
        out.push_str(&escaped[last..m.start()]);
        out.push_str(&format!("{{{name}|{value}}}"));
        last = m.end();
    }
    out.push_str(&escaped[last..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signature::template::{fill, placeholders};
    use crate::signature::{Category, Example, Severity};

    #[test]
    fn escaped_text_fills_to_itself() {
        for text in [
            "callback(new Error(`Not allowed by CORS: ${origin}`))",
            "{{ .Values.image }}",
            "{a b} {x|y} {{z}}",
            "new Stripe(k, { typescript: true })",
            "${DATABASE_URL}",
        ] {
            let escaped = escape_template(text);
            assert!(placeholders(&escaped).is_empty(), "{escaped}");
            assert_eq!(fill(&escaped, |_| Some("X".into())), text);
        }
    }

    #[test]
    fn values_become_placeholders_with_fallbacks() {
        let captures = BTreeMap::from([
            ("host".to_string(), "api.shop.example.com".to_string()),
            ("port".to_string(), "80".to_string()),
            ("name".to_string(), "ab".to_string()),
        ]);
        let t = template_values(
            "ALLOWED_HOSTS = ['api.shop.example.com'] # not xapi.shop.example.com; port 80; ab",
            &captures,
        );
        assert_eq!(t, "ALLOWED_HOSTS = ['{host|api.shop.example.com}'] # not xapi.shop.example.com; port {port|80}; ab");
        assert_eq!(
            fill(&t, |n| (n == "host").then(|| "admin.other.io".to_string())),
            "ALLOWED_HOSTS = ['admin.other.io'] # not xapi.shop.example.com; port 80; ab"
        );
    }

    #[test]
    fn renders_comments_and_escapes() {
        let file = SignatureFile {
            id: "x-y".into(),
            title: "T".into(),
            severity: Severity::Error,
            category: Category::Build,
            tags: vec![],
            priority: 50,
            explains: vec![],
            keywords: vec!["it's".into()],
            patterns: vec![r#"it's "(?P<name>[^"\n]+)""#.into()],
            summary: "a\nb".into(),
            fix: "f".into(),
            snippet: None,
            prevention: "p".into(),
            references: vec![],
            near: None,
            examples: vec![Example {
                log: "x".into(),
                captures: BTreeMap::new(),
            }],
            counter_examples: vec![],
        };
        let text = render(&file, &["from here".into()]);
        assert!(text.starts_with("# from here\nid = \"x-y\""), "{text}");
        let back: toml::Table = toml::from_str(&text).unwrap();
        assert_eq!(
            back["patterns"][0].as_str(),
            Some(file.patterns[0].as_str())
        );
        assert_eq!(back["summary"].as_str(), Some("a\nb"));
    }
}
