//! Bad input and a bad environment (issue #6): each gets a clear one-line message and the
//! documented exit status (0 nothing found, 1 a finding, 2 an input error), never a panic.
//! `tests/cli.rs` covers the plain missing file, the directory, a corrupt gzip file, two gzip
//! members and a closed stdout; this file covers the rest.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command as StdCommand, Output, Stdio};

use assert_cmd::cargo::CommandCargoExt;
use assert_cmd::Command;
use flate2::{write::GzEncoder, Compression};

const FAILURE: &str = "#9 0.412 error: externally-managed-environment\n";

fn logdoc() -> Command {
    let mut cmd = Command::cargo_bin("logdoc").expect("binary built");
    cmd.env_remove("NO_COLOR");
    cmd
}

fn bin() -> PathBuf {
    StdCommand::cargo_bin("logdoc")
        .expect("binary built")
        .get_program()
        .into()
}

fn temp_file(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write temp file");
    path
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut e = GzEncoder::new(Vec::new(), Compression::fast());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Exit `code`, and stderr is exactly one `logdoc: …` line holding `needle` (no panic, no
/// backtrace, no repeated cause).
fn assert_one_line_error(out: &Output, code: i32, needle: &str) {
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(code), "stderr: {err}");
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 1, "one line: {err}");
    assert!(lines[0].starts_with("logdoc: "), "{err}");
    assert!(lines[0].contains(needle), "{needle:?} not in {err}");
    assert!(!err.contains("panicked"), "{err}");
}

fn big_log() -> String {
    let mut log = String::new();
    for i in 0..20_000 {
        log.push_str(&format!("#8 {i}.1 step output line {i}\n"));
        if i % 50 == 0 {
            log.push_str(FAILURE);
            log.push_str(&format!("fatal: unknown failure number {i}\n"));
        }
    }
    log
}

#[test]
fn unreadable_file_is_an_input_error() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = temp_file(dir.path(), "secret.log", FAILURE.as_bytes());
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o000)).unwrap();
    if std::fs::File::open(&path).is_ok() {
        eprintln!("skipped: this user (root?) reads a file with mode 000 anyway");
        return;
    }
    let out = logdoc().arg(&path).output().unwrap();
    assert_one_line_error(&out, 2, "secret.log: cannot read: Permission denied");
    assert!(out.stdout.is_empty());
}

#[test]
fn one_bad_input_among_good_ones_still_reports_the_good_ones() {
    let dir = tempfile::tempdir().unwrap();
    let good = temp_file(dir.path(), "good.log", FAILURE.as_bytes());
    let out = logdoc()
        .args(["--format", "json"])
        .arg(dir.path().join("missing.log"))
        .arg(&good)
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "an input failed: {}",
        stderr(&out)
    );
    let err = stderr(&out);
    assert!(err.contains("missing.log: no such file"), "{err}");
    assert!(err.contains("is a directory"), "{err}");
    assert_eq!(err.lines().count(), 2, "{err}");
    let v: serde_json::Value =
        serde_json::from_slice(&out.stdout).expect("the good input's report");
    assert_eq!(v["findings"][0]["id"], "pep668-externally-managed");
}

#[test]
fn empty_input_says_so_and_exits_0() {
    let dir = tempfile::tempdir().unwrap();
    let empty = temp_file(dir.path(), "empty.log", b"");
    for args in [
        vec![empty.to_str().unwrap().to_string()],
        vec!["-".to_string()],
    ] {
        let out = logdoc().args(&args).write_stdin("").output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(text.contains("0 lines"), "{text}");
        assert!(text.contains("the input is empty"), "{text}");
    }
    let out = logdoc().arg("/dev/null").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn binary_file_is_noted_and_its_text_still_scanned() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x03\0>\0\x01\0\0\0".to_vec();
    bytes.extend((0..=255u8).cycle().take(20_000));
    bytes.push(b'\n');
    bytes.extend_from_slice(FAILURE.as_bytes());
    bytes.extend((0..=255u8).rev().cycle().take(20_000));
    let path = temp_file(dir.path(), "a.out", &bytes);
    for format in ["text", "json", "markdown"] {
        let out = logdoc()
            .args(["--format", format])
            .arg(&path)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{format}: {}", stderr(&out));
        let text = String::from_utf8(out.stdout).expect("the report is UTF-8");
        assert!(text.contains("looks binary"), "{format}: {text}");
        assert!(
            text.contains("pep668-externally-managed"),
            "{format}: {text}"
        );
    }
}

#[test]
fn truncated_gzip_reports_what_was_read_then_fails() {
    let dir = tempfile::tempdir().unwrap();
    let whole = gzip(big_log().as_bytes());
    let path = temp_file(dir.path(), "build.log.gz", &whole[..whole.len() / 2]);
    let out = logdoc()
        .args(["--format", "json"])
        .arg(&path)
        .output()
        .unwrap();
    assert_one_line_error(&out, 2, "build.log.gz: corrupt or truncated gzip data");
    assert!(
        stderr(&out).contains("the report covers the"),
        "{}",
        stderr(&out)
    );
    let v: serde_json::Value =
        serde_json::from_slice(&out.stdout).expect("a report of what was read");
    assert!(v["lines"].as_u64().unwrap() > 1000, "{}", v["lines"]);
    assert_eq!(v["findings"][0]["id"], "pep668-externally-managed");
}

#[test]
fn corrupt_or_headless_gzip_is_one_clear_line() {
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes) in [
        ("magic-only.gz", vec![0x1f, 0x8b]),
        ("header-only.gz", gzip(b"x")[..10].to_vec()),
        ("bad-crc.gz", {
            let mut g = gzip(FAILURE.as_bytes());
            let n = g.len();
            g[n - 8] ^= 0xff; // the CRC32 of the trailer
            g
        }),
    ] {
        let path = temp_file(dir.path(), name, &bytes);
        let out = logdoc().arg(&path).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{name}: {}", stderr(&out));
        let err = stderr(&out);
        assert!(
            err.lines().any(|l| l.contains(name) && l.contains("gzip")),
            "{name}: {err}"
        );
        assert!(!err.contains("panicked"), "{name}: {err}");
        // No cause repeated: `… data: unexpected end of file: unexpected end of file`.
        for line in err.lines() {
            let parts: Vec<&str> = line.split(": ").collect();
            assert!(
                parts.windows(2).all(|w| w[0] != w[1]),
                "{name}: repeated cause in {line}"
            );
        }
    }
}

#[test]
fn gzip_on_stdin_with_every_member_and_an_empty_one() {
    let mut bytes = gzip(b"first member\n");
    bytes.extend(gzip(b""));
    bytes.extend(gzip(FAILURE.as_bytes()));
    let out = logdoc()
        .args(["--format", "json", "-"])
        .write_stdin(bytes)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["lines"], 2);
    assert_eq!(v["findings"][0]["line"], 2);
}

#[test]
fn stdin_closed_early_reports_what_arrived() {
    let mut child = StdCommand::new(bin())
        .args(["--format", "json"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    // The writer dies in the middle of a line.
    stdin
        .write_all(b"#9 [production 4/9] RUN pip3 install x\n#9 0.412 error: externally-managed-environment\n#9 0.5 half a li")
        .unwrap();
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["lines"], 3, "the cut-off last line counts");
    assert_eq!(v["findings"][0]["line"], 2);

    // A closed standard input (`logdoc <&-`) is an empty input, not a crash.
    let out = StdCommand::new("sh")
        .arg("-c")
        .arg(r#""$0" --report <&-"#)
        .arg(bin())
        .output()
        .unwrap();
    assert!(
        matches!(out.status.code(), Some(0 | 2)),
        "{:?}: {}",
        out.status,
        stderr(&out)
    );
    assert!(!stderr(&out).contains("panicked"), "{}", stderr(&out));
}

/// `logdoc … | head -1`, in every format and subcommand: quiet, status 0 or 1, not 101.
#[test]
fn output_closed_early_exits_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let path = temp_file(dir.path(), "big.log", big_log().as_bytes());
    let path = path.to_str().unwrap();
    let runs: &[&[&str]] = &[
        &["--report", path],
        &["--format", "json", path],
        &["--format", "markdown", path],
        &["--format", "github", path],
        &["signatures", "list"],
        &["signatures", "check"],
        &["signatures", "show", "secret-in-log"],
        &["completions", "bash"],
    ];
    for args in runs {
        let mut child = StdCommand::new(bin())
            .args(*args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdout = child.stdout.take().unwrap();
        let mut first = [0u8; 1];
        // Read a little (as `head -1` does), then go away.
        let _ = stdout.read(&mut first);
        drop(stdout);
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.code().is_some_and(|c| c <= 1),
            "{args:?}: {:?} {}",
            out.status,
            stderr(&out)
        );
        assert!(out.stderr.is_empty(), "{args:?}: {}", stderr(&out));
    }
}

#[test]
fn a_full_disk_or_closed_stderr_is_no_panic() {
    let dir = tempfile::tempdir().unwrap();
    let path = temp_file(dir.path(), "build.log", FAILURE.as_bytes());
    if Path::new("/dev/full").exists() {
        let out = StdCommand::new(bin())
            .arg(&path)
            .stdout(
                std::fs::OpenOptions::new()
                    .write(true)
                    .open("/dev/full")
                    .unwrap(),
            )
            .output()
            .unwrap();
        assert_one_line_error(&out, 2, "writing the report: No space left on device");
    }
    // stderr a pipe whose reader is gone: the error message cannot be written, but logdoc
    // still exits 2 rather than panicking (101).
    let mut child = StdCommand::new(bin())
        .arg(dir.path().join("missing.log"))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stderr.take());
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(2));
}

/// With `TERM=dumb`, no `TERM` at all, or no controlling terminal, the report still prints.
#[test]
fn no_terminal_and_dumb_terminal_print_the_report() {
    let dir = tempfile::tempdir().unwrap();
    let path = temp_file(dir.path(), "build.log", FAILURE.as_bytes());
    let mut cases: Vec<(&str, StdCommand)> = Vec::new();
    let mut dumb = StdCommand::new(bin());
    dumb.env("TERM", "dumb").arg(&path);
    cases.push(("TERM=dumb", dumb));
    let mut unset = StdCommand::new(bin());
    unset.env_remove("TERM").arg(&path);
    cases.push(("no TERM", unset));
    let mut piped = StdCommand::new(bin());
    piped.env("TERM", "dumb").arg("-");
    cases.push(("TERM=dumb, log on stdin", piped));
    if Path::new("/usr/bin/setsid").exists() {
        // A new session has no controlling terminal: /dev/tty cannot be opened.
        let mut detached = StdCommand::new("/usr/bin/setsid");
        detached.arg("-w").arg(bin()).arg(&path);
        cases.push(("no controlling terminal", detached));
    }
    for (name, mut cmd) in cases {
        let mut child = cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(FAILURE.as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{name}: {}", stderr(&out));
        let text = String::from_utf8(out.stdout.clone()).unwrap();
        assert!(text.contains("pep668-externally-managed"), "{name}: {text}");
        assert!(
            !text.contains('\x1b'),
            "{name}: escape sequences on a pipe: {text:?}"
        );
        assert!(
            !stderr(&out).contains("panicked"),
            "{name}: {}",
            stderr(&out)
        );
    }
}
