//! Normalisation end to end: the same failure line inside every wrapper a real log puts
//! around it is found, on the right original line, with its captures.

use std::sync::Arc;

use logdoc::scan::scan_text;
use logdoc::signature::SignatureSet;

const FAILURE: &str = "error: externally-managed-environment";

fn first(log: &str) -> (String, u64) {
    let set = Arc::new(SignatureSet::builtin().expect("built-in set"));
    let d = scan_text(log, set, true);
    let f = d
        .findings
        .first()
        .unwrap_or_else(|| panic!("nothing found in {log:?}"));
    (f.id.clone(), f.first.line)
}

#[test]
fn every_wrapper_form_is_seen_through() {
    let forms: &[(&str, String)] = &[
        ("plain", FAILURE.to_string()),
        ("buildkit output", format!("#9 0.412 {FAILURE}")),
        ("buildkit summary", format!("------\n > [production 4/9] RUN pip3 install x:\n0.412 {FAILURE}")),
        ("older buildkit summary", format!("------\n > [production 4/9] RUN pip3 install x:\n#0 0.412 {FAILURE}")),
        ("classic builder", format!("Step 7/12 : RUN pip install x\n ---> Running in 3f2c9a7d1b0e\n{FAILURE}")),
        ("podman", format!("[2/2] STEP 7/12: RUN pip install x\n{FAILURE}")),
        ("compose", format!("backend-1  | {FAILURE}")),
        ("compose v1", format!("backend_1   | {FAILURE}")),
        ("iso timestamp", format!("2025-12-18T12:14:03.123456789Z {FAILURE}")),
        ("github actions", format!("2025-12-18T12:14:03.1234567Z #9 0.412 {FAILURE}")),
        ("tag", format!("[build] {FAILURE}")),
        ("kubectl prefix", format!("[pod/api-7d9f/app] {FAILURE}")),
        ("ansi colours", "\x1b[31merror\x1b[0m: externally-managed-environment".to_string()),
        ("colour splitting the keyword", "error: externally-\x1b[1mmanaged\x1b[0m-environment".to_string()),
        ("crlf", format!("{FAILURE}\r")),
        ("progress frames", format!("Collecting x 10%\rCollecting x 100%\r{FAILURE}")),
        ("tabs", format!("\t{FAILURE}")),
        ("nul bytes", format!("\0{FAILURE}\0")),
        ("docker json-file", format!("{{\"log\":\"{FAILURE}\\n\",\"stream\":\"stderr\",\"time\":\"2025-12-18T12:00:00Z\"}}")),
        ("osc title", format!("\x1b]0;building\x07{FAILURE}")),
    ];
    for (name, body) in forms {
        let log = format!("noise before\n{body}\nnoise after");
        let expected_line = 1 + body.lines().count() as u64;
        let (id, line) = first(&log);
        assert_eq!(id, "pep668-externally-managed", "{name}");
        assert_eq!(
            line, expected_line,
            "{name}: line number maps back to the input"
        );
    }
}

#[test]
fn invalid_utf8_and_huge_lines_do_not_hide_the_failure() {
    use logdoc::scan::{scan, ScanOptions};
    use logdoc::source::{open, InputSpec};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hostile.log");
    let mut bytes = b"\xff\xfe garbage \xc3\x28\n".to_vec();
    bytes.extend(std::iter::repeat_n(b'x', 3 << 20));
    bytes.push(b'\n');
    bytes.extend_from_slice(FAILURE.as_bytes());
    bytes.push(b'\n');
    std::fs::write(&path, &bytes).unwrap();
    let set = Arc::new(SignatureSet::builtin().unwrap());
    let input = open(&InputSpec::Path(path)).unwrap();
    let s = scan(input, set, &ScanOptions::default(), |_, _| {}).unwrap();
    assert_eq!(s.diagnosis.lines, 3);
    assert_eq!(s.truncated_lines, 1);
    assert_eq!(s.diagnosis.findings[0].first.line, 3);
}
