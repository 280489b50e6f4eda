//! GitHub Actions workflow commands: `::error file=…,line=…,title=…::message`, one per finding,
//! so a CI step that runs logdoc annotates the run.

use std::io::{self, Write};

use super::ReportDto;

pub(super) fn write(dto: &ReportDto, out: &mut dyn Write) -> io::Result<()> {
    let file = (dto.source != "<stdin>").then_some(dto.source.as_str());
    for f in &dto.findings {
        let command = match f.severity.as_str() {
            "error" => "error",
            "warning" => "warning",
            _ => "notice",
        };
        let mut props = Vec::new();
        if let Some(file) = file {
            props.push(format!("file={}", property(file)));
        }
        props.push(format!("line={}", f.line));
        props.push(format!(
            "title={}",
            property(&format!("{} [{}]", f.title, f.id))
        ));
        let mut message = format!("{}\n\n{}\n\nFix:\n{}", f.text.trim(), f.summary, f.fix);
        if let Some(snippet) = &f.snippet {
            message.push_str("\n\n");
            message.push_str(snippet);
        }
        writeln!(out, "::{command} {}::{}", props.join(","), data(&message))?;
    }
    for u in &dto.unrecognized {
        let mut props = Vec::new();
        if let Some(file) = file {
            props.push(format!("file={}", property(file)));
        }
        props.push(format!("line={}", u.line));
        props.push("title=Unrecognised failure line".to_string());
        writeln!(out, "::notice {}::{}", props.join(","), data(&u.text))?;
    }
    Ok(())
}

/// Escapes a workflow command's message.
fn data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a workflow command's property value.
fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes() {
        assert_eq!(data("50%\nnext"), "50%25%0Anext");
        assert_eq!(property("a:b,c"), "a%3Ab%2Cc");
    }
}
