//! Text report: each finding, where, why and the fix, readable at a glance.
//!
//! Root causes get the full story; findings that another present finding explains (the
//! generic `failed to solve` after a specific failure) get one line each, so the eye lands
//! on what to do.

use std::io::{self, Write};

use super::{FindingDto, ReportDto, Style};

struct Paint {
    color: bool,
}

impl Paint {
    fn wrap(&self, code: &str, s: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
    fn bold(&self, s: &str) -> String {
        self.wrap("1", s)
    }
    fn dim(&self, s: &str) -> String {
        self.wrap("2", s)
    }
    fn severity(&self, severity: &str) -> String {
        let (code, label) = match severity {
            "error" => ("1;31", "ERROR"),
            "warning" => ("1;33", "WARN "),
            _ => ("1;36", "INFO "),
        };
        self.wrap(code, label)
    }
}

const INDENT: &str = "           ";

pub(super) fn write(dto: &ReportDto, style: Style, out: &mut dyn Write) -> io::Result<()> {
    let p = Paint { color: style.color };
    writeln!(
        out,
        "{}: {} lines, {}, {} unrecognised",
        p.bold(&dto.source),
        dto.lines,
        plural(dto.findings.len(), "finding"),
        dto.unrecognized.len() as u64 + dto.unrecognized_more
    )?;
    for note in &dto.notes {
        writeln!(out, "note: {note}")?;
    }
    if dto.findings.is_empty() && dto.unrecognized.is_empty() {
        writeln!(out, "\nNo known failure found.")?;
        return Ok(());
    }
    for (i, f) in dto.findings.iter().enumerate() {
        writeln!(out)?;
        writeln!(
            out,
            "{}. {} {}  {}",
            i + 1,
            p.severity(&f.severity),
            p.bold(&f.title),
            p.dim(&format!("[{}]", f.id))
        )?;
        writeln!(out, "   {} {}", label(&p, "where"), where_(f))?;
        if !f.explained_by.is_empty() {
            writeln!(
                out,
                "   {} a consequence of {}",
                label(&p, "cause"),
                f.explained_by.join(", ")
            )?;
            continue;
        }
        writeln!(out, "   {} {}", label(&p, "line"), f.text.trim())?;
        writeln!(out, "   {} {}", label(&p, "why"), indent(&f.summary))?;
        writeln!(out, "   {} {}", label(&p, "fix"), indent(&f.fix))?;
        if let Some(snippet) = &f.snippet {
            writeln!(out)?;
            for line in snippet.lines() {
                writeln!(out, "{INDENT}{}", p.wrap("36", line))?;
            }
            writeln!(out)?;
        }
        writeln!(out, "   {} {}", label(&p, "prevent"), indent(&f.prevention))?;
        if !f.references.is_empty() {
            writeln!(out, "   {} {}", label(&p, "ref"), f.references.join("; "))?;
        }
    }
    if !dto.unrecognized.is_empty() {
        writeln!(out)?;
        writeln!(
            out,
            "{}",
            p.bold("Unrecognised failure lines (no signature knows them):")
        )?;
        for u in dto.unrecognized.iter().take(10) {
            writeln!(out, "  {:>7}  {}", format!("{}:", u.line), u.text)?;
        }
        let more = dto.unrecognized.len().saturating_sub(10) as u64 + dto.unrecognized_more;
        if more > 0 {
            writeln!(out, "  … and {more} more (see --format json)")?;
        }
    }
    Ok(())
}

fn label(p: &Paint, name: &str) -> String {
    p.dim(&format!("{name:<7}"))
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

fn indent(text: &str) -> String {
    text.lines()
        .collect::<Vec<_>>()
        .join(&format!("\n{INDENT}"))
}

/// `line 97 (12×: 97, 98, 99 …) in [builder 6/9] RUN npm run build`.
fn where_(f: &FindingDto) -> String {
    let mut s = format!("line {}", f.line);
    if f.count > 1 {
        let shown: Vec<String> = f.lines.iter().take(6).map(u64::to_string).collect();
        let more = if f.count as usize > shown.len() {
            ", …"
        } else {
            ""
        };
        s.push_str(&format!(" ({}×: {}{more})", f.count, shown.join(", ")));
    }
    if let Some(step) = &f.step {
        s.push_str(" in ");
        s.push_str(step);
    }
    s
}
