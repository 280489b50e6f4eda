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
    /// Lines fed since the last [`Ingest::snapshot`].
    unsnapshotted: u64,
}

impl Ingest {
    pub fn new(set: Arc<SignatureSet>, redact: bool) -> Self {
        Ingest {
            engine: Engine::new(set, redact),
            sanitizer: Sanitizer::default(),
            batch: LineStore::new(),
            unsnapshotted: 0,
        }
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
        self.unsnapshotted += 1;
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

    /// Lines have been fed since the last snapshot, so the diagnosis may have changed.
    pub fn dirty(&self) -> bool {
        self.unsnapshotted > 0
    }

    /// The diagnosis so far.
    pub fn snapshot(&mut self) -> Diagnosis {
        self.unsnapshotted = 0;
        self.engine.diagnosis()
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
