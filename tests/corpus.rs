//! The accuracy harness over `tests/corpus/`: every excerpt's first finding is right, no
//! look-alike is diagnosed as a failure, and the table in the README is the current one.

use std::path::Path;
use std::sync::Arc;

use logdoc::eval::evaluate;
use logdoc::signature::SignatureSet;

#[test]
fn corpus_has_no_miss_and_no_false_diagnosis() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let corpus = root.join("tests/corpus");
    if !corpus.is_dir() {
        panic!("tests/corpus is missing");
    }
    let set = Arc::new(SignatureSet::builtin().expect("built-in set"));
    let eval = evaluate(&corpus, &set).expect("corpus readable");
    let misses: Vec<String> = eval
        .misses
        .iter()
        .map(|m| format!("{}: {}", m.file.display(), m.message))
        .collect();
    assert!(
        misses.is_empty(),
        "{} wrong verdict(s):\n{}\n\n{}",
        misses.len(),
        misses.join("\n"),
        eval.table()
    );
    assert!(eval.expected() > 0, "the corpus has no excerpt");

    // The README shows the table `logdoc signatures eval tests/corpus` prints.
    let readme = std::fs::read_to_string(root.join("README.md")).expect("README.md");
    let table = eval.table();
    assert!(
        readme.contains(table.trim()),
        "README.md's accuracy table is out of date; replace it with:\n\n{table}"
    );
}
