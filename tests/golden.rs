//! Golden tests over `sample-logs/`: for each bundled log, the findings (ids in rank order),
//! the first finding's line and captures are what `tests/golden/expected.toml` says; and a
//! snapshot of every finding and unrecognised line keeps the whole diagnosis from drifting.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use logdoc::diagnosis::Diagnosis;
use logdoc::scan::{scan, ScanOptions};
use logdoc::signature::SignatureSet;
use logdoc::source::{open, InputSpec};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Expected {
    first: Option<String>,
    ids: Vec<String>,
    first_line: Option<u64>,
    #[serde(default)]
    captures: BTreeMap<String, String>,
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn sample_logs() -> Vec<PathBuf> {
    let mut logs: Vec<PathBuf> = std::fs::read_dir(root().join("sample-logs"))
        .expect("sample-logs/ exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "log"))
        .collect();
    logs.sort();
    logs
}

fn diagnose(path: &Path) -> Diagnosis {
    let set = Arc::new(SignatureSet::builtin().expect("built-in set"));
    let input = open(&InputSpec::Path(path.to_path_buf())).expect("sample log opens");
    scan(input, set, &ScanOptions::default(), |_, _| {})
        .expect("sample log scans")
        .diagnosis
}

#[test]
fn sample_logs_are_diagnosed_as_expected() {
    let text =
        std::fs::read_to_string(root().join("tests/golden/expected.toml")).expect("expected.toml");
    let expected: BTreeMap<String, Expected> = toml::from_str(&text).expect("expected.toml parses");
    let mut failures = Vec::new();
    for path in sample_logs() {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let Some(want) = expected.get(&name) else {
            failures.push(format!("{name}: no entry in tests/golden/expected.toml"));
            continue;
        };
        let d = diagnose(&path);
        let ids: Vec<&str> = d.findings.iter().map(|f| f.id.as_str()).collect();
        if ids != want.ids {
            failures.push(format!("{name}: findings {ids:?}, expected {:?}", want.ids));
        }
        if let Some(first) = &want.first {
            match d.findings.first() {
                Some(f) if &f.id == first => {
                    if let Some(line) = want.first_line {
                        if f.first.line != line {
                            failures.push(format!(
                                "{name}: {first} first on line {}, expected {line}",
                                f.first.line
                            ));
                        }
                    }
                    for (k, v) in &want.captures {
                        let got = f
                            .first
                            .captures
                            .iter()
                            .find(|(n, _)| n == k)
                            .map(|(_, v)| v.as_str());
                        if got != Some(v.as_str()) {
                            failures.push(format!("{name}: capture {k} = {got:?}, expected {v:?}"));
                        }
                    }
                }
                other => failures.push(format!(
                    "{name}: first finding {:?}, expected {first}",
                    other.map(|f| &f.id)
                )),
            }
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn sample_log_diagnoses_snapshot() {
    let mut out = String::new();
    for path in sample_logs() {
        let d = diagnose(&path);
        out.push_str(&format!(
            "== {} ({} lines)\n",
            path.file_name().unwrap().to_string_lossy(),
            d.lines
        ));
        for f in &d.findings {
            let lines: Vec<String> = f.lines.iter().take(8).map(u64::to_string).collect();
            out.push_str(&format!(
                "{} line {} ×{} [{}]",
                f.id,
                f.first.line,
                f.count,
                lines.join(",")
            ));
            for (k, v) in &f.values {
                out.push_str(&format!(" {k}={}", v.join("|")));
            }
            if let Some(step) = &f.first.step {
                out.push_str(&format!(" step={step}"));
            }
            out.push('\n');
        }
        for u in &d.unrecognized {
            out.push_str(&format!("  ? {}: {}\n", u.line, u.text));
        }
    }
    insta::assert_snapshot!(out);
}
