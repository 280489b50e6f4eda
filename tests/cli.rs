//! The real binary: formats, exit codes, inputs and error messages.

use std::io::Write;
use std::process::Stdio;

use assert_cmd::prelude::*;
use assert_cmd::Command;
use predicates::prelude::*;

const PEP668: &str = "#9 [production 4/9] RUN pip3 install --no-cache-dir pyswisseph\n\
#9 0.412 error: externally-managed-environment\n\
#9 0.412 \n\
#9 0.412 × This environment is externally managed\n\
#9 ERROR: process \"/bin/sh -c pip3 install --no-cache-dir pyswisseph\" did not complete successfully: exit code: 1\n";

const CLEAN: &str = "#1 [internal] load build definition from Dockerfile\n#1 DONE 0.1s\n#8 12.1 added 612 packages in 12s\n#8 DONE 12.3s\n";

fn logdoc() -> Command {
    let mut cmd = Command::cargo_bin("logdoc").expect("binary built");
    cmd.env_remove("NO_COLOR");
    // The developer's own signature folder must not change what the tests see.
    cmd.env("LOGDOC_CONFIG_DIR", "");
    cmd
}

fn write_temp(name: &str, bytes: &[u8]) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).expect("write temp file");
    (dir, path)
}

#[test]
fn finding_exits_1_and_prints_the_fix() {
    let (_d, path) = write_temp("build.log", PEP668.as_bytes());
    logdoc()
        .arg(&path)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("pep668-externally-managed"))
        .stdout(predicate::str::contains("--break-system-packages"))
        .stdout(predicate::str::contains("line 2"))
        .stdout(predicate::str::contains(
            "[production 4/9] RUN pip3 install",
        ));
}

#[test]
fn clean_build_exits_0() {
    let (_d, path) = write_temp("ok.log", CLEAN.as_bytes());
    logdoc()
        .arg(&path)
        .assert()
        .code(0)
        .stdout(predicate::str::contains("No known failure found"));
}

#[test]
fn stdin_is_read_when_piped_and_with_dash() {
    logdoc()
        .write_stdin(PEP668)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("<stdin>"));
    logdoc()
        .arg("-")
        .write_stdin(PEP668)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("pep668"));
}

#[test]
fn json_report_has_the_documented_shape() {
    let out = logdoc()
        .args(["--format", "json", "-"])
        .write_stdin(PEP668)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    assert_eq!(v["source"], "<stdin>");
    assert_eq!(v["lines"], 5);
    let first = &v["findings"][0];
    assert_eq!(first["id"], "pep668-externally-managed");
    assert_eq!(first["severity"], "error");
    assert_eq!(first["category"], "build");
    assert_eq!(first["line"], 2);
    assert!(first["lines"]
        .as_array()
        .is_some_and(|l| l.contains(&2.into())));
    assert!(first["count"].as_u64().is_some_and(|c| c >= 1));
    assert!(first["captures"].is_object());
    for key in ["title", "summary", "fix", "references"] {
        assert!(!first[key].is_null(), "missing {key}");
    }
    assert!(v["unrecognized"].is_array());
    // The generic Docker line is explained by the specific finding and ranks after it.
    let ids: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap())
        .collect();
    if let Some(pos) = ids.iter().position(|id| *id == "docker-build-step-failed") {
        assert!(pos > 0, "{ids:?}");
    }
}

#[test]
fn json_has_one_object_per_input() {
    let (_d1, a) = write_temp("a.log", PEP668.as_bytes());
    let (_d2, b) = write_temp("b.log", CLEAN.as_bytes());
    let out = logdoc()
        .args(["--format", "json"])
        .arg(&a)
        .arg(&b)
        .output()
        .expect("runs");
    let stream = serde_json::Deserializer::from_slice(&out.stdout).into_iter::<serde_json::Value>();
    let objects: Vec<_> = stream.collect::<Result<_, _>>().expect("JSON stream");
    assert_eq!(objects.len(), 2);
    assert!(objects[1]["findings"].as_array().unwrap().is_empty());
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn github_format_emits_workflow_commands() {
    let (_d, path) = write_temp("build.log", PEP668.as_bytes());
    let out = logdoc()
        .args(["--format", "github"])
        .arg(&path)
        .output()
        .expect("runs");
    let text = String::from_utf8(out.stdout).unwrap();
    let first = text.lines().next().expect("a line");
    assert!(first.starts_with("::error file="), "{first}");
    assert!(first.contains(",line=2,title="), "{first}");
    assert!(first.contains("%0A"), "newlines escaped: {first}");
    assert!(text.lines().all(|l| l.starts_with("::")), "{text}");
}

#[test]
fn markdown_format_has_headings_and_a_fenced_snippet() {
    logdoc()
        .args(["--format", "markdown", "-"])
        .write_stdin(PEP668)
        .assert()
        .stdout(predicate::str::starts_with("# logdoc: `<stdin>`"))
        .stdout(predicate::str::contains("## 1. "))
        .stdout(predicate::str::contains("### Fix"))
        .stdout(predicate::str::contains("```\n"))
        .stdout(predicate::str::contains("--break-system-packages"));
}

#[test]
fn fail_on_controls_the_exit_code() {
    logdoc()
        .args(["--fail-on", "never", "-"])
        .write_stdin(PEP668)
        .assert()
        .code(0);
    logdoc()
        .args(["--fail-on", "warning", "-"])
        .write_stdin(CLEAN)
        .assert()
        .code(0);
}

#[test]
fn gzip_input_is_decompressed_including_every_member() {
    use flate2::{write::GzEncoder, Compression};
    let gz = |s: &str| {
        let mut e = GzEncoder::new(Vec::new(), Compression::default());
        e.write_all(s.as_bytes()).unwrap();
        e.finish().unwrap()
    };
    let mut bytes = gz(CLEAN);
    bytes.extend(gz(PEP668)); // a second member, as `cat a.gz b.gz` makes
    let (_d, path) = write_temp("build.log.gz", &bytes);
    let out = logdoc()
        .args(["--format", "json"])
        .arg(&path)
        .output()
        .expect("runs");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(v["lines"], 9);
    assert_eq!(v["findings"][0]["line"], 6);
}

#[test]
fn corrupt_gzip_is_an_input_error() {
    let (_d, path) = write_temp(
        "bad.gz",
        &[0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0xde, 0xad, 0xbe, 0xef],
    );
    logdoc()
        .arg(&path)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("gzip"));
}

#[test]
fn missing_file_and_directory_are_clear_errors() {
    logdoc()
        .arg("no/such/build.log")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no/such/build.log: no such file"));
    let dir = tempfile::tempdir().unwrap();
    logdoc()
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is a directory"));
}

#[test]
fn bad_signature_file_is_exit_2_naming_the_file() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/bad-signatures/bad-regex.toml");
    logdoc()
        .arg("--signatures")
        .arg(&dir)
        .arg("-")
        .write_stdin(CLEAN)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "bad-regex.toml:6: field `patterns[0]`: bad regex",
        ));
}

#[test]
fn user_signature_extends_the_set() {
    let sig = r#"
id = "widget-jammed"
title = "The widget jammed"
severity = "warning"
category = "runtime"
keywords = ["widget jammed"]
patterns = ['widget jammed at (?P<place>\w+)']
summary = "A widget jammed."
fix = "Unjam the widget at {place}."
prevention = "Oil it."
"#;
    let (_d, path) = write_temp("widget.toml", sig.as_bytes());
    let out = logdoc()
        .arg("--signatures")
        .arg(&path)
        .args(["--format", "json", "-"])
        .write_stdin("ok\nwidget jammed at gearbox\n")
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["findings"][0]["id"], "widget-jammed");
    assert_eq!(v["findings"][0]["fix"], "Unjam the widget at gearbox.");
    assert_eq!(
        out.status.code(),
        Some(0),
        "a warning does not fail by default"
    );
}

#[test]
fn signatures_list_show_and_check() {
    logdoc()
        .args(["signatures", "list"])
        .assert()
        .success()
        .stdout(predicate::str::contains("npm-ci-missing-lockfile"))
        .stdout(predicate::str::contains("builtin"));
    logdoc()
        .args(["signatures", "show", "cors-origin-mismatch"])
        .assert()
        .success()
        .stdout(predicate::str::contains("pattern:"));
    logdoc()
        .args(["signatures", "show", "nope"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no signature with id `nope`"));
    logdoc()
        .args(["signatures", "check"])
        .assert()
        .success()
        .stdout(predicate::str::contains("all pass"));
    let bad =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bad-signatures");
    logdoc()
        .args(["signatures", "check"])
        .arg(&bad)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("unknown-key.toml"))
        .stdout(predicate::str::contains("bad-regex.toml"))
        .stdout(predicate::str::contains("missing-field.toml"));
}

#[test]
fn completions_are_printed() {
    logdoc()
        .args(["completions", "bash"])
        .assert()
        .success()
        .stdout(predicate::str::contains("logdoc"));
}

#[test]
fn closed_stdout_exits_quietly() {
    let mut big = String::new();
    for _ in 0..2000 {
        big.push_str(PEP668);
    }
    let (_d, path) = write_temp("big.log", big.as_bytes());
    let mut child = std::process::Command::cargo_bin("logdoc")
        .unwrap()
        .arg(&path)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take()); // the reader went away, like `| head -0`
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.code().is_some_and(|c| c <= 1),
        "{:?}",
        out.status
    );
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn secrets_are_masked_unless_asked() {
    let log = "Error: migration failed for postgresql://app:Sup3rS3cret@db.internal:5432/app\n";
    for format in ["text", "json", "markdown", "github"] {
        let out = logdoc()
            .args(["--format", format, "-"])
            .write_stdin(log)
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            text.contains("postgresql://app:****@db.internal"),
            "{format}: {text}"
        );
        assert!(!text.contains("Sup3rS3cret"), "{format}: {text}");
    }
    let out = logdoc()
        .args(["--no-redact", "--format", "json", "-"])
        .write_stdin(log)
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("Sup3rS3cret"));
}

#[test]
fn empty_input_is_a_clean_report() {
    logdoc()
        .write_stdin("")
        .assert()
        .code(0)
        .stdout(predicate::str::contains("0 lines"));
}
