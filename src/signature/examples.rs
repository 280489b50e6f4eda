//! Runs every signature's examples and counter-examples through the real engine.

use std::sync::Arc;

use super::{SignatureError, SignatureSet};
use crate::normalize::Normalizer;
use crate::scan::scan_text;

/// Every example that does not match (or matches with other captures), every counter-example
/// that does, and every pattern that matches a line holding none of its signature's keywords
/// (the prefilter would never let that line reach the pattern).
pub fn check(set: &Arc<SignatureSet>) -> Vec<SignatureError> {
    let mut errors = Vec::new();
    for sig in set.signatures() {
        let file = sig.origin.to_string();
        if sig.examples.len() < 2 {
            errors.push(
                SignatureError::new(
                    &file,
                    format!(
                        "`{}` has {} example(s); give at least two, in different tool formats",
                        sig.id,
                        sig.examples.len()
                    ),
                )
                .field("examples"),
            );
        }
        if sig.counter_examples.is_empty() {
            errors.push(
                SignatureError::new(
                    &file,
                    format!(
                        "`{}` has no counter-example; add a look-alike that must not match",
                        sig.id
                    ),
                )
                .field("counter_examples"),
            );
        }
        for id in &sig.explains {
            if set.get(id).is_none() {
                errors.push(
                    SignatureError::new(&file, format!("explains `{id}`, which no loaded signature defines; fix the id or drop it"))
                        .field("explains"),
                );
            }
        }
        for (i, example) in sig.examples.iter().enumerate() {
            let field = format!("examples[{i}]");
            errors.extend(unguarded_patterns(sig, &example.log, &file, &field));
            let diagnosis = scan_text(&example.log, Arc::clone(set), false);
            let Some(finding) = diagnosis.findings.iter().find(|f| f.id == sig.id) else {
                errors.push(SignatureError::new(&file, "example does not match: no line of it fires this signature; fix the pattern or the example").field(field));
                continue;
            };
            for (name, want) in &example.captures {
                let got = finding
                    .first
                    .captures
                    .iter()
                    .find(|(n, _)| n == name)
                    .map(|(_, v)| v.as_str());
                if got != Some(want.as_str()) {
                    errors.push(
                        SignatureError::new(&file, format!("capture `{name}`: expected {want:?}, got {} (on line {} of the example: {:?}); fix the pattern's `(?P<{name}>...)` group or the expected value", got.map_or("nothing".to_string(), |g| format!("{g:?}")), finding.first.line, finding.first.text))
                            .field(format!("{field}.captures")),
                    );
                }
            }
        }
        for (i, log) in sig.counter_examples.iter().enumerate() {
            let diagnosis = scan_text(log, Arc::clone(set), false);
            if let Some(f) = diagnosis.findings.iter().find(|f| f.id == sig.id) {
                errors.push(
                    SignatureError::new(&file, format!("counter-example matches on its line {}: {:?}; make the pattern stricter", f.first.line, f.first.text))
                        .field(format!("counter_examples[{i}]")),
                );
            }
        }
    }
    errors
}

fn unguarded_patterns(
    sig: &super::Signature,
    log: &str,
    file: &str,
    field: &str,
) -> Vec<SignatureError> {
    let mut errors = Vec::new();
    let lower = |v: &[String]| v.iter().map(|k| k.to_ascii_lowercase()).collect::<Vec<_>>();
    let keywords = lower(&sig.keywords);
    let near_keywords = sig
        .near
        .as_ref()
        .map(|n| lower(&n.keywords))
        .unwrap_or_default();
    let mut normalizer = Normalizer::default();
    let mut sanitizer = crate::source::Sanitizer::default();
    for line in log.lines() {
        let clean = sanitizer.sanitize(line.as_bytes()).text.to_string();
        let text = normalizer.normalize(&clean).text.to_string();
        let line_lower = text.to_ascii_lowercase();
        if let Some(near) = &sig.near {
            if near.pattern.regex().is_match(&text)
                && !near_keywords
                    .iter()
                    .any(|k| line_lower.contains(k.as_str()))
            {
                errors.push(
                    SignatureError::new(file, format!("near.pattern matches {text:?}, which holds none of the near keywords, so the prefilter hides it; add a keyword it contains"))
                        .field(field.to_string()),
                );
            }
        }
        if keywords.iter().any(|k| line_lower.contains(k.as_str())) {
            continue;
        }
        for (p, re) in sig.patterns.iter().enumerate() {
            if re.regex().is_match(&text) {
                errors.push(
                    SignatureError::new(file, format!("patterns[{p}] matches {text:?}, which holds none of the keywords, so the prefilter hides it; add a keyword it contains"))
                        .field(field.to_string()),
                );
            }
        }
    }
    errors
}
