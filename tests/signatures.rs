//! The signature database: every built-in signature's examples and counter-examples pass, the
//! ids other tools depend on exist, and each class of mistake in a signature file gets a
//! message naming the file, the field or line, and the problem.

use std::path::Path;
use std::sync::Arc;

use logdoc::signature::{examples, load::read_sources, SignatureSet};

/// Ids that tools outside logdoc depend on (issue #2).
const REQUIRED_IDS: &[&str] = &[
    "pep668-externally-managed",
    "python-build-tools-missing",
    "node-gyp-build-tools-missing",
    "npm-ci-missing-lockfile",
    "prisma-client-not-generated",
    "stripe-api-version-mismatch",
    "prisma-openssl-detection",
    "logs-dir-missing",
    "cors-origin-mismatch",
    "database-unreachable",
    "database-does-not-exist",
    "database-auth-failed",
];

fn builtin() -> Arc<SignatureSet> {
    Arc::new(
        SignatureSet::builtin()
            .unwrap_or_else(|e| panic!("built-in signatures fail to load: {e:#?}")),
    )
}

#[test]
fn every_builtin_example_and_counter_example_passes() {
    let set = builtin();
    let errors = examples::check(&set);
    let listed: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert!(
        errors.is_empty(),
        "{} problem(s):\n{}",
        errors.len(),
        listed.join("\n")
    );
}

#[test]
fn required_ids_exist_with_examples_and_counter_examples() {
    let set = builtin();
    for id in REQUIRED_IDS {
        let sig = set
            .get(id)
            .unwrap_or_else(|| panic!("missing signature `{id}`"));
        assert!(sig.examples.len() >= 2, "{id}: fewer than two examples");
        assert!(!sig.counter_examples.is_empty(), "{id}: no counter-example");
        assert!(
            !sig.references.is_empty() || sig.id.starts_with("node-gyp"),
            "{id}: no reference to the issue log"
        );
    }
}

#[test]
fn every_builtin_signature_has_a_fix_and_keywords() {
    for sig in builtin().signatures() {
        assert!(!sig.fix.trim().is_empty(), "{}: empty fix", sig.id);
        assert!(
            sig.keywords.iter().all(|k| k.len() >= 3),
            "{}: short keyword",
            sig.id
        );
    }
}

/// Loads a fixture with the built-in set and returns every message, load or check.
fn problems(fixture: &str) -> Vec<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/bad-signatures")
        .join(fixture);
    let mut sources = logdoc::signature::builtin_sources();
    match read_sources(&path) {
        Ok(mut s) => sources.append(&mut s),
        Err(e) => return vec![e.to_string()],
    }
    match SignatureSet::from_sources(sources) {
        Err(errors) => errors.iter().map(ToString::to_string).collect(),
        Ok(set) => examples::check(&Arc::new(set))
            .iter()
            .map(ToString::to_string)
            .collect(),
    }
}

fn assert_problem(fixture: &str, needles: &[&str]) {
    let found = problems(fixture);
    assert!(
        found.iter().any(|m| needles.iter().all(|n| m.contains(n))),
        "{fixture}: no message containing all of {needles:?}; got:\n{}",
        found.join("\n")
    );
}

#[test]
fn toml_syntax_error_names_file_and_line() {
    assert_problem("syntax-error.toml", &["syntax-error.toml:2:"]);
}

#[test]
fn unknown_key_is_named() {
    assert_problem(
        "unknown-key.toml",
        &["unknown-key.toml:7:", "unknown field `colour`"],
    );
}

#[test]
fn missing_field_is_named() {
    assert_problem(
        "missing-field.toml",
        &["missing-field.toml", "missing field `summary`"],
    );
}

#[test]
fn bad_regex_names_pattern_and_line() {
    assert_problem(
        "bad-regex.toml",
        &["bad-regex.toml:6:", "field `patterns[0]`", "bad regex"],
    );
}

#[test]
fn undefined_capture_in_fix_is_named() {
    assert_problem(
        "undefined-capture.toml",
        &["undefined-capture.toml:8:", "field `fix`", "`{widget}`"],
    );
}

#[test]
fn duplicate_id_names_both_files() {
    assert_problem(
        "duplicate-id",
        &["b.toml", "duplicate id `same-id`", "a.toml"],
    );
}

#[test]
fn example_that_does_not_match_is_named() {
    assert_problem(
        "example-does-not-match.toml",
        &[
            "example-does-not-match.toml",
            "field `examples[1]`",
            "does not match",
        ],
    );
}

#[test]
fn counter_example_that_matches_is_named() {
    assert_problem(
        "counter-example-matches.toml",
        &["field `counter_examples[0]`", "counter-example matches"],
    );
}

#[test]
fn wrong_capture_is_named() {
    assert_problem(
        "wrong-capture.toml",
        &[
            "field `examples[0].captures`",
            "expected \"cog\", got \"gear\"",
        ],
    );
}

#[test]
fn all_problems_are_listed_not_just_the_first() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bad-signatures");
    let sources = read_sources(&dir).expect("fixtures readable");
    let errors = SignatureSet::from_sources(sources).expect_err("fixtures are bad");
    // syntax, unknown key, missing field, bad regex, undefined capture (the duplicate pair sits
    // in a sub-folder, which a folder load does not descend into).
    assert!(errors.len() >= 5, "{errors:#?}");
}

/// Every class of mistake says how to mend it, not only what is wrong.
#[test]
fn every_message_says_how_to_fix_it() {
    let classes: &[(&str, &str)] = &[
        ("syntax-error.toml", "fix the TOML syntax"),
        ("unknown-key.toml", "remove the key or correct its spelling"),
        ("missing-field.toml", "add `summary = ...`"),
        ("bad-severity.toml", "use one of the values listed"),
        ("bad-regex.toml", "fix the pattern"),
        (
            "undefined-capture.toml",
            "add `(?P<widget>...)` to a pattern",
        ),
        ("duplicate-id", "give one of them another id"),
        (
            "example-does-not-match.toml",
            "fix the pattern or the example",
        ),
        ("counter-example-matches.toml", "make the pattern stricter"),
        (
            "wrong-capture.toml",
            "fix the pattern's `(?P<name>...)` group",
        ),
    ];
    for (fixture, hint) in classes {
        assert_problem(fixture, &[hint]);
    }
    assert_problem("bad-severity.toml", &["bad-severity.toml:3:", "`critical`"]);
}

/// `logdoc signatures check` over the fixtures: exit 1, and every class listed in one run,
/// example problems of the files that load included.
#[test]
fn check_command_lists_every_problem_and_exits_1() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bad-signatures");
    let out = assert_cmd::Command::cargo_bin("logdoc")
        .unwrap()
        .args(["signatures", "check"])
        .arg(&dir)
        .arg(dir.join("duplicate-id"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    for needle in [
        "syntax-error.toml:2:",
        "unknown-key.toml:7:",
        "missing-field.toml",
        "bad-severity.toml:3:",
        "bad-regex.toml:6: field `patterns[0]`",
        "undefined-capture.toml:8: field `fix`",
        "duplicate id `same-id`",
        "example-does-not-match.toml: field `examples[1]`",
        "counter-example-matches.toml: field `counter_examples[0]`",
        "wrong-capture.toml: field `examples[0].captures`",
    ] {
        assert!(text.contains(needle), "{needle:?} missing from:\n{text}");
    }
    let last = text.lines().last().unwrap_or_default();
    assert!(last.ends_with("problem(s)"), "{last}");
}

/// A three-byte keyword passes `check` with a note: it only slows the scan of large logs.
#[test]
fn check_notes_keywords_shorter_than_four_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("gizmo-jam.toml");
    std::fs::write(
        &file,
        r#"id = "gizmo-jam"
title = "The gizmo jammed"
severity = "error"
category = "build"
keywords = ["jam", "gizmo overheated"]
patterns = ['gizmo (?P<part>\w+) jam', 'gizmo overheated']
summary = "s"
fix = "f"
prevention = "p"

[[examples]]
log = "gizmo gear jam"
captures = { part = "gear" }

[[examples]]
log = "2025-12-18T12:00:00Z error: gizmo overheated"

[[counter_examples]]
log = "gizmo is fine"
"#,
    )
    .unwrap();
    let out = assert_cmd::Command::cargo_bin("logdoc")
        .unwrap()
        .args(["signatures", "check", "--no-builtin"])
        .arg(&file)
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{text}");
    let notes: Vec<&str> = text.lines().filter(|l| l.starts_with("note:")).collect();
    assert_eq!(notes.len(), 1, "{text}");
    assert!(
        notes[0].contains("gizmo-jam.toml") && notes[0].contains("`jam`"),
        "{text}"
    );
    assert!(text.trim_end().ends_with("all pass"), "{text}");
}
