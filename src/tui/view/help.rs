//! The `?` help overlay, written from the keymap: in two columns when it fits, so every key
//! shows on an 80×24 terminal.

use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};
use ratatui::Frame;

use crate::tui::keymap::{self, Binding};
use crate::tui::theme;

/// Width of one column: the keys, then what they do.
const LABEL: usize = 8;
const COLUMN: usize = 38;

/// `table` as rows of `columns` bindings each, under `title`.
fn section(title: &'static str, table: &'static [Binding], columns: usize) -> Vec<Line<'static>> {
    let mut lines = vec![Line::from(Span::styled(title, theme::heading()))];
    let rows = table.len().div_ceil(columns);
    for r in 0..rows {
        let mut spans = Vec::new();
        for c in 0..columns {
            let Some(b) = table.get(c * rows + r) else {
                break;
            };
            let help_width = COLUMN - LABEL - 1;
            spans.push(Span::styled(
                format!(" {:<LABEL$}", b.label),
                theme::key_hint(),
            ));
            spans.push(Span::raw(format!("{:<help_width$}", b.help)));
        }
        lines.push(Line::from(spans));
    }
    lines
}

/// Draws the help centred over `area`.
pub fn render(frame: &mut Frame<'_>, area: Rect) {
    let columns = if area.width as usize >= 2 * COLUMN + 4 {
        2
    } else {
        1
    };
    let mut lines = section("Keys", keymap::NORMAL, columns);
    lines.extend(section("While typing a search", keymap::SEARCH, columns));
    lines.push(Line::from(Span::styled(
        " The wheel scrolls the pane under the pointer; a click focuses it.",
        theme::dim(),
    )));
    let width = ((columns * COLUMN + 2) as u16).min(area.width);
    let height = (lines.len() as u16 + 2).min(area.height);
    let popup = Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + (area.height - height) / 2,
        width,
        height,
    };
    if popup.is_empty() {
        return;
    }
    let block = Block::bordered()
        .border_style(theme::border(true))
        .title(Span::styled(
            " logdoc keys ",
            Style::new().add_modifier(Modifier::BOLD),
        ))
        .title_bottom(Line::from(Span::styled(" any key closes ", theme::dim())).right_aligned());
    frame.render_widget(Clear, popup);
    frame.render_widget(Paragraph::new(lines).block(block), popup);
}
