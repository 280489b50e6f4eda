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
/// Read buffer: large reads make large blocks, and few calls per megabyte.
const READ_BUFFER: usize = 1 << 20;

/// Feeds blocks of lines to the engine, taking the fast path for *quiet* lines.
///
/// One literal search runs over the whole (ASCII-lowercased) block instead of one per line. A
/// line that holds no literal of the matcher, no control byte (which the sanitiser would have
/// to interpret, and which could split a keyword) and is valid UTF-8 cannot match anything or
/// look like a failure: it only counts, and is shown to the normaliser for build-step tracking.
/// Every other line takes the full path: sanitise, normalise, match.
#[derive(Default)]
struct BlockScan {
    sanitizer: Sanitizer,
    lower: Vec<u8>,
    starts: Vec<usize>,
    truncated: u64,
}

impl BlockScan {
    fn feed(&mut self, engine: &mut Engine, block: &[u8], max_line: usize) {
        self.lower.clear();
        self.lower.extend(block.iter().map(u8::to_ascii_lowercase));
        let text_block = std::str::from_utf8(block).ok();
        engine
            .matcher()
            .literal_starts(&self.lower, &mut self.starts);
        let mut hits = self.starts.iter().copied().peekable();
        let mut special = next_special(block, 0);
        let mut start = 0;
        while start < block.len() {
            let end = memchr::memchr(b'\n', &block[start..]).map_or(block.len(), |i| start + i);
            let mut line = &block[start..end];
            while hits.next_if(|&h| h < start).is_some() {}
            let has_literal = hits.peek().is_some_and(|&h| h < end);
            if special < start {
                special = next_special(block, start);
            }
            let mut full = has_literal || special < end || line.first() == Some(&b'{');
            if line.len() > max_line {
                line = &line[..max_line];
                self.truncated += 1;
                full = true;
            }
            let quiet = match (full, text_block) {
                (true, _) => None,
                // Newlines are ASCII, so a line of a valid block is a valid slice of it.
                (false, Some(text)) => text.get(start..end),
                (false, None) => std::str::from_utf8(line).ok(),
            };
            match quiet {
                Some(text) => engine.feed_quiet(text),
                None => {
                    engine.feed(self.sanitizer.sanitize(line).text);
                }
            }
            start = end + 1;
        }
    }
}

/// Bytes the sanitiser must interpret: C0 controls but tab and newline, DEL, and the lead
/// byte of C1 controls encoded in UTF-8.
fn is_special(b: u8) -> bool {
    (b < 0x20 && b != b'\n' && b != b'\t') || b == 0x7f || b == 0xc2
}

/// Position of the first special byte at or after `from`, or `block.len()`.
fn next_special(block: &[u8], from: usize) -> usize {
    let mut i = from;
    while i < block.len() {
        let end = (i + 64).min(block.len());
        let chunk = &block[i..end];
        // Branch-free over the chunk, so it vectorises; the exact place only when needed.
        if chunk.iter().fold(false, |acc, &b| acc | is_special(b)) {
            return i + chunk.iter().position(|&b| is_special(b)).unwrap_or(0);
        }
        i = end;
    }
    block.len()
}

/// Scans `input` to its end. `progress(bytes, elapsed)` is called now and then once the scan
/// has taken longer than half a second. A read error (truncated gzip data, an I/O error)
/// fails the scan; [`scan_partial`] keeps what was read before it.
pub fn scan(
    input: Input,
    set: Arc<SignatureSet>,
    options: &ScanOptions,
    progress: impl FnMut(u64, Duration),
) -> Result<Scan, SourceError> {
    match scan_partial(input, set, options, progress)? {
        (scan, None) => Ok(scan),
        (_, Some(error)) => Err(error),
    }
}

/// Like [`scan`], but a read error after some of the input was read ends the scan instead
/// of failing it: returns the scan of what was read before the error, and the error (a
/// truncated `.gz` still gets its report). An error before anything was read is an `Err`.
pub fn scan_partial(
    mut input: Input,
    set: Arc<SignatureSet>,
    options: &ScanOptions,
    mut progress: impl FnMut(u64, Duration),
) -> Result<(Scan, Option<SourceError>), SourceError> {
    let mut engine = Engine::new(set, options.redact);
    let mut block_scan = BlockScan::default();
    let reader = std::mem::replace(&mut input.reader, Box::new(std::io::empty()));
    let mut lines = LineReader::with_capacity(reader, options.max_line, READ_BUFFER);
    let (mut bytes, mut binary) = (0u64, false);
    let started = Instant::now();
    let mut next_tick = 0u64;
    let mut error = None;
    loop {
        let block = match lines.next_block() {
            Ok(Some(block)) => block,
            Ok(None) => break,
            Err(e) if bytes == 0 => return Err(input.read_error(e)),
            Err(e) => {
                error = Some(input.read_error(e));
                break;
            }
        };
        if bytes < BINARY_PROBE && memchr::memchr(0, block.bytes).is_some() {
            binary = true;
        }
        bytes += block.bytes.len() as u64;
        if block.cut > 0 {
            // One over-long line, already cut to the cap.
            bytes += block.cut + 1;
            block_scan.truncated += 1;
            engine.feed(block_scan.sanitizer.sanitize(block.bytes).text);
        } else {
            block_scan.feed(&mut engine, block.bytes, options.max_line);
        }
        if bytes >= next_tick {
            next_tick = bytes + (16 << 20);
            let elapsed = started.elapsed();
            if elapsed > Duration::from_millis(500) {
                progress(bytes, elapsed);
            }
        }
    }
    let truncated_lines = block_scan.truncated;
    let scan = Scan {
        source: input.name,
        diagnosis: engine.diagnosis(),
        bytes,
        binary,
        truncated_lines,
    };
    Ok((scan, error))
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
