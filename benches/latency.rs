//! Latency from a log line arriving to its finding being known (issue 5: under 50 ms).
//!
//! `cargo bench --bench latency` (also run by `scripts/bench.sh`). Three measurements, each
//! over every line of every built-in signature's `[[examples]]` (the line at which the
//! engine reports a finding is the one that counts):
//!
//! 1. engine, fresh: `Engine::feed(line)` + `Engine::diagnosis()` after 100 000 noise lines;
//! 2. engine, loaded: the same after a long stream — 1 000 000 noise lines, every example
//!    ten times, and one failure repeated 20 000 times (a finding at its line-number cap),
//!    so `diagnosis()` has real state to copy and rank;
//! 3. through a pipe: a writer thread writes the lines one by one (idle between them, as a
//!    live stream is) into a socket pair; the reader thread runs the real reading path
//!    (`LineReader` → `Sanitizer` → `Engine::feed`, then `diagnosis()`) on the loaded engine.
//!    Latency = write → diagnosis in hand.
//!
//! Prints markdown table rows `| metric | value | target | met |` on stdout (the bench
//! script collects every line starting with `|`); details on stderr. Run without `--bench`
//! (as `cargo test --benches` does), it does nothing.

#[path = "support/noise.rs"]
mod noise;

use std::io::Write;
use std::os::unix::net::UnixStream;
use std::process::ExitCode;
use std::sync::{mpsc, Arc};
use std::thread;
use std::time::{Duration, Instant};

use logdoc::diagnosis::Engine;
use logdoc::signature::SignatureSet;
use logdoc::source::{LineReader, Sanitizer};

const TARGET: Duration = Duration::from_millis(50);

/// Every example of every signature, as lines.
fn example_lines(set: &SignatureSet) -> Vec<Vec<String>> {
    set.signatures()
        .iter()
        .flat_map(|s| &s.examples)
        .map(|e| {
            e.log
                .trim_matches('\n')
                .lines()
                .map(str::to_string)
                .collect()
        })
        .collect()
}

fn noise_lines(count: usize, seed: u64) -> Vec<Vec<u8>> {
    let mut noise = noise::Noise::new(seed);
    let mut buf = Vec::new();
    let mut lines = Vec::with_capacity(count);
    while lines.len() < count {
        buf.clear();
        noise.block(&mut buf);
        lines.extend(
            buf.split(|&b| b == b'\n')
                .filter(|l| !l.is_empty())
                .map(<[u8]>::to_vec),
        );
    }
    lines.truncate(count);
    lines
}

fn feed_all<'a>(
    engine: &mut Engine,
    sanitizer: &mut Sanitizer,
    lines: impl IntoIterator<Item = &'a [u8]>,
) {
    for line in lines {
        engine.feed(sanitizer.sanitize(line).text);
    }
}

/// An engine in the state of a long stream (see the module docs).
fn loaded_engine(set: &Arc<SignatureSet>, noise: &[Vec<u8>], examples: &[Vec<String>]) -> Engine {
    let mut engine = Engine::new(Arc::clone(set), true);
    let mut sanitizer = Sanitizer::default();
    let chunk = noise.len() / 10;
    for round in 0..10 {
        feed_all(
            &mut engine,
            &mut sanitizer,
            noise[round * chunk..(round + 1) * chunk]
                .iter()
                .map(Vec::as_slice),
        );
        for block in examples {
            feed_all(
                &mut engine,
                &mut sanitizer,
                block.iter().map(|l| l.as_bytes()),
            );
        }
    }
    // One failure a service repeats for hours: the line of the first example that reports.
    let repeated = examples.iter().flatten().find(|l| {
        let mut probe = Engine::new(Arc::clone(set), true);
        probe.feed(l).severity.is_some()
    });
    if let Some(line) = repeated {
        for _ in 0..20_000 {
            engine.feed(line);
        }
    }
    engine
}

/// Latency of every line at which the engine reports a finding: feed + diagnosis.
fn engine_latencies(engine: &mut Engine, examples: &[Vec<String>], label: &str) -> Vec<Duration> {
    let mut sanitizer = Sanitizer::default();
    let mut found = Vec::new();
    for block in examples {
        for line in block {
            let started = Instant::now();
            let verdict = engine.feed(sanitizer.sanitize(line.as_bytes()).text);
            let diagnosis = engine.diagnosis();
            let took = started.elapsed();
            std::hint::black_box(&diagnosis);
            if verdict.severity.is_some() {
                found.push((took, line.as_str()));
            }
        }
    }
    found.sort_by_key(|&(took, _)| std::cmp::Reverse(took));
    for (took, line) in found.iter().take(3) {
        eprintln!(
            "latency: {label}: slowest: {} ms  {}",
            ms(*took),
            line.chars().take(100).collect::<String>()
        );
    }
    found.into_iter().map(|(took, _)| took).collect()
}

/// Writes the example lines into a socket one by one; the reader thread scans them with the
/// real reading path on a loaded engine. Returns write → diagnosis latencies.
fn pipe_latencies(mut engine: Engine, examples: &[Vec<String>]) -> std::io::Result<Vec<Duration>> {
    let (mut writer, reader) = UnixStream::pair()?;
    let (found_tx, found_rx) = mpsc::channel::<(u64, Instant)>();
    let scanner = thread::spawn(move || -> std::io::Result<()> {
        let mut lines = LineReader::new(reader);
        let mut sanitizer = Sanitizer::default();
        let mut index = 0u64;
        while let Some(line) = lines.next_line()? {
            let verdict = engine.feed(sanitizer.sanitize(line.bytes).text);
            if verdict.severity.is_some() {
                std::hint::black_box(engine.diagnosis());
                let _ = found_tx.send((index, Instant::now()));
            }
            index += 1;
        }
        Ok(())
    });
    let mut written = Vec::new();
    for line in examples.iter().flatten() {
        // Idle between lines, as a live stream is: the reader is blocked in `read`.
        thread::sleep(Duration::from_micros(300));
        written.push(Instant::now());
        writer.write_all(line.as_bytes())?;
        writer.write_all(b"\n")?;
    }
    drop(writer);
    scanner
        .join()
        .map_err(|_| std::io::Error::other("scanner thread panicked"))??;
    Ok(found_rx
        .try_iter()
        .map(|(i, at)| at.duration_since(written[i as usize]))
        .collect())
}

struct Summary {
    n: usize,
    median: Duration,
    p99: Duration,
    max: Duration,
}

fn summarize(mut d: Vec<Duration>) -> Option<Summary> {
    if d.is_empty() {
        return None;
    }
    d.sort();
    let at = |q: f64| d[((d.len() - 1) as f64 * q).round() as usize];
    Some(Summary {
        n: d.len(),
        median: at(0.5),
        p99: at(0.99),
        max: d[d.len() - 1],
    })
}

fn ms(d: Duration) -> String {
    format!("{:.3}", d.as_secs_f64() * 1e3)
}

fn row(metric: &str, s: Option<Summary>) {
    match s {
        Some(s) => println!(
            "| {metric}, median / p99 / max over {} finding lines | {} / {} / {} ms | < {} ms | {} |",
            s.n,
            ms(s.median),
            ms(s.p99),
            ms(s.max),
            TARGET.as_millis(),
            if s.max < TARGET { "met" } else { "NOT met" }
        ),
        None => println!("| {metric} | no finding line | < {} ms | ? |", TARGET.as_millis()),
    }
}

fn main() -> ExitCode {
    if !std::env::args().any(|a| a == "--bench") {
        return ExitCode::SUCCESS;
    }
    let set = match SignatureSet::builtin() {
        Ok(set) => Arc::new(set),
        Err(errors) => {
            for e in errors {
                eprintln!("latency: {e}");
            }
            return ExitCode::from(2);
        }
    };
    let examples = example_lines(&set);
    eprintln!(
        "latency: {} signatures, {} example blocks",
        set.len(),
        examples.len()
    );

    let noise = noise_lines(1_000_000, 7);
    let mut fresh = Engine::new(Arc::clone(&set), true);
    feed_all(
        &mut fresh,
        &mut Sanitizer::default(),
        noise[..100_000].iter().map(Vec::as_slice),
    );
    let fresh_latencies = engine_latencies(&mut fresh, &examples, "fresh");

    let started = Instant::now();
    let mut loaded = loaded_engine(&set, &noise, &examples);
    eprintln!(
        "latency: loaded engine built in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let started = Instant::now();
    let diagnosis = loaded.diagnosis();
    let diagnosis_time = started.elapsed();
    let occurrences: u64 = diagnosis
        .findings
        .iter()
        .map(|f| f.lines.len() as u64)
        .sum();
    let loaded_latencies = engine_latencies(&mut loaded, &examples, "loaded");

    let pipe_engine = loaded_engine(&set, &noise, &examples);
    let piped = match pipe_latencies(pipe_engine, &examples) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("latency: pipe measurement failed: {e}");
            return ExitCode::from(2);
        }
    };

    row(
        "Latency line → finding: `Engine::feed` + `diagnosis()`, fresh engine",
        summarize(fresh_latencies),
    );
    row(
        &format!(
            "Latency line → finding: `Engine::feed` + `diagnosis()`, loaded engine ({} lines, {} findings, {occurrences} occurrences)",
            loaded.lines(),
            diagnosis.findings.len()
        ),
        summarize(loaded_latencies),
    );
    row(
        "Latency line written to a pipe → finding: `LineReader` → `Sanitizer` → `Engine::feed` + `diagnosis()`, loaded engine",
        summarize(piped),
    );
    println!(
        "| `Engine::diagnosis()` alone, loaded engine | {} ms | (info) | |",
        ms(diagnosis_time)
    );
    ExitCode::SUCCESS
}
