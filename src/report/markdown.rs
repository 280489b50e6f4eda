//! Markdown report: for a pull-request comment, an issue, or the team's deployment issue log.

use std::io::{self, Write};

use super::ReportDto;

pub(super) fn write(dto: &ReportDto, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "# logdoc: `{}`", dto.source.replace('`', "'"))?;
    writeln!(out)?;
    writeln!(
        out,
        "{} lines, {} finding(s), {} unrecognised line(s).",
        dto.lines,
        dto.findings.len(),
        dto.unrecognized.len() as u64 + dto.unrecognized_more
    )?;
    for note in &dto.notes {
        writeln!(out, "\n> Note: {note}")?;
    }
    for (i, f) in dto.findings.iter().enumerate() {
        writeln!(out)?;
        writeln!(out, "## {}. {} (`{}`)", i + 1, f.title, f.id)?;
        writeln!(out)?;
        let mut where_ = format!("line {}", f.line);
        if f.count > 1 {
            where_.push_str(&format!(", {} occurrences", f.count));
        }
        if let Some(step) = &f.step {
            where_.push_str(&format!(", in `{step}`"));
        }
        writeln!(out, "**{}** · {} · {}", f.severity, f.category, where_)?;
        writeln!(out)?;
        writeln!(out, "{}", fence(f.text.trim(), ""))?;
        if !f.explained_by.is_empty() {
            writeln!(out)?;
            writeln!(
                out,
                "A consequence of {}.",
                f.explained_by
                    .iter()
                    .map(|id| format!("`{id}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )?;
            continue;
        }
        writeln!(out)?;
        writeln!(out, "### Root cause\n\n{}", f.summary)?;
        writeln!(out)?;
        writeln!(out, "### Fix\n\n{}", f.fix)?;
        if let Some(snippet) = &f.snippet {
            writeln!(out)?;
            writeln!(out, "{}", fence(snippet, ""))?;
        }
        writeln!(out)?;
        writeln!(out, "### Prevention\n\n{}", f.prevention)?;
        if !f.references.is_empty() {
            writeln!(out)?;
            writeln!(out, "Reference: {}", f.references.join("; "))?;
        }
    }
    if !dto.unrecognized.is_empty() {
        writeln!(out)?;
        writeln!(out, "## Unrecognised failure lines")?;
        writeln!(out)?;
        for u in &dto.unrecognized {
            writeln!(out, "- line {}: `{}`", u.line, u.text.replace('`', "'"))?;
        }
    }
    Ok(())
}

/// A fenced code block whose fence is longer than any backtick run inside.
fn fence(text: &str, lang: &str) -> String {
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let ticks = "`".repeat(longest.max(2) + 1);
    format!("{ticks}{lang}\n{text}\n{ticks}")
}
