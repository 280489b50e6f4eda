//! The signature database: what a known failure looks like and what to do about it.
//!
//! A signature is one TOML file (see `signatures/` and the README's "Writing a signature").
//! [`load`] turns files into validated [`Signature`]s, collected in a [`SignatureSet`];
//! [`template`] fills `{capture}` placeholders; [`examples`] runs each signature's own
//! examples and counter-examples through the real engine.

mod error;
pub mod examples;
pub mod load;
mod model;
mod pattern;
pub mod template;

pub use error::SignatureError;
pub use load::{builtin_sources, Origin, SignatureSet, SourceFile};
pub use model::{
    Category, CounterExample, Example, Near, NearRule, Severity, Signature, SignatureFile,
};
pub use pattern::Pattern;
