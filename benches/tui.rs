//! The interactive view's speed (issue 5): first frame under 300 ms on a large log, and frame
//! build under 5 ms however many lines are loaded.
//!
//! `cargo bench --bench tui -- --log PATH` (also run by `scripts/bench.sh` with its largest
//! generated log). Two measurements, both rendering the library's own view
//! (`logdoc::tui::view::render`) into ratatui's `TestBackend` at 200×50:
//!
//! 1. first frame (only with `--log`): from opening PATH to one frame drawn, the way
//!    `logdoc::tui::run` does it: `source::open`, the reader and scanner threads
//!    (`worker::spawn_input`), `App::new`, the notifications up to the first batch of lines,
//!    then one draw. The scan goes on in the background (checked for a moment after), and is
//!    stopped by dropping the channel; the first frame never waits for the whole file.
//! 2. frame build: median and p99 of 200 draws (after 10 unmeasured ones) with 1 000 and
//!    with 10 000 000 lines loaded. The lines are generated in memory (BuildKit, npm, pip,
//!    compose noise from `support/noise.rs`, with the built-in signatures' examples as a few
//!    failures), run through `Ingest` (sanitiser + engine) into a `LineStore` block of
//!    10 000 lines, and that block is appended to the `App`'s store until it holds
//!    10 000 000 lines (`App::append`, as the reader's batches are).
//!
//! Prints markdown table rows `| metric | value | target | met |` on stdout (the bench
//! script collects every line starting with `|`); details on stderr. Run without `--bench`
//! (as `cargo test --benches` does), it does nothing.

#[path = "support/noise.rs"]
mod noise;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

use logdoc::diagnosis::Diagnosis;
use logdoc::signature::SignatureSet;
use logdoc::source::{self, InputSpec};
use logdoc::tui::ingest::Ingest;
use logdoc::tui::store::LineStore;
use logdoc::tui::worker::{self, Msg, Pending, SourceEvent};
use logdoc::tui::{view, Action, App};
use ratatui::backend::TestBackend;
use ratatui::Terminal;

const WIDTH: u16 = 200;
const HEIGHT: u16 = 50;
const FIRST_FRAME_TARGET: Duration = Duration::from_millis(300);
const FRAME_TARGET: Duration = Duration::from_millis(5);
const FRAMES: usize = 200;
const WARMUP: usize = 10;
/// Lines in the block that is ingested once and appended until the store is full.
const BLOCK_LINES: usize = 10_000;

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn met(ok: bool) -> &'static str {
    if ok {
        "met"
    } else {
        "NOT met"
    }
}

/// `1 000 000` for 1000000.
fn grouped(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(' ');
        }
        out.push(c);
    }
    out
}

/// `1 GB`, `100 MB` (decimal, as the bench script's sizes).
fn size_label(bytes: u64) -> String {
    if bytes >= 1_000_000_000 {
        format!("{:.3} GB", bytes as f64 / 1e9).replace(".000", "")
    } else {
        format!("{:.0} MB", bytes as f64 / 1e6)
    }
}

fn terminal() -> Terminal<TestBackend> {
    Terminal::new(TestBackend::new(WIDTH, HEIGHT)).expect("a TestBackend terminal")
}

// ----- 1. first frame -----

/// What the first-frame run saw.
struct FirstFrame {
    took: Duration,
    /// Lines in the store when the frame was drawn.
    lines: usize,
    /// Lines in the store a moment later (the scan going on).
    lines_after: usize,
    ended_before_frame: bool,
}

fn first_frame(path: &Path, set: &Arc<SignatureSet>) -> Result<FirstFrame, String> {
    let start = Instant::now();
    let (tx, rx) = mpsc::sync_channel::<Msg>(256);
    let input = source::open(&InputSpec::Path(path.to_path_buf())).map_err(|e| e.to_string())?;
    let name = input.name.clone();
    let handle = worker::spawn_input(Pending::Open(input), Arc::clone(set), true, tx)
        .map_err(|e| e.to_string())?;
    let mut app = App::new(name, Arc::clone(set), true, false);
    app.update(Action::Resize {
        width: WIDTH,
        height: HEIGHT,
    });
    let mut term = terminal();
    // As `run` does: take the notifications until the first batch of lines is in.
    let mut ended = false;
    loop {
        match rx.recv_timeout(Duration::from_secs(30)) {
            Ok(Msg::Lines(batch)) => {
                app.append(batch);
                break;
            }
            Ok(Msg::Diagnosis(d)) => app.set_diagnosis(*d),
            Ok(Msg::Source(event)) => {
                ended |= matches!(event, SourceEvent::Ended);
                let failed = matches!(event, SourceEvent::Failed(_));
                app.source_event(event);
                if failed || ended {
                    break;
                }
            }
            Ok(_) => {}
            Err(e) => return Err(format!("no lines from the reader: {e}")),
        }
    }
    // Whatever else is already waiting, without waiting for more (as `run` takes it).
    while let Ok(msg) = rx.try_recv() {
        match msg {
            Msg::Lines(batch) => app.append(batch),
            Msg::Diagnosis(d) => app.set_diagnosis(*d),
            Msg::Source(event) => {
                ended |= matches!(event, SourceEvent::Ended);
                app.source_event(event);
            }
            _ => {}
        }
    }
    term.draw(|frame| view::render(frame, &app))
        .map_err(|e| e.to_string())?;
    let took = start.elapsed();
    let lines = app.store.len();

    // The scan goes on behind the frame: count what arrives in the next 200 ms.
    let mut lines_after = lines;
    let until = Instant::now() + Duration::from_millis(200);
    while let Some(left) = until.checked_duration_since(Instant::now()) {
        match rx.recv_timeout(left) {
            Ok(Msg::Lines(batch)) => lines_after += batch.len(),
            Ok(_) => {}
            Err(_) => break,
        }
    }
    // Stop the reader: its next send fails and it returns; give it a moment to do so.
    drop(rx);
    drop(handle);
    std::thread::sleep(Duration::from_millis(100));
    Ok(FirstFrame {
        took,
        lines,
        lines_after,
        ended_before_frame: ended,
    })
}

// ----- 2. frame build -----

/// A block of realistic lines (noise with, every so often, a signature's example failure),
/// run through the TUI's ingest path; its diagnosis.
fn block(set: &Arc<SignatureSet>) -> (LineStore, Diagnosis) {
    let examples: Vec<&str> = set
        .signatures()
        .iter()
        .flat_map(|s| &s.examples)
        .map(|e| e.log.trim_matches('\n'))
        .collect();
    let mut noise = noise::Noise::new(11);
    let mut ingest = Ingest::new(Arc::clone(set), true);
    let mut buf = Vec::new();
    let mut lines = 0;
    let mut failures = 0;
    while lines < BLOCK_LINES {
        buf.clear();
        noise.block(&mut buf);
        for line in buf.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
            if lines == BLOCK_LINES {
                break;
            }
            ingest.push_bytes(line);
            lines += 1;
        }
        // A few failures per block: one example after every noise block, up to 5.
        if failures < 5 && !examples.is_empty() && lines < BLOCK_LINES {
            let example = examples[(failures * 7) % examples.len()];
            for line in example.lines() {
                if lines == BLOCK_LINES {
                    break;
                }
                ingest.push_bytes(line.as_bytes());
                lines += 1;
            }
            failures += 1;
        }
    }
    (ingest.take_batch(), ingest.snapshot())
}

/// An app that has read `lines` lines (whole blocks of [`block`], the last one cut).
fn loaded_app(set: &Arc<SignatureSet>, block: &LineStore, d: &Diagnosis, lines: usize) -> App {
    let mut app = App::new("generated.log", Arc::clone(set), true, false);
    app.update(Action::Resize {
        width: WIDTH,
        height: HEIGHT,
    });
    let mut left = lines;
    while left > 0 {
        if left >= block.len() {
            app.append(block.clone());
            left -= block.len();
        } else {
            let mut part = LineStore::new();
            for i in 0..left {
                part.push(
                    block.text(i),
                    &[],
                    block.flags(i),
                    block.text(i).len() as u64 + 1,
                );
            }
            app.append(part);
            left = 0;
        }
    }
    app.set_diagnosis(d.clone());
    app.source_event(SourceEvent::Ended);
    app
}

/// Median and p99 of [`FRAMES`] draws of `app`.
fn frame_times(app: &App) -> (Duration, Duration) {
    let mut term = terminal();
    for _ in 0..WARMUP {
        term.draw(|frame| view::render(frame, app)).unwrap();
    }
    let mut times: Vec<Duration> = (0..FRAMES)
        .map(|_| {
            let t = Instant::now();
            term.draw(|frame| view::render(frame, app)).unwrap();
            t.elapsed()
        })
        .collect();
    times.sort();
    let p99 = times[(times.len() * 99).div_ceil(100) - 1];
    (times[times.len() / 2], p99)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    if !args.iter().any(|a| a == "--bench") {
        return ExitCode::SUCCESS;
    }
    let log = args
        .iter()
        .position(|a| a == "--log")
        .and_then(|i| args.get(i + 1))
        .map(PathBuf::from);

    let t = Instant::now();
    let set = match SignatureSet::builtin() {
        Ok(set) => Arc::new(set),
        Err(errors) => {
            for e in errors {
                eprintln!("tui: {e}");
            }
            return ExitCode::from(2);
        }
    };
    let set_took = t.elapsed();
    eprintln!(
        "tui: {} built-in signatures loaded in {:.0} ms (before the view starts; not counted)",
        set.len(),
        ms(set_took)
    );

    let mut failed = false;
    match &log {
        None => {
            eprintln!("tui: no --log PATH given: first frame not measured");
            println!(
                "| TUI first frame | not measured (no `--log PATH`) | < {} ms | ? |",
                FIRST_FRAME_TARGET.as_millis()
            );
        }
        Some(path) => {
            let bytes = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
            match first_frame(path, &set) {
                Ok(f) => {
                    eprintln!(
                        "tui: first frame of {} ({} bytes) after {:.1} ms with {} lines in; \
                         {} lines 200 ms later{}",
                        path.display(),
                        bytes,
                        ms(f.took),
                        f.lines,
                        f.lines_after,
                        if f.ended_before_frame {
                            " (the whole file was read before the frame)"
                        } else {
                            " (the scan went on in the background)"
                        }
                    );
                    println!(
                        "| TUI first frame, {} file | {:.0} ms | < {} ms | {} |",
                        size_label(bytes),
                        ms(f.took),
                        FIRST_FRAME_TARGET.as_millis(),
                        met(f.took < FIRST_FRAME_TARGET)
                    );
                }
                Err(e) => {
                    eprintln!("tui: first frame of {}: {e}", path.display());
                    println!(
                        "| TUI first frame, {} file | failed: {e} | < {} ms | ? |",
                        size_label(bytes),
                        FIRST_FRAME_TARGET.as_millis()
                    );
                    failed = true;
                }
            }
        }
    }

    let t = Instant::now();
    let (block, diagnosis) = block(&set);
    eprintln!(
        "tui: block of {} lines ingested in {:.0} ms: {} findings, {} unrecognised",
        block.len(),
        ms(t.elapsed()),
        diagnosis.findings.len(),
        diagnosis.unrecognized.len()
    );
    for lines in [1_000, 10_000_000] {
        let t = Instant::now();
        let app = loaded_app(&set, &block, &diagnosis, lines);
        eprintln!(
            "tui: {} lines loaded in {:.0} ms ({} MB in the store)",
            grouped(app.store.len()),
            ms(t.elapsed()),
            app.store.heap_bytes() / 1_000_000
        );
        let (median, p99) = frame_times(&app);
        println!(
            "| TUI frame build ({WIDTH}×{HEIGHT} TestBackend), {} lines loaded ({FRAMES} frames) | \
             median {:.2} ms, p99 {:.2} ms | < {} ms | {} |",
            grouped(lines),
            ms(median),
            ms(p99),
            FRAME_TARGET.as_millis(),
            met(p99 < FRAME_TARGET)
        );
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
