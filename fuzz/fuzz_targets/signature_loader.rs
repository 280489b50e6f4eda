//! Fuzz target: see `checks::signature_loader` for what it feeds and which invariants it asserts.
#![no_main]

#[path = "../checks.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::signature_loader(data));
