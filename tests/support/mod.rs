//! Helpers shared by the scan tests (`properties.rs`, `scan_paths.rs`).
#![allow(dead_code)]

use std::io::Read;
use std::sync::{Arc, OnceLock};

use logdoc::signature::SignatureSet;

/// The built-in signature set, loaded once per test binary.
pub fn builtin() -> Arc<SignatureSet> {
    static SET: OnceLock<Arc<SignatureSet>> = OnceLock::new();
    Arc::clone(SET.get_or_init(|| Arc::new(SignatureSet::builtin().expect("built-in set"))))
}

/// Hands out `data` in reads of at most `chunk` bytes, to cross every buffer boundary.
pub struct Trickle {
    pub data: Vec<u8>,
    pub at: usize,
    pub chunk: usize,
}

impl Read for Trickle {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let n = self.chunk.min(out.len()).min(self.data.len() - self.at);
        out[..n].copy_from_slice(&self.data[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}
