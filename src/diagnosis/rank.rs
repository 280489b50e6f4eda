//! Ranking: root cause first.
//!
//! Errors come before warnings before info. Within a severity, a finding that another present
//! finding `explains` goes after it (the missing compiler before `Failed building wheel`, the
//! Prisma export error before tsc's exit, anything specific before Docker's generic
//! `failed to solve`); then higher `priority` first; then the earlier line first.

use std::cmp::Reverse;
use std::collections::HashSet;

use super::Finding;
use crate::signature::SignatureSet;

/// Sorts `findings` root cause first.
pub(super) fn rank(set: &SignatureSet, findings: &mut [Finding]) {
    let present: HashSet<&str> = findings.iter().map(|f| f.id.as_str()).collect();
    let explained: HashSet<String> = findings
        .iter()
        .flat_map(|f| set.signatures()[f.signature].explains.iter())
        .filter(|id| present.contains(id.as_str()))
        .cloned()
        .collect();
    findings.sort_by_key(|f| {
        let sig = &set.signatures()[f.signature];
        (
            Reverse(sig.severity),
            explained.contains(&f.id),
            Reverse(sig.priority),
            f.first.line,
        )
    });
}
