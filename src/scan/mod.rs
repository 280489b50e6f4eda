//! The report-mode scan: an opened input → blocks of lines → plans (which lines the engine
//! must see, `plan.rs`) → the engine, on one thread or several (`pipeline.rs`).

mod pipeline;
mod plan;

use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::diagnosis::{Diagnosis, Engine};
use crate::signature::SignatureSet;
use crate::source::{Input, LineReader, Sanitizer, SourceError, DEFAULT_MAX_LINE};
use plan::{Plan, Planner};

/// How to scan.
#[derive(Debug, Clone)]
pub struct ScanOptions {
    pub redact: bool,
    pub max_line: usize,
    /// Threads that plan blocks: 0 = one per available core (at most [`MAX_AUTO_THREADS`]),
    /// 1 = everything on the calling thread; never more than [`MAX_THREADS`].
    pub threads: usize,
    /// Read buffer in bytes: blocks of lines are about half of it to all of it.
    pub read_buffer: usize,
}

impl Default for ScanOptions {
    fn default() -> Self {
        ScanOptions {
            redact: true,
            max_line: DEFAULT_MAX_LINE,
            threads: 0,
            read_buffer: READ_BUFFER,
        }
    }
}

/// Most planning threads chosen on their own: beyond that the reading and the in-order
/// apply are the limit, and each thread holds two blocks in memory.
pub const MAX_AUTO_THREADS: usize = 4;
/// Most planning threads at all: each holds about 2 MB (its block and buffers), and the one
/// thread applying plans in order is the limit long before.
pub const MAX_THREADS: usize = 6;

impl ScanOptions {
    /// Planning threads this scan uses.
    pub fn planning_threads(&self) -> usize {
        match self.threads {
            0 => std::thread::available_parallelism()
                .map_or(1, |n| n.get())
                .min(MAX_AUTO_THREADS),
            n => n.min(MAX_THREADS),
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
/// Default read buffer: large reads make large blocks, and few calls per megabyte.
pub const READ_BUFFER: usize = 1 << 20;
/// Bytes between two calls of the progress callback.
const PROGRESS_EVERY: u64 = 16 << 20;

/// What the reader counted.
#[derive(Debug, Default)]
struct Totals {
    bytes: u64,
    binary: bool,
}

impl Totals {
    /// Counts one block as [`LineReader::next_block`] gave it.
    fn count(&mut self, block: &[u8], cut: u64) {
        if self.bytes < BINARY_PROBE && memchr::memchr(0, block).is_some() {
            self.binary = true;
        }
        self.bytes += block.len() as u64;
        if cut > 0 {
            // One over-long line, already cut to the cap, and its newline.
            self.bytes += cut + 1;
        }
    }
}

/// Calls `progress(bytes, elapsed)` now and then, once the scan has taken half a second.
struct Ticker<F> {
    progress: F,
    started: Instant,
    bytes: u64,
    next: u64,
}

impl<F: FnMut(u64, Duration)> Ticker<F> {
    fn new(progress: F) -> Self {
        Ticker {
            progress,
            started: Instant::now(),
            bytes: 0,
            next: 0,
        }
    }

    fn advance(&mut self, bytes: u64) {
        self.bytes += bytes;
        if self.bytes >= self.next {
            self.next = self.bytes + PROGRESS_EVERY;
            let elapsed = self.started.elapsed();
            if elapsed > Duration::from_millis(500) {
                (self.progress)(self.bytes, elapsed);
            }
        }
    }
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
    progress: impl FnMut(u64, Duration),
) -> Result<(Scan, Option<SourceError>), SourceError> {
    let mut engine = Engine::new(set, options.redact);
    let reader = std::mem::replace(&mut input.reader, Box::new(std::io::empty()));
    let lines = LineReader::with_capacity(reader, options.max_line, options.read_buffer);
    let mut ticker = Ticker::new(progress);
    let mut truncated_lines = 0;
    let applied = |bytes, truncated| {
        ticker.advance(bytes);
        truncated_lines += truncated;
    };
    let (totals, error) = match options.planning_threads() {
        0 | 1 => scan_here(lines, &mut engine, options.max_line, applied),
        n => pipeline::run(lines, &mut engine, n, options.max_line, applied),
    };
    let error = match error {
        Some(e) if totals.bytes == 0 => return Err(input.read_error(e)),
        Some(e) => Some(input.read_error(e)),
        None => None,
    };
    let scan = Scan {
        source: input.name,
        diagnosis: engine.diagnosis(),
        bytes: totals.bytes,
        binary: totals.binary,
        truncated_lines,
    };
    Ok((scan, error))
}

/// The scan on the calling thread alone: read a block, plan it, apply it.
fn scan_here<R: std::io::Read>(
    mut lines: LineReader<R>,
    engine: &mut Engine,
    max_line: usize,
    mut applied: impl FnMut(u64, u64),
) -> (Totals, Option<std::io::Error>) {
    let mut totals = Totals::default();
    let mut planner = Planner::new(Arc::clone(engine.matcher()));
    let mut plan = Plan::default();
    loop {
        let block = match lines.next_block() {
            Ok(Some(block)) => block,
            Ok(None) => return (totals, None),
            Err(e) => return (totals, Some(e)),
        };
        let before = totals.bytes;
        totals.count(block.bytes, block.cut);
        if block.cut > 0 {
            planner.plan_cut(block.bytes, &mut plan);
        } else {
            planner.plan(block.bytes, max_line, &mut plan);
        }
        plan.apply(engine);
        applied(totals.bytes - before, plan.truncated);
    }
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
