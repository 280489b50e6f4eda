//! The detail pane: for the selected finding, what happened, why, the fix with its captures
//! filled in and its snippet set apart as code, prevention, the reference and where in the log;
//! for an unrecognised line, what is known about it. Also the compact view for tiny terminals.

use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Block, Paragraph, Wrap};
use ratatui::Frame;

use crate::diagnosis::Finding;
use crate::tui::app::{App, Focus, Item, SourceState};
use crate::tui::theme;

/// Most occurrence line numbers listed.
const MAX_LINES_LISTED: usize = 20;

pub fn render(frame: &mut Frame<'_>, area: Rect, app: &App) {
    if area.is_empty() {
        return;
    }
    let focused = app.focus == Focus::Detail;
    let title = match app.selected_item() {
        Some(Item::Finding(_)) => " Fix ",
        _ => " Detail ",
    };
    let mut block = Block::bordered()
        .border_style(theme::border(focused))
        .title(Span::styled(
            title,
            Style::new().add_modifier(Modifier::BOLD),
        ));
    if area.width >= 50 && area.height >= 3 {
        let hint = Span::styled(" y copy fix · Y copy all ", theme::dim());
        block = block.title_bottom(Line::from(hint).right_aligned());
    }
    let inner = block.inner(area);
    let text = content(app, inner.width);
    let rows = estimate_rows(&text, inner.width);
    let scroll = app.detail_scroll.min(rows.saturating_sub(1) as u16);
    let paragraph = Paragraph::new(text)
        .block(block)
        .wrap(Wrap { trim: false })
        .scroll((scroll, 0));
    frame.render_widget(paragraph, area);
}

/// Rows `text` takes wrapped at `width` (close enough to clamp scrolling).
fn estimate_rows(text: &Text<'_>, width: u16) -> usize {
    let width = width.max(1) as usize;
    text.lines
        .iter()
        .map(|l| l.width().div_ceil(width).max(1))
        .sum()
}

/// The tiny-terminal view: the selected finding and its fix, nothing else.
pub fn render_compact(frame: &mut Frame<'_>, area: Rect, app: &App) {
    if area.is_empty() {
        return;
    }
    let mut lines = Vec::new();
    match app.selected_item() {
        Some(Item::Finding(f)) => {
            if let Some(sig) = app.set.signatures().get(f.signature) {
                lines.push(Line::from(vec![
                    severity(sig.severity),
                    Span::raw(" "),
                    Span::styled(
                        app.mask(&sig.title).into_owned(),
                        Style::new().add_modifier(Modifier::BOLD),
                    ),
                ]));
                let fix = f
                    .snippet(sig)
                    .filter(|s| !s.trim().is_empty())
                    .unwrap_or_else(|| f.fix(sig));
                for l in fix.trim_matches('\n').lines() {
                    lines.push(Line::from(Span::styled(
                        app.mask(l).into_owned(),
                        theme::code(),
                    )));
                }
            }
        }
        Some(Item::Unrecognized(u)) => lines.push(Line::from(format!(
            "? line {}: {}",
            u.line,
            app.mask(&u.text)
        ))),
        None => lines.push(Line::from(Span::styled(empty_text(app), theme::dim()))),
    }
    let scroll = app.detail_scroll.min(lines.len().saturating_sub(1) as u16);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((scroll, 0)),
        area,
    );
}

fn empty_text(app: &App) -> String {
    match &app.state {
        SourceState::Reading => {
            "Reading the log… findings show here as soon as a line matches a known failure."
                .to_string()
        }
        SourceState::Ended => format!("No known failure found in {} lines.", app.store.len()),
        SourceState::Failed(why) => format!("The input failed: {why}"),
    }
}

fn severity(s: crate::signature::Severity) -> Span<'static> {
    Span::styled(
        theme::severity_label(s).trim_end(),
        Style::new()
            .fg(theme::severity_fg(s))
            .add_modifier(Modifier::BOLD),
    )
}

fn heading(text: &'static str) -> Line<'static> {
    Line::from(Span::styled(text, theme::heading()))
}

/// Lines of `text` (masked), each a `Line` of `style`.
fn prose(app: &App, text: &str, style: Style) -> Vec<Line<'static>> {
    app.mask(text.trim_matches('\n'))
        .lines()
        .map(|l| Line::from(Span::styled(l.to_string(), style)))
        .collect()
}

fn content(app: &App, width: u16) -> Text<'static> {
    match app.selected_item() {
        Some(Item::Finding(f)) => finding(app, f, width),
        Some(Item::Unrecognized(u)) => {
            let mut lines = vec![Line::from(vec![
                Span::styled(
                    "? ",
                    Style::new()
                        .fg(theme::UNRECOGNIZED_FG)
                        .add_modifier(Modifier::BOLD),
                ),
                Span::styled(
                    format!("Unrecognised failure line {}", u.line),
                    Style::new().add_modifier(Modifier::BOLD),
                ),
            ])];
            if let Some(step) = &u.step {
                lines.push(Line::from(Span::styled(
                    format!("in {}", app.mask(step)),
                    theme::dim(),
                )));
            }
            lines.push(Line::default());
            lines.push(Line::from(Span::styled(
                format!("> {}", app.mask(&u.text)),
                Style::new().add_modifier(Modifier::ITALIC),
            )));
            lines.push(Line::default());
            lines.extend(prose(
                app,
                "It reads like a failure (an error keyword, an exit code), but no signature knows it, so \
                 logdoc has no documented fix. Enter shows it in the log with the lines around it.\n\n\
                 Press a to draft a signature for it: the line with its volatile parts (versions, \
                 paths, ports, ids …) generalised, and a matching issue-log entry, written to your \
                 signature folder and opened in $EDITOR; once it checks, it is used on this log at \
                 once and on every log after.",
                Style::new(),
            ));
            Text::from(lines)
        }
        None => Text::from(vec![Line::from(Span::styled(
            empty_text(app),
            theme::dim(),
        ))]),
    }
}

fn finding(app: &App, f: &Finding, width: u16) -> Text<'static> {
    let Some(sig) = app.set.signatures().get(f.signature) else {
        return Text::default();
    };
    let mut lines = vec![Line::from(vec![
        severity(sig.severity),
        Span::raw(" "),
        Span::styled(
            app.mask(&sig.title).into_owned(),
            Style::new().add_modifier(Modifier::BOLD),
        ),
    ])];
    let mut meta = format!(
        "{} · {} · line {}",
        sig.id,
        sig.category.as_str(),
        f.first.line
    );
    if f.count > 1 {
        meta.push_str(&format!(" ({}×)", f.count));
    }
    if let Some(step) = &f.first.step {
        meta.push_str(&format!(" · in {}", app.mask(step)));
    }
    lines.push(Line::from(Span::styled(meta, theme::dim())));
    let explained_by = app.explained_by(f);
    if !explained_by.is_empty() {
        lines.push(Line::from(Span::styled(
            format!(
                "A consequence of {}: fix that first (n selects it).",
                explained_by.join(", ")
            ),
            Style::new().fg(theme::severity_fg(crate::signature::Severity::Warning)),
        )));
    }
    // The fix first: on a small terminal it is what must show without scrolling.
    lines.push(Line::default());
    lines.push(heading("Fix"));
    lines.extend(prose(app, &f.fix(sig), Style::new()));
    if let Some(snippet) = f.snippet(sig).filter(|s| !s.trim().is_empty()) {
        lines.push(Line::default());
        let pad = (width as usize).saturating_sub(2);
        for l in app.mask(snippet.trim_matches('\n')).lines() {
            // Padded to the pane's width so the code reads as one block.
            lines.push(Line::from(vec![
                Span::styled("▎ ", theme::dim()),
                Span::styled(format!("{l:<pad$}"), theme::code()),
            ]));
        }
    }
    lines.push(Line::default());
    lines.push(heading("Why"));
    lines.extend(prose(app, &sig.summary, Style::new()));
    if !sig.prevention.trim().is_empty() {
        lines.push(Line::default());
        lines.push(heading("Prevention"));
        lines.extend(prose(app, &sig.prevention, Style::new()));
    }
    if !sig.references.is_empty() {
        lines.push(Line::default());
        lines.push(heading("Reference"));
        for r in &sig.references {
            lines.push(Line::from(Span::raw(app.mask(r).into_owned())));
        }
    }
    lines.push(Line::default());
    lines.push(heading("Where"));
    lines.push(Line::from(Span::styled(
        format!("> {}", app.mask(&f.first.text)),
        Style::new().add_modifier(Modifier::ITALIC),
    )));
    let listed: Vec<String> = f
        .lines
        .iter()
        .take(MAX_LINES_LISTED)
        .map(u64::to_string)
        .collect();
    let more = if f.count as usize > listed.len() {
        format!(" … ({} in all)", f.count)
    } else {
        String::new()
    };
    let noun = if f.count == 1 { "line" } else { "lines" };
    lines.push(Line::from(format!("{noun} {}{more}", listed.join(", "))));
    if !f.values.is_empty() {
        for (name, values) in &f.values {
            lines.push(Line::from(vec![
                Span::styled(format!("{name} = "), theme::dim()),
                Span::raw(app.mask(&values.join(", ")).into_owned()),
            ]));
        }
    }
    Text::from(lines)
}
