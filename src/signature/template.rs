//! `{capture}` placeholders in a signature's `summary`, `fix` and `snippet`.
//!
//! `{name}` is replaced by the capture `name`; `{name|fallback}` by the fallback when the
//! capture did not match; `{{` is a literal `{`. Only a lowercase identifier right after the
//! brace makes a placeholder, so code such as `${DATABASE_URL}` or `{ typescript: true }`
//! needs no escaping.
//!
//! ```
//! use logdoc::signature::template::fill;
//! let out = fill("ALLOWED_ORIGINS={origin}", |name| (name == "origin").then(|| "https://app.example".to_string()));
//! assert_eq!(out, "ALLOWED_ORIGINS=https://app.example");
//! ```

/// One piece of a parsed template.
#[derive(Debug, PartialEq, Eq)]
enum Piece<'a> {
    Text(&'a str),
    Placeholder {
        name: &'a str,
        fallback: Option<&'a str>,
    },
}

fn parse(template: &str) -> Vec<Piece<'_>> {
    let mut pieces = Vec::new();
    let bytes = template.as_bytes();
    let mut text_start = 0;
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'{' {
            i += 1;
            continue;
        }
        if bytes.get(i + 1) == Some(&b'{') {
            pieces.push(Piece::Text(&template[text_start..i + 1]));
            i += 2;
            text_start = i;
            continue;
        }
        if let Some((name, fallback, end)) = placeholder_at(template, i) {
            pieces.push(Piece::Text(&template[text_start..i]));
            pieces.push(Piece::Placeholder { name, fallback });
            i = end;
            text_start = i;
        } else {
            i += 1;
        }
    }
    pieces.push(Piece::Text(&template[text_start..]));
    pieces.retain(|p| *p != Piece::Text(""));
    pieces
}

/// Parses `{name}` or `{name|fallback}` starting at `start` (the `{`); returns the end offset.
fn placeholder_at(template: &str, start: usize) -> Option<(&str, Option<&str>, usize)> {
    let rest = &template[start + 1..];
    let name_len = rest
        .bytes()
        .take_while(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'_')
        .count();
    if name_len == 0 || !rest.as_bytes()[0].is_ascii_lowercase() {
        return None;
    }
    let name = &rest[..name_len];
    match rest.as_bytes().get(name_len) {
        Some(b'}') => Some((name, None, start + 1 + name_len + 1)),
        Some(b'|') => {
            let after = &rest[name_len + 1..];
            let close = after.find(['}', '\n'])?;
            (after.as_bytes()[close] == b'}').then(|| {
                (
                    name,
                    Some(&after[..close]),
                    start + 1 + name_len + 1 + close + 1,
                )
            })
        }
        _ => None,
    }
}

/// The placeholder names a template uses, in order of appearance.
pub fn placeholders(template: &str) -> Vec<&str> {
    parse(template)
        .into_iter()
        .filter_map(|p| match p {
            Piece::Placeholder { name, .. } => Some(name),
            Piece::Text(_) => None,
        })
        .collect()
}

/// Fills a template; `value(name)` gives a capture's value. A placeholder with no value and no
/// fallback is written as `<name>`, so the reader sees what to put there.
pub fn fill(template: &str, value: impl Fn(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(template.len());
    for piece in parse(template) {
        match piece {
            Piece::Text(t) => out.push_str(t),
            Piece::Placeholder { name, fallback } => match (value(name), fallback) {
                (Some(v), _) => out.push_str(&v),
                (None, Some(f)) => out.push_str(f),
                (None, None) => {
                    out.push('<');
                    out.push_str(name);
                    out.push('>');
                }
            },
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn caps(name: &str) -> Option<String> {
        match name {
            "origin" => Some("https://a.example".into()),
            "member" => Some("User, Role".into()),
            _ => None,
        }
    }

    #[test]
    fn fills_names_fallbacks_and_missing() {
        assert_eq!(
            fill("set {origin} for {member}", caps),
            "set https://a.example for User, Role"
        );
        assert_eq!(fill("pkg {package|your package}", caps), "pkg your package");
        assert_eq!(fill("pkg {package}", caps), "pkg <package>");
    }

    #[test]
    fn code_braces_are_literal() {
        let code = "new Stripe(key, { typescript: true }); echo ${DATABASE_URL} {X}";
        assert_eq!(fill(code, caps), code);
        assert!(placeholders(code).is_empty());
    }

    #[test]
    fn double_brace_escapes() {
        assert_eq!(
            fill("{{origin} and {origin}", caps),
            "{origin} and https://a.example"
        );
        assert_eq!(placeholders("{{origin} {member|x}"), vec!["member"]);
    }

    #[test]
    fn unterminated_fallback_is_text() {
        assert_eq!(fill("{origin|oops\n}", caps), "{origin|oops\n}");
    }
}
