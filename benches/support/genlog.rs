//! Writes a large, realistic deployment log for the benchmarks (see `scripts/bench.sh`).
//!
//! ```text
//! cargo run --release --example genlog -- --size 100M --out /tmp/bench/100M.log
//!     [--failures 300] [--seed 1] [--signatures signatures/] [--manifest FILE]
//! ```
//!
//! The log is noise from `noise.rs` (BuildKit, npm, pip, tsc/vite, compose services; ANSI
//! colour on about 9 % of lines, `\r` progress frames on about 1 %) with the
//! signatures' own `[[examples]]` inserted as whole blocks at evenly spread places (round
//! robin over every example, so each signature appears), and half as many
//! `[[counter_examples]]`. Sizes are decimal: `100M` is 100 000 000 bytes; the file is cut at
//! a line boundary to that size exactly. The manifest (JSON, to `--manifest` or stderr) lists
//! which signatures were inserted, so the caller can check logdoc found them all.

mod noise;

use std::collections::BTreeMap;
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

struct Args {
    size: u64,
    out: PathBuf,
    failures: u64,
    seed: u64,
    signatures: PathBuf,
    manifest: Option<PathBuf>,
}

fn parse_size(s: &str) -> Option<u64> {
    let s = s.trim();
    let (digits, mult) = match s.char_indices().last()? {
        (i, 'k' | 'K') => (&s[..i], 1_000),
        (i, 'm' | 'M') => (&s[..i], 1_000_000),
        (i, 'g' | 'G') => (&s[..i], 1_000_000_000),
        _ => (s, 1),
    };
    let n: f64 = digits.parse().ok()?;
    (n > 0.0).then_some((n * mult as f64) as u64)
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        size: 100_000_000,
        out: PathBuf::new(),
        failures: 300,
        seed: 1,
        signatures: Path::new(env!("CARGO_MANIFEST_DIR")).join("signatures"),
        manifest: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or(format!("{flag} needs a value"));
        match flag.as_str() {
            "--size" => {
                let v = value()?;
                args.size = parse_size(&v).ok_or(format!("bad size `{v}` (e.g. 100M, 1G)"))?;
            }
            "--out" => args.out = value()?.into(),
            "--failures" => {
                args.failures = value()?.parse().map_err(|e| format!("--failures: {e}"))?
            }
            "--seed" => args.seed = value()?.parse().map_err(|e| format!("--seed: {e}"))?,
            "--signatures" => args.signatures = value()?.into(),
            "--manifest" => args.manifest = Some(value()?.into()),
            "--bench" => {} // passed by `cargo bench`; harmless
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    if args.out.as_os_str().is_empty() {
        return Err("--out FILE is required".into());
    }
    Ok(args)
}

/// `(signature id, example log)` pairs, and counter-example logs.
type Examples = (Vec<(String, String)>, Vec<String>);

/// Every example and counter-example from every TOML file in `dir`. Files that do not
/// parse (the set is being edited) are skipped with a warning.
fn load_examples(dir: &Path) -> Result<Examples, String> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    let (mut examples, mut counter) = (Vec::new(), Vec::new());
    for path in files {
        let parsed = std::fs::read_to_string(&path)
            .map_err(|e| e.to_string())
            .and_then(|text| text.parse::<toml::Table>().map_err(|e| e.to_string()));
        let table = match parsed {
            Ok(t) => t,
            Err(e) => {
                eprintln!("genlog: skipping {}: {e}", path.display());
                continue;
            }
        };
        let Some(id) = table.get("id").and_then(|v| v.as_str()) else {
            continue;
        };
        let logs = |key: &str| -> Vec<String> {
            table
                .get(key)
                .and_then(|v| v.as_array())
                .into_iter()
                .flatten()
                .filter_map(|e| e.get("log").and_then(|l| l.as_str()))
                .map(|l| l.trim_matches('\n').to_string() + "\n")
                .collect()
        };
        examples.extend(logs("examples").into_iter().map(|l| (id.to_string(), l)));
        counter.extend(logs("counter_examples"));
    }
    Ok((examples, counter))
}

fn run(args: Args) -> Result<(), String> {
    let (examples, counter) = load_examples(&args.signatures)?;
    if examples.is_empty() && args.failures > 0 {
        return Err(format!(
            "no [[examples]] found in {}",
            args.signatures.display()
        ));
    }
    let mut file = File::create(&args.out).map_err(|e| format!("{}: {e}", args.out.display()))?;
    let mut noise = noise::Noise::new(args.seed);
    let mut buf: Vec<u8> = Vec::with_capacity(1 << 20);
    let mut written = 0u64;
    let mut expected: BTreeMap<String, u64> = BTreeMap::new();
    let (mut failures, mut counters) = (0u64, 0u64);
    let counter_total = if counter.is_empty() {
        0
    } else {
        args.failures / 2
    };
    // Evenly spread offsets, each jittered by up to ±25 % of the gap.
    let spread = |k: u64, n: u64, rng: &mut noise::Rng| -> u64 {
        let gap = args.size / n.max(1);
        let jitter = rng.below(gap / 2 + 1);
        k * gap + gap / 4 + jitter
    };
    let mut next_failure = spread(0, args.failures, &mut noise.rng);
    let mut next_counter = spread(0, counter_total, &mut noise.rng);
    let mut extra_lines = 0u64;
    while written < args.size {
        buf.clear();
        if failures < args.failures && written >= next_failure {
            let (id, log) = &examples[(failures as usize) % examples.len()];
            buf.extend_from_slice(log.as_bytes());
            *expected.entry(id.clone()).or_default() += 1;
            failures += 1;
            next_failure = spread(failures, args.failures, &mut noise.rng);
        } else if counters < counter_total && written >= next_counter {
            buf.extend_from_slice(counter[(counters as usize) % counter.len()].as_bytes());
            counters += 1;
            next_counter = spread(counters, counter_total, &mut noise.rng);
        } else {
            noise.block(&mut buf);
        }
        if written + buf.len() as u64 > args.size {
            // Cut the last block at a line boundary so the file is exactly `size` bytes long
            // (padding the rest of the line with spaces keeps it a well-formed line).
            let room = (args.size - written) as usize;
            buf.truncate(room);
            if let Some(last) = buf.iter().rposition(|&b| b == b'\n') {
                let pad = room - last - 1;
                buf.truncate(last + 1);
                if pad > 0 {
                    buf.resize(buf.len() + pad - 1, b' ');
                    buf.push(b'\n');
                }
            } else {
                buf.iter_mut().for_each(|b| *b = b' ');
                if let Some(b) = buf.last_mut() {
                    *b = b'\n';
                }
            }
        }
        extra_lines += buf.iter().filter(|&&b| b == b'\n').count() as u64;
        file.write_all(&buf)
            .map_err(|e| format!("{}: {e}", args.out.display()))?;
        written += buf.len() as u64;
    }
    file.flush().map_err(|e| e.to_string())?;
    if failures < args.failures {
        eprintln!(
            "genlog: only {failures} of {} failures fit in {} bytes",
            args.failures, args.size
        );
    }
    let stats = noise.stats;
    let manifest = serde_json::json!({
        "file": args.out.display().to_string(),
        "bytes": written,
        "lines": extra_lines,
        "noise_lines": stats.lines,
        "ansi_lines": stats.ansi_lines,
        "cr_lines": stats.cr_lines,
        "failures": failures,
        "counter_examples": counters,
        "example_blocks": examples.len(),
        "expected": expected,
    });
    let text = serde_json::to_string_pretty(&manifest).map_err(|e| e.to_string())?;
    match &args.manifest {
        Some(path) => {
            std::fs::write(path, text + "\n").map_err(|e| format!("{}: {e}", path.display()))?
        }
        None => eprintln!("{text}"),
    }
    Ok(())
}

fn main() -> ExitCode {
    match parse_args().and_then(run) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("genlog: {e}");
            ExitCode::from(2)
        }
    }
}
