//! Secret masking, applied to every text logdoc shows, copies or reports.
//!
//! Logs leak credentials: a `DATABASE_URL` with its password, an API key echoed by a build,
//! a bearer token in a request log. [`Redactor::mask`] replaces the secret part with `****`,
//! keeping enough around it (scheme, user, key name, token prefix) to tell what it was.
//!
//! ```
//! use logdoc::redact::Redactor;
//! let r = Redactor::new();
//! assert_eq!(r.mask("postgresql://app:hunter2@db:5432/app"), "postgresql://app:****@db:5432/app");
//! ```

use std::borrow::Cow;

use regex::Regex;

/// What replaces a secret.
pub const MASK: &str = "****";

/// A compiled set of masking rules.
#[derive(Debug, Clone)]
pub struct Redactor {
    rules: Vec<(Regex, &'static str)>,
}

impl Default for Redactor {
    fn default() -> Self {
        Self::new()
    }
}

impl Redactor {
    pub fn new() -> Self {
        let rules: &[(&str, &'static str)] = &[
            // scheme://user:password@host
            (
                r#"(?P<keep>[A-Za-z][A-Za-z0-9+.-]*://[^:@/\s'"]+:)[^@/\s'"]+@"#,
                "${keep}****@",
            ),
            // PASSWORD=..., DB_PASSWORD: ..., "password": "...", apiKey=..., client_secret=...
            (
                r#"(?P<keep>\b(?:[A-Z0-9_]*(?:PASSWORD|PASSWD|SECRET|TOKEN|API_KEY|APIKEY|ACCESS_KEY|PRIVATE_KEY|CREDENTIALS?)[A-Z0-9_]*|(?:[a-z][A-Za-z0-9]*_?)?(?:password|passwd|secret)|[a-z][A-Za-z0-9]*_?(?:[Tt]oken|[Ss]ecret|[Pp]assword|[Aa]pi[Kk]ey|api_key))"?\s*[=:]\s*["']?)[^\s"',;&]{3,}"#,
                "${keep}****",
            ),
            // Stripe secret and restricted keys, webhook secrets
            (
                r"\b(?P<keep>(?:sk|rk)_(?:live|test)_)[A-Za-z0-9]{8,}",
                "${keep}****",
            ),
            (r"\b(?P<keep>whsec_)[A-Za-z0-9]{8,}", "${keep}****"),
            // AWS access key ids
            (r"\b(?P<keep>A(?:KIA|SIA))[0-9A-Z]{16}\b", "${keep}****"),
            // GitHub tokens
            (r"\b(?P<keep>gh[pousr]_)[A-Za-z0-9]{30,}", "${keep}****"),
            (r"\b(?P<keep>github_pat_)[A-Za-z0-9_]{20,}", "${keep}****"),
            // JSON Web Tokens
            (
                r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}",
                "eyJ****",
            ),
            // Authorization headers
            (
                r"(?i)(?P<keep>\b(?:authorization:\s*)?(?:bearer|basic)\s+)[A-Za-z0-9._~+/=-]{12,}",
                "${keep}****",
            ),
        ];
        let rules = rules
            .iter()
            .map(|(re, with)| (Regex::new(re).expect("redaction rule compiles"), *with))
            .collect();
        Redactor { rules }
    }

    /// `text` with every secret masked; borrowed when there was nothing to mask.
    pub fn mask<'a>(&self, text: &'a str) -> Cow<'a, str> {
        if is_pem_body(text) {
            return Cow::Borrowed(MASK);
        }
        let mut out = Cow::Borrowed(text);
        for (re, with) in &self.rules {
            if let Cow::Owned(s) = re.replace_all(&out, *with) {
                out = Cow::Owned(s);
            }
        }
        out
    }
}

/// A body line of a PEM private key: 60–76 base64 characters mixing upper case, lower case and
/// digits (a hex digest, all lower case, is not one).
fn is_pem_body(text: &str) -> bool {
    let t = text.trim();
    let body = t.trim_end_matches('=');
    (60..=76).contains(&t.len())
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
            ("POSTGRES_PASSWORD=s3cr3tpass", "POSTGRES_PASSWORD=****"),
            (r#"{"password": "hunter22"}"#, r#"{"password": "****"}"#),
            (
                "stripe key sk_live_51HxAbCdEfGhIjKl ok",
                "stripe key sk_live_**** ok",
            ),
            ("whsec_abcdefgh12345678", "whsec_****"),
            ("AKIAIOSFODNN7EXAMPLE", "AKIA****"),
            (
                "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj",
                "****",
            ),
            ("ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789", "ghp_****"),
            (
                "Authorization: Bearer abcdef1234567890xyz",
                "Authorization: Bearer ****",
            ),
            (
                "token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.dGhpc2lzYXNpZ25hdHVyZQ",
                "token eyJ****",
            ),
        ];
        for (input, want) in cases {
            assert_eq!(r.mask(input), want, "{input}");
        }
    }

    #[test]
    fn leaves_ordinary_text_alone() {
        let r = Redactor::new();
        for text in [
            "postgresql://$USER@localhost:5432/contextfirstai_db",
            "Unexpected token: }",
            "error TS2305: Module '\"@prisma/client\"' has no exported member 'User'.",
            "https://frontend-wqqk6wf4oz.dcdeploy.cloud",
            "password authentication failed for user \"app\"",
            "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
            "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
            "#6 sha256:4f4fb700ef54461cfa02571ae0db9a0dc1e0cdb5577484a6d75e68dc38e8acc1 32B / 32B done",
        ] {
            assert!(
                matches!(r.mask(text), Cow::Borrowed(_)),
                "{text} -> {}",
                r.mask(text)
            );
        }
    }
}
