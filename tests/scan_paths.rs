//! The report-mode scan skips most lines without showing them to the engine, and plans blocks
//! on several threads. Both must change nothing: over every log in the repository and over
//! generated ones, the diagnosis is exactly the one of feeding every line, sanitised, to the
//! engine in order.

mod support;

use std::io::Cursor;
use std::path::{Path, PathBuf};

use logdoc::diagnosis::Engine;
use logdoc::scan::{scan, ScanOptions};
use logdoc::source::{Input, LineReader, Sanitizer};
use proptest::prelude::*;
use support::{builtin, Trickle};

/// The reference: every line read, sanitised and fed, one by one.
fn line_by_line(log: &[u8], max_line: usize) -> String {
    let mut engine = Engine::new(builtin(), true);
    let mut sanitizer = Sanitizer::default();
    let mut lines = LineReader::with_max_line(Cursor::new(log), max_line);
    while let Some(line) = lines.next_line().expect("in memory") {
        engine.feed(sanitizer.sanitize(line.bytes).text);
    }
    format!("{:#?}", engine.diagnosis())
}

/// The report-mode scan with `threads` planning threads, reading `chunk` bytes at a time into
/// a buffer of `chunk` bytes (so blocks are small and many).
fn scanned(log: &[u8], max_line: usize, threads: usize, chunk: usize) -> String {
    let input = Input {
        name: "log".into(),
        gzip: false,
        reader: Box::new(Trickle {
            data: log.to_vec(),
            at: 0,
            chunk,
        }),
    };
    let options = ScanOptions {
        redact: true,
        max_line,
        threads,
        read_buffer: chunk,
    };
    let scan = scan(input, builtin(), &options, |_, _| {}).expect("in memory");
    format!("{:#?}", scan.diagnosis)
}

fn check(name: &str, log: &[u8], max_line: usize) {
    let want = line_by_line(log, max_line);
    for (threads, chunk) in [(1, 1 << 20), (1, 4096), (3, 4096), (2, 5000)] {
        let got = scanned(log, max_line, threads, chunk);
        assert!(
            got == want,
            "{name}: {threads} thread(s), reads of {chunk} bytes: the scan differs from feeding \
             every line\n--- scan\n{got}\n--- line by line\n{want}"
        );
    }
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            files(&path, out);
        } else {
            out.push(path);
        }
    }
}

#[test]
fn every_log_in_the_repository_gives_the_same_diagnosis() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut paths = Vec::new();
    for dir in [
        "sample-logs",
        "tests/corpus",
        "tests/fixtures",
        "tests/golden",
    ] {
        files(&root.join(dir), &mut paths);
    }
    let logs: Vec<PathBuf> = paths
        .into_iter()
        .filter(|p| {
            !matches!(
                p.extension().and_then(|e| e.to_str()),
                Some("gz" | "toml" | "md" | "py" | "snap")
            )
        })
        .collect();
    assert!(logs.len() > 250, "only {} logs found", logs.len());
    let mut all = Vec::new();
    for path in &logs {
        let log = std::fs::read(path).expect("readable");
        check(&path.display().to_string(), &log, 1 << 20);
        all.extend_from_slice(&log);
        all.push(b'\n');
    }
    // Past the size at which the scan tunes its literal search to the input.
    assert!(all.len() > 256 * 1024, "{} bytes", all.len());
    check("every log, one after the other", &all, 1 << 20);
}

/// Lines of every kind the skipping has to get right: build-step headers and the error
/// summary, JSON lines whose message (or level) holds what the raw line does not, literals
/// split by colour codes, tabs, carriage returns, wrappers, over-long lines, bad bytes.
const PIECES: &[&str] = &[
    "#7 [builder 3/6] RUN npm ci",
    "#7 12.3 added 612 packages in 3s",
    "#7 ERROR: process \"/bin/sh -c npm ci\" did not complete successfully: exit code: 1",
    "------",
    " > [builder 3/6] RUN npm ci:",
    "Step 5/12 : RUN pip install -r requirements.txt",
    "[1/2] STEP 3/9: RUN make",
    "2025-12-18T12:14:03.123Z #9 [production 4/9] RUN pip3 install pyswisseph",
    "#9 0.412 error: externally-managed-environment",
    "api-1  | {\"level\":50,\"time\":1,\"msg\":\"db down\"}",
    "{\"level\":50,\"msg\":\"Error: bad\",\"err\":{\"message\":\"auth failed\"}}",
    "{\"log\":\"npm ERR! code ENOENT\\n\",\"stream\":\"stderr\"}",
    "{\"log\":\"\\u001b[31merr\\u001b[0mor TS2305: x\\n\"}",
    "{\"level\":30,\"msg\":\"listening on 3000\"}",
    "{\"level\":40,\"msg\":\"slow query\"}",
    "{\"level\":\"warn\",\"msg\":\"disk almost full\"}",
    "{\"level\":30,\"level\":60,\"msg\":\"the last level counts\"}",
    "{\"msg\":\"port 3000 busy in\",\"err\":\"use by another process\"}",
    "{\"level\":\"info\",\"msg\":\"ok\",\"req\":{\"level\":\"debug\"}}",
    "web-1  | {\"log\":\"Killed\\n\"}",
    "{\"log\":\"Error: P1001: Can't reach database server at `db`:`5432`\\r\\n\",\"stream\":\"stderr\"}",
    "{\"log\":\"Step 5/12 : RUN npm ci\\n\",\"stream\":\"stdout\",\"time\":\"2025-12-18T12:14:03Z\"}",
    "{\"msg\":\"cannot connect to database\\n\"}",
    "\x1b[31merr\x1b[0mor: Cannot find module 'express'",
    "\x1b[32m✓\x1b[39m built in 3.2s",
    "npm\tERR!\tcode\tELIFECYCLE",
    "xxxxxin\tuse",
    "Collecting pyswisseph",
    "  error: command 'gcc' failed: No such file or directory",
    "Downloading 10%\r\x1b[2KDownloading 100%",
    "progress\r",
    "postgresql://admin:hunter2@db:5432/app",
    "FATAL: the frobnicator exploded",
    "at Object.<anonymous> (/app/index.js:3:9)",
    "bad \u{fffd} bytes",
    "Error: P1001: Can't reach database server at `db`:`5432`",
    "Access to fetch at 'https://api.x.dev/' from origin 'https://x.dev' has been blocked by CORS policy",
];

fn line() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        6 => proptest::sample::select(PIECES).prop_map(|s| s.as_bytes().to_vec()),
        1 => proptest::collection::vec(any::<u8>().prop_filter("no newline", |b| *b != b'\n'), 0..40),
        1 => (proptest::sample::select(PIECES), 0usize..40, proptest::sample::select(&["\x1b[0m", "\t", "\r", "\x1b]0;t\x07", "\u{9b}"][..]))
            .prop_map(|(s, at, insert)| {
                let at = at.min(s.len());
                let mut v = s.as_bytes()[..at].to_vec();
                v.extend_from_slice(insert.as_bytes());
                v.extend_from_slice(&s.as_bytes()[at..]);
                v
            }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn generated_logs_give_the_same_diagnosis(
        lines in proptest::collection::vec(line(), 0..60),
        crlf in any::<bool>(),
        max_line in prop_oneof![Just(1usize << 20), 20usize..120],
    ) {
        let mut log = Vec::new();
        for l in &lines {
            log.extend_from_slice(l);
            log.extend_from_slice(if crlf { b"\r\n" } else { b"\n" });
        }
        let want = line_by_line(&log, max_line);
        for (threads, chunk) in [(1, 1 << 20), (2, 4096)] {
            let got = scanned(&log, max_line, threads, chunk);
            prop_assert!(got == want, "{} thread(s): \n--- scan\n{}\n--- line by line\n{}", threads, got, want);
        }
    }
}
