//! Sanitising: raw log bytes → clean text plus the log's own colours.
//!
//! Everything a log can carry that would act on a terminal is removed here, before any other
//! part of logdoc sees the line: OSC (titles, clipboard writes, hyperlinks), DCS/APC/PM/SOS
//! strings, every CSI except SGR colours, C0 controls except tab, DEL, and C1 controls. SGR
//! colours are kept as [`StyleSpan`]s over the clean text, never as bytes. Tabs become spaces
//! (8-column stops), `\b` deletes the previous character, a `\r` inside a line starts a new
//! progress frame and the last frame wins, a trailing CR (CRLF) is dropped, and invalid UTF-8
//! becomes U+FFFD. Lines with none of these bytes take a fast path that only validates UTF-8.
//!
//! ```
//! use logdoc::source::Sanitizer;
//! let mut s = Sanitizer::default();
//! let line = s.sanitize(b"npm \x1b[31mERR!\x1b[0m code 1\x1b]0;pwned\x07\r\n");
//! assert_eq!(line.text, "npm ERR! code 1");
//! assert_eq!(line.spans.len(), 1);
//! ```

/// A colour as a log may set it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Color {
    /// One of the 256 indexed colours (0–15 are the basic and bright ones).
    Indexed(u8),
    Rgb(u8, u8, u8),
}

/// The SGR attributes logdoc keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Sgr {
    pub fg: Option<Color>,
    pub bg: Option<Color>,
    pub bold: bool,
    pub dim: bool,
    pub italic: bool,
    pub underline: bool,
}

impl Sgr {
    fn is_plain(&self) -> bool {
        *self == Sgr::default()
    }
}

/// `style` applies to the clean text's bytes `start..end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StyleSpan {
    pub start: usize,
    pub end: usize,
    pub style: Sgr,
}

/// A sanitised line, borrowed from the [`Sanitizer`] until its next call.
#[derive(Debug, Clone, Copy)]
pub struct Sanitized<'a> {
    pub text: &'a str,
    pub spans: &'a [StyleSpan],
}

/// Reusable sanitiser: one per reading thread, so no line allocates once buffers have grown.
#[derive(Default)]
pub struct Sanitizer {
    parser: vte::Parser,
    sink: Sink,
}

impl Sanitizer {
    /// Sanitises one line (without its `\n`). A line with nothing to remove is returned as
    /// it is, without a copy.
    pub fn sanitize<'a>(&'a mut self, line: &'a [u8]) -> Sanitized<'a> {
        let line = trim_cr(line);
        self.sink.reset();
        if let Some(text) = plain(line) {
            return Sanitized { text, spans: &[] };
        }
        self.parser = vte::Parser::new();
        self.parser.advance(&mut self.sink, line);
        if ends_with_partial_utf8(line) {
            self.sink.print_char(char::REPLACEMENT_CHARACTER);
        }
        self.sink.close_span();
        self.sink.view()
    }
}

impl Sanitizer {
    /// The clean text of one line, as [`Sanitizer::sanitize`] gives it, without the colours.
    ///
    /// Lines whose only controls are complete CSI sequences with numeric parameters (colours,
    /// erase-line), tabs and carriage returns — nearly every coloured or progress line of a
    /// build log — are cleaned by a plain loop instead of the terminal parser: same text,
    /// several times faster.
    pub fn clean_text<'a>(&'a mut self, line: &'a [u8]) -> &'a str {
        let line = trim_cr(line);
        self.sink.reset();
        if let Some(text) = plain(line) {
            return text;
        }
        if strip_simple(line, &mut self.sink.out) {
            return &self.sink.out;
        }
        self.sanitize(line).text
    }
}

/// The clean text of a coloured line, in runs: calls `run(place, new_frame)` with the place
/// in `line` of each stretch of text between its CSI sequences and carriage returns, in order.
/// `new_frame` says that the text so far is gone: a `\r` came before this run (a progress
/// bar's redraw). The runs joined from the last new frame on are what
/// [`Sanitizer::clean_text`] gives. Only for a line whose only controls are carriage returns
/// and complete CSI sequences with numeric parameters (`ESC [ 1;31 m`); for any other line
/// (a tab, another escape, a C1 control), returns false, maybe after some runs.
///
/// The scan searches the coloured lines of a block this way without keeping their text: the
/// text is made only for the few that hold a literal.
pub fn colour_runs(line: &str, mut run: impl FnMut(std::ops::Range<usize>, bool)) -> bool {
    let line = trim_cr(line.as_bytes());
    // Branch-free over the bytes, so it vectorises.
    let other_controls = line.iter().fold(false, |acc, &b| {
        acc | ((b < 0x20) & (b != 0x1b) & (b != b'\r')) | (b == 0x7f)
    });
    if other_controls || has_c1(line) {
        return false;
    }
    // As in `strip_simple_text`: after a `\r`, the next text printed starts a new frame.
    let mut pending_cr = false;
    let mut i = 0;
    loop {
        let next = memchr::memchr2(0x1b, b'\r', &line[i..]).map_or(line.len(), |p| i + p);
        if next > i {
            run(i..next, pending_cr);
            pending_cr = false;
        }
        if next == line.len() {
            return true;
        }
        if line[next] == b'\r' {
            pending_cr = true;
            i = next + 1;
            continue;
        }
        match simple_csi(&line[next + 1..]) {
            Some(len) => i = next + 1 + len,
            None => return false,
        }
    }
}

/// The length of the CSI sequence that `after_esc` (the bytes after an ESC) starts, when it is
/// one the plain loops take: `[`, numeric parameters (digits, `;`, `:`), a final byte.
fn simple_csi(after_esc: &[u8]) -> Option<usize> {
    let rest = after_esc.strip_prefix(b"[")?;
    let params = rest
        .iter()
        .take_while(|c| c.is_ascii_digit() || **c == b';' || **c == b':')
        .count();
    matches!(rest.get(params), Some(0x40..=0x7e)).then_some(params + 2)
}

/// Writes `line` without its CSI sequences, with tabs expanded and only its last `\r` frame
/// into `out`, when the line is valid UTF-8 whose only controls are tabs, carriage returns and
/// complete CSI sequences with numeric parameters (`ESC [ 1;31 m`, `ESC [ 2K`). Returns
/// false, `out` empty, for anything else.
fn strip_simple(line: &[u8], out: &mut String) -> bool {
    // Branch-free over the bytes, so it vectorises: controls the loop below cannot take.
    let other_controls = line.iter().fold(false, |acc, &b| {
        acc | ((b < 0x20) & (b != 0x1b) & (b != b'\r') & (b != b'\t')) | (b == 0x7f)
    });
    if other_controls || has_c1(line) {
        return false;
    }
    let Ok(text) = simdutf8::basic::from_utf8(line) else {
        return false;
    };
    out.clear();
    if strip_simple_text(text, out) {
        true
    } else {
        out.clear();
        false
    }
}

/// The loop of [`strip_simple`], over a line known to hold no other controls. Every control
/// it stops at is ASCII, so the runs between them are whole characters.
fn strip_simple_text(text: &str, out: &mut String) -> bool {
    let line = text.as_bytes();
    // Column in characters since the start of the frame (all of `out`), for tab stops:
    // counted up to byte `counted` of `out`, and further only when a tab needs it.
    let mut col = 0usize;
    let mut counted = 0usize;
    // A `\r` was seen: the next character printed starts a new frame (as in the parser's sink).
    let mut pending_cr = false;
    let mut i = 0;
    loop {
        let next = memchr::memchr3(0x1b, b'\r', b'\t', &line[i..]).map_or(line.len(), |p| i + p);
        // Always a character boundary (see above); `get` keeps that from ever panicking.
        let Some(run) = text.get(i..next) else {
            return false;
        };
        if !run.is_empty() {
            if pending_cr {
                pending_cr = false;
                out.clear();
                (col, counted) = (0, 0);
            }
            out.push_str(run);
        }
        let Some(&control) = line.get(next) else {
            return true;
        };
        i = next + 1;
        match control {
            b'\r' => pending_cr = true,
            b'\t' => {
                if pending_cr {
                    pending_cr = false;
                    out.clear();
                    (col, counted) = (0, 0);
                }
                col += out.as_bytes()[counted..]
                    .iter()
                    .filter(|&&b| b & 0xc0 != 0x80)
                    .count();
                let spaces = 8 - col % 8;
                out.extend(std::iter::repeat_n(' ', spaces));
                col += spaces;
                counted = out.len();
            }
            _ => match simple_csi(&line[i..]) {
                Some(len) => i += len,
                None => return false,
            },
        }
    }
}

fn trim_cr(mut line: &[u8]) -> &[u8] {
    while let [rest @ .., b'\r'] = line {
        line = rest;
    }
    line
}

/// The line as text when it has no control byte, no DEL, no C1 character, and is valid UTF-8.
fn plain(line: &[u8]) -> Option<&str> {
    // Branch-free over the bytes, so it vectorises.
    let controls = line
        .iter()
        .fold(false, |acc, &b| acc | (b < 0x20) | (b == 0x7f));
    if controls {
        return None;
    }
    let text = simdutf8::basic::from_utf8(line).ok()?;
    (!has_c1(line)).then_some(text)
}

/// Whether `line` holds a C1 control encoded in UTF-8 (U+0080..=U+009F are C2 80..=C2 9F).
fn has_c1(line: &[u8]) -> bool {
    memchr::memchr_iter(0xC2, line)
        .any(|i| line.get(i + 1).is_some_and(|b| (0x80..=0x9f).contains(b)))
}

/// True when the last bytes start a UTF-8 sequence that the line cuts short.
fn ends_with_partial_utf8(line: &[u8]) -> bool {
    let tail = &line[line.len().saturating_sub(3)..];
    for (i, &b) in tail.iter().enumerate().rev() {
        if b & 0xC0 == 0x80 {
            continue; // continuation byte: keep looking for the lead
        }
        let need = match b {
            0xC2..=0xDF => 2,
            0xE0..=0xEF => 3,
            0xF0..=0xF4 => 4,
            _ => return false,
        };
        return tail.len() - i < need;
    }
    false
}

#[derive(Default)]
struct Sink {
    out: String,
    spans: Vec<StyleSpan>,
    style: Sgr,
    span_start: usize,
    /// Column (in chars) of the end of `out`, for tab stops.
    col: usize,
    /// A `\r` was seen: the next printed character starts a new frame.
    pending_cr: bool,
}

impl Sink {
    fn reset(&mut self) {
        self.out.clear();
        self.spans.clear();
        self.style = Sgr::default();
        self.span_start = 0;
        self.col = 0;
        self.pending_cr = false;
    }

    fn view(&self) -> Sanitized<'_> {
        Sanitized {
            text: &self.out,
            spans: &self.spans,
        }
    }

    fn close_span(&mut self) {
        if !self.style.is_plain() && self.out.len() > self.span_start {
            self.spans.push(StyleSpan {
                start: self.span_start,
                end: self.out.len(),
                style: self.style,
            });
        }
        self.span_start = self.out.len();
    }

    fn start_frame(&mut self) {
        if self.pending_cr {
            self.pending_cr = false;
            self.out.clear();
            self.spans.clear();
            self.span_start = 0;
            self.col = 0;
        }
    }

    fn print_char(&mut self, c: char) {
        self.start_frame();
        self.out.push(c);
        self.col += 1;
    }

    fn set_style(&mut self, style: Sgr) {
        if style != self.style {
            self.close_span();
            self.style = style;
        }
    }

    fn backspace(&mut self) {
        if let Some(c) = self.out.pop() {
            self.col = self.col.saturating_sub(1);
            let len = self.out.len();
            let _ = c;
            self.spans.retain_mut(|s| {
                s.end = s.end.min(len);
                s.start < s.end
            });
            self.span_start = self.span_start.min(len);
        }
    }

    fn apply_sgr(&mut self, params: &vte::Params) {
        let mut style = self.style;
        let mut iter = params.iter();
        let mut any = false;
        while let Some(param) = iter.next() {
            any = true;
            let code = param.first().copied().unwrap_or(0);
            match code {
                0 => style = Sgr::default(),
                1 => style.bold = true,
                2 => style.dim = true,
                3 => style.italic = true,
                4 => style.underline = true,
                22 => {
                    style.bold = false;
                    style.dim = false;
                }
                23 => style.italic = false,
                24 => style.underline = false,
                30..=37 => style.fg = Some(Color::Indexed((code - 30) as u8)),
                39 => style.fg = None,
                40..=47 => style.bg = Some(Color::Indexed((code - 40) as u8)),
                49 => style.bg = None,
                90..=97 => style.fg = Some(Color::Indexed((code - 90 + 8) as u8)),
                100..=107 => style.bg = Some(Color::Indexed((code - 100 + 8) as u8)),
                38 | 48 => {
                    // Either `38;5;n` / `38;2;r;g;b` as separate params, or `38:5:n` as subparams.
                    let rest: Vec<u16> = if param.len() > 1 {
                        param[1..].to_vec()
                    } else {
                        let kind = iter.next().and_then(|p| p.first().copied());
                        match kind {
                            Some(5) => iter
                                .next()
                                .map(|p| vec![5, p.first().copied().unwrap_or(0)])
                                .unwrap_or_default(),
                            Some(2) => {
                                let mut v = vec![2];
                                for _ in 0..3 {
                                    v.push(
                                        iter.next().and_then(|p| p.first().copied()).unwrap_or(0),
                                    );
                                }
                                v
                            }
                            _ => Vec::new(),
                        }
                    };
                    let color = match rest.as_slice() {
                        [5, n, ..] => Some(Color::Indexed(*n as u8)),
                        [2, r, g, b] | [2, _, r, g, b] => {
                            Some(Color::Rgb(*r as u8, *g as u8, *b as u8))
                        }
                        _ => None,
                    };
                    if code == 38 {
                        style.fg = color;
                    } else {
                        style.bg = color;
                    }
                }
                _ => {}
            }
        }
        if !any {
            style = Sgr::default();
        }
        self.set_style(style);
    }
}

impl vte::Perform for Sink {
    fn print(&mut self, c: char) {
        if c == '\u{7f}' || ('\u{80}'..='\u{9f}').contains(&c) {
            return; // DEL and C1 controls, even when properly encoded
        }
        self.print_char(c);
    }

    fn execute(&mut self, byte: u8) {
        match byte {
            b'\t' => {
                self.start_frame();
                let spaces = 8 - self.col % 8;
                for _ in 0..spaces {
                    self.out.push(' ');
                }
                self.col += spaces;
            }
            b'\r' => self.pending_cr = true,
            0x08 => self.backspace(),
            _ => {} // every other C0/C1 control is dropped
        }
    }

    fn csi_dispatch(
        &mut self,
        params: &vte::Params,
        intermediates: &[u8],
        ignore: bool,
        action: char,
    ) {
        if action == 'm' && intermediates.is_empty() && !ignore {
            self.apply_sgr(params);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clean(bytes: &[u8]) -> String {
        Sanitizer::default().sanitize(bytes).text.to_string()
    }

    #[test]
    fn plain_lines_pass_through() {
        assert_eq!(
            clean(b"#12 3.456 added 612 packages"),
            "#12 3.456 added 612 packages"
        );
        assert_eq!(
            clean("× This environment is externally managed".as_bytes()),
            "× This environment is externally managed"
        );
    }

    #[test]
    fn colours_become_spans_over_clean_text() {
        let mut s = Sanitizer::default();
        let line = s.sanitize(b"\x1b[1;31merror\x1b[0m TS2305: \x1b[38;5;208mx\x1b[m");
        assert_eq!(line.text, "error TS2305: x");
        assert_eq!(line.spans.len(), 2);
        assert_eq!(line.spans[0].style.fg, Some(Color::Indexed(1)));
        assert!(line.spans[0].style.bold);
        assert_eq!(&line.text[line.spans[1].start..line.spans[1].end], "x");
        assert_eq!(line.spans[1].style.fg, Some(Color::Indexed(208)));
    }

    #[test]
    fn hostile_sequences_are_removed() {
        assert_eq!(clean(b"a\x1b]52;c;ZXZpbA==\x07b"), "ab");
        assert_eq!(clean(b"a\x1b]0;title\x1b\\b"), "ab");
        assert_eq!(clean(b"a\x1b[2J\x1b[H\x1b[10;5Hb"), "ab");
        assert_eq!(clean(b"a\x1bP1$qm\x1b\\b"), "ab");
        assert_eq!(clean("a\u{9b}31mb".as_bytes()), "a31mb");
        assert_eq!(clean(b"a\x9b31mb"), "a31mb");
        assert_eq!(clean(b"a\x00b\x07c\x7fd"), "abcd");
        assert_eq!(clean(b"unterminated \x1b]8;;http://x"), "unterminated ");
    }

    #[test]
    fn carriage_returns_keep_the_last_frame() {
        assert_eq!(clean(b"10%\r50%\r100% done"), "100% done");
        assert_eq!(clean(b"done\r\n"), "done");
        assert_eq!(clean(b"frame one\r"), "frame one");
    }

    #[test]
    fn clean_text_agrees_with_the_parser() {
        let lines: &[&[u8]] = &[
            b"plain",
            b"\x1b[1;31merror\x1b[0m TS2305: \x1b[38;5;208mx\x1b[m\r",
            b"a\tb\x1b[32m\tc\x1b[K",
            "\x1b[2m✓\x1b[22m\tbuilt in 3s".as_bytes(),
            b"\x1b[?25lhidden cursor",
            b"\x1b]0;title\x07after",
            b"10%\r\x1b[32m100%\x1b[0m",
            b"bad \xff utf8 \x1b[31m",
            b"cut \x1b[31",
            b"\x1b[38:2::255:0:0mrgb\x1b[0m\r\r",
            "a\tb\r\x1b[2K✓ é\tdone\r\x1b[0m".as_bytes(),
            b"one\rtwo\r\x1b[1mthree",
            b"\x1b[3\r1mcr inside a sequence",
            "c1 \u{9b}31m".as_bytes(),
            // Tab stops count characters since the frame started, however the text came.
            "é\tx\x1b[1m✓✓\x1b[0m\ty\tz".as_bytes(),
            b"long frame\rab\tc",
            b"xyz\r\tq\tr",
            b"\t\x1b[31m\tx",
        ];
        for line in lines {
            let mut s = Sanitizer::default();
            let fast = s.clean_text(line).to_string();
            assert_eq!(fast, clean(line), "{:?}", String::from_utf8_lossy(line));
        }
    }

    #[test]
    fn colour_runs_join_into_the_clean_text_of_coloured_lines() {
        let runs = |line: &[u8]| {
            let mut joined = Vec::new();
            let text = std::str::from_utf8(line).unwrap();
            colour_runs(text, |run, new_frame| {
                if new_frame {
                    joined.clear();
                }
                joined.extend_from_slice(&line[run]);
            })
            .then_some(joined)
        };
        let taken: &[&[u8]] = &[
            b"plain",
            b"crlf\r",
            b"\x1b[1;31merror\x1b[0m TS2305: \x1b[38;5;208mx\x1b[m\r\r",
            b"\x1b[38:2::255:0:0mrgb\x1b[0m\x1b[K",
            "\x1b[2m✓ é\x1b[22m".as_bytes(),
            b"\x1b[0m",
            b"",
            b"10%\r\x1b[32m100%\x1b[0m",
            b"#4 0.4 \r   \x1b[38;2;249;38;114m---\x1b[0m 1.2/5.7 MB\r",
            b"one\rtwo\r\x1b[1mthree",
            b"kept\r\x1b[0m",
        ];
        for line in taken {
            let want = Sanitizer::default().clean_text(line).to_string();
            assert_eq!(
                runs(line),
                Some(want.into_bytes()),
                "{:?}",
                line.escape_ascii()
            );
        }
        let refused: &[&[u8]] = &[
            b"a\tb\x1b[32m",
            b"xyz\r\tq",
            b"\x1b[?25lhidden cursor",
            b"\x1b]0;title\x07after",
            b"cut \x1b[31",
            b"\x1b(Bcharset",
            "c1 \u{9b}31m".as_bytes(),
            b"del \x7f",
        ];
        for line in refused {
            assert_eq!(runs(line), None, "{:?}", line.escape_ascii());
        }
    }

    #[test]
    fn tabs_backspace_and_invalid_utf8() {
        assert_eq!(clean(b"a\tb"), "a       b");
        assert_eq!(clean(b"abc\x08\x08d"), "ad");
        assert_eq!(clean(b"ok \xff\xfe end"), "ok \u{fffd}\u{fffd} end");
        assert_eq!(clean(b"cut \xe2\x82"), "cut \u{fffd}");
    }
}
