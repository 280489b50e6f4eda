//! JSON log lines: Docker's json-file `{"log": …}` and the `{"msg"|"message": …}` of pino,
//! winston and bunyan.
//!
//! Only the six fields logdoc reads are parsed into values; every other field is skipped by the
//! parser without building anything, which keeps a service's JSON logs cheap to read.

use std::fmt;
use std::sync::LazyLock;

use memchr::memmem::Finder;

use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde_json::Value;

/// The fields of a JSON log line that make its human text. A repeated key keeps its last
/// value, as a JSON object read into a map does.
#[derive(Default)]
struct Fields {
    log: Option<Value>,
    msg: Option<Value>,
    message: Option<Value>,
    level: Option<Value>,
    err: Option<Value>,
    error: Option<Value>,
}

/// The human text of a JSON log line, or `None` when it is not a JSON object with a `log`,
/// `msg` or `message` string.
pub(super) fn message(text: &str) -> Option<String> {
    let fields: Fields = serde_json::from_str(text).ok()?;
    if let Some(log) = fields.log.as_ref().and_then(Value::as_str) {
        return Some(log.trim_end_matches(['\n', '\r']).to_string());
    }
    let message = [&fields.msg, &fields.message]
        .into_iter()
        .find_map(|v| v.as_ref().and_then(Value::as_str))?;
    let mut out = String::new();
    let level = match &fields.level {
        Some(Value::String(s)) => Some(s.to_ascii_lowercase()),
        // pino/bunyan numeric levels
        Some(Value::Number(n)) => match n.as_u64() {
            Some(60..) => Some("fatal".to_string()),
            Some(50..=59) => Some("error".to_string()),
            Some(40..=49) => Some("warn".to_string()),
            _ => None,
        },
        _ => None,
    };
    if let Some(level) = level.filter(|l| {
        matches!(
            l.as_str(),
            "error" | "fatal" | "warn" | "warning" | "critical"
        )
    }) {
        out.push_str(&level);
        out.push_str(": ");
    }
    out.push_str(message);
    for value in [&fields.err, &fields.error] {
        match value {
            Some(Value::String(s)) => {
                out.push(' ');
                out.push_str(s);
            }
            Some(Value::Object(e)) => {
                for field in ["type", "name", "code", "message"] {
                    if let Some(s) = e.get(field).and_then(Value::as_str) {
                        out.push(' ');
                        out.push_str(s);
                    }
                }
            }
            _ => {}
        }
    }
    // The message may itself hold several lines; matching is per line, so keep them on one.
    Some(out.replace(['\n', '\r'], " "))
}

/// Whether the human text of this JSON line, if [`message`] finds one, is a slice of the line:
/// told without parsing, for lines that are only searched for literals. True when the line
/// has no escape sequence (so string contents are the line's own bytes), no `err`/`error`
/// key (whose fields would be joined to the message), and no `level` that adds its word in
/// front; or when it is a Docker json-file line whose only escapes end its `log` (see
/// [`docker_log_is_slice`]). False whenever unsure.
pub(super) fn message_is_slice(text: &str) -> bool {
    let b = text.as_bytes();
    if let Some(escape) = memchr::memchr(b'\\', b) {
        return docker_log_is_slice(b, escape);
    }
    // Without escapes every quote delimits a string, and only a key is followed by a colon.
    let key_at = |end: usize| {
        b[end..]
            .iter()
            .find(|c| !c.is_ascii_whitespace())
            .is_some_and(|&c| c == b':')
    };
    // Built once: a service's every JSON line is asked this.
    static ERR: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new(b"\"err"));
    static LEVEL: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new(b"\"level\""));
    for at in ERR.find_iter(b) {
        let rest = &b[at + 4..];
        if (rest.starts_with(b"\"") && key_at(at + 5))
            || (rest.starts_with(b"or\"") && key_at(at + 7))
        {
            return false;
        }
    }
    LEVEL.find_iter(b).all(|at| {
        let after = &b[at + 7..];
        let Some(colon) = after.iter().position(|c| !c.is_ascii_whitespace()) else {
            return true;
        };
        if after[colon] != b':' {
            return true; // a string value, not the key
        }
        let value = &after[colon + 1..];
        let value = &value[value.iter().take_while(|c| c.is_ascii_whitespace()).count()..];
        let digits = value.iter().take_while(|c| c.is_ascii_digit()).count();
        match value.first() {
            // A small whole number below pino's warn (40): no word.
            Some(b'0'..=b'9') => {
                digits <= 2
                    && !matches!(value.get(digits), Some(b'.' | b'e' | b'E'))
                    && std::str::from_utf8(&value[..digits])
                        .ok()
                        .and_then(|n| n.parse::<u8>().ok())
                        .is_some_and(|n| n < 40)
            }
            // A string: no word unless it is one of the levels shown.
            Some(b'"') => value[1..]
                .iter()
                .position(|&c| c == b'"')
                .is_some_and(|end| {
                    let level = String::from_utf8_lossy(&value[1..1 + end]).to_ascii_lowercase();
                    !matches!(
                        level.as_str(),
                        "error" | "fatal" | "warn" | "warning" | "critical"
                    )
                }),
            _ => false,
        }
    })
}

/// Docker's json-file lines, `{"log":"npm ERR! code 1\n","stream":"stderr",...}`, always
/// hold an escape: the newline ending the log, which [`message`] trims. The log is then the
/// line's own bytes when that newline (with any `\r`) is the first escape and the last, the
/// log comes first, and no second `log` key (the last one wins) follows. Not for `msg`: a
/// newline there becomes a space, which the line does not hold.
fn docker_log_is_slice(b: &[u8], escape: usize) -> bool {
    const START: &[u8] = b"{\"log\":\"";
    if !b.starts_with(START) || b[START.len()..escape].contains(&b'"') {
        return false;
    }
    let mut end = escape;
    while b.get(end) == Some(&b'\\') && matches!(b.get(end + 1), Some(b'n' | b'r')) {
        end += 2;
    }
    if b.get(end) != Some(&b'"') {
        return false;
    }
    let rest = &b[end + 1..];
    memchr::memchr(b'\\', rest).is_none() && LOG.find(rest).is_none()
}

static LOG: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new(b"\"log\""));

/// A key of the top-level object.
enum Key {
    Log,
    Msg,
    Message,
    Level,
    Err,
    Error,
    Other,
}

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl Visitor<'_> for KeyVisitor {
            type Value = Key;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object key")
            }
            fn visit_str<E: de::Error>(self, key: &str) -> Result<Key, E> {
                Ok(match key {
                    "log" => Key::Log,
                    "msg" => Key::Msg,
                    "message" => Key::Message,
                    "level" => Key::Level,
                    "err" => Key::Err,
                    "error" => Key::Error,
                    _ => Key::Other,
                })
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
}

impl<'de> Deserialize<'de> for Fields {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct FieldsVisitor;
        impl<'de> Visitor<'de> for FieldsVisitor {
            type Value = Fields;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Fields, A::Error> {
                let mut fields = Fields::default();
                while let Some(key) = map.next_key::<Key>()? {
                    let slot = match key {
                        Key::Log => &mut fields.log,
                        Key::Msg => &mut fields.msg,
                        Key::Message => &mut fields.message,
                        Key::Level => &mut fields.level,
                        Key::Err => &mut fields.err,
                        Key::Error => &mut fields.error,
                        Key::Other => {
                            map.next_value::<IgnoredAny>()?;
                            continue;
                        }
                    };
                    *slot = Some(map.next_value()?);
                }
                Ok(fields)
            }
        }
        deserializer.deserialize_map(FieldsVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::{message, message_is_slice};

    #[test]
    fn docker_json_file_lines_give_their_log() {
        let line = r#"{"log":"npm ERR! code ELIFECYCLE\n","stream":"stderr","time":"2025-12-18T12:14:03Z"}"#;
        assert_eq!(message(line).as_deref(), Some("npm ERR! code ELIFECYCLE"));
    }

    #[test]
    fn pino_levels_errors_and_repeated_keys() {
        let line = r#"{"level":50,"time":1,"pid":7,"req":{"id":1,"headers":{"a":[1,2]}},"msg":"boom","err":{"type":"Error","message":"connect ECONNREFUSED\n127.0.0.1:5432","stack":"x"}}"#;
        assert_eq!(
            message(line).as_deref(),
            Some("error: boom Error connect ECONNREFUSED 127.0.0.1:5432")
        );
        let repeated = r#"{"msg":"first","msg":"second","level":"WARN"}"#;
        assert_eq!(message(repeated).as_deref(), Some("warn: second"));
        // A `log` that is not a string does not hide the message.
        let odd = r#"{"log":3,"message":"hello","error":"bad thing"}"#;
        assert_eq!(message(odd).as_deref(), Some("hello bad thing"));
    }

    #[test]
    fn a_message_is_a_slice_only_when_nothing_is_added_to_it() {
        let slice = [
            r#"{"level":30,"time":1,"msg":"job completed","queue":"emails"}"#,
            r#"{"log":"listening on 3000","stream":"stdout"}"#,
            r#"{"level":"info","msg":"ok","errors":0,"x":{"level":"debug"}}"#,
            r#"{"msg":"no level at all"}"#,
        ];
        for line in slice {
            assert!(message_is_slice(line), "{line}");
        }
        let joined = [
            r#"{"level":50,"msg":"db down"}"#,
            r#"{"level":40,"msg":"slow"}"#,
            r#"{"level":30,"level":60,"msg":"last level wins"}"#,
            r#"{"level":"WARN","msg":"x"}"#,
            r#"{"level" : "warning","msg":"x"}"#,
            r#"{"level":30.5,"msg":"odd"}"#,
            r#"{"level":null,"msg":"odd"}"#,
            r#"{"msg":"boom","err":{"type":"Error"}}"#,
            r#"{"msg":"boom","error" :"bad"}"#,
            r#"{"log":"npm \u001b[31mERR!\n"}"#,
            // A newline escape anywhere but at the end of a first `log`.
            r#"{"msg":"connect to database\n"}"#,
            r#"{"log":"one\ntwo\n","stream":"stdout"}"#,
            r#"{"stream":"stdout","log":"x\n"}"#,
            r#"{"log":"x\n","stream":"std\tout"}"#,
            r#"{"log":"x\n","log":null,"msg":"database\n"}"#,
            r#"{"log":"x\n","attrs":{"log":1}}"#,
            r#"{"log":"tab\tin it\n"}"#,
        ];
        for line in joined {
            assert!(!message_is_slice(line), "{line}");
        }
        // Docker's json-file lines: the log is the line's own bytes.
        for line in [
            r#"{"log":"npm ERR! code ELIFECYCLE\n","stream":"stderr","time":"2025-12-18T12:14:03Z"}"#,
            r#"{"log":"crlf\r\n","stream":"stdout","time":"2025-12-18T12:14:03Z"}"#,
            r#"{"log":"\n","stream":"stdout"}"#,
        ] {
            assert!(message_is_slice(line), "{line}");
            let log = message(line).expect("a log");
            assert!(line.contains(&log), "{line}");
        }
    }

    #[test]
    fn not_a_log_object() {
        assert_eq!(message("[1,2,3]"), None);
        assert_eq!(message(r#"{"level":30,"pid":1}"#), None);
        assert_eq!(message(r#"{"msg":"cut"#), None);
        assert_eq!(message(r#"{"msg":"x"} trailing"#), None);
    }
}
