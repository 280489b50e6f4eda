//! Headless reports: one file per format, all fed the same [`ReportInput`]s.

mod dto;
mod github;
mod json;
mod markdown;
mod text;

use std::io::{self, Write};

pub use dto::{FindingDto, ReportDto, UnrecognizedDto};

use crate::scan::Scan;
use crate::signature::{Severity, SignatureSet};

/// Output format of the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Readable at a glance, coloured on a terminal
    Text,
    /// One JSON object per input
    Json,
    /// For a pull-request comment or a wiki page
    Markdown,
    /// GitHub Actions workflow commands (annotations)
    Github,
}

/// Everything a report needs about one input.
pub struct ReportInput<'a> {
    pub scan: &'a Scan,
    pub set: &'a SignatureSet,
}

/// Report options.
#[derive(Debug, Clone, Copy, Default)]
pub struct Style {
    pub color: bool,
}

/// Writes the report of every input in `format`.
pub fn write(
    format: Format,
    inputs: &[ReportInput<'_>],
    style: Style,
    out: &mut dyn Write,
) -> io::Result<()> {
    for (i, input) in inputs.iter().enumerate() {
        let dto = ReportDto::new(input.scan, input.set);
        match format {
            Format::Text => {
                if i > 0 {
                    writeln!(out)?;
                }
                text::write(&dto, style, out)?
            }
            Format::Json => json::write(&dto, out)?,
            Format::Markdown => {
                if i > 0 {
                    writeln!(out)?;
                }
                markdown::write(&dto, out)?
            }
            Format::Github => github::write(&dto, out)?,
        }
    }
    out.flush()
}

/// The most severe finding of all inputs.
pub fn worst(inputs: &[ReportInput<'_>]) -> Option<Severity> {
    inputs
        .iter()
        .flat_map(|i| {
            i.scan
                .diagnosis
                .findings
                .iter()
                .map(|f| i.set.signatures()[f.signature].severity)
        })
        .max()
}
