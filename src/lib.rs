//! logdoc reads deployment logs and tells you what broke and how to fix it.
//!
//! ```text
//!  bytes ──► source ──► sanitize ──► normalize ──► matcher ──► diagnosis ──► report | tui
//!  (file,    (LineReader: (ANSI/OSC/    (BuildKit,    (aho-corasick   (findings:
//!   gzip,     bounded      control      compose,      prefilter,      dedup, rank,
//!   stdin)    lines)       bytes out)   timestamps)   regex captures) fix templating)
//! ```
//!
//! Data flows one way. Everything shown, copied or reported has passed [`redact`].
//!
//! ```
//! use std::sync::Arc;
//! use logdoc::{scan::scan_text, signature::SignatureSet};
//!
//! let set = Arc::new(SignatureSet::builtin().unwrap());
//! let log = "#9 [production 4/9] RUN pip3 install pyswisseph\n#9 0.41 error: externally-managed-environment";
//! let diagnosis = scan_text(log, set, true);
//! assert_eq!(diagnosis.findings[0].id, "pep668-externally-managed");
//! assert_eq!(diagnosis.findings[0].first.line, 2);
//! ```

pub mod cli;
pub mod commands;
pub mod config;
pub mod diagnosis;
pub mod eval;
pub mod import;
pub mod matcher;
pub mod normalize;
pub mod redact;
pub mod report;
pub mod scan;
pub mod signature;
pub mod source;
pub mod tui;
