//! Secret masking, applied to every text logdoc shows, copies or reports.
//!
//! Logs leak credentials: a `DATABASE_URL` with its password, an API key echoed by a build,
//! a bearer token in a request log, a private key printed by `cat`. [`Redactor::mask`]
//! replaces the secret part with `****`, keeping enough around it (scheme, user, key name,
//! token prefix) to tell what it was. Placeholders (`${DB_PASSWORD}`, `<your password>`) are
//! not secrets and stay as they are.
//!
//! What is recognised:
//! - credentials in URLs (`postgresql://user:password@host`, `redis://:password@host`);
//! - assignments whose name says secret (`PASSWORD=`, `DB_PASSWORD: `, `"password": "…"`,
//!   `aws_secret_access_key = `, `accessToken=`, `Password=…;` in connection strings), and
//!   `--password VALUE`-style flags;
//! - Stripe secret, restricted and webhook keys (`sk_live_`, `sk_test_`, `rk_…`, `whsec_`);
//! - AWS access key ids (`AKIA…`, `ASIA…`);
//! - GitHub (`ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_`, `github_pat_`), GitLab (`glpat-`), npm
//!   (`npm_`), Slack (`xox?-`) tokens and Google API keys (`AIza…`);
//! - JSON Web Tokens;
//! - `Authorization:` header values and `Bearer …` tokens;
//! - private key blocks: the body between `BEGIN … PRIVATE KEY` and `END` on one line, and
//!   lines that look like a PEM body line on their own.
//!
//! The redactor works line by line and keeps no state: a private key's body lines are
//! recognised by their shape (base64 only, mixing upper case, lower case and digits, 16 to 76
//! characters), so a last body line shorter than 16 characters shows.
//!
//! ```
//! use logdoc::redact::Redactor;
//! let r = Redactor::new();
//! assert_eq!(r.mask("postgresql://app:hunter2@db:5432/app"), "postgresql://app:****@db:5432/app");
//! assert_eq!(r.mask("DATABASE_URL=postgresql://${DB_USER}:${DB_PASSWORD}@db/app"),
//!            "DATABASE_URL=postgresql://${DB_USER}:${DB_PASSWORD}@db/app");
//! ```

use std::borrow::Cow;
use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use regex::{Captures, Regex};

/// What replaces a secret.
pub const MASK: &str = "****";

/// Whether a matched value is a secret (and not a placeholder or prose).
type Accept = fn(&str) -> bool;

/// One masking rule: every participating group whose name starts with `secret` is replaced
/// by [`MASK`], when `accept` agrees that it is a secret.
#[derive(Debug, Clone)]
struct Rule {
    regex: Regex,
    accept: Accept,
}

/// A compiled set of masking rules.
#[derive(Debug, Clone)]
pub struct Redactor {
    /// Literals one of which every maskable line holds (ASCII case-insensitive): lines with
    /// none skip the rules.
    triggers: AhoCorasick,
    rules: Vec<Rule>,
}

impl Default for Redactor {
    fn default() -> Self {
        Self::new()
    }
}

/// Literals that every rule's match contains (ASCII case-insensitive).
const TRIGGERS: &[&str] = &[
    "://",
    "pass",
    "pwd",
    "secret",
    "token",
    "key",
    "credential",
    "auth",
    "bearer",
    "cookie",
    "sk_",
    "rk_",
    "whsec_",
    "akia",
    "asia",
    "gh",
    "github_pat_",
    "glpat-",
    "npm_",
    "xox",
    "aiza",
    "eyj",
    "private",
];

/// A secret-bearing value: double-quoted, single-quoted or bare.
const VALUE: &str =
    r#"[ \t]*(?:"(?P<secret>[^"]{3,})"|'(?P<secret2>[^']{3,})'|(?P<secret3>[^\s"',;&]{3,}))"#;
/// `=` or `:` after a name, which may close a quote (`"password": `).
const ASSIGN: &str = r#"["']?[ \t]*[=:]"#;

impl Redactor {
    /// The redactor. Its rules are compiled once per process; each call returns a cheap
    /// copy sharing them.
    pub fn new() -> Self {
        static COMPILED: OnceLock<Redactor> = OnceLock::new();
        COMPILED.get_or_init(Self::compile).clone()
    }

    fn compile() -> Self {
        let assignment = |name: &str| format!(r"(?:^|[^A-Za-z0-9])(?:{name}){ASSIGN}{VALUE}");
        let rules: Vec<(String, Accept)> = vec![
            // scheme://user:password@host, scheme://:password@host (the password may hold `@`)
            (
                r#"\b[A-Za-z][A-Za-z0-9+.-]*://[^:@/\s'"]*:(?P<secret>[^/\s'"]+)@"#.into(),
                not_placeholder,
            ),
            // PASSWORD=, DB_PASSWORD:, "password": "…", Password=…; (any case, any affix)
            (
                assignment(r"[A-Za-z0-9_.-]*(?i:password|passwd|passphrase|secret|api[_-]?key|access[_-]?key|private[_-]?key|credentials?)[A-Za-z0-9_.-]*"),
                not_placeholder,
            ),
            // tokens: GITHUB_TOKEN=, access_token=, accessToken:, _authToken=, token_secret=
            (
                assignment(r"[A-Za-z0-9_.-]*[_.-](?i:token)s?[A-Za-z0-9_.-]*|_?[a-z][a-z0-9]*Tokens?|(?i:token)s?[_.-][A-Za-z0-9_.-]+"),
                token_value,
            ),
            // a bare `token=` or `"token":`, but not `Unexpected token: }`
            (
                format!(r#"(?:^|[^A-Za-z0-9])(?i:token)(?:=|"[ \t]*:){VALUE}"#),
                token_value,
            ),
            // connection-string and environment short forms: Pwd=…; DB_PWD=…
            (assignment(r"Pwd|[A-Za-z0-9]+_(?i:pwd)"), not_placeholder),
            // --password VALUE, --token VALUE
            (
                r#"(?i)(?:^|\s)--?(?:password|passwd|pass|secret|token|api-key|access-token|auth-token|client-secret)[ \t]+["']?(?P<secret>[^\s"'-][^\s"']{2,})"#.into(),
                not_placeholder,
            ),
            // Authorization header values, whatever the scheme
            (
                r#"(?i)\b(?:proxy-)?authorization["']?[ \t]*[:=][ \t]*["']?(?:(?:bearer|basic|token|digest|bot|apikey)[ \t]+)?(?P<secret>[^\s"',;]{8,})"#.into(),
                |v| not_placeholder(v) && looks_random(v),
            ),
            (
                r"(?i)\bbearer[ \t]+(?P<secret>[A-Za-z0-9._~+/=-]{12,})".into(),
                looks_random,
            ),
            // Cookies carry sessions
            (
                r#"(?i)\b(?:set-)?cookie["']?[ \t]*:[ \t]*(?P<secret>[^\s"']{8,}[^"']*)"#.into(),
                not_placeholder,
            ),
            // Stripe secret and restricted keys, webhook secrets
            (
                r"\b(?:sk|rk)_(?:live|test)_(?P<secret>[A-Za-z0-9]{8,})".into(),
                always,
            ),
            (r"\bwhsec_(?P<secret>[A-Za-z0-9+/=]{8,})".into(), always),
            // AWS access key ids
            (
                r"\b(?:AKIA|ASIA)(?P<secret>[0-9A-Z]{16})\b".into(),
                always,
            ),
            // GitHub, GitLab, npm and Slack tokens, Google API keys
            (r"\bgh[pousr]_(?P<secret>[A-Za-z0-9]{30,})".into(), always),
            (r"\bgithub_pat_(?P<secret>[A-Za-z0-9_]{20,})".into(), always),
            (r"\bglpat-(?P<secret>[A-Za-z0-9_-]{20,})".into(), always),
            (r"\bnpm_(?P<secret>[A-Za-z0-9]{36})\b".into(), always),
            (r"\bxox[abposr]-(?P<secret>[A-Za-z0-9-]{10,})".into(), always),
            (r"\bAIza(?P<secret>[0-9A-Za-z_-]{35})".into(), always),
            // JSON Web Tokens (an empty signature, `alg: none`, too)
            (
                r"\beyJ(?P<secret>[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*)".into(),
                always,
            ),
            // A private key printed on one line (an escaped `\n` in JSON or an env dump)
            (
                r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----(?P<secret>.+?)(?:-----END [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----|$)".into(),
                not_blank,
            ),
        ];
        let rules = rules
            .into_iter()
            .map(|(re, accept)| Rule {
                regex: Regex::new(&re).expect("redaction rule compiles"),
                accept,
            })
            .collect();
        let triggers = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::LeftmostFirst)
            .build(TRIGGERS)
            .expect("trigger literals compile");
        Redactor { triggers, rules }
    }

    /// `text` with every secret masked; borrowed when there was nothing to mask. Text of
    /// several lines is masked line by line.
    pub fn mask<'a>(&self, text: &'a str) -> Cow<'a, str> {
        if !text.contains('\n') {
            return self.mask_line(text);
        }
        let mut out = String::new();
        let mut changed = false;
        for (i, line) in text.split('\n').enumerate() {
            if i > 0 {
                out.push('\n');
            }
            let masked = self.mask_line(line);
            changed |= matches!(masked, Cow::Owned(_));
            out.push_str(&masked);
        }
        if changed {
            Cow::Owned(out)
        } else {
            Cow::Borrowed(text)
        }
    }

    fn mask_line<'a>(&self, text: &'a str) -> Cow<'a, str> {
        if is_pem_body(text) {
            return Cow::Borrowed(MASK);
        }
        if !self.triggers.is_match(text) {
            return Cow::Borrowed(text);
        }
        let mut out = Cow::Borrowed(text);
        for rule in &self.rules {
            let mut changed = false;
            let replaced = rule.regex.replace_all(&out, |caps: &Captures<'_>| {
                let (masked, did) = mask_groups(&rule.regex, caps, rule.accept);
                changed |= did;
                masked
            });
            if changed {
                out = Cow::Owned(replaced.into_owned());
            }
        }
        out
    }
}

/// The whole match with each accepted `secret*` group replaced by [`MASK`]; whether any was.
fn mask_groups(regex: &Regex, caps: &Captures<'_>, accept: Accept) -> (String, bool) {
    let whole = caps.get(0).expect("group 0 always participates");
    let mut out = String::with_capacity(whole.len());
    let mut at = whole.start();
    let mut changed = false;
    for name in regex.capture_names().flatten() {
        if !name.starts_with("secret") {
            continue;
        }
        let Some(secret) = caps.name(name) else {
            continue;
        };
        if !accept(secret.as_str()) {
            continue;
        }
        out.push_str(&whole.as_str()[at - whole.start()..secret.start() - whole.start()]);
        out.push_str(MASK);
        at = secret.end();
        changed = true;
    }
    out.push_str(&whole.as_str()[at - whole.start()..]);
    (out, changed)
}

fn always(_: &str) -> bool {
    true
}

fn not_blank(value: &str) -> bool {
    !value.trim().is_empty()
}

/// A value that stands for a secret rather than being one: `${DB_PASSWORD}`, `$TOKEN`,
/// `<your password>`, `{{ .Values.password }}`, `%(password)s`, or already masked.
fn is_placeholder(value: &str) -> bool {
    let v = value.trim();
    v.starts_with('$')
        || v.starts_with('<')
        || v.starts_with("{{")
        || v.starts_with("%(")
        || v.bytes().all(|b| b == b'*' || b == b'x' || b == b'X')
}

fn not_placeholder(value: &str) -> bool {
    !is_placeholder(value)
}

/// A bare `token=` value that is not a placeholder nor a plain word such as `none`.
fn token_value(value: &str) -> bool {
    not_placeholder(value)
        && !matches!(
            value,
            "null" | "none" | "None" | "undefined" | "true" | "false"
        )
}

/// A bearer token, not prose (`bearer authentication`): it holds a digit, a punctuation
/// character of the token alphabet, or both cases.
fn looks_random(value: &str) -> bool {
    value
        .bytes()
        .any(|b| b.is_ascii_digit() || b"._~+/=-".contains(&b))
        || (value.bytes().any(|b| b.is_ascii_uppercase())
            && value.bytes().any(|b| b.is_ascii_lowercase()))
}

/// A body line of a PEM private key: 16–76 base64 characters mixing upper case, lower case
/// and digits (a hex digest, all lower case, is not one).
fn is_pem_body(text: &str) -> bool {
    let t = text.trim();
    let body = t.trim_end_matches('=');
    (16..=76).contains(&t.len())
        && t.len() - body.len() <= 2
        && body
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/')
        && body.bytes().any(|b| b.is_ascii_uppercase())
        && body.bytes().any(|b| b.is_ascii_lowercase())
        && body.bytes().any(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_each_kind() {
        let r = Redactor::new();
        let cases = [
            (
                r#"DATABASE_URL="postgresql://yRNDQm:TEdbSyb49Q@database-x.dcdeploy.cloud:30523/db""#,
                r#"DATABASE_URL="postgresql://yRNDQm:****@database-x.dcdeploy.cloud:30523/db""#,
            ),
            (
                "redis://:s3cr3tpw@cache:6379/0",
                "redis://:****@cache:6379/0",
            ),
            ("mysql://u:p@ss:w@rd@db/app", "mysql://u:****@db/app"),
            ("POSTGRES_PASSWORD=s3cr3tpass", "POSTGRES_PASSWORD=****"),
            (
                "export DB_PASSWORD='two words'",
                "export DB_PASSWORD='****'",
            ),
            (r#"{"password": "hunter22"}"#, r#"{"password": "****"}"#),
            (
                "Server=db;User Id=sa;Password=Hunter2x;",
                "Server=db;User Id=sa;Password=****;",
            ),
            (
                "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                "aws_secret_access_key = ****",
            ),
            ("GITHUB_TOKEN=abc123def456", "GITHUB_TOKEN=****"),
            ("accessToken: abc123def456", "accessToken: ****"),
            (
                "//registry.npmjs.org/:_authToken=abcdef123456",
                "//registry.npmjs.org/:_authToken=****",
            ),
            (
                "mysql --password hunter22 -h db",
                "mysql --password **** -h db",
            ),
            (
                "stripe key sk_live_51HxAbCdEfGhIjKl ok",
                "stripe key sk_live_**** ok",
            ),
            ("rk_test_51HxAbCdEfGhIjKl", "rk_test_****"),
            ("whsec_abcdefgh12345678", "whsec_****"),
            ("AKIAIOSFODNN7EXAMPLE", "AKIA****"),
            (
                "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj",
                "****",
            ),
            ("Xb1lq2o9Vt0QmNw==", "****"),
            (
                r#"{"key":"-----BEGIN PRIVATE KEY-----\nMIIEvQIBADAN\n-----END PRIVATE KEY-----\n"}"#,
                r#"{"key":"-----BEGIN PRIVATE KEY-----****-----END PRIVATE KEY-----\n"}"#,
            ),
            ("ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789", "ghp_****"),
            (
                "Authorization: Bearer abcdef1234567890xyz",
                "Authorization: Bearer ****",
            ),
            (
                "authorization: token 0123456789abcdef",
                "authorization: token ****",
            ),
            (
                "Authorization: Basic dXNlcjpwYXNzd29yZA==",
                "Authorization: Basic ****",
            ),
            (
                r#"headers: {"Authorization": "Bearer abcdef1234567890xyz"}"#,
                r#"headers: {"Authorization": "Bearer ****"}"#,
            ),
            (
                "token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.dGhpc2lzYXNpZ25hdHVyZQ",
                "token eyJ****",
            ),
            (
                "Set-Cookie: session=abc123def456; Path=/",
                "Set-Cookie: ****",
            ),
        ];
        for (input, want) in cases {
            assert_eq!(r.mask(input), want, "{input}");
        }
    }

    #[test]
    fn masks_each_line_of_a_multi_line_text() {
        let r = Redactor::new();
        assert_eq!(
            r.mask("Rotate it:\nPASSWORD=hunter22\nthen redeploy"),
            "Rotate it:\nPASSWORD=****\nthen redeploy"
        );
        assert!(matches!(r.mask("one\ntwo"), Cow::Borrowed(_)));
    }

    #[test]
    fn leaves_ordinary_text_alone() {
        let r = Redactor::new();
        for text in [
            "postgresql://$USER@localhost:5432/contextfirstai_db",
            r#"DATABASE_URL="postgresql://${DB_USER}:${DB_PASSWORD}@db:5432/app""#,
            "POSTGRES_PASSWORD=<your password>",
            "DB_PASSWORD=${DB_PASSWORD}",
            "Unexpected token: }",
            "SyntaxError: Unexpected token: export",
            "SyntaxError: Unexpected token < in JSON at position 0",
            "error TS2305: Module '\"@prisma/client\"' has no exported member 'User'.",
            "https://frontend-wqqk6wf4oz.dcdeploy.cloud",
            "http://localhost:3000/api/users",
            "password authentication failed for user \"app\"",
            "FATAL: password authentication failed for user \"postgres\"",
            "Basic authentication failed",
            "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
            "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
            "#6 sha256:4f4fb700ef54461cfa02571ae0db9a0dc1e0cdb5577484a6d75e68dc38e8acc1 32B / 32B done",
            "PWD=/home/app",
            "OLDPWD=/home/app",
            "npm warn deprecated @types/jsonwebtoken@9.0.7",
            "-----BEGIN RSA PRIVATE KEY-----",
            "pk_live_51HxAbCdEfGhIjKl is publishable",
            "ERR_PNPM_OUTDATED_LOCKFILE",
        ] {
            assert!(
                matches!(r.mask(text), Cow::Borrowed(_)),
                "{text} -> {}",
                r.mask(text)
            );
        }
    }
}
