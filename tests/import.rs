//! Learning, through the real binary: `logdoc import` of the seed issue log and of another
//! team's log (then their logs, with other values and other noise, diagnosed with the imported
//! titles and fixes), `logdoc draft`, and the user signature folder.
//!
//! Every run sets `LOGDOC_CONFIG_DIR`, so the developer's own signature folder never changes
//! an outcome.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/import");

/// The binary, with no user signature folder unless a test gives one.
fn logdoc() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_logdoc"));
    cmd.env("LOGDOC_CONFIG_DIR", "").env_remove("NO_COLOR");
    cmd
}

fn run(cmd: &mut Command) -> Output {
    let out = cmd.output().expect("logdoc runs");
    assert!(out.status.code().is_some(), "killed by a signal");
    out
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn fixture(name: &str) -> PathBuf {
    Path::new(FIXTURES).join(name)
}

/// Imports `log` into a fresh folder; returns the folder and what `import` printed.
fn import(log: &Path) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = run(logdoc().arg("import").arg(log).arg("-o").arg(dir.path()));
    let text = stdout(&out);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (dir, text)
}

fn toml_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("read dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    files
}

fn table(path: &Path) -> toml::Table {
    toml::from_str(&std::fs::read_to_string(path).expect("read signature")).expect("valid TOML")
}

/// `signatures check` with only `paths` loaded passes.
fn assert_checks(paths: &[&Path]) {
    let out = run(logdoc()
        .args(["signatures", "check", "--no-builtin"])
        .args(paths));
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(stdout(&out).contains("all pass"), "{}", stdout(&out));
}

#[test]
fn seed_issue_log_imports_into_checked_signatures() {
    let (dir, printed) = import(&fixture("aiforge-issue-log.md"));
    let files = toml_files(dir.path());
    // Every entry with an error message (#1–#9, #5's found detached further down) and none other.
    let mut headings: Vec<String> = files
        .iter()
        .map(|f| {
            table(f)["references"][0]
                .as_str()
                .expect("reference")
                .to_string()
        })
        .collect();
    headings.sort();
    assert_eq!(
        headings,
        vec![
            "Issue #1: Python 3.12+ Externally Managed Environment (PEP 668)",
            "Issue #2: Missing Build Tools for pyswisseph Compilation",
            "Issue #3: Missing package-lock.json in Build Context",
            "Issue #4: Prisma Client Generated After TypeScript Build",
            "Issue #5: Missing Logs Directory",
            "Issue #6: Stripe API Version Mismatch",
            "Issue #7: Prisma OpenSSL Detection Failure and Database Connection Error",
            "Issue #8: Prisma Client Generated Without OpenSSL Detection",
            "Issue #9: CORS Error - Frontend Blocked by Backend CORS Policy",
        ]
    );
    for file in &files {
        assert_checks(&[file]);
        let t = table(file);
        assert_eq!(
            t["id"].as_str().map(|id| format!("{id}.toml")),
            file.file_name().map(|n| n.to_string_lossy().into_owned())
        );
        assert!(
            t["examples"].as_array().is_some_and(|e| e.len() >= 2),
            "{}",
            file.display()
        );
    }
    // They load alongside the built-in set (as a user folder is loaded with it).
    let out = run(logdoc()
        .args(["signatures", "list", "--signatures"])
        .arg(dir.path()));
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout(&out).contains("(builtin)")
            && stdout(&out).contains("stripe-api-version-mismatch.toml)"),
        "{}",
        stdout(&out)
    );

    // What was skipped, and the log's messiness, are said.
    for expected in [
        "skipped  Issue #2: Incorrectly Restored Local .env",
        "skipped  Issue #1: Deployment Guide Created Without Checking",
        "skipped  Issue #2: [Previous Issues from Sahadeva Project]",
        "no error message",
        "issue numbers repeat: #1 (lines",
        "were given to \"Issue #5: Missing Logs Directory\"",
        "same rule as `prisma-openssl-detection-failure-and-database`",
        "Wrote 9 signature file(s)",
    ] {
        assert!(
            printed.contains(expected),
            "missing {expected:?} in:\n{printed}"
        );
    }
}

/// One finding of a JSON report.
struct Found {
    captures: BTreeMap<String, String>,
    fix: String,
    snippet: String,
}

/// Diagnoses `log` with only the signatures in `dir`; title → finding.
fn diagnose(dir: &Path, log: &Path) -> BTreeMap<String, Found> {
    let out = run(logdoc()
        .arg("--no-builtin")
        .arg("--signatures")
        .arg(dir)
        .args(["--format", "json"])
        .arg(log));
    assert_eq!(
        out.status.code(),
        Some(1),
        "findings exit 1: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON report");
    let findings = report["findings"].as_array().expect("findings");
    findings
        .iter()
        .map(|f| {
            let text = |k: &str| f[k].as_str().unwrap_or_default().to_string();
            let captures = f["captures"]
                .as_object()
                .map(|c| {
                    c.iter()
                        .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
                        .collect()
                })
                .unwrap_or_default();
            (
                text("title"),
                Found {
                    captures,
                    fix: text("fix"),
                    snippet: text("snippet"),
                },
            )
        })
        .collect()
}

#[test]
fn another_teams_issue_log_diagnoses_their_logs_with_other_values() {
    let (dir, printed) = import(&fixture("shopline-issue-log.md"));
    assert!(printed.contains("Wrote 6 signature file(s)"), "{printed}");
    assert!(
        printed.contains(
            "skipped  Issue #7: Asset Build Killed in CI (line 214): too generic to match safely"
        ),
        "{printed}"
    );
    assert!(
        printed.contains(
            "skipped  Issue #8: Staging Secret Key Not Rotated (line 235): no error message"
        ),
        "{printed}"
    );
    assert_checks(&[dir.path()]);

    // Their logs carry none of the issue log's values: the match rests on the stable phrases.
    let issue_log = std::fs::read_to_string(fixture("shopline-issue-log.md")).expect("issue log");
    let staging = fixture("logs/staging-compose-up.log");
    let production = fixture("logs/production-web.log");
    for log in [&staging, &production] {
        let text = std::fs::read_to_string(log).expect("log");
        for value in [
            "redis:6379",
            "accounts_customuser",
            "web:8000",
            "default.conf",
            "pid:42",
            "/api/reports/export",
            "admin.shopline.example.com",
            "debug_toolbar",
        ] {
            assert!(
                issue_log.contains(value) && !text.contains(value),
                "{value} in {}",
                log.display()
            );
        }
    }

    let found = diagnose(dir.path(), &staging);
    let titles: Vec<&str> = found.keys().map(String::as_str).collect();
    assert_eq!(
        titles,
        vec![
            "Celery Worker Cannot Reach the Redis Broker",
            "Migrations Not Applied Before the Web Pods Served Traffic",
            "nginx Cannot Resolve the Upstream"
        ]
    );
    let redis = &found["Celery Worker Cannot Reach the Redis Broker"];
    assert_eq!(redis.captures["url"], "redis://cache.internal:6380/2");
    assert_eq!(redis.captures["port"], "6380");
    assert!(
        redis.fix.starts_with("Point the broker at the right Redis"),
        "{}",
        redis.fix
    );
    // The fix's code shows their broker, not the one in the issue log.
    assert!(
        redis
            .snippet
            .contains(r#"os.environ.get("CELERY_BROKER_URL", "redis://cache.internal:6380/2")"#),
        "{}",
        redis.snippet
    );
    assert_eq!(
        found["Migrations Not Applied Before the Web Pods Served Traffic"].captures["relation"],
        "billing_invoice"
    );
    let nginx = &found["nginx Cannot Resolve the Upstream"];
    assert_eq!(nginx.captures["upstream"], "api:9000");
    assert!(
        nginx.snippet.contains("set $upstream_web api:9000;"),
        "{}",
        nginx.snippet
    );

    let found = diagnose(dir.path(), &production);
    let titles: Vec<&str> = found.keys().map(String::as_str).collect();
    assert_eq!(
        titles,
        vec![
            "Debug Toolbar Imported in Production",
            "DisallowedHost After Adding the Admin Domain",
            "Gunicorn Worker Timeout on Report Export"
        ]
    );
    let toolbar = &found["Debug Toolbar Imported in Production"];
    assert_eq!(toolbar.captures["module"], "silk");
    assert!(
        toolbar.snippet.contains(r#"INSTALLED_APPS += ["silk"]"#),
        "{}",
        toolbar.snippet
    );
    let host = &found["DisallowedHost After Adding the Admin Domain"];
    assert_eq!(host.captures["host"], "backoffice.shopline.io");
    assert!(
        host.snippet
            .contains("DJANGO_ALLOWED_HOSTS=\"shopline.example.com,backoffice.shopline.io\""),
        "{}",
        host.snippet
    );
    // A multi-line rule: the timeout line, confirmed by the request line after it.
    assert_eq!(
        found["Gunicorn Worker Timeout on Report Export"].captures["path"],
        "/api/v2/orders/export.csv"
    );
}

#[test]
fn draft_from_a_line_matches_it_and_checks() {
    let line = "2024-04-18T09:30:00Z celery.exceptions.WorkerLostError: Worker exited prematurely: signal 9 (SIGKILL) Job: 17.";
    let out = run(logdoc().args(["draft", line]));
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    let (signature, entry) = text
        .split_once("<!-- ---- issue-log entry")
        .expect("two parts");
    assert!(
        entry.contains("## Issue #N: ")
            && entry.contains("### Error Message")
            && entry.contains(line),
        "{entry}"
    );

    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("draft.toml");
    std::fs::write(&file, signature).expect("write draft");
    assert_checks(&[&file]);
    let id = table(&file)["id"].as_str().expect("id").to_string();

    // The same failure with another job number, behind a compose prefix.
    let log = dir.path().join("worker.log");
    std::fs::write(&log, "worker-1  | [tasks] . shop.tasks.export\nworker-1  | celery.exceptions.WorkerLostError: Worker exited prematurely: signal 9 (SIGKILL) Job: 230.\n").expect("write log");
    let out = run(logdoc()
        .arg("--no-builtin")
        .arg("--signatures")
        .arg(&file)
        .args(["--format", "json"])
        .arg(&log));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON report");
    assert_eq!(
        report["findings"][0]["id"].as_str(),
        Some(id.as_str()),
        "{report}"
    );
    assert_eq!(report["findings"][0]["line"].as_u64(), Some(2));
}

#[test]
fn user_folder_loads_after_builtins_and_replaces_them() {
    let config = tempfile::tempdir().expect("temp dir");
    let folder = config.path().join("signatures");
    std::fs::create_dir_all(&folder).expect("mkdir");
    // The team's own take on PEP 668, under the built-in id.
    let (imported, _) = import(&fixture("aiforge-issue-log.md"));
    let text = std::fs::read_to_string(
        imported
            .path()
            .join("python-3-12-externally-managed-environment-pep.toml"),
    )
    .expect("imported");
    let text = text.replace(
        "id = \"python-3-12-externally-managed-environment-pep\"",
        "id = \"pep668-externally-managed\"",
    );
    std::fs::write(folder.join("pep668.toml"), text).expect("write");

    // Global flags go after the subcommand.
    let list = |cmd: &mut Command| stdout(&run(cmd));
    let listed = list(
        logdoc()
            .env("LOGDOC_CONFIG_DIR", config.path())
            .args(["signatures", "list"]),
    );
    let line = listed
        .lines()
        .find(|l| l.starts_with("pep668-externally-managed "))
        .expect("listed");
    assert!(
        line.contains("Python 3.12+ Externally Managed Environment (PEP 668)")
            && line.contains(&folder.join("pep668.toml").display().to_string()),
        "{line}"
    );
    assert!(
        listed
            .lines()
            .any(|l| l.starts_with("npm-ci-missing-lockfile ") && l.ends_with("(builtin)")),
        "{listed}"
    );

    // The XDG rule finds the same folder under $XDG_CONFIG_HOME/logdoc.
    let xdg = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir_all(xdg.path().join("logdoc")).expect("mkdir");
    std::fs::rename(&folder, xdg.path().join("logdoc").join("signatures")).expect("move");
    let listed = list(
        logdoc()
            .env_remove("LOGDOC_CONFIG_DIR")
            .env("XDG_CONFIG_HOME", xdg.path())
            .args(["signatures", "list"]),
    );
    assert!(
        listed
            .lines()
            .any(|l| l.starts_with("pep668-externally-managed ")
                && l.contains("logdoc/signatures/pep668.toml")),
        "{listed}"
    );

    // --no-builtin leaves the user folder out too: only --signatures counts.
    let listed = list(
        logdoc()
            .env_remove("LOGDOC_CONFIG_DIR")
            .env("XDG_CONFIG_HOME", xdg.path())
            .args(["signatures", "list", "--no-builtin", "--signatures"])
            .arg(imported.path().join("stripe-api-version-mismatch.toml")),
    );
    assert_eq!(listed.lines().count(), 1, "{listed}");
    assert!(
        listed.starts_with("stripe-api-version-mismatch "),
        "{listed}"
    );
}

#[test]
fn import_without_output_writes_to_the_user_folder() {
    let config = tempfile::tempdir().expect("temp dir");
    let out = run(logdoc()
        .env("LOGDOC_CONFIG_DIR", config.path())
        .arg("import")
        .arg(fixture("shopline-issue-log.md")));
    assert_eq!(out.status.code(), Some(0));
    assert!(
        stdout(&out).contains("logdoc loads this folder on every run"),
        "{}",
        stdout(&out)
    );
    assert_eq!(toml_files(&config.path().join("signatures")).len(), 6);
    // Loaded by default, with the built-in set.
    let out = run(logdoc()
        .env("LOGDOC_CONFIG_DIR", config.path())
        .args(["--format", "json"])
        .arg(fixture("logs/production-web.log")));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON report");
    let titles: Vec<&str> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["title"].as_str())
        .collect();
    assert!(
        titles.contains(&"DisallowedHost After Adding the Admin Domain"),
        "{titles:?}"
    );
    // Importing again replaces the files rather than adding duplicates.
    let again = run(logdoc()
        .env("LOGDOC_CONFIG_DIR", config.path())
        .arg("import")
        .arg(fixture("shopline-issue-log.md")));
    assert!(
        stdout(&again).contains("(6 replaced)"),
        "{}",
        stdout(&again)
    );
}

#[test]
fn a_file_that_is_no_issue_log_is_an_error() {
    let out = run(logdoc()
        .arg("import")
        .arg(fixture("logs/production-web.log"))
        .arg("-o")
        .arg(std::env::temp_dir().join("logdoc-never-written")));
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("found no `## Issue #N: title` headings"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
