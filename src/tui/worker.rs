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
//! it arrives while a fast one is sent in large batches. A new diagnosis is taken only when
//! the engine's [`revision`](crate::diagnosis::Engine::revision) says it changed. Errors (a
//! broken pipe, a gzip stream cut short, a panic in the engine) are sent to the UI as
//! [`SourceEvent::Failed`].
//!
//! When the signature set grows (the `a` key), the log already read is diagnosed again:
//!
//! ```text
//!  UI ──InputHandle::pause──► scanner: flushes its lines, says Msg::Paused, waits
//!  UI ──spawn_rediagnosis(store, new set)──► rediagnose thread: a fresh Engine fed every
//!                                             stored line ──Msg::Rediagnosed──► UI
//!  UI ──InputHandle::resume(engine)──► scanner goes on with that engine (and the new set)
//! ```
//!
//! An input that has ended has no scanner left to pause: the re-diagnosis just runs.

use std::cell::Cell;
use std::io::{self, Read};
use std::panic::{self, AssertUnwindSafe};
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, SyncSender, TryRecvError};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use super::ingest::{rediagnose, Ingest, Rediagnosis};
use super::store::LineStore;
use super::terminal;
use crate::diagnosis::{Diagnosis, Engine};
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
    /// The scanner has sent every line it read and waits for [`InputHandle::resume`].
    Paused,
    /// The lines read, diagnosed again with a new signature set.
    Rediagnosed(Box<Rediagnosis>),
    /// Diagnosing again failed (a panic in the engine); the message says why.
    RediagnosisFailed(String),
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
    /// No data: the UI wakes a scanner waiting for input to look at its controls.
    Wake,
}

/// What the UI asks of the scanner.
enum Control {
    /// Send every line read, say [`Msg::Paused`], and wait for `Resume`.
    Pause,
    /// Go on, with this engine (fed every line so far) when given.
    Resume(Option<Box<Engine>>),
}

/// The UI's hold on the scanner of [`spawn_input`].
pub struct InputHandle {
    control: mpsc::Sender<Control>,
    wake: SyncSender<Chunk>,
}

impl InputHandle {
    /// Asks the scanner to pause after the lines it has read: [`Msg::Paused`] follows them,
    /// unless the input ends first ([`SourceEvent::Ended`] or `Failed` then comes instead).
    /// False when the scanner is already gone.
    pub fn pause(&self) -> bool {
        if self.control.send(Control::Pause).is_err() {
            return false;
        }
        // A scanner waiting for input wakes up; one that is busy sees the request soon anyway.
        let _ = self.wake.try_send(Chunk::Wake);
        true
    }

    /// Lets a paused scanner go on, with `engine` in place of its own when given.
    pub fn resume(&self, engine: Option<Engine>) {
        let _ = self.control.send(Control::Resume(engine.map(Box::new)));
    }
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
) -> io::Result<InputHandle> {
    let (chunk_tx, chunk_rx) = mpsc::sync_channel::<Chunk>(8);
    let (control_tx, control_rx) = mpsc::channel::<Control>();
    let handle = InputHandle {
        control: control_tx,
        wake: chunk_tx.clone(),
    };
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
            let result = panic::catch_unwind(AssertUnwindSafe(|| {
                scan_chunks(chunk_rx, control_rx, set, redact, &tx)
            }));
            if let Err(payload) = result {
                let _ = tx.send(Msg::Source(SourceEvent::Failed(format!(
                    "internal error in the scanner: {}",
                    panic_message(&payload)
                ))));
            }
        })?;
    Ok(handle)
}

/// Diagnoses `store` again with `set` on a thread of its own; the result (or the failure)
/// comes back as [`Msg::Rediagnosed`] (or [`Msg::RediagnosisFailed`]). The thread lets go of
/// `store` before it sends, so the UI holds the only reference again when the message arrives.
pub fn spawn_rediagnosis(
    store: Arc<LineStore>,
    set: Arc<SignatureSet>,
    redact: bool,
    tx: SyncSender<Msg>,
) -> io::Result<()> {
    thread::Builder::new()
        .name("logdoc-rediagnose".into())
        .spawn(move || {
            terminal::quiet_panics_on_this_thread();
            let result = panic::catch_unwind(AssertUnwindSafe(|| rediagnose(&store, set, redact)));
            drop(store);
            let msg = match result {
                Ok(r) => Msg::Rediagnosed(Box::new(r)),
                Err(payload) => Msg::RediagnosisFailed(format!(
                    "internal error while diagnosing again: {}",
                    panic_message(&payload)
                )),
            };
            let _ = tx.send(msg);
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
                Chunk::Wake => return Err(io::ErrorKind::WouldBlock.into()),
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
    control: Receiver<Control>,
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

    /// Carries out what the UI asked, if anything.
    fn controls(&mut self) {
        while let Ok(control) = self.control.try_recv() {
            match control {
                Control::Pause => self.pause(),
                // Not paused: nothing to resume.
                Control::Resume(_) => {}
            }
        }
    }

    /// Hands over every line read and waits until the UI says to go on.
    fn pause(&mut self) {
        self.flush_lines();
        if self.ingest.dirty() {
            self.snapshot();
        }
        self.send(Msg::Paused);
        loop {
            match self.control.recv() {
                Ok(Control::Resume(engine)) => {
                    if let Some(engine) = engine {
                        self.ingest.replace_engine(*engine);
                    }
                    return;
                }
                Ok(Control::Pause) => {}
                // The UI is gone.
                Err(_) => return,
            }
        }
    }
}

fn scan_chunks(
    rx: Receiver<Chunk>,
    control: Receiver<Control>,
    set: Arc<SignatureSet>,
    redact: bool,
    tx: &SyncSender<Msg>,
) {
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
        control,
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
                        if s.ingest.dirty() && s.last_snapshot.elapsed() >= SNAPSHOT_BUSY {
                            s.snapshot();
                        }
                    }
                    s.controls();
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
                s.controls();
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

    /// A live input: what the test sends, read as it arrives.
    struct Pipe(Receiver<Vec<u8>>);

    impl Read for Pipe {
        fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
            match self.0.recv() {
                Ok(bytes) => {
                    out[..bytes.len()].copy_from_slice(&bytes);
                    Ok(bytes.len())
                }
                Err(_) => Ok(0),
            }
        }
    }

    /// Waits for a message that `want` takes (others are dropped), keeping the lines.
    fn wait_for<T>(
        rx: &Receiver<Msg>,
        store: &mut LineStore,
        mut want: impl FnMut(Msg) -> Option<T>,
    ) -> T {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let msg = rx
                .recv_timeout(deadline.saturating_duration_since(Instant::now()))
                .expect("the message in time");
            match msg {
                Msg::Lines(b) => store.append(b),
                other => {
                    if let Some(t) = want(other) {
                        return t;
                    }
                }
            }
        }
    }

    #[test]
    fn a_paused_reader_goes_on_with_the_rediagnosed_engine() {
        let line = "#1 0.1 FATAL: the frobnicator exploded";
        let builtin = Arc::new(SignatureSet::builtin().unwrap());
        let (bytes_tx, bytes_rx) = mpsc::channel::<Vec<u8>>();
        let (tx, rx) = mpsc::sync_channel(16);
        let input = Input {
            name: "live".into(),
            gzip: false,
            reader: Box::new(Pipe(bytes_rx)),
        };
        let handle = spawn_input(Pending::Open(input), builtin, true, tx.clone()).unwrap();
        bytes_tx
            .send(format!("starting\n{line}\n").into_bytes())
            .unwrap();
        let mut store = LineStore::new();
        let first = wait_for(&rx, &mut store, |m| match m {
            Msg::Diagnosis(d) => Some(*d),
            _ => None,
        });
        assert!(first.findings.is_empty());
        assert_eq!(first.unrecognized.len(), 1);

        // The reader waits for input; pausing wakes it, and Paused follows every line.
        assert!(handle.pause());
        wait_for(&rx, &mut store, |m| matches!(m, Msg::Paused).then_some(()));
        assert_eq!(store.len(), 2);

        let draft = crate::import::draft_from_line(line);
        let mut sources = crate::signature::builtin_sources();
        sources.push(crate::signature::SourceFile {
            origin: crate::signature::Origin::File(format!("{}.toml", draft.id).into()),
            text: draft.signature_toml.clone(),
        });
        let grown = Arc::new(SignatureSet::from_sources(sources).unwrap());
        spawn_rediagnosis(Arc::new(store.clone()), grown, true, tx).unwrap();
        let r = wait_for(&rx, &mut store, |m| match m {
            Msg::Rediagnosed(r) => Some(*r),
            _ => None,
        });
        let count = |d: &Diagnosis| {
            d.findings
                .iter()
                .find(|f| f.id == draft.id)
                .map(|f| f.count)
        };
        assert_eq!(count(&r.diagnosis), Some(1));
        assert!(r.diagnosis.unrecognized.is_empty());
        assert_eq!(r.flags.len(), 2);
        assert!(!r.flags[1].unrecognized() && r.flags[1].severity().is_some());

        // Resumed with that engine, the reader finds the new signature in what comes next.
        handle.resume(Some(r.engine));
        bytes_tx.send(format!("{line}\n").into_bytes()).unwrap();
        let later = wait_for(&rx, &mut store, |m| match m {
            Msg::Diagnosis(d) if count(&d) == Some(2) => Some(*d),
            _ => None,
        });
        assert_eq!(later.findings.len(), 1);
        assert_eq!(store.len(), 3);
        drop(bytes_tx);
        wait_for(&rx, &mut store, |m| {
            matches!(m, Msg::Source(SourceEvent::Ended)).then_some(())
        });
    }

    #[test]
    fn an_unchanged_diagnosis_is_not_sent_again() {
        let (bytes_tx, bytes_rx) = mpsc::channel::<Vec<u8>>();
        let (tx, rx) = mpsc::sync_channel(64);
        let input = Input {
            name: "live".into(),
            gzip: false,
            reader: Box::new(Pipe(bytes_rx)),
        };
        let set = Arc::new(SignatureSet::builtin().unwrap());
        let _handle = spawn_input(Pending::Open(input), set, true, tx).unwrap();
        let mut store = LineStore::new();
        bytes_tx
            .send(b"#9 0.41 error: externally-managed-environment\n".to_vec())
            .unwrap();
        wait_for(&rx, &mut store, |m| {
            matches!(m, Msg::Diagnosis(_)).then_some(())
        });
        // Plain lines change nothing: lines arrive, no diagnosis with them.
        for i in 0..5 {
            bytes_tx.send(format!("plain {i}\n").into_bytes()).unwrap();
            std::thread::sleep(SNAPSHOT_IDLE * 2);
        }
        drop(bytes_tx);
        let mut diagnoses = 0;
        wait_for(&rx, &mut store, |m| match m {
            Msg::Diagnosis(_) => {
                diagnoses += 1;
                None
            }
            Msg::Source(SourceEvent::Ended) => Some(()),
            _ => None,
        });
        assert_eq!(store.len(), 6);
        assert_eq!(diagnoses, 1, "only the final one, at the end of the input");
    }
}
