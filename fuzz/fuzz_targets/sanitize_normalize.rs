//! Fuzz target: see `checks::sanitize_normalize` for what it feeds and which invariants it asserts.
#![no_main]

#[path = "../checks.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::sanitize_normalize(data));
