//! Errors found while loading or checking signature files.

use std::fmt;

/// One problem in one signature file: which file, where, and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct SignatureError {
    /// File the problem is in (`builtin:<name>` for embedded signatures).
    pub file: String,
    /// 1-based line in that file, when it can be told.
    pub line: Option<usize>,
    /// The field at fault (`patterns[2]`, `fix`, `examples[0]` ...).
    pub field: Option<String>,
    /// What is wrong and how to mend it.
    pub message: String,
}

impl SignatureError {
    pub(crate) fn new(file: &str, message: impl Into<String>) -> Self {
        SignatureError {
            file: file.to_string(),
            line: None,
            field: None,
            message: message.into(),
        }
    }

    pub(crate) fn field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }

    pub(crate) fn line(mut self, line: Option<usize>) -> Self {
        self.line = line;
        self
    }
}

impl fmt::Display for SignatureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if let Some(field) = &self.field {
            write!(f, ": field `{field}`")?;
        }
        write!(f, ": {}", self.message)
    }
}
