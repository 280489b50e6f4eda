//! The report-mode pipeline: an opened input → line reader → sanitiser → engine.

use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::diagnosis::{Diagnosis, Engine};
use crate::signature::SignatureSet;
use crate::source::{Input, LineReader, Sanitizer, SourceError, DEFAULT_MAX_LINE};

/// How to scan.
#[derive(Debug, Clone)]
pub struct ScanOptions {
    pub redact: bool,
    pub max_line: usize,
}

impl Default for ScanOptions {
    fn default() -> Self {
        ScanOptions {
            redact: true,
            max_line: DEFAULT_MAX_LINE,
        }
    }
}

/// The result of scanning one input.
#[derive(Debug, Clone)]
pub struct Scan {
    pub source: String,
    pub diagnosis: Diagnosis,
    pub bytes: u64,
    /// NUL bytes early in the input: a binary file (its text was scanned all the same).
    pub binary: bool,
    /// Lines longer than the cap, cut and flagged.
    pub truncated_lines: u64,
}

/// Bytes examined for NULs to call an input binary.
const BINARY_PROBE: u64 = 64 * 1024;

/// Scans `input` to its end. `progress(bytes, elapsed)` is called now and then once the scan
/// has taken longer than half a second.
pub fn scan(
    mut input: Input,
    set: Arc<SignatureSet>,
    options: &ScanOptions,
    mut progress: impl FnMut(u64, Duration),
) -> Result<Scan, SourceError> {
    let mut engine = Engine::new(set, options.redact);
    let mut sanitizer = Sanitizer::default();
    let reader = std::mem::replace(&mut input.reader, Box::new(std::io::empty()));
    let mut lines = LineReader::with_max_line(reader, options.max_line);
    let (mut bytes, mut binary, mut truncated_lines) = (0u64, false, 0u64);
    let started = Instant::now();
    let mut next_tick = 0u64;
    loop {
        let line = match lines.next_line() {
            Ok(Some(line)) => line,
            Ok(None) => break,
            Err(e) => return Err(input.read_error(e)),
        };
        if bytes < BINARY_PROBE && memchr::memchr(0, line.bytes).is_some() {
            binary = true;
        }
        bytes += line.bytes.len() as u64 + line.cut + 1;
        if line.cut > 0 {
            truncated_lines += 1;
        }
        engine.feed(sanitizer.sanitize(line.bytes).text);
        if engine.lines() >= next_tick {
            next_tick = engine.lines() + 65_536;
            let elapsed = started.elapsed();
            if elapsed > Duration::from_millis(500) {
                progress(bytes, elapsed);
            }
        }
    }
    Ok(Scan {
        source: input.name,
        diagnosis: engine.diagnosis(),
        bytes,
        binary,
        truncated_lines,
    })
}

/// Scans text held in memory (signature examples, tests).
pub fn scan_text(text: &str, set: Arc<SignatureSet>, redact: bool) -> Diagnosis {
    let mut engine = Engine::new(set, redact);
    let mut sanitizer = Sanitizer::default();
    for line in text.split('\n') {
        engine.feed(sanitizer.sanitize(line.as_bytes()).text);
    }
    engine.diagnosis()
}
