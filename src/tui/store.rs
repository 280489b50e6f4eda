//! The lines of the log, stored compactly for the view.
//!
//! One `String` holds the clean text of every line back to back; a `Vec<u64>` their end
//! offsets; one byte per line its flags (the engine's verdict); the log's own colours are
//! kept only for the lines that have any, in one `Vec` of spans with a sparse index. So a
//! line costs its text plus 9 bytes, and a 1 GB log takes about 1 GB, not the 3–5× that a
//! `String` per line would. The reader fills a small store per batch; the UI appends it.

use crate::signature::Severity;
use crate::source::{Sgr, StyleSpan};

/// Per-line flags: the engine's verdict on the line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LineFlags(u8);

impl LineFlags {
    const SEVERITY: u8 = 0b11;
    const UNRECOGNIZED: u8 = 0b100;
    const CUT: u8 = 0b1000;

    pub fn new(severity: Option<Severity>, unrecognized: bool, cut: bool) -> Self {
        let sev = match severity {
            None => 0,
            Some(Severity::Info) => 1,
            Some(Severity::Warning) => 2,
            Some(Severity::Error) => 3,
        };
        LineFlags(
            sev | if unrecognized { Self::UNRECOGNIZED } else { 0 }
                | if cut { Self::CUT } else { 0 },
        )
    }

    /// Severity of the most severe finding the line is an occurrence of.
    pub fn severity(self) -> Option<Severity> {
        match self.0 & Self::SEVERITY {
            1 => Some(Severity::Info),
            2 => Some(Severity::Warning),
            3 => Some(Severity::Error),
            _ => None,
        }
    }

    /// The line looks like a failure no signature knows.
    pub fn unrecognized(self) -> bool {
        self.0 & Self::UNRECOGNIZED != 0
    }

    /// The line was longer than the line limit and was cut.
    pub fn cut(self) -> bool {
        self.0 & Self::CUT != 0
    }
}

/// A colour span over one line's text, with offsets relative to the line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineSpan {
    pub start: u32,
    pub end: u32,
    pub style: Sgr,
}

/// Append-only storage of clean lines. Line `i` (0-based) is line `i + 1` of the input.
#[derive(Debug, Default, Clone)]
pub struct LineStore {
    text: String,
    ends: Vec<u64>,
    flags: Vec<LineFlags>,
    spans: Vec<LineSpan>,
    /// `(line, first span)` for each line that has spans, ascending.
    span_index: Vec<(u64, u32)>,
    /// Bytes of input these lines came from (before sanitising).
    input_bytes: u64,
}

impl LineStore {
    pub fn new() -> Self {
        Self::default()
    }

    /// Number of lines.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Bytes of input read for these lines.
    pub fn input_bytes(&self) -> u64 {
        self.input_bytes
    }

    /// Bytes of clean text held.
    pub fn text_bytes(&self) -> usize {
        self.text.len()
    }

    /// Adds a line; `input_bytes` is what it took in the input (with its newline).
    pub fn push(&mut self, text: &str, spans: &[StyleSpan], flags: LineFlags, input_bytes: u64) {
        let line = self.ends.len() as u64;
        self.text.push_str(text);
        self.ends.push(self.text.len() as u64);
        self.flags.push(flags);
        self.input_bytes += input_bytes;
        if !spans.is_empty() {
            self.span_index.push((line, self.spans.len() as u32));
            self.spans.extend(spans.iter().map(|s| LineSpan {
                start: s.start as u32,
                end: s.end as u32,
                style: s.style,
            }));
        }
    }

    /// Moves every line of `batch` to the end of this store.
    pub fn append(&mut self, batch: LineStore) {
        let base_text = self.text.len() as u64;
        let base_line = self.ends.len() as u64;
        let base_span = self.spans.len() as u32;
        self.text.push_str(&batch.text);
        self.ends.extend(batch.ends.iter().map(|e| e + base_text));
        self.flags.extend_from_slice(&batch.flags);
        self.spans.extend_from_slice(&batch.spans);
        self.span_index.extend(
            batch
                .span_index
                .iter()
                .map(|&(l, s)| (l + base_line, s + base_span)),
        );
        self.input_bytes += batch.input_bytes;
    }

    /// The clean text of line `i`, or "" past the end.
    pub fn text(&self, i: usize) -> &str {
        let Some(&end) = self.ends.get(i) else {
            return "";
        };
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        self.text.get(start as usize..end as usize).unwrap_or("")
    }

    pub fn flags(&self, i: usize) -> LineFlags {
        self.flags.get(i).copied().unwrap_or_default()
    }

    /// Replaces the flags of the first `flags.len()` lines (after a re-diagnosis with another
    /// signature set); lines past the store's end are ignored.
    pub fn set_flags(&mut self, flags: &[LineFlags]) {
        let n = flags.len().min(self.flags.len());
        self.flags[..n].copy_from_slice(&flags[..n]);
    }

    /// The log's own colours on line `i`.
    pub fn spans(&self, i: usize) -> &[LineSpan] {
        let line = i as u64;
        let Ok(at) = self.span_index.binary_search_by_key(&line, |&(l, _)| l) else {
            return &[];
        };
        let first = self.span_index[at].1 as usize;
        let end = self
            .span_index
            .get(at + 1)
            .map_or(self.spans.len(), |&(_, s)| s as usize);
        &self.spans[first..end]
    }

    /// Bytes of memory this store holds (for the status line and the memory test).
    pub fn heap_bytes(&self) -> usize {
        self.text.capacity()
            + self.ends.capacity() * 8
            + self.flags.capacity()
            + self.spans.capacity() * std::mem::size_of::<LineSpan>()
            + self.span_index.capacity() * 16
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Color;

    fn span(start: usize, end: usize) -> StyleSpan {
        StyleSpan {
            start,
            end,
            style: Sgr {
                fg: Some(Color::Indexed(1)),
                ..Default::default()
            },
        }
    }

    #[test]
    fn lines_flags_and_spans_survive_append() {
        let mut a = LineStore::new();
        a.push("first", &[], LineFlags::default(), 6);
        a.push(
            "second red",
            &[span(7, 10)],
            LineFlags::new(Some(Severity::Error), false, false),
            11,
        );
        let mut b = LineStore::new();
        b.push("", &[], LineFlags::new(None, true, true), 1);
        b.push("x y", &[span(0, 1), span(2, 3)], LineFlags::default(), 4);
        a.append(b);
        assert_eq!(a.len(), 4);
        assert_eq!(
            (a.text(0), a.text(1), a.text(2), a.text(3), a.text(4)),
            ("first", "second red", "", "x y", "")
        );
        assert_eq!(a.flags(1).severity(), Some(Severity::Error));
        assert!(a.flags(2).unrecognized() && a.flags(2).cut());
        assert_eq!(a.spans(0), &[]);
        assert_eq!(a.spans(1).len(), 1);
        assert_eq!(a.spans(3).len(), 2);
        assert_eq!(a.spans(3)[1].start, 2);
        assert_eq!(a.input_bytes(), 22);
    }

    #[test]
    fn flags_round_trip() {
        for sev in [
            None,
            Some(Severity::Info),
            Some(Severity::Warning),
            Some(Severity::Error),
        ] {
            for unrec in [false, true] {
                let f = LineFlags::new(sev, unrec, !unrec);
                assert_eq!(
                    (f.severity(), f.unrecognized(), f.cut()),
                    (sev, unrec, !unrec)
                );
            }
        }
    }
}
