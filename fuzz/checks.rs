//! What the fuzz targets feed logdoc and the invariants they assert. Shared, through
//! `#[path]`, by the cargo-fuzz targets in `fuzz_targets/` and by `tests/fuzz_regressions.rs`,
//! which replays every input kept in `fuzz/regressions/<target>/` (and the hostile fixtures)
//! on stable in the ordinary `cargo test`.
#![allow(dead_code)]

use std::io::{Cursor, Read};
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use logdoc::diagnosis::Engine;
use logdoc::normalize::{self, Normalizer};
use logdoc::redact::Redactor;
use logdoc::report::{self, Format, ReportInput};
use logdoc::scan::{scan_partial, ScanOptions};
use logdoc::signature::{examples, template, Origin, SignatureSet, SourceFile};
use logdoc::source::{colour_runs, Input, LineReader, Sanitizer};

fn builtin() -> Arc<SignatureSet> {
    static SET: OnceLock<Arc<SignatureSet>> = OnceLock::new();
    Arc::clone(SET.get_or_init(|| Arc::new(SignatureSet::builtin().expect("built-in set loads"))))
}

fn assert_no_control(text: &str, what: &str) {
    if let Some(c) = text.chars().find(|c| c.is_control()) {
        panic!("{what}: control character {c:?} in {text:?}");
    }
}

/// Secrets of fixed shapes that masking must never let through to a report.
fn unmasked_secret() -> &'static regex::Regex {
    static RE: OnceLock<regex::Regex> = OnceLock::new();
    RE.get_or_init(|| {
        regex::Regex::new(
            r"\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{8}|\bwhsec_[A-Za-z0-9]{8}|\bAKIA[0-9A-Z]{16}\b|\bgh[pousr]_[A-Za-z0-9]{30}|\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.",
        )
        .expect("valid")
    })
}

/// Lines as a line-oriented tool counts them: newlines, plus an unterminated last line.
fn line_count(bytes: &[u8]) -> u64 {
    let newlines = bytes.iter().filter(|&&b| b == b'\n').count() as u64;
    newlines + u64::from(!bytes.is_empty() && !bytes.ends_with(b"\n"))
}

/// Sanitiser, normaliser and redactor, line by line: the clean text holds no control
/// character, colour spans lie on character boundaries inside it, normalising and masking
/// keep it free of controls, and masking neither adds nor removes a line.
pub fn sanitize_normalize(data: &[u8]) {
    let mut sanitizer = Sanitizer::default();
    let mut normalizer = Normalizer::default();
    let redactor = Redactor::new();
    for line in data.split(|&b| b == b'\n') {
        let clean = sanitizer.sanitize(line);
        assert_no_control(clean.text, "sanitised");
        let mut last_end = 0;
        for span in clean.spans {
            assert!(span.start < span.end, "empty span {span:?}");
            assert!(
                span.start >= last_end,
                "overlapping spans {:?}",
                clean.spans
            );
            assert!(
                span.end <= clean.text.len(),
                "span {span:?} past {:?}",
                clean.text
            );
            assert!(
                clean.text.is_char_boundary(span.start) && clean.text.is_char_boundary(span.end),
                "span {span:?} splits a character of {:?}",
                clean.text
            );
            last_end = span.end;
        }
        let text = clean.text.to_string();
        // The text-only fast path agrees with the parser.
        let mut fast = Sanitizer::default();
        assert_eq!(
            fast.clean_text(line),
            text,
            "clean_text differs on {line:?}"
        );
        // The runs of a coloured line, when taken, join into the same text.
        let mut joined = Vec::new();
        let utf8 = std::str::from_utf8(line);
        let taken = utf8.is_ok_and(|text| {
            colour_runs(text, |run, new_frame| {
                if new_frame {
                    joined.clear();
                }
                joined.extend_from_slice(&line[run]);
            })
        });
        if taken {
            assert_eq!(joined, text.as_bytes(), "colour_runs differs on {line:?}");
        }
        // A line `effect` calls inert changes nothing the normaliser keeps, and a line that
        // `may_have_effect` rules out is inert.
        let effect = normalize::effect(&text);
        assert!(
            normalize::may_have_effect(&text) || effect == normalize::Effect::Nothing,
            "{text:?} has {effect:?}, ruled out by its bytes"
        );
        if effect == normalize::Effect::Nothing {
            let mut with = normalizer.clone();
            with.normalize(&text);
            assert!(with == normalizer, "{text:?} changed the normaliser");
        }
        let normalized = normalizer.normalize(&text);
        // An inert line's text is a slice of it: the block search saw every literal it holds.
        assert!(
            effect != normalize::Effect::Nothing || text.contains(normalized.text),
            "{text:?} is inert, but normalised to {:?}",
            normalized.text
        );
        assert_no_control(normalized.text, "normalised");
        let step = normalized.step;
        let normalized = normalized.text.to_string();
        if let Some(step) = step {
            assert_no_control(normalizer.step_name(step), "step name");
        }
        let masked = redactor.mask(&normalized);
        assert_no_control(&masked, "masked");
    }
    if let Ok(text) = std::str::from_utf8(data) {
        let masked = redactor.mask(text);
        assert_eq!(
            masked.split('\n').count(),
            text.split('\n').count(),
            "masking changed the line count"
        );
    }
}

/// The report-mode engine fed arbitrary bytes (gzip when they start like it), with a small
/// line cap so over-long lines are common: no line is lost, findings point at real lines,
/// and no report format carries a control character.
pub fn engine(data: &[u8]) {
    let gzip = data.starts_with(&[0x1f, 0x8b]);
    let reader: Box<dyn Read + Send> = if gzip {
        Box::new(flate2::read::MultiGzDecoder::new(Cursor::new(
            data.to_vec(),
        )))
    } else {
        Box::new(Cursor::new(data.to_vec()))
    };
    let input = Input {
        name: "fuzz.log".to_string(),
        gzip,
        reader,
    };
    // Both the one-thread scan and the pipeline, by the input's length.
    let options = ScanOptions {
        redact: true,
        max_line: 300,
        threads: 1 + data.len() % 2,
        // Small blocks, so even short inputs make several.
        read_buffer: 4096,
    };
    let Ok((scan, error)) = scan_partial(input, builtin(), &options, |_, _| {}) else {
        assert!(gzip, "a plain in-memory input cannot fail to read");
        return;
    };
    let lines = scan.diagnosis.lines;
    if !gzip {
        assert!(error.is_none());
        assert_eq!(lines, line_count(data), "lines lost or invented");
        // The planned scan skips and searches lines in bulk: it must find exactly what
        // feeding every line to the engine finds.
        let mut engine = Engine::new(builtin(), true);
        let mut sanitizer = Sanitizer::default();
        let mut reader = LineReader::with_max_line(Cursor::new(data), options.max_line);
        while let Some(line) = reader.next_line().expect("in memory") {
            engine.feed(sanitizer.sanitize(line.bytes).text);
        }
        let want = format!("{:#?}", engine.diagnosis());
        assert_eq!(
            format!("{:#?}", scan.diagnosis),
            want,
            "planned scan differs"
        );
    }
    for f in &scan.diagnosis.findings {
        assert!(
            f.first.line >= 1 && f.first.line <= lines,
            "finding on line {}",
            f.first.line
        );
        assert!(
            f.lines.windows(2).all(|w| w[0] < w[1]),
            "lines unsorted {:?}",
            f.lines
        );
        assert!(f.lines.iter().all(|&l| l >= 1 && l <= lines));
        assert_no_control(&f.first.text, "finding text");
    }
    for u in &scan.diagnosis.unrecognized {
        assert!(u.line >= 1 && u.line <= lines);
        assert_no_control(&u.text, "unrecognised text");
    }
    let set = builtin();
    for format in [Format::Text, Format::Json, Format::Markdown, Format::Github] {
        let mut out = Vec::new();
        let input = ReportInput {
            scan: &scan,
            set: &set,
        };
        report::write(format, &[input], report::Style { color: false }, &mut out)
            .expect("writing to memory");
        let text = String::from_utf8(out).expect("a report is UTF-8");
        if let Some(m) = unmasked_secret().find(&text) {
            panic!("{format:?} report shows a secret {:?}:\n{text}", m.as_str());
        }
        if let Some(c) = text.chars().find(|&c| c != '\n' && c.is_control()) {
            panic!("{format:?} report holds control character {c:?}:\n{text}");
        }
        if format == Format::Json {
            let v: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
            assert_eq!(v["lines"], lines);
        }
    }
}

/// The signature loader fed an arbitrary file: every problem names the file and a line
/// inside it; a file that loads has its examples run and its templates filled.
pub fn signature_loader(data: &[u8]) {
    let text = String::from_utf8_lossy(data).into_owned();
    let file_lines = text.split('\n').count();
    let source = SourceFile {
        origin: Origin::File(PathBuf::from("fuzz.toml")),
        text,
    };
    match SignatureSet::from_sources(vec![source]) {
        Ok(set) => {
            let set = Arc::new(set);
            for e in examples::check(&set) {
                assert_eq!(e.file, "fuzz.toml");
                assert!(!e.message.is_empty());
            }
            for sig in set.signatures() {
                let value = |name: &str| Some(format!("<{name}>"));
                let _ = template::fill(&sig.fix, value);
                let _ = template::fill(&sig.summary, |_| None);
            }
        }
        Err(errors) => {
            assert!(!errors.is_empty());
            for e in errors {
                assert_eq!(e.file, "fuzz.toml", "{e}");
                assert!(!e.message.trim().is_empty(), "{e:?}");
                if let Some(line) = e.line {
                    assert!(
                        line >= 1 && line <= file_lines,
                        "{e}: line out of the file ({file_lines} lines)"
                    );
                }
            }
        }
    }
}
