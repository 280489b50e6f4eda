//! Property tests (proptest): reading, sanitising and normalising never lose a line, line
//! numbers map back to the input whatever surrounds a failure and however the bytes arrive,
//! and stripping colours gives back the exact text with the colours as spans.

mod support;

use logdoc::scan::{scan, ScanOptions};
use logdoc::source::{Color, Input, Sanitizer, Sgr};
use proptest::prelude::*;
use support::{builtin, Trickle};

const FAILURE: &str = "error: externally-managed-environment";

/// Bytes that a terminal interprets and the sanitiser removes entirely.
const REMOVABLE: &[&[u8]] = &[
    b"\x1b[31m",
    b"\x1b[0m",
    b"\x1b[1;38;5;208m",
    b"\x1b]0;title\x07",
    b"\x1b]52;c;ZXZpbA==\x1b\\",
    b"\x1b]8;;https://x.example/\x1b\\",
    b"\x1b[2J",
    b"\x1b[10;5H",
    b"\x1bP1$qm\x1b\\",
    b"\0",
    b"\x07",
    b"\x7f",
    "\u{9b}".as_bytes(),
];

/// Bytes of any kind, newline aside: the noise lines around the failure.
fn noise_line() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        4 => proptest::collection::vec(any::<u8>().prop_filter("no newline", |b| *b != b'\n'), 0..12),
        1 => proptest::sample::select(REMOVABLE).prop_map(<[u8]>::to_vec),
        1 => Just(b"\r".to_vec()),
        1 => Just(b"\t".to_vec()),
        1 => Just(b"\x08".to_vec()),
        1 => Just(b"\xff\xfe".to_vec()),
        1 => Just("#7 0.1 plain text ".as_bytes().to_vec()),
    ];
    proptest::collection::vec(piece, 0..6).prop_map(|pieces| pieces.concat())
}

/// The failure line with removable bytes inserted at random places.
fn failure_line() -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(
        (0..=FAILURE.len(), proptest::sample::select(REMOVABLE)),
        0..4,
    )
    .prop_map(|mut inserts| {
        inserts.sort_by_key(|(at, _)| *at);
        let mut line = Vec::new();
        let mut from = 0;
        for (at, bytes) in inserts {
            line.extend_from_slice(&FAILURE.as_bytes()[from..at]);
            line.extend_from_slice(bytes);
            from = at;
        }
        line.extend_from_slice(&FAILURE.as_bytes()[from..]);
        line
    })
}

fn line_count(bytes: &[u8]) -> u64 {
    let newlines = bytes.iter().filter(|&&b| b == b'\n').count() as u64;
    newlines + u64::from(!bytes.is_empty() && !bytes.ends_with(b"\n"))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// No line is lost or invented, and the failure is reported on its own line number,
    /// whatever noise surrounds it, whether the input ends with a newline, and however the
    /// reads are cut.
    #[test]
    fn no_line_is_lost_and_line_numbers_map_back(
        before in proptest::collection::vec(noise_line(), 0..30),
        failure in failure_line(),
        after in proptest::collection::vec(noise_line(), 0..30),
        trailing_newline in any::<bool>(),
        chunk in 1usize..5000,
        max_line in prop_oneof![Just(1usize << 20), 40usize..200],
    ) {
        // Noise that happens to spell the failure would be found first.
        prop_assume!(!before.iter().any(|l| String::from_utf8_lossy(l).contains("externally")));
        let mut log = Vec::new();
        for line in &before {
            log.extend_from_slice(line);
            log.push(b'\n');
        }
        log.extend_from_slice(&failure);
        for line in &after {
            log.push(b'\n');
            log.extend_from_slice(line);
        }
        if trailing_newline {
            log.push(b'\n');
        }
        let input = Input {
            name: "prop.log".into(),
            gzip: false,
            reader: Box::new(Trickle { data: log.clone(), at: 0, chunk }),
        };
        let options = ScanOptions { redact: true, max_line, threads: 1 + chunk % 2, read_buffer: 4096 };
        let s = scan(input, builtin(), &options, |_, _| {}).expect("in-memory read");
        prop_assert_eq!(s.diagnosis.lines, line_count(&log));
        if failure.len() <= max_line {
            let f = s.diagnosis.findings.iter().find(|f| f.id == "pep668-externally-managed");
            prop_assert!(f.is_some(), "the failure is not found in {:?}", String::from_utf8_lossy(&log));
            prop_assert_eq!(f.unwrap().first.line, before.len() as u64 + 1);
        }
    }

    /// The text-only fast path ([`Sanitizer::clean_text`]) cleans exactly as the parser does.
    #[test]
    fn clean_text_is_the_sanitised_text(
        pieces in proptest::collection::vec(prop_oneof![
            3 => "[a-zA-Z0-9 .:/×é漢-]{0,8}".prop_map(String::into_bytes),
            2 => proptest::sample::select(SGR_CODES).prop_map(|c| format!("\x1b[{c}m").into_bytes()),
            1 => proptest::sample::select(REMOVABLE).prop_map(<[u8]>::to_vec),
            1 => proptest::sample::select(&["\r", "\t", "\x1b[2K", "\x1b[", "\x1b[3", "\r\n", "\u{85}"][..])
                .prop_map(|s| s.as_bytes().to_vec()),
            1 => proptest::collection::vec(any::<u8>(), 0..4),
        ], 0..12),
    ) {
        let line = pieces.concat();
        let want = Sanitizer::default().sanitize(&line).text.to_string();
        let mut fast = Sanitizer::default();
        prop_assert_eq!(fast.clean_text(&line), want.as_str());
    }

    /// Sanitising arbitrary bytes never yields a control character, and spans stay inside
    /// the text on character boundaries.
    #[test]
    fn sanitised_text_is_inert(line in proptest::collection::vec(any::<u8>(), 0..400)) {
        let mut s = Sanitizer::default();
        let clean = s.sanitize(&line);
        prop_assert!(!clean.text.chars().any(char::is_control), "{:?}", clean.text);
        for span in clean.spans {
            prop_assert!(span.start < span.end && span.end <= clean.text.len());
            prop_assert!(clean.text.is_char_boundary(span.start) && clean.text.is_char_boundary(span.end));
        }
    }

    /// Stripping colours gives back the exact text, and each character carries the colour
    /// the SGR sequences before it set.
    #[test]
    fn stripping_colours_gives_back_the_exact_text(
        pieces in proptest::collection::vec(
            (proptest::sample::select(SGR_CODES), "[a-zA-Z0-9 .:/×é漢-]{0,8}"),
            0..12,
        ),
    ) {
        let mut line = Vec::new();
        let mut want_text = String::new();
        let mut want_styles = Vec::new();
        let mut style = Sgr::default();
        for (code, text) in &pieces {
            line.extend_from_slice(format!("\x1b[{code}m").as_bytes());
            style = apply(style, code);
            line.extend_from_slice(text.as_bytes());
            want_text.push_str(text);
            want_styles.extend(text.char_indices().map(|_| style));
        }
        let mut s = Sanitizer::default();
        let clean = s.sanitize(&line);
        prop_assert_eq!(clean.text, want_text.as_str());
        let got_styles: Vec<Sgr> = clean
            .text
            .char_indices()
            .map(|(i, _)| {
                clean.spans.iter().find(|sp| sp.start <= i && i < sp.end).map_or(Sgr::default(), |sp| sp.style)
            })
            .collect();
        prop_assert_eq!(got_styles, want_styles);
    }
}

/// SGR parameter lists the colour property draws from.
const SGR_CODES: &[&str] = &[
    "0",
    "",
    "1",
    "2",
    "3",
    "4",
    "22",
    "23",
    "24",
    "31",
    "32",
    "39",
    "42",
    "49",
    "93",
    "104",
    "38;5;208",
    "48;5;17",
    "38;2;255;128;0",
    "1;31",
    "0;4;36",
];

/// The expected effect of an SGR parameter list (the model the property checks against).
fn apply(mut style: Sgr, code: &str) -> Sgr {
    let params: Vec<u8> = if code.is_empty() {
        vec![0]
    } else {
        code.split(';').map(|p| p.parse().unwrap()).collect()
    };
    let mut i = 0;
    while i < params.len() {
        match params[i] {
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
            c @ 30..=37 => style.fg = Some(Color::Indexed(c - 30)),
            39 => style.fg = None,
            c @ 40..=47 => style.bg = Some(Color::Indexed(c - 40)),
            49 => style.bg = None,
            c @ 90..=97 => style.fg = Some(Color::Indexed(c - 90 + 8)),
            c @ 100..=107 => style.bg = Some(Color::Indexed(c - 100 + 8)),
            c @ (38 | 48) => {
                let color = if params[i + 1] == 5 {
                    i += 2;
                    Color::Indexed(params[i])
                } else {
                    i += 4;
                    Color::Rgb(params[i - 2], params[i - 1], params[i])
                };
                if c == 38 {
                    style.fg = Some(color);
                } else {
                    style.bg = Some(color);
                }
            }
            _ => {}
        }
        i += 1;
    }
    style
}
