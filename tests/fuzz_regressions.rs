//! The fuzz targets' invariants (`fuzz/checks.rs`), run on stable in the ordinary test suite
//! over every input the fuzzers found a bug with (`fuzz/regressions/<target>/`), the hostile
//! fixtures, the sample logs and the signature files.

use std::path::{Path, PathBuf};

#[path = "../fuzz/checks.rs"]
mod checks;

fn files(dir: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let mut out: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.is_file())
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

fn replay(dirs: &[&str], check: fn(&[u8])) -> usize {
    let mut n = 0;
    for dir in dirs {
        for path in files(dir) {
            let bytes = std::fs::read(&path).expect("readable");
            let result = std::panic::catch_unwind(|| check(&bytes));
            assert!(result.is_ok(), "{} fails its invariants", path.display());
            n += 1;
        }
    }
    n
}

#[test]
fn sanitize_normalize_regressions_and_fixtures() {
    let n = replay(
        &[
            "fuzz/regressions/sanitize_normalize",
            "tests/fixtures/hostile",
        ],
        checks::sanitize_normalize,
    );
    assert!(n > 0);
}

#[test]
fn engine_regressions_and_fixtures() {
    let n = replay(
        &["fuzz/regressions/engine", "tests/fixtures/hostile"],
        checks::engine,
    );
    assert!(n > 0);
}

#[test]
fn signature_loader_regressions_and_fixtures() {
    let n = replay(
        &[
            "fuzz/regressions/signature_loader",
            "tests/fixtures/bad-signatures",
            "tests/fixtures/bad-signatures/duplicate-id",
            "signatures",
        ],
        checks::signature_loader,
    );
    assert!(n > 0);
}
