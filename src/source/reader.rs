//! A bounded line reader: large reads, memchr line splitting, and a hard cap on line length.
//!
//! Lines are handed out as borrowed byte slices, so reading allocates nothing per line. A
//! line longer than the cap is cut at the cap and flagged; the rest of it, up to its newline,
//! is skipped without being held in memory, and its length is reported.

use std::io::{self, Read};
use std::ops::Range;

/// Default longest line kept whole (bytes). Longer lines are truncated and flagged.
pub const DEFAULT_MAX_LINE: usize = 1 << 20;
const INITIAL_CAPACITY: usize = 64 * 1024;

/// One line as read: its bytes without the `\n`, and how many bytes were cut off its end.
#[derive(Debug, Clone, Copy)]
pub struct RawLine<'a> {
    pub bytes: &'a [u8],
    /// Bytes dropped because the line exceeded the cap (0 when whole).
    pub cut: u64,
}

/// A block of [`LineReader::next_block_owned`]: `data[range]`, and the bytes cut off its one
/// over-long line (0 but for such a line).
#[derive(Debug)]
pub struct OwnedBlock {
    pub data: Vec<u8>,
    pub range: Range<usize>,
    pub cut: u64,
}

/// Splits a byte stream into lines of at most `max_line` bytes.
pub struct LineReader<R> {
    inner: R,
    buf: Vec<u8>,
    start: usize,
    end: usize,
    eof: bool,
    max_line: usize,
    /// A read error met while reading on for a larger block, held until the lines read before
    /// it have been handed out (a truncated `.gz` still gives what it held).
    deferred: Option<io::Error>,
}

impl<R: Read> LineReader<R> {
    pub fn new(inner: R) -> Self {
        Self::with_max_line(inner, DEFAULT_MAX_LINE)
    }

    pub fn with_max_line(inner: R, max_line: usize) -> Self {
        let max_line = max_line.max(1);
        LineReader {
            inner,
            buf: vec![0; INITIAL_CAPACITY.min(max_line + 1).max(4096)],
            start: 0,
            end: 0,
            eof: false,
            deferred: None,
            max_line,
        }
    }

    /// Starts with a buffer of `capacity` bytes (large reads mean large blocks).
    pub fn with_capacity(inner: R, max_line: usize, capacity: usize) -> Self {
        let mut reader = Self::with_max_line(inner, max_line);
        reader
            .buf
            .resize(capacity.clamp(4096, reader.max_line + 1 + 4096), 0);
        reader
    }

    /// Every complete line read so far, as one block (each line ends with `\n`, but the
    /// last line of the input may not), or one over-long line cut to the cap (`cut > 0`), or
    /// `None` at the end of input. Reads until the buffer is at least half full or the input
    /// ends, so it waits for a slow stream: for reading to the end, not for following. A line
    /// in a block can exceed the cap by up to 4 KiB: the caller cuts it.
    pub fn next_block(&mut self) -> io::Result<Option<RawLine<'_>>> {
        Ok(self.block_range()?.map(|(range, cut)| RawLine {
            bytes: &self.buf[range],
            cut,
        }))
    }

    /// [`LineReader::next_block`] as a range of the buffer.
    fn block_range(&mut self) -> io::Result<Option<(Range<usize>, u64)>> {
        loop {
            let pending = &self.buf[self.start..self.end];
            match memchr::memchr(b'\n', pending) {
                Some(first) if first > self.max_line => return self.cut_line().map(Some),
                // Pipes hand out 64 KiB at a time: read on until the buffer is half full, so
                // blocks stay large (few per megabyte) whatever the input.
                Some(_)
                    if !self.eof
                        && self.deferred.is_none()
                        && pending.len() < self.buf.len() / 2 =>
                {
                    self.compact();
                    match self.read_more(self.end) {
                        Ok(0) => self.eof = true,
                        Ok(_) => {}
                        Err(e) => self.deferred = Some(e),
                    }
                }
                Some(_) => {
                    let last = memchr::memrchr(b'\n', pending).expect("a newline is there");
                    let block = self.start..self.start + last + 1;
                    self.start = block.end;
                    return Ok(Some((block, 0)));
                }
                None if pending.len() > self.max_line => return self.cut_line().map(Some),
                None if self.eof => {
                    if pending.is_empty() {
                        return Ok(None);
                    }
                    let block = self.start..self.end;
                    self.start = self.end;
                    return Ok(Some((block, 0)));
                }
                None => match self.deferred.take() {
                    Some(e) => return Err(e),
                    None => self.fill()?,
                },
            }
        }
    }

    /// [`LineReader::next_block`], handed over with the buffer it was read into: the block is
    /// `data[range]`, and `spare` (a buffer given back by an earlier call, or empty) becomes the
    /// reader's. Only the bytes after the block are copied, so a thread that reads blocks for
    /// others copies each block once, from the input, not twice.
    pub fn next_block_owned(&mut self, spare: Vec<u8>) -> io::Result<Option<OwnedBlock>> {
        let Some((range, cut)) = self.block_range()? else {
            return Ok(None);
        };
        let mut next = spare;
        // A buffer that went round before has the right length: no bytes to zero.
        next.resize(self.buf.len(), 0);
        let pending = self.end - self.start;
        next[..pending].copy_from_slice(&self.buf[self.start..self.end]);
        let data = std::mem::replace(&mut self.buf, next);
        self.start = 0;
        self.end = pending;
        Ok(Some(OwnedBlock { data, range, cut }))
    }

    /// The next line, or `None` at the end of input.
    pub fn next_line(&mut self) -> io::Result<Option<RawLine<'_>>> {
        loop {
            if let Some(pos) = memchr::memchr(b'\n', &self.buf[self.start..self.end]) {
                if pos <= self.max_line {
                    let line = self.start..self.start + pos;
                    self.start += pos + 1;
                    return Ok(Some(RawLine {
                        bytes: &self.buf[line],
                        cut: 0,
                    }));
                }
            }
            let pending = self.end - self.start;
            if pending > self.max_line {
                return self.emit_truncated();
            }
            if self.eof {
                if pending == 0 {
                    return Ok(None);
                }
                let line = self.start..self.end;
                self.start = self.end;
                return Ok(Some(RawLine {
                    bytes: &self.buf[line],
                    cut: 0,
                }));
            }
            self.fill()?;
        }
    }

    /// Emits the first `max_line` bytes of an over-long line, then skips to its newline.
    fn emit_truncated(&mut self) -> io::Result<Option<RawLine<'_>>> {
        let (range, cut) = self.cut_line()?;
        Ok(Some(RawLine {
            bytes: &self.buf[range],
            cut,
        }))
    }

    /// Keeps the first `max_line` bytes of an over-long line at the front of the buffer and
    /// skips to its newline; their range and the bytes cut.
    fn cut_line(&mut self) -> io::Result<(Range<usize>, u64)> {
        self.compact();
        let keep = self.max_line;
        let mut cut = 0u64;
        let mut scan = keep;
        // Skip the rest of the line, overwriting skipped bytes with new reads behind the kept part.
        let rest_from = loop {
            if let Some(pos) = memchr::memchr(b'\n', &self.buf[scan..self.end]) {
                cut += pos as u64;
                break scan + pos + 1;
            }
            cut += (self.end - scan) as u64;
            if self.eof || self.read_more(keep)? == 0 {
                self.eof = true;
                self.end = self.end.max(keep);
                break self.end;
            }
            scan = keep;
        };
        let rest_len = self.end - rest_from;
        self.buf.copy_within(rest_from..self.end, keep);
        self.start = keep;
        self.end = keep + rest_len;
        Ok((0..keep, cut))
    }

    /// Moves the unread bytes to the front of the buffer.
    fn compact(&mut self) {
        if self.start > 0 {
            self.buf.copy_within(self.start..self.end, 0);
            self.end -= self.start;
            self.start = 0;
        }
    }

    /// Reads into the buffer at `at` (setting `end` after what was read); returns bytes read.
    fn read_more(&mut self, at: usize) -> io::Result<usize> {
        loop {
            match self.inner.read(&mut self.buf[at..]) {
                Ok(n) => {
                    self.end = at + n;
                    return Ok(n);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        }
    }

    fn fill(&mut self) -> io::Result<()> {
        self.compact();
        if self.end == self.buf.len() {
            // Grow by doubling, up to one byte more than the longest line kept whole.
            let len = (self.buf.len() * 2).min(self.max_line + 1 + 4096);
            self.buf.resize(len, 0);
        }
        if self.read_more(self.end)? == 0 {
            self.eof = true;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Hands out its bytes, then fails.
    struct FailsAfter<'a>(&'a [u8]);
    impl Read for FailsAfter<'_> {
        fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
            if self.0.is_empty() {
                return Err(io::Error::new(io::ErrorKind::InvalidData, "corrupt"));
            }
            let n = out.len().min(self.0.len()).min(100);
            out[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    #[test]
    fn a_read_error_comes_after_the_lines_read_before_it() {
        let data = b"one\ntwo\npartial";
        let mut r = LineReader::with_capacity(FailsAfter(data), 1 << 20, 1 << 20);
        let block = r.next_block().unwrap().unwrap();
        assert_eq!(block.bytes, b"one\ntwo\n");
        assert_eq!(
            r.next_block().unwrap_err().kind(),
            io::ErrorKind::InvalidData
        );
    }

    /// A reader that hands out at most `n` bytes per read, to exercise every boundary.
    struct Trickle<'a>(&'a [u8], usize);
    impl Read for Trickle<'_> {
        fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
            let n = self.1.min(out.len()).min(self.0.len());
            out[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    fn lines(input: &[u8], chunk: usize, max: usize) -> Vec<(String, u64)> {
        let mut r = LineReader::with_max_line(Trickle(input, chunk), max);
        let mut out = Vec::new();
        while let Some(l) = r.next_line().unwrap() {
            out.push((String::from_utf8_lossy(l.bytes).into_owned(), l.cut));
        }
        out
    }

    #[test]
    fn splits_lines_at_every_chunk_size() {
        let input = b"one\ntwo\n\nthree";
        for chunk in [1, 2, 3, 5, 64, 100_000] {
            let got = lines(input, chunk, 1 << 20);
            let texts: Vec<_> = got.iter().map(|(t, _)| t.as_str()).collect();
            assert_eq!(texts, ["one", "two", "", "three"], "chunk {chunk}");
        }
    }

    #[test]
    fn long_lines_are_cut_and_flagged_without_losing_the_next() {
        let mut input = vec![b'x'; 100_000];
        input.extend_from_slice(b"\nafter\n");
        for chunk in [7, 4096, 1 << 20] {
            let got = lines(&input, chunk, 1000);
            assert_eq!(got.len(), 2, "chunk {chunk}");
            assert_eq!(got[0].0.len(), 1000);
            assert_eq!(got[0].1, 99_000);
            assert_eq!(got[1], ("after".to_string(), 0));
        }
    }

    fn blocks(input: &[u8], chunk: usize, max: usize) -> Vec<(String, u64)> {
        all_blocks(LineReader::with_max_line(Trickle(input, chunk), max))
    }

    fn all_blocks<R: Read>(mut r: LineReader<R>) -> Vec<(String, u64)> {
        let mut out = Vec::new();
        while let Some(b) = r.next_block().unwrap() {
            out.push((String::from_utf8_lossy(b.bytes).into_owned(), b.cut));
        }
        out
    }

    #[test]
    fn blocks_hold_whole_lines_and_lose_nothing() {
        let mut input = b"one\ntwo\n\nthree\n".repeat(50);
        input.extend_from_slice(b"tail");
        for chunk in [1, 3, 7, 100, 100_000] {
            let got = blocks(&input, chunk, 1 << 20);
            let joined: String = got.iter().map(|(t, _)| t.as_str()).collect();
            assert_eq!(joined.as_bytes(), &input[..], "chunk {chunk}");
            assert!(
                got[..got.len() - 1].iter().all(|(t, _)| t.ends_with('\n')),
                "chunk {chunk}"
            );
        }
    }

    #[test]
    fn blocks_cut_long_lines() {
        let mut input = b"short\n".to_vec();
        input.extend(std::iter::repeat_n(b'x', 50_000));
        input.extend_from_slice(b"\nafter\n");
        for chunk in [7, 4096, 1 << 20] {
            let got = blocks(&input, chunk, 1000);
            let joined: String = got.iter().map(|(t, _)| t.as_str()).collect();
            assert!(
                joined.starts_with("short\n") && joined.ends_with("after\n"),
                "chunk {chunk}"
            );
            assert_eq!(
                got.iter().map(|(_, c)| c).sum::<u64>(),
                49_000,
                "chunk {chunk}"
            );
        }
    }

    #[test]
    fn owned_blocks_are_the_same_blocks() {
        let mut input = b"short\n".to_vec();
        input.extend(std::iter::repeat_n(b'x', 50_000));
        input.extend_from_slice(&b"\nafter\nand more\n".repeat(3000));
        input.extend_from_slice(b"no newline");
        for chunk in [7, 4096, 1 << 20] {
            let mut r = LineReader::with_capacity(Trickle(&input, chunk), 1000, 8192);
            // Two buffers going round, as the pipeline's jobs do.
            let mut spares = vec![Vec::new(), Vec::new()];
            let mut got = Vec::new();
            while let Some(b) = r.next_block_owned(spares.remove(0)).unwrap() {
                got.push((
                    String::from_utf8_lossy(&b.data[b.range]).into_owned(),
                    b.cut,
                ));
                spares.push(b.data);
            }
            let plain = LineReader::with_capacity(Trickle(&input, chunk), 1000, 8192);
            assert_eq!(got, all_blocks(plain), "chunk {chunk}");
        }
    }

    #[test]
    fn long_last_line_without_newline() {
        let input = vec![b'y'; 5000];
        let got = lines(&input, 333, 1000);
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].1, 4000);
    }
}
