//! The findings list: each finding (severity, count, first line, title, build step), root
//! cause first, then the unrecognised failure lines that no signature knows.

use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Block;
use ratatui::Frame;

use crate::tui::app::{App, Focus, Item, SourceState};
use crate::tui::theme;

/// A row of the list: an item (its index) or the header above the unrecognised lines.
enum Row {
    Item(usize),
    Header,
}

pub fn render(frame: &mut Frame<'_>, area: Rect, app: &App) {
    if area.is_empty() {
        return;
    }
    let focused = app.focus == Focus::Findings;
    let d = &app.diagnosis;
    let mut title = vec![Span::styled(
        " Findings ",
        Style::new().add_modifier(Modifier::BOLD),
    )];
    if !d.findings.is_empty() {
        title.push(Span::raw(format!("({}) ", d.findings.len())));
    }
    if !d.unrecognized.is_empty() {
        let n = d.unrecognized.len() as u64 + d.unrecognized_dropped;
        title.push(Span::styled(
            format!("· {n} unrecognised "),
            Style::new().fg(theme::UNRECOGNIZED_FG),
        ));
    }
    let block = Block::bordered()
        .border_style(theme::border(focused))
        .title(Line::from(title));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.is_empty() {
        return;
    }
    let buf = frame.buffer_mut();
    let items = app.items();
    if items.is_empty() {
        let text = match app.state {
            SourceState::Reading => "No finding yet: reading the log…",
            _ => "No known failure found.",
        };
        buf.set_stringn(
            inner.x + 1,
            inner.y,
            text,
            inner.width.saturating_sub(1) as usize,
            theme::dim(),
        );
        return;
    }
    let findings = d.findings.len();
    let mut rows: Vec<Row> = (0..findings).map(Row::Item).collect();
    if items.len() > findings {
        if findings > 0 {
            rows.push(Row::Header);
        }
        rows.extend((findings..items.len()).map(Row::Item));
    }
    let selected_row = rows
        .iter()
        .position(|r| matches!(r, Row::Item(i) if *i == app.selected))
        .unwrap_or(0);
    let height = inner.height as usize;
    let offset = selected_row.saturating_sub(height.saturating_sub(1));
    let line_digits = items.iter().map(|i| i.line()).max().unwrap_or(1).ilog10() as usize + 1;
    for (n, row) in rows.iter().skip(offset).take(height).enumerate() {
        let y = inner.y + n as u16;
        let line = match row {
            Row::Header => Line::from(Span::styled(
                "── unrecognised: no signature knows these lines ──",
                theme::dim(),
            )),
            Row::Item(i) => item_line(app, &items[*i], *i == app.selected, line_digits),
        };
        let row_area = Rect {
            y,
            height: 1,
            ..inner
        };
        if matches!(row, Row::Item(i) if *i == app.selected) {
            buf.set_style(row_area, theme::selected(focused));
        }
        buf.set_line(inner.x, y, &line, inner.width);
    }
}

fn item_line<'a>(app: &'a App, item: &Item<'a>, selected: bool, line_digits: usize) -> Line<'a> {
    let pointer = if selected { "▶ " } else { "  " };
    let mut spans = vec![Span::raw(pointer)];
    match item {
        Item::Finding(f) => {
            let Some(sig) = app.set.signatures().get(f.signature) else {
                return Line::from(spans);
            };
            let explained = !app.explained_by(f).is_empty();
            spans.push(Span::styled(
                theme::severity_label(sig.severity),
                Style::new()
                    .fg(theme::severity_fg(sig.severity))
                    .add_modifier(Modifier::BOLD),
            ));
            spans.push(Span::raw(format!(" ×{:<3}", f.count)));
            spans.push(Span::styled(
                format!("L{:<line_digits$} ", f.first.line),
                theme::dim(),
            ));
            let title_style = if explained {
                theme::dim()
            } else {
                Style::new().add_modifier(Modifier::BOLD)
            };
            spans.push(Span::styled(app.mask(&sig.title).into_owned(), title_style));
            if explained {
                spans.push(Span::styled(" (a consequence)", theme::dim()));
            }
            if let Some(step) = &f.first.step {
                spans.push(Span::styled(format!("  {}", app.mask(step)), theme::dim()));
            }
        }
        Item::Unrecognized(u) => {
            spans.push(Span::styled(
                "  ?  ",
                Style::new()
                    .fg(theme::UNRECOGNIZED_FG)
                    .add_modifier(Modifier::BOLD),
            ));
            spans.push(Span::raw("     "));
            spans.push(Span::styled(
                format!("L{:<line_digits$} ", u.line),
                theme::dim(),
            ));
            spans.push(Span::raw(app.mask(&u.text).into_owned()));
        }
    }
    Line::from(spans)
}
