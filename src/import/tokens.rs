//! Cutting a line into literal text and volatile values: URLs, paths, IP addresses,
//! `host:port`, host names, versions, dates, times, hex ids, numbers and quoted text; the regex
//! of each kind of value, and another value of the same kind (for look-alike examples).

use std::sync::OnceLock;

use regex::Regex;

/// How much of a line to generalise; each level keeps more literal than the one before.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    /// Every volatile kind, quoted identifiers included.
    All,
    /// Quoted text stays literal (its quotes and the words in it); the rest as in `All`.
    KeepQuoted,
    /// Only dates, times, hex ids and numbers are generalised.
    NumbersOnly,
    /// Nothing is generalised: the line, literally.
    Literal,
}

/// What kind of volatile value a piece is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// The text between quotes; `stop` holds the quote characters it cannot contain, `inner` a
    /// narrower regex when the text has a stable part (`"2025-11-17.clover"`).
    Quoted {
        stop: String,
        class: Box<Kind>,
        inner: Option<String>,
    },
    Url,
    Path,
    Address,
    Host,
    Port,
    Version,
    Date,
    /// A date with a time of day.
    Timestamp,
    Time,
    Hex,
    Number,
    /// Quoted text that is none of the other kinds: an identifier or a name.
    Name,
}

/// One part of a line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    Literal(String),
    Volatile {
        kind: Kind,
        text: String,
        name: Option<String>,
    },
}

/// The regex of one kind of value.
pub(super) fn fragment(kind: &Kind) -> String {
    match kind {
        Kind::Quoted { inner: Some(inner), .. } => inner.clone(),
        Kind::Quoted { stop, .. } => format!("[^{}\\n]+", stop.chars().map(|c| regex::escape(&c.to_string())).collect::<String>()),
        Kind::Url => r#"[A-Za-z][A-Za-z0-9+.-]*://[^\s'"`<>]+"#.into(),
        Kind::Path => r#"[^\s'"`()<>,;]+"#.into(),
        Kind::Address | Kind::Host => "[A-Za-z0-9._-]+".into(),
        Kind::Port => "[0-9]{1,5}".into(),
        Kind::Version => "v?[0-9]+(?:\\.[0-9A-Za-z]+)+(?:[-+][0-9A-Za-z.]+)?".into(),
        Kind::Date => "[0-9]{4}[-/][0-9]{2}[-/][0-9]{2}".into(),
        Kind::Timestamp => "[0-9]{4}[-/][0-9]{2}[-/][0-9]{2}[T ][0-9]{2}:[0-9]{2}(?::[0-9]{2})?(?:[.,][0-9]+)?(?:Z| ?[+-][0-9]{2}:?[0-9]{2})?".into(),
        Kind::Time => "[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:[.,][0-9]+)?".into(),
        Kind::Hex => "(?:0x)?[0-9A-Fa-f]+(?:-[0-9A-Fa-f]+)*".into(),
        Kind::Number => "[0-9]+(?:\\.[0-9]+)?".into(),
        Kind::Name => "[^\\s]+".into(),
    }
}

/// A literal as regex: single spaces kept, longer runs of blanks (and tabs) as `\s+`.
pub(super) fn escape_literal(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c == ' ' || c == '\t' {
            let mut run = c.to_string();
            while let Some(&(_, n)) = chars.peek() {
                if n != ' ' && n != '\t' {
                    break;
                }
                run.push(n);
                chars.next();
            }
            out.push_str(if run == " " { " " } else { "\\s+" });
            continue;
        }
        out.push_str(&regex::escape(&text[i..i + c.len_utf8()]));
    }
    out
}

/// Cuts `text` into literal and volatile pieces.
pub fn tokenize(text: &str, level: Level) -> Vec<Piece> {
    let mut pieces: Vec<Piece> = Vec::new();
    let mut literal = String::new();
    let mut pos = 0;
    while pos < text.len() {
        let prev = text[..pos].chars().next_back();
        if let Some((len, found)) = volatile_at(text, pos, prev, level) {
            if !literal.is_empty() {
                pieces.push(Piece::Literal(std::mem::take(&mut literal)));
            }
            for p in found {
                match (pieces.last_mut(), p) {
                    (Some(Piece::Literal(last)), Piece::Literal(t)) => last.push_str(&t),
                    (_, p) => pieces.push(p),
                }
            }
            pos += len;
            continue;
        }
        let c = text[pos..].chars().next().unwrap_or(' ');
        literal.push(c);
        pos += c.len_utf8();
    }
    if !literal.is_empty() {
        match pieces.last_mut() {
            Some(Piece::Literal(last)) => last.push_str(&literal),
            _ => pieces.push(Piece::Literal(literal)),
        }
    }
    pieces
}

struct Matchers {
    url: Regex,
    date: Regex,
    time: Regex,
    ipv4: Regex,
    abs_path: Regex,
    rel_path: Regex,
    win_path: Regex,
    hex: Regex,
    host_port: Regex,
    host: Regex,
    version: Regex,
    number: Regex,
}

fn matchers() -> &'static Matchers {
    static M: OnceLock<Matchers> = OnceLock::new();
    M.get_or_init(|| {
        let re = |s: &str| Regex::new(s).expect("tokenizer regex compiles");
        Matchers {
            url: re(r#"^[A-Za-z][A-Za-z0-9+.-]*://[^\s'"`<>()\[\]{}]+"#),
            date: re(r"^[0-9]{4}[-/][0-9]{2}[-/][0-9]{2}(?:[T ][0-9]{2}:[0-9]{2}(?::[0-9]{2})?(?:[.,][0-9]+)?(?:Z|[+-][0-9]{2}:?[0-9]{2})?)?"),
            time: re(r"^[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:[.,][0-9]+)?"),
            ipv4: re(r"^[0-9]{1,3}(?:\.[0-9]{1,3}){3}(?::([0-9]{1,5}))?"),
            abs_path: re(r"^(?:~|\.\.?)?(?:/[\w.@+%=~-]+)+/?"),
            rel_path: re(r"^[\w.@+-]+(?:/[\w.@+%=~-]+)+/?"),
            win_path: re(r#"^[A-Za-z]:\\[^\s'"`<>|]+"#),
            hex: re(r"^(?:0x[0-9A-Fa-f]+|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|[0-9a-f]{7,64})"),
            host_port: re(r"^([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?):([0-9]{2,5})"),
            host: re(r"^[A-Za-z0-9][A-Za-z0-9-]*(?:\.[A-Za-z0-9-]+)+"),
            version: re(r"^v?[0-9]+(?:\.(?:[0-9]+|x))+(?:[-+][0-9A-Za-z]+(?:\.[0-9A-Za-z]+)*)?"),
            number: re(r"^[0-9]+(?:\.[0-9]+)?"),
        }
    })
}

/// Top-level domains that make a dotted word a host name rather than a module or file name.
const TLDS: &[&str] = &[
    "com",
    "org",
    "net",
    "io",
    "dev",
    "app",
    "cloud",
    "local",
    "internal",
    "lan",
    "co",
    "ai",
    "me",
    "us",
    "uk",
    "de",
    "fr",
    "eu",
    "nl",
    "info",
    "biz",
    "svc",
    "localdomain",
    "example",
    "test",
    "invalid",
    "xyz",
    "tech",
    "site",
    "online",
    "cluster",
];

/// Words that look like `host:port` but are not hosts (`pid:42`, `line:12`).
const NOT_HOSTS: &[&str] = &[
    "pid", "line", "col", "column", "code", "errno", "status", "exit", "error", "port", "signal",
    "at", "in", "on", "http", "https", "tcp", "udp",
];

fn word_char(c: Option<char>) -> bool {
    c.is_some_and(|c| c.is_alphanumeric() || c == '_')
}

/// The volatile value starting at `pos`, as pieces (a `host:port` is three), and its length.
fn volatile_at(
    text: &str,
    pos: usize,
    prev: Option<char>,
    level: Level,
) -> Option<(usize, Vec<Piece>)> {
    let rest = &text[pos..];
    let first = rest.chars().next()?;
    let m = matchers();
    let next_after = |len: usize| rest[len..].chars().next();
    let ends_word = |len: usize| !word_char(next_after(len));
    let single = |kind: Kind, len: usize| {
        Some((
            len,
            vec![Piece::Volatile {
                kind,
                text: rest[..len].to_string(),
                name: None,
            }],
        ))
    };
    let all = level == Level::All;
    let values = level <= Level::KeepQuoted;
    if level == Level::Literal {
        return None;
    }
    // A value ends at a word boundary, or at a `.` that ends the sentence (`redis:6379.`).
    let ends_value = |len: usize| {
        let mut after = rest[len..].chars();
        match after.next() {
            Some('.') => !after.next().is_some_and(|c| c.is_alphanumeric()),
            Some(':') => after.next().is_none_or(|c| c == ' '),
            c => !word_char(c),
        }
    };

    if all {
        if let Some(found) = quoted_at(rest, prev) {
            return Some(found);
        }
    }
    if word_char(prev) {
        return None;
    }
    if values && first.is_ascii_alphabetic() {
        if let Some(u) = m.url.find(rest) {
            let len = u
                .as_str()
                .trim_end_matches(['.', ',', ';', ':', '!', '?'])
                .len();
            return single(Kind::Url, len);
        }
    }
    if first.is_ascii_digit() && prev != Some('.') {
        if let Some(d) = m.date.find(rest).filter(|d| ends_word(d.end())) {
            return single(
                if d.as_str().contains(':') {
                    Kind::Timestamp
                } else {
                    Kind::Date
                },
                d.end(),
            );
        }
        if let Some(t) = m.time.find(rest).filter(|t| ends_word(t.end())) {
            return single(Kind::Time, t.end());
        }
        if values {
            if let Some(c) = m.ipv4.captures(rest).filter(|c| ends_value(c[0].len())) {
                let whole = c.get(0).map_or(0, |g| g.end());
                return Some(match c.get(1) {
                    Some(port) => (
                        whole,
                        vec![
                            Piece::Volatile {
                                kind: Kind::Address,
                                text: rest[..port.start() - 1].to_string(),
                                name: None,
                            },
                            Piece::Literal(":".into()),
                            Piece::Volatile {
                                kind: Kind::Port,
                                text: port.as_str().to_string(),
                                name: None,
                            },
                        ],
                    ),
                    None => (
                        whole,
                        vec![Piece::Volatile {
                            kind: Kind::Address,
                            text: rest[..whole].to_string(),
                            name: None,
                        }],
                    ),
                });
            }
        }
    }
    if values && prev != Some('.') && prev != Some('-') {
        if let Some(len) = path_len(rest) {
            return single(Kind::Path, len);
        }
    }
    if let Some(h) = m.hex.find(rest).filter(|h| ends_word(h.end())) {
        let s = h.as_str();
        let mixed = s.starts_with("0x")
            || s.contains('-')
            || (s.bytes().any(|b| b.is_ascii_digit())
                && s.bytes().any(|b| b.is_ascii_alphabetic()));
        if mixed {
            return single(Kind::Hex, h.end());
        }
    }
    if values {
        if let Some(c) = m.host_port.captures(rest) {
            let (host, port) = (&c[1], &c[2]);
            let whole = c[0].len();
            if ends_value(whole)
                && host.bytes().any(|b| b.is_ascii_alphabetic())
                && !NOT_HOSTS.contains(&host.to_ascii_lowercase().as_str())
            {
                return Some((
                    whole,
                    vec![
                        Piece::Volatile {
                            kind: Kind::Host,
                            text: host.to_string(),
                            name: None,
                        },
                        Piece::Literal(":".into()),
                        Piece::Volatile {
                            kind: Kind::Port,
                            text: port.to_string(),
                            name: None,
                        },
                    ],
                ));
            }
        }
        if let Some(h) = m.host.find(rest) {
            let s = h.as_str();
            let tld = s.rsplit('.').next().unwrap_or("");
            if TLDS.contains(&tld)
                && !matches!(next_after(h.end()), Some('(' | '-' | '_'))
                && ends_word(h.end())
            {
                return single(Kind::Host, h.end());
            }
        }
        if let Some(v) = m.version.find(rest).filter(|v| ends_word(v.end())) {
            return single(Kind::Version, v.end());
        }
    }
    if first.is_ascii_digit() && prev != Some('.') {
        if let Some(n) = m.number.find(rest) {
            return single(Kind::Number, n.end());
        }
    }
    None
}

/// Length of a file path at the start of `rest`: absolute (`/etc/x`, `~/x`, `./x`), Windows,
/// or relative with two slashes or a file extension (`src/a.ts`; `TCP/IP` is not a path).
fn path_len(rest: &str) -> Option<usize> {
    let m = matchers();
    let first = rest.chars().next()?;
    let len = if matches!(first, '/' | '~' | '.') {
        m.abs_path.find(rest)?.end()
    } else if let Some(w) = m.win_path.find(rest) {
        w.end()
    } else {
        let r = m.rel_path.find(rest)?;
        let s = r.as_str();
        let last = s.trim_end_matches('/').rsplit('/').next().unwrap_or("");
        let has_ext = last.rsplit_once('.').is_some_and(|(stem, ext)| {
            !stem.is_empty()
                && (1..=8).contains(&ext.len())
                && ext.chars().all(|c| c.is_ascii_alphanumeric())
        });
        if s.matches('/').count() < 2 && !has_ext {
            return None;
        }
        r.end()
    };
    let len = rest[..len].trim_end_matches('.').len();
    (len > 1).then_some(len)
}

/// Opening quote → closing quote.
fn closing_quote(open: char) -> Option<char> {
    match open {
        '\'' | '"' | '`' => Some(open),
        '‘' => Some('’'),
        '“' => Some('”'),
        _ => None,
    }
}

/// A quoted value at the start of `rest`: the quotes as literal pieces, the text between them
/// as one volatile piece (nested quotes, as in `'"@prisma/client"'`, stay literal too).
fn quoted_at(rest: &str, prev: Option<char>) -> Option<(usize, Vec<Piece>)> {
    let open = rest.chars().next()?;
    let close = closing_quote(open)?;
    if word_char(prev) {
        return None;
    }
    let body = &rest[open.len_utf8()..];
    let end = body
        .char_indices()
        .take(200)
        .find(|&(_, c)| c == close || c == '\n')
        .filter(|&(_, c)| c == close)?
        .0;
    let after = body[end + close.len_utf8()..].chars().next();
    if word_char(after) {
        return None;
    }
    let content = &body[..end];
    if content.trim().is_empty() {
        return None;
    }
    let total = open.len_utf8() + end + close.len_utf8();
    let mut stop = String::from(open);
    stop.push(close);
    let (lead, inner, trail) = match content.chars().next() {
        Some(q @ ('"' | '\'' | '`')) if content.len() >= 3 && content.ends_with(q) => {
            stop.push(q);
            (
                format!("{open}{q}"),
                &content[1..content.len() - 1],
                format!("{q}{close}"),
            )
        }
        _ => (open.to_string(), content, close.to_string()),
    };
    let mut stop: Vec<char> = stop.chars().collect();
    stop.sort_unstable();
    stop.dedup();
    let class = classify(inner);
    let inner_regex = (class == Kind::Name).then(|| structured(inner)).flatten();
    Some((
        total,
        vec![
            Piece::Literal(lead),
            Piece::Volatile {
                kind: Kind::Quoted {
                    stop: stop.into_iter().collect(),
                    class: Box::new(class),
                    inner: inner_regex,
                },
                text: inner.to_string(),
                name: None,
            },
            Piece::Literal(trail),
        ],
    ))
}

/// What a quoted text is, when it is a single value of a known kind.
fn classify(text: &str) -> Kind {
    let pieces = tokenize(text, Level::KeepQuoted);
    match pieces.as_slice() {
        [Piece::Volatile { kind, .. }] => kind.clone(),
        [Piece::Volatile {
            kind: Kind::Host | Kind::Address,
            ..
        }, Piece::Literal(colon), Piece::Volatile {
            kind: Kind::Port, ..
        }] if colon == ":" => Kind::Host,
        _ => Kind::Name,
    }
}

/// A narrower regex for a quoted text with a stable part and dates, versions or hex ids in it
/// (`"2025-11-17.clover"`, `openssl-1.1.x`): `None` when it is a plain name.
fn structured(text: &str) -> Option<String> {
    let pieces = tokenize(text, Level::KeepQuoted);
    let varying = pieces.iter().any(|p| {
        matches!(
            p,
            Piece::Volatile {
                kind: Kind::Date | Kind::Timestamp | Kind::Time | Kind::Version | Kind::Hex,
                ..
            }
        )
    });
    let letters: usize = pieces
        .iter()
        .map(|p| {
            if let Piece::Literal(t) = p {
                t.chars().filter(|c| c.is_alphabetic()).count()
            } else {
                0
            }
        })
        .sum();
    if !varying || letters < 3 {
        return None;
    }
    Some(
        pieces
            .iter()
            .map(|p| match p {
                Piece::Literal(t) => escape_literal(t),
                Piece::Volatile { kind, .. } => fragment(kind),
            })
            .collect(),
    )
}

/// Another value of the same kind as `text` (`5432` → `6543`, `/app/x.ts` → `/srv/other/x.ts`).
pub(super) fn alternative(kind: &Kind, text: &str) -> String {
    let other = match kind {
        Kind::Quoted { inner: Some(_), .. } => rotate_digits(text),
        Kind::Quoted { class, .. } if **class != Kind::Name => return alternative(class, text),
        Kind::Quoted { .. } | Kind::Name => {
            if text
                .chars()
                .all(|c| c.is_alphanumeric() || "_.@/-".contains(c))
            {
                if text.starts_with(|c: char| c.is_uppercase()) {
                    format!("Other{text}")
                } else {
                    format!("other_{text}")
                }
            } else {
                "other value".to_string()
            }
        }
        Kind::Url => {
            let scheme = text.split("://").next().unwrap_or("https");
            format!("{scheme}://other-host.example.net:8443/other/path")
        }
        Kind::Path => {
            let base = text
                .trim_end_matches('/')
                .rsplit(['/', '\\'])
                .next()
                .unwrap_or("file");
            let dir = if text.starts_with(['/', '~', '.']) {
                "/srv/other/"
            } else {
                "other/"
            };
            format!("{dir}other_{base}")
        }
        Kind::Address
            if text.split('.').count() == 4
                && text.bytes().all(|b| b.is_ascii_digit() || b == b'.') =>
        {
            "10.20.30.40".to_string()
        }
        Kind::Address | Kind::Host => {
            if text.contains('.') {
                "other-host.example.net".to_string()
            } else {
                "other-host".to_string()
            }
        }
        Kind::Port
        | Kind::Version
        | Kind::Date
        | Kind::Timestamp
        | Kind::Time
        | Kind::Hex
        | Kind::Number => rotate_digits(text),
    };
    if other == text {
        format!("{text}0")
    } else {
        other
    }
}

/// Every decimal digit moved one up (9 → 0): the same shape, another value.
fn rotate_digits(text: &str) -> String {
    text.chars()
        .map(|c| match c.to_digit(10) {
            Some(d) => char::from_digit((d + 1) % 10, 10).unwrap_or(c),
            None => c,
        })
        .collect()
}
