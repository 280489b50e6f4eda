//! The synchronous core of the reader: raw lines in, stored lines and diagnoses out.
//!
//! [`Ingest`] sanitises each raw line, feeds the clean text to the [`Engine`] and keeps the
//! line, its colours and the engine's verdict in a batch ([`LineStore`]) for the UI. It knows
//! nothing about threads; [`super::worker`] drives it from the input, and tests drive it from
//! strings.

use std::sync::Arc;

use super::store::{LineFlags, LineStore};
use crate::diagnosis::{Diagnosis, Engine};
use crate::signature::SignatureSet;
use crate::source::{RawLine, Sanitizer};

/// Sanitiser + engine + the batch of lines not yet handed to the UI.
pub struct Ingest {
    engine: Engine,
    sanitizer: Sanitizer,
    batch: LineStore,
    /// The engine's revision at the last [`Ingest::snapshot`] (or engine swap).
    snapshot_revision: u64,
}

impl Ingest {
    pub fn new(set: Arc<SignatureSet>, redact: bool) -> Self {
        let engine = Engine::new(set, redact);
        Ingest {
            snapshot_revision: engine.revision(),
            engine,
            sanitizer: Sanitizer::default(),
            batch: LineStore::new(),
        }
    }

    /// Goes on with `engine` (one that has been fed every line so far, with another signature
    /// set), whose diagnosis the UI already has.
    pub fn replace_engine(&mut self, engine: Engine) {
        self.snapshot_revision = engine.revision();
        self.engine = engine;
    }

    /// Lines fed to the engine so far.
    pub fn lines(&self) -> u64 {
        self.engine.lines()
    }

    /// Sanitises, scans and keeps one line as read.
    pub fn push(&mut self, line: RawLine<'_>) {
        let clean = self.sanitizer.sanitize(line.bytes);
        let verdict = self.engine.feed(clean.text);
        let flags = LineFlags::new(verdict.severity, verdict.unrecognized, line.cut > 0);
        self.batch.push(
            clean.text,
            clean.spans,
            flags,
            line.bytes.len() as u64 + line.cut + 1,
        );
    }

    /// [`Ingest::push`] for a line held in memory.
    pub fn push_bytes(&mut self, bytes: &[u8]) {
        self.push(RawLine { bytes, cut: 0 });
    }

    /// Lines waiting in the batch.
    pub fn batch_len(&self) -> usize {
        self.batch.len()
    }

    /// The batch so far; a new one starts.
    pub fn take_batch(&mut self) -> LineStore {
        std::mem::take(&mut self.batch)
    }

    /// The diagnosis has changed since the last snapshot ([`Engine::revision`]).
    pub fn dirty(&self) -> bool {
        self.engine.revision() != self.snapshot_revision
    }

    /// The diagnosis so far.
    pub fn snapshot(&mut self) -> Diagnosis {
        self.snapshot_revision = self.engine.revision();
        self.engine.diagnosis()
    }
}

/// The lines already read, diagnosed again with another signature set.
pub struct Rediagnosis {
    pub set: Arc<SignatureSet>,
    /// The engine that was fed every line, to go on with as more lines arrive.
    pub engine: Engine,
    pub diagnosis: Diagnosis,
    /// Each line's flags under the new set.
    pub flags: Vec<LineFlags>,
}

/// Feeds every line of `store` (clean text, as the reader stored it) to a fresh engine over
/// `set`: the diagnosis the log would have had with `set` from the start.
pub fn rediagnose(store: &LineStore, set: Arc<SignatureSet>, redact: bool) -> Rediagnosis {
    let mut engine = Engine::new(Arc::clone(&set), redact);
    let mut flags = Vec::with_capacity(store.len());
    for i in 0..store.len() {
        let verdict = engine.feed(store.text(i));
        flags.push(LineFlags::new(
            verdict.severity,
            verdict.unrecognized,
            store.flags(i).cut(),
        ));
    }
    let diagnosis = engine.diagnosis();
    Rediagnosis {
        set,
        engine,
        diagnosis,
        flags,
    }
}

/// Runs `text` through a fresh [`Ingest`]: the lines and the diagnosis (for tests and demos).
pub fn ingest_text(text: &str, set: Arc<SignatureSet>, redact: bool) -> (LineStore, Diagnosis) {
    let mut ingest = Ingest::new(set, redact);
    let text = text.strip_suffix('\n').unwrap_or(text);
    for line in text.split('\n') {
        ingest.push_bytes(line.as_bytes());
    }
    (ingest.take_batch(), ingest.snapshot())
}
