//! The threads behind the view: they read, scan, and send notifications; they never draw.
//!
//! ```text
//!  input ──► reader thread ──chunks──► scanner thread ──Msg::Lines / Diagnosis / Source──► UI
//!  (stdin,   (blocking reads,          (LineReader → Ingest: sanitise,
//!   file,     whatever is there)         engine, batch; flushes when the
//!   follow)                              input goes quiet or every 16 ms)
//!  /dev/tty ─► key thread ──Msg::Term──► UI          signals ─► signal thread ──Msg::Signal──► UI
//! ```
//!
//! Reading and scanning are split so the scanner can tell when the input has nothing more
//! for now: then it hands its batch to the UI at once, so a slow stream shows each line as
//! it arrives while a fast one is sent in large batches. Errors (a broken pipe, a gzip
//! stream cut short, a panic in the engine) are sent to the UI as [`SourceEvent::Failed`].

use std::cell::Cell;
use std::io::{self, Read};
use std::panic::{self, AssertUnwindSafe};
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, SyncSender, TryRecvError};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use super::ingest::Ingest;
use super::store::LineStore;
use super::terminal;
use crate::diagnosis::Diagnosis;
use crate::signature::SignatureSet;
use crate::source::{FollowEvent, Input, LineReader, DEFAULT_MAX_LINE};

/// A notification to the UI thread.
pub enum Msg {
    /// A terminal event: key, mouse, resize.
    Term(crossterm::event::Event),
    /// Reading keys from the terminal failed; the view cannot go on.
    TermFailed(String),
    /// New lines, in order.
    Lines(LineStore),
    /// The diagnosis of everything read so far.
    Diagnosis(Box<Diagnosis>),
    Source(SourceEvent),
    /// SIGTERM, SIGHUP, SIGINT or SIGQUIT arrived.
    Signal(i32),
}

/// What happened to the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceEvent {
    /// The input ended normally.
    Ended,
    /// Reading or scanning failed; the message says why.
    Failed(String),
    Follow(FollowEvent),
}

/// An input to read on the reader thread.
pub enum Pending {
    /// Already open.
    Open(Input),
    /// Standard input, opened on the reader thread (opening waits for the first bytes).
    Stdin,
}

/// Chunks from the reader thread to the scanner.
enum Chunk {
    Data(Vec<u8>),
    End,
    Failed(String),
}

const CHUNK: usize = 256 * 1024;
/// Most lines per batch, and longest time a batch waits while the input keeps coming.
const BATCH_LINES: usize = 8192;
const BATCH_AGE: Duration = Duration::from_millis(16);
/// Least time between two diagnoses while lines keep coming fast, and while idle.
const SNAPSHOT_BUSY: Duration = Duration::from_millis(250);
const SNAPSHOT_IDLE: Duration = Duration::from_millis(60);

/// Starts the reader and scanner threads.
pub fn spawn_input(
    pending: Pending,
    set: Arc<SignatureSet>,
    redact: bool,
    tx: SyncSender<Msg>,
) -> io::Result<()> {
    let (chunk_tx, chunk_rx) = mpsc::sync_channel::<Chunk>(8);
    let ui = tx.clone();
    thread::Builder::new()
        .name("logdoc-reader".into())
        .spawn(move || {
            terminal::quiet_panics_on_this_thread();
            let result = panic::catch_unwind(AssertUnwindSafe(|| read_chunks(pending, &chunk_tx)));
            if let Err(payload) = result {
                let _ = chunk_tx.send(Chunk::Failed(format!(
                    "internal error in the reader: {}",
                    panic_message(&payload)
                )));
            }
            drop(ui);
        })?;
    thread::Builder::new()
        .name("logdoc-scanner".into())
        .spawn(move || {
            terminal::quiet_panics_on_this_thread();
            let result =
                panic::catch_unwind(AssertUnwindSafe(|| scan_chunks(chunk_rx, set, redact, &tx)));
            if let Err(payload) = result {
                let _ = tx.send(Msg::Source(SourceEvent::Failed(format!(
                    "internal error in the scanner: {}",
                    panic_message(&payload)
                ))));
            }
        })?;
    Ok(())
}

fn panic_message(payload: &Box<dyn std::any::Any + Send>) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "panic".to_string())
}

fn read_chunks(pending: Pending, tx: &SyncSender<Chunk>) {
    let mut input = match pending {
        Pending::Open(input) => input,
        Pending::Stdin => match crate::source::open(&crate::source::InputSpec::Stdin) {
            Ok(input) => input,
            Err(e) => {
                let _ = tx.send(Chunk::Failed(e.to_string()));
                return;
            }
        },
    };
    loop {
        let mut buf = vec![0u8; CHUNK];
        match input.reader.read(&mut buf) {
            Ok(0) => {
                let _ = tx.send(Chunk::End);
                return;
            }
            Ok(n) => {
                buf.truncate(n);
                if tx.send(Chunk::Data(buf)).is_err() {
                    return;
                }
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => {
                let _ = tx.send(Chunk::Failed(input.read_error(e).to_string()));
                return;
            }
        }
    }
}

/// How the next read of a [`ChannelReader`] with nothing buffered behaves.
#[derive(Debug, Clone, Copy)]
enum Wait {
    /// Say `WouldBlock` at once.
    No,
    /// Wait until then, then say `WouldBlock`.
    Until(Instant),
    Forever,
}

/// The scanner's view of the reader's chunks: a `Read` that says `WouldBlock` when nothing
/// is there, unless told to wait.
struct ChannelReader {
    rx: Receiver<Chunk>,
    chunk: Vec<u8>,
    pos: usize,
    wait: Rc<Cell<Wait>>,
    done: Option<Result<(), String>>,
}

impl Read for ChannelReader {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        while self.pos >= self.chunk.len() {
            match &self.done {
                Some(Ok(())) => return Ok(0),
                Some(Err(e)) => return Err(io::Error::other(e.clone())),
                None => {}
            }
            let next = match self.wait.replace(Wait::No) {
                Wait::No => match self.rx.try_recv() {
                    Ok(c) => c,
                    Err(TryRecvError::Empty) => return Err(io::ErrorKind::WouldBlock.into()),
                    Err(TryRecvError::Disconnected) => Chunk::End,
                },
                Wait::Until(t) => match self
                    .rx
                    .recv_timeout(t.saturating_duration_since(Instant::now()))
                {
                    Ok(c) => c,
                    Err(RecvTimeoutError::Timeout) => return Err(io::ErrorKind::WouldBlock.into()),
                    Err(RecvTimeoutError::Disconnected) => Chunk::End,
                },
                Wait::Forever => self.rx.recv().unwrap_or(Chunk::End),
            };
            match next {
                Chunk::Data(c) => {
                    self.chunk = c;
                    self.pos = 0;
                }
                Chunk::End => self.done = Some(Ok(())),
                Chunk::Failed(e) => self.done = Some(Err(e)),
            }
        }
        let n = out.len().min(self.chunk.len() - self.pos);
        out[..n].copy_from_slice(&self.chunk[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

/// The scanner's state between flushes.
struct Scanner<'a> {
    ingest: Ingest,
    tx: &'a SyncSender<Msg>,
    last_flush: Instant,
    last_snapshot: Instant,
    closed: bool,
}

impl Scanner<'_> {
    fn send(&mut self, msg: Msg) {
        if !self.closed && self.tx.send(msg).is_err() {
            self.closed = true;
        }
    }

    fn flush_lines(&mut self) {
        if self.ingest.batch_len() > 0 {
            let batch = self.ingest.take_batch();
            self.send(Msg::Lines(batch));
        }
        self.last_flush = Instant::now();
    }

    fn snapshot(&mut self) {
        let diagnosis = self.ingest.snapshot();
        self.send(Msg::Diagnosis(Box::new(diagnosis)));
        self.last_snapshot = Instant::now();
    }
}

fn scan_chunks(rx: Receiver<Chunk>, set: Arc<SignatureSet>, redact: bool, tx: &SyncSender<Msg>) {
    let wait = Rc::new(Cell::new(Wait::No));
    let reader = ChannelReader {
        rx,
        chunk: Vec::new(),
        pos: 0,
        wait: Rc::clone(&wait),
        done: None,
    };
    let mut lines = LineReader::with_max_line(reader, DEFAULT_MAX_LINE);
    let now = Instant::now();
    let mut s = Scanner {
        ingest: Ingest::new(set, redact),
        tx,
        last_flush: now,
        last_snapshot: now,
        closed: false,
    };
    let mut since_check = 0u32;
    while !s.closed {
        match lines.next_line() {
            Ok(Some(line)) => {
                s.ingest.push(line);
                since_check += 1;
                if since_check >= 64 || s.ingest.batch_len() >= BATCH_LINES {
                    since_check = 0;
                    if s.ingest.batch_len() >= BATCH_LINES || s.last_flush.elapsed() >= BATCH_AGE {
                        s.flush_lines();
                        if s.last_snapshot.elapsed() >= SNAPSHOT_BUSY {
                            s.snapshot();
                        }
                    }
                }
            }
            Ok(None) => {
                s.flush_lines();
                s.snapshot();
                s.send(Msg::Source(SourceEvent::Ended));
                return;
            }
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                // The input has nothing more for now: show what we have.
                s.flush_lines();
                if !s.ingest.dirty() {
                    wait.set(Wait::Forever);
                } else if s.last_snapshot.elapsed() >= SNAPSHOT_IDLE {
                    s.snapshot();
                    wait.set(Wait::Forever);
                } else {
                    wait.set(Wait::Until(s.last_snapshot + SNAPSHOT_IDLE));
                }
            }
            Err(e) => {
                s.flush_lines();
                s.snapshot();
                s.send(Msg::Source(SourceEvent::Failed(e.to_string())));
                return;
            }
        }
    }
}

/// Reads terminal events on their own thread with a blocking poll (never a zero timeout:
/// with crossterm's `use-dev-tty` that would miss buffered events), until `stop` is set.
pub fn spawn_keys(
    tx: SyncSender<Msg>,
    stop: Arc<AtomicBool>,
) -> io::Result<thread::JoinHandle<()>> {
    thread::Builder::new()
        .name("logdoc-keys".into())
        .spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                match crossterm::event::poll(Duration::from_millis(100)) {
                    Ok(false) => {}
                    Ok(true) => match crossterm::event::read() {
                        Ok(event) => {
                            if tx.send(Msg::Term(event)).is_err() {
                                return;
                            }
                        }
                        Err(e) => {
                            let _ = tx.send(Msg::TermFailed(e.to_string()));
                            return;
                        }
                    },
                    Err(e) => {
                        let _ = tx.send(Msg::TermFailed(e.to_string()));
                        return;
                    }
                }
            }
        })
}

/// Forwards SIGTERM, SIGHUP, SIGINT and SIGQUIT to the UI, which restores the terminal and
/// exits; a second one exits at once (after restoring the terminal).
#[cfg(unix)]
pub fn spawn_signals(tx: SyncSender<Msg>) -> io::Result<()> {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGQUIT, SIGTERM};
    let mut signals = signal_hook::iterator::Signals::new([SIGTERM, SIGHUP, SIGINT, SIGQUIT])?;
    thread::Builder::new()
        .name("logdoc-signals".into())
        .spawn(move || {
            let mut signals = signals.forever();
            if let Some(sig) = signals.next() {
                let _ = tx.send(Msg::Signal(sig));
            }
            // The UI did not get to end it: a second signal restores the terminal and exits.
            if let Some(sig) = signals.next() {
                terminal::restore();
                std::process::exit(128 + sig);
            }
        })?;
    Ok(())
}

#[cfg(not(unix))]
pub fn spawn_signals(_tx: SyncSender<Msg>) -> io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::InputSpec;

    fn drain(rx: &Receiver<Msg>) -> (LineStore, Option<Diagnosis>, Vec<SourceEvent>) {
        let mut store = LineStore::new();
        let mut diagnosis = None;
        let mut events = Vec::new();
        let deadline = Instant::now() + Duration::from_secs(10);
        while !events
            .iter()
            .any(|e| matches!(e, SourceEvent::Ended | SourceEvent::Failed(_)))
        {
            match rx.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
                Ok(Msg::Lines(b)) => store.append(b),
                Ok(Msg::Diagnosis(d)) => diagnosis = Some(*d),
                Ok(Msg::Source(e)) => events.push(e),
                Ok(_) => {}
                Err(e) => panic!("no end: {e}"),
            }
        }
        (store, diagnosis, events)
    }

    #[test]
    fn reads_a_file_to_its_end_and_diagnoses_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("b.log");
        let mut log = String::new();
        for i in 0..20_000 {
            log.push_str(&format!("#5 0.{i} line {i}\n"));
        }
        log.push_str("#9 [production 4/9] RUN pip3 install pyswisseph\n#9 0.41 error: externally-managed-environment\n");
        std::fs::write(&path, &log).unwrap();
        let set = Arc::new(SignatureSet::builtin().unwrap());
        let (tx, rx) = mpsc::sync_channel(16);
        let input = crate::source::open(&InputSpec::Path(path)).unwrap();
        spawn_input(Pending::Open(input), set, true, tx).unwrap();
        let (store, diagnosis, events) = drain(&rx);
        assert_eq!(events, [SourceEvent::Ended]);
        assert_eq!(store.len(), 20_002);
        assert_eq!(
            store.text(20_001),
            "#9 0.41 error: externally-managed-environment"
        );
        assert_eq!(store.input_bytes(), log.len() as u64);
        let d = diagnosis.unwrap();
        assert_eq!(d.lines, 20_002);
        assert!(d
            .findings
            .iter()
            .any(|f| f.id == "pep668-externally-managed" && f.first.line == 20_002));
    }

    #[test]
    fn a_broken_input_is_reported_not_fatal() {
        struct Breaks(u8);
        impl Read for Breaks {
            fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
                self.0 += 1;
                if self.0 == 1 {
                    out[..6].copy_from_slice(b"a\nb\nc\n");
                    Ok(6)
                } else {
                    Err(io::Error::other("pipe broke"))
                }
            }
        }
        let set = Arc::new(SignatureSet::builtin().unwrap());
        let (tx, rx) = mpsc::sync_channel(16);
        let input = Input {
            name: "x".into(),
            gzip: false,
            reader: Box::new(Breaks(0)),
        };
        spawn_input(Pending::Open(input), set, true, tx).unwrap();
        let (store, _, events) = drain(&rx);
        assert_eq!(store.len(), 3);
        assert!(
            matches!(&events[..], [SourceEvent::Failed(m)] if m.contains("pipe broke")),
            "{events:?}"
        );
    }
}
