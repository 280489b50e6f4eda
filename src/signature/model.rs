//! The signature model: the TOML shape ([`SignatureFile`]) and its compiled form ([`Signature`]).

use super::pattern::Pattern;
use serde::{Deserialize, Serialize};

/// How bad a finding is. Ordered: `Info < Warning < Error`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// Where in the life of a deployment the failure belongs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Category {
    Build,
    Runtime,
    Config,
    Network,
    Security,
    Database,
}

impl Category {
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Build => "build",
            Category::Runtime => "runtime",
            Category::Config => "config",
            Category::Network => "network",
            Category::Security => "security",
            Category::Database => "database",
        }
    }
}

/// A signature file: the TOML shape the loader reads (before validation) and `logdoc import`
/// and `logdoc draft` write, its fields in the order a reader wants them.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SignatureFile {
    pub id: String,
    pub title: String,
    pub severity: Severity,
    pub category: Category,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default = "default_priority")]
    pub priority: u8,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub explains: Vec<String>,
    pub keywords: Vec<String>,
    pub patterns: Vec<String>,
    pub summary: String,
    pub fix: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub snippet: Option<String>,
    pub prevention: String,
    #[serde(default)]
    pub references: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub near: Option<NearRule>,
    #[serde(default)]
    pub examples: Vec<Example>,
    #[serde(default)]
    pub counter_examples: Vec<CounterExample>,
}

fn default_priority() -> u8 {
    50
}

/// A signature file's `[near]` table (compiled: [`Near`]).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct NearRule {
    #[serde(default)]
    pub keywords: Vec<String>,
    pub pattern: String,
    pub within: u32,
}

/// A log excerpt the signature must recognise, with the captures of its first matching line.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Example {
    pub log: String,
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub captures: std::collections::BTreeMap<String, String>,
}

/// A look-alike excerpt the signature must not fire on.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CounterExample {
    pub log: String,
}

/// A second pattern that must appear within `within` lines (before or after) of the first.
/// It is tried only on lines holding one of `keywords` (the signature's own keywords when the
/// file gives none).
#[derive(Debug, Clone)]
pub struct Near {
    pub keywords: Vec<String>,
    pub pattern: Pattern,
    pub within: u32,
}

/// A validated, compiled signature.
#[derive(Debug, Clone)]
pub struct Signature {
    pub id: String,
    pub title: String,
    pub severity: Severity,
    pub category: Category,
    pub tags: Vec<String>,
    pub priority: u8,
    pub explains: Vec<String>,
    pub keywords: Vec<String>,
    pub patterns: Vec<Pattern>,
    pub near: Option<Near>,
    pub summary: String,
    pub fix: String,
    pub snippet: Option<String>,
    pub prevention: String,
    pub references: Vec<String>,
    pub examples: Vec<Example>,
    pub counter_examples: Vec<String>,
    /// Where the signature was loaded from.
    pub origin: super::Origin,
}

impl Signature {
    /// Every named capture group any of the signature's regexes defines.
    pub fn capture_names(&self) -> impl Iterator<Item = &str> {
        self.patterns
            .iter()
            .chain(self.near.as_ref().map(|n| &n.pattern))
            .flat_map(Pattern::names)
    }
}
