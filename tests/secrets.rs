//! Secrets (issue #6): a corpus of every kind of credential a log leaks. None of the secret
//! values appears in any report format, wherever in the log it sits (the failing line, a
//! build step's name, a capture filled into a fix, a JSON log line, past the 500-byte cut of
//! a shown line); `--no-redact` shows them; the `secret-in-log` finding fires for each kind.

use std::sync::Arc;

use assert_cmd::Command;
use logdoc::report::{self, Format, ReportInput};
use logdoc::scan::{scan_text, Scan};
use logdoc::signature::SignatureSet;

/// One leaked credential: the log line that holds it, and the parts that must never show.
struct Secret {
    kind: &'static str,
    line: &'static str,
    /// The secret itself, and fragments of it a partial mask could leave.
    values: &'static [&'static str],
}

const CORPUS: &[Secret] = &[
    Secret {
        kind: "url credentials",
        line: "Starting with DATABASE_URL=postgresql://app:Sup3rS3cretPw@db.internal:5432/app",
        values: &["Sup3rS3cretPw", "Sup3rS3c"],
    },
    Secret {
        kind: "url credentials, password with @",
        line: "connecting to mysql://root:p4ss@w0rd!x@mysql.internal:3306/shop",
        values: &["p4ss@w0rd!x", "w0rd!x", "p4ss"],
    },
    Secret {
        kind: "url credentials, no user",
        line: "cache: redis://:R3disPassw0rd99@cache.internal:6379/0",
        values: &["R3disPassw0rd99", "R3disPass"],
    },
    Secret {
        kind: "PASSWORD= assignment",
        line: "POSTGRES_PASSWORD=hunter2hunter2 docker-entrypoint.sh postgres",
        values: &["hunter2hunter2"],
    },
    Secret {
        kind: "quoted PASSWORD= assignment",
        line: "export DB_PASSWORD='correct horse battery staple'",
        values: &["correct horse", "battery staple"],
    },
    Secret {
        kind: "SECRET= assignment",
        line: "JWT_SECRET=my-jwt-signing-secret-42",
        values: &["my-jwt-signing-secret-42", "signing-secret"],
    },
    Secret {
        kind: "TOKEN= assignment",
        line: "NPM_TOKEN=npmTok3nValue99abc npm publish",
        values: &["npmTok3nValue99abc"],
    },
    Secret {
        kind: "lower-case secret assignment",
        line: "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        values: &["wJalrXUtnFEMI", "bPxRfiCYEXAMPLEKEY"],
    },
    Secret {
        kind: "JSON password field",
        line: r#"config loaded: {"user":"app","password":"Pa55w0rd-From-Json"}"#,
        values: &["Pa55w0rd-From-Json"],
    },
    Secret {
        kind: "Stripe live secret key",
        line: "Stripe client created with sk_live_51Hq8xYtR2eZvKYlo2CabcdEFGH",
        values: &["51Hq8xYtR2eZvKYlo2CabcdEFGH", "YtR2eZvKYlo2"],
    },
    Secret {
        kind: "Stripe test secret key",
        line: "STRIPE_KEY is sk_test_4eC39HqLyjWDarjtT1zdp7dc",
        values: &["4eC39HqLyjWDarjtT1zdp7dc"],
    },
    Secret {
        kind: "Stripe restricted key",
        line: "using restricted key rk_live_51HqRestrictedKeyAbc123",
        values: &["51HqRestrictedKeyAbc123"],
    },
    Secret {
        kind: "Stripe webhook secret",
        line: "webhook verified with whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        values: &["MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"],
    },
    Secret {
        kind: "AWS access key id",
        line: "aws: using access key AKIAIOSFODNN7EXAMPLE for s3://bucket",
        values: &["IOSFODNN7EXAMPLE"],
    },
    Secret {
        kind: "GitHub personal access token",
        line: "git clone https://ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789@github.com/org/repo",
        values: &["aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789", "aBcDeFgHiJkL"],
    },
    Secret {
        kind: "GitHub fine-grained token",
        line: "GH auth with github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGH",
        values: &["11ABCDEFG0123456789_abcdefghij", "ABCDEFGH"],
    },
    Secret {
        kind: "JWT",
        line: "session cookie eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
        values: &["SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c", "eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6"],
    },
    Secret {
        kind: "Authorization: Bearer",
        line: "GET /api/me 200 12ms Authorization: Bearer abcDEF123456ghiJKL789",
        values: &["abcDEF123456ghiJKL789"],
    },
    Secret {
        kind: "Authorization: Basic",
        line: "proxy request Authorization: Basic YWRtaW46c3VwZXJzZWNyZXQ=",
        values: &["YWRtaW46c3VwZXJzZWNyZXQ="],
    },
    Secret {
        kind: "private key on one line",
        line: r#"{"private_key":"-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj\nMzEfYyjiWA4R4/M2bS1GB4t7NXp98C3SC6dVMvDuictGeurT8jNbvJZHtCSuYEvu\n-----END PRIVATE KEY-----\n"}"#,
        values: &["MIIEvQIBADANBgkqhkiG9w0", "MzEfYyjiWA4R4", "NXp98C3SC6dVMvDuictGeurT8jNbvJZHtCSuYEvu"],
    },
];

/// A multi-line private key block, printed as a file would be.
const PEM_BLOCK: &str = "-----BEGIN RSA PRIVATE KEY-----
MIIEpAIBAAKCAQEA3Tz2mr7SZiAMfQyuvBjM9Oi1a2b3c4d5e6f7g8h9i0jKlMnOp
qRsTuVwXyZ0123456789abcdefGHIJKLmnopqrSTUVwxyz0123456789ABCDEFghi
Xb1lq2o9Vt0QmNw==
-----END RSA PRIVATE KEY-----";
const PEM_VALUES: &[&str] = &[
    "MIIEpAIBAAKCAQEA3Tz2mr7SZiAMfQyuvBjM9Oi",
    "qRsTuVwXyZ0123456789",
    "Xb1lq2o9Vt0QmNw",
];

/// Where in a log the secret sits; each log shows the secret's line in the report.
fn placements(line: &str) -> Vec<(&'static str, String)> {
    let json_line = serde_json::to_string(
        &serde_json::json!({ "log": format!("{line}\n"), "stream": "stderr" }),
    )
    .expect("JSON encodes");
    let padding = ". ".repeat(245);
    vec![
        ("the line itself", format!("#12 0.311 {line}\n")),
        (
            "a build step's name",
            format!("#9 [production 4/9] RUN {line}\n#9 0.412 error: externally-managed-environment\n"),
        ),
        (
            "a capture in the fix",
            format!("#9 ERROR: process \"/bin/sh -c {line}\" did not complete successfully: exit code: 1\n"),
        ),
        ("a docker JSON log line", format!("{json_line}\n")),
        ("past the 500-byte cut", format!("{padding}{line}\n")),
    ]
}

fn builtin() -> Arc<SignatureSet> {
    Arc::new(SignatureSet::builtin().expect("built-in set loads"))
}

/// Every report format of `log`, in process.
fn reports(log: &str, set: &Arc<SignatureSet>, redact: bool) -> Vec<(Format, String)> {
    let scan = Scan {
        source: "corpus.log".to_string(),
        diagnosis: scan_text(log, Arc::clone(set), redact),
        bytes: log.len() as u64,
        binary: false,
        truncated_lines: 0,
    };
    [Format::Text, Format::Json, Format::Markdown, Format::Github]
        .into_iter()
        .map(|format| {
            let mut out = Vec::new();
            let input = ReportInput { scan: &scan, set };
            report::write(format, &[input], report::Style { color: true }, &mut out)
                .expect("report writes");
            (format, String::from_utf8(out).expect("UTF-8 report"))
        })
        .collect()
}

fn leaked<'a>(out: &str, values: &[&'a str]) -> Option<&'a str> {
    values.iter().copied().find(|v| out.contains(v))
}

#[test]
fn no_secret_shows_in_any_format_wherever_it_sits() {
    let set = builtin();
    let mut problems = Vec::new();
    for secret in CORPUS {
        for (place, log) in placements(secret.line) {
            for (format, out) in reports(&log, &set, true) {
                if let Some(v) = leaked(&out, secret.values) {
                    problems.push(format!(
                        "{} in {place}: {v:?} shows in the {format:?} report:\n{out}",
                        secret.kind
                    ));
                } else if format == Format::Json && !out.contains("****") {
                    problems.push(format!(
                        "{} in {place}: nothing masked:\n{out}",
                        secret.kind
                    ));
                }
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{} problem(s):\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn no_redact_shows_the_secrets() {
    let set = builtin();
    for secret in CORPUS {
        let log = format!("#12 0.311 {}\n", secret.line);
        for (format, out) in reports(&log, &set, false) {
            let shown = if format == Format::Json {
                // JSON escapes the quotes and backslashes of the JSON-bearing lines.
                let v: serde_json::Value = serde_json::from_str(&out).unwrap();
                v.to_string().contains(
                    &serde_json::to_string(secret.values[0]).unwrap()[1..secret.values[0].len()],
                )
            } else {
                out.contains(secret.values[0])
            };
            assert!(
                shown,
                "{}: --no-redact hides {:?} in {format:?}:\n{out}",
                secret.kind, secret.values[0]
            );
        }
    }
}

#[test]
fn secret_in_log_fires_for_every_kind() {
    let set = builtin();
    let missed: Vec<&str> = CORPUS
        .iter()
        .filter(|secret| {
            let log = format!("backend-1  | {}\n", secret.line);
            let d = scan_text(&log, Arc::clone(&set), true);
            !d.findings.iter().any(|f| f.id == "secret-in-log")
        })
        .map(|secret| secret.kind)
        .collect();
    assert!(
        missed.is_empty(),
        "no secret-in-log finding for: {missed:?}"
    );
    for secret in CORPUS {
        let log = format!("backend-1  | {}\n", secret.line);
        let d = scan_text(&log, Arc::clone(&set), true);
        let f = d
            .findings
            .iter()
            .find(|f| f.id == "secret-in-log")
            .expect("checked above");
        assert_eq!(f.first.line, 1, "{}", secret.kind);
        let sig = set.get("secret-in-log").unwrap();
        assert_eq!(sig.severity.as_str(), "warning");
        assert_eq!(sig.category.as_str(), "security");
        let fix = f.fix(sig);
        assert!(fix.contains("Rotate"), "{}: {fix}", secret.kind);
        assert!(
            leaked(&fix, secret.values).is_none(),
            "{}: {fix}",
            secret.kind
        );
    }
    let d = scan_text(PEM_BLOCK, Arc::clone(&set), true);
    assert!(
        d.findings.iter().any(|f| f.id == "secret-in-log"),
        "private key block"
    );
}

/// The binary, every format, the whole corpus in one log (and a private key block).
#[test]
fn the_binary_masks_the_corpus_in_every_format() {
    let mut log = String::new();
    for secret in CORPUS {
        for (_, placed) in placements(secret.line) {
            log.push_str(&placed);
        }
    }
    log.push_str(PEM_BLOCK);
    log.push_str("\nError: could not load key -----BEGIN RSA PRIVATE KEY----- MIIEpAIBAAKCAQEA3Tz2mr7SZiAMfQyuvBjM9Oi\n");
    let all: Vec<&str> = CORPUS
        .iter()
        .flat_map(|s| s.values.iter().copied())
        .chain(PEM_VALUES.iter().copied())
        .collect();
    for format in ["text", "json", "markdown", "github"] {
        let out = Command::cargo_bin("logdoc")
            .unwrap()
            .args(["--format", format, "--color", "always", "-"])
            .write_stdin(log.clone())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{format}");
        for stream in [&out.stdout, &out.stderr] {
            let text = String::from_utf8_lossy(stream);
            if let Some(v) = leaked(&text, &all) {
                panic!("{format}: {v:?} shows:\n{text}");
            }
        }
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("secret-in-log"), "{format}: {text}");
    }
    let out = Command::cargo_bin("logdoc")
        .unwrap()
        .args(["--no-redact", "--format", "json", "-"])
        .write_stdin(log)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("Sup3rS3cretPw"),
        "--no-redact shows the first secret:\n{text}"
    );
}
