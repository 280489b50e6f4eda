//! The log pane: line numbers, the log's own colours, finding lines highlighted by severity,
//! search hits, horizontal scroll or wrap.
//!
//! Only the rows on screen are built, straight into the frame's buffer, from the store's
//! clean text: the cost of a frame depends on the pane's size, not on the log's length.

use std::ops::Range;

use ratatui::buffer::{Buffer, CellWidth};
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Block;
use ratatui::Frame;

use crate::signature::Severity;
use crate::tui::app::{App, Focus, SourceState};
use crate::tui::theme;

/// Most search hits highlighted on one line.
const MAX_HITS_PER_LINE: usize = 256;

/// Columns of the gutter: the line number, a marker and a space.
pub fn gutter_width(app: &App) -> u16 {
    let digits = (app.store.len().max(1)).ilog10() as u16 + 1;
    digits.max(3) + 2
}

/// The part of the pane `pane` that holds the text (inside the border, right of the gutter).
pub fn text_area(app: &App, pane: Rect) -> Rect {
    let inner = Block::bordered().inner(pane);
    let gutter = gutter_width(app).min(inner.width);
    Rect {
        x: inner.x + gutter,
        width: inner.width - gutter,
        ..inner
    }
}

/// Width of `c` in cells; zero-width characters are not drawn.
fn char_width(c: char) -> usize {
    let mut b = [0u8; 4];
    c.encode_utf8(&mut b).cell_width() as usize
}

/// Rows line `i` takes when wrapped at `width`, counting no further than `cap` rows.
fn rows_of(app: &App, i: usize, width: u16, cap: usize) -> usize {
    if width == 0 {
        return 1;
    }
    let width = width as usize;
    let (text, _) = app.shown(i, width * cap * 4);
    let (mut rows, mut col) = (1, 0);
    for c in text.chars() {
        let w = char_width(c);
        if w == 0 {
            continue;
        }
        if col + w > width {
            rows += 1;
            col = 0;
            if rows > cap {
                break;
            }
        }
        col += w;
    }
    rows
}

/// The first line shown when the end of the log sits at the bottom of `area`.
pub fn bottom_top(app: &App, area: Rect) -> usize {
    let len = app.store.len();
    let reserve = usize::from(app.state != SourceState::Reading);
    let height = (area.height as usize).saturating_sub(reserve).max(1);
    if !app.log.wrap {
        return len.saturating_sub(height);
    }
    let (mut rows, mut i) = (0, len);
    while i > 0 {
        let r = rows_of(app, i - 1, area.width, height);
        if rows + r > height && rows > 0 {
            break;
        }
        rows += r;
        i -= 1;
    }
    i
}

pub fn render(frame: &mut Frame<'_>, area: Rect, app: &App) {
    if area.is_empty() {
        return;
    }
    let block = Block::bordered()
        .border_style(theme::border(app.focus == Focus::Log))
        .title(title(app))
        .title_top(badges(app).right_aligned());
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.is_empty() {
        return;
    }
    let text = text_area(app, area);
    let gutter = Rect {
        width: inner.width - text.width,
        ..inner
    };
    let buf = frame.buffer_mut();
    let (mut y, mut i) = (inner.y, app.log_top());
    while y < inner.bottom() && i < app.store.len() {
        let rows = (inner.bottom() - y) as usize;
        let used = render_line(
            buf,
            app,
            i,
            Rect {
                y,
                height: rows as u16,
                ..text
            },
            gutter.x,
            gutter.width,
        );
        y += used as u16;
        i += 1;
    }
    if y < inner.bottom() && i >= app.store.len() {
        let end = match &app.state {
            SourceState::Reading if app.store.is_empty() => "waiting for input…".to_string(),
            SourceState::Reading => String::new(),
            SourceState::Ended => format!("── end of input ({} lines) ──", app.store.len()),
            SourceState::Failed(why) => format!("── input failed: {why} ──"),
        };
        buf.set_stringn(text.x, y, end, text.width as usize, theme::dim());
    }
}

fn title(_app: &App) -> Line<'static> {
    Line::from(vec![Span::styled(
        " Log ",
        Style::new().add_modifier(Modifier::BOLD),
    )])
}

/// Right side of the title: follow, wrap, sideways scroll, search.
fn badges(app: &App) -> Line<'static> {
    let mut spans = Vec::new();
    if let Some(s) = &app.search {
        let at = app.log.mark.and_then(|m| s.position(m));
        let count = match at {
            Some(at) => format!("{at}/{}", s.hits.len()),
            None => s.hits.len().to_string(),
        };
        let more = if s.done(&app.store) { "" } else { "+" };
        spans.push(Span::styled(
            format!(" /{}/ {count}{more} ", s.pattern),
            theme::search_hit(),
        ));
    }
    if app.log.hscroll > 0 {
        spans.push(Span::styled(
            format!(" →{} ", app.log.hscroll),
            theme::dim(),
        ));
    }
    if app.log.wrap {
        spans.push(Span::styled(" wrap ", theme::dim()));
    }
    let follow = if app.log.follow {
        Span::styled(" ⇣ follow ", theme::key_hint())
    } else {
        Span::styled(" paused ", theme::dim())
    };
    spans.push(follow);
    Line::from(spans)
}

/// Draws line `i` into `area` (its text columns; as many rows as it may use) and the gutter
/// left of it; returns the rows used.
fn render_line(
    buf: &mut Buffer,
    app: &App,
    i: usize,
    area: Rect,
    gutter_x: u16,
    gutter_w: u16,
) -> usize {
    let severity = app.line_severity(i);
    let unrecognized = app.line_unrecognized(i) || app.store.flags(i).unrecognized();
    let marked = app.log.mark == Some(i);
    let width = area.width as usize;
    let (wrap, hscroll) = (app.log.wrap, app.log.hscroll);
    let max_rows = if wrap { area.height as usize } else { 1 };
    let needed_cols = if wrap {
        width * max_rows
    } else {
        hscroll + width
    };
    let (text, masked) = app.shown(i, needed_cols * 4);

    let base = severity.map_or(Style::new(), |s| Style::new().bg(theme::line_bg(s)));
    let runs = style_runs(app, i, &text, masked, base);

    let (mut row, mut col) = (0usize, 0usize);
    let mut run = 0;
    for (at, c) in text.char_indices() {
        let w = char_width(c);
        if w == 0 {
            continue;
        }
        while run + 1 < runs.len() && runs[run].0.end <= at {
            run += 1;
        }
        let style = runs.get(run).map_or(base, |r| r.1);
        let x = if wrap {
            if col + w > width {
                row += 1;
                col = 0;
                if row >= max_rows {
                    row -= 1;
                    break;
                }
            }
            col
        } else {
            if col + w <= hscroll {
                col += w;
                continue;
            }
            if col < hscroll {
                col += w; // a wide character cut by the left edge
                continue;
            }
            if col + w > hscroll + width {
                break;
            }
            col - hscroll
        };
        let mut b = [0u8; 4];
        buf.set_stringn(
            area.x + x as u16,
            area.y + row as u16,
            c.encode_utf8(&mut b),
            w,
            style,
        );
        col += w;
    }
    let rows = row + 1;
    if let Some(severity) = severity {
        // The highlight spans the whole width, also past the end of the text.
        for y in area.y..area.y + rows as u16 {
            for x in area.x..area.right() {
                if let Some(cell) = buf.cell_mut((x, y)) {
                    if cell.bg == Color::Reset {
                        cell.set_bg(theme::line_bg(severity));
                    }
                }
            }
        }
    }
    let gutter = Gutter {
        number: i + 1,
        severity,
        unrecognized,
        marked,
    };
    gutter.render(buf, gutter_x, area.y, gutter_w);
    rows
}

/// The gutter of one line: its number and a marker.
struct Gutter {
    number: usize,
    severity: Option<Severity>,
    unrecognized: bool,
    marked: bool,
}

impl Gutter {
    fn render(&self, buf: &mut Buffer, x: u16, y: u16, width: u16) {
        let Gutter {
            number,
            severity,
            unrecognized,
            marked,
        } = *self;
        if width < 2 {
            return;
        }
        let digits = (width - 2) as usize;
        let text = format!("{number:>digits$}");
        let number_style = if marked {
            theme::marked_gutter()
        } else if let Some(s) = severity {
            Style::new()
                .fg(theme::severity_fg(s))
                .add_modifier(Modifier::BOLD)
        } else {
            theme::gutter()
        };
        buf.set_stringn(x, y, &text, digits, number_style);
        let (marker, style) = match (marked, severity, unrecognized) {
            (true, _, _) => ("▶", theme::marked_gutter()),
            (_, Some(s), _) => ("▌", Style::new().fg(theme::severity_fg(s))),
            (_, None, true) => (
                "?",
                Style::new()
                    .fg(theme::UNRECOGNIZED_FG)
                    .add_modifier(Modifier::BOLD),
            ),
            _ => (" ", Style::new()),
        };
        buf.set_stringn(x + width - 2, y, marker, 1, style);
    }
}

/// The text cut into byte ranges of one style: the line's base style, the log's own colours
/// (unless masking changed the text, which moves them) and search hits on top.
fn style_runs(
    app: &App,
    i: usize,
    text: &str,
    masked: bool,
    base: Style,
) -> Vec<(Range<usize>, Style)> {
    let len = text.len();
    let spans: Vec<(Range<usize>, Style)> = if masked {
        Vec::new()
    } else {
        app.store
            .spans(i)
            .iter()
            .map(|s| {
                (
                    (s.start as usize).min(len)..(s.end as usize).min(len),
                    theme::sgr(&s.style),
                )
            })
            .filter(|(r, _)| !r.is_empty())
            .collect()
    };
    let hits: Vec<Range<usize>> = match &app.search {
        Some(s) => s
            .regex
            .find_iter(text)
            .filter(|m| !m.is_empty())
            .take(MAX_HITS_PER_LINE)
            .map(|m| m.range())
            .collect(),
        None => Vec::new(),
    };
    if spans.is_empty() && hits.is_empty() {
        return vec![(0..len, base)];
    }
    let mut bounds: Vec<usize> = vec![0, len];
    bounds.extend(spans.iter().flat_map(|(r, _)| [r.start, r.end]));
    bounds.extend(hits.iter().flat_map(|r| [r.start, r.end]));
    bounds.sort_unstable();
    bounds.dedup();
    let (mut si, mut hi) = (0, 0);
    bounds
        .windows(2)
        .map(|w| {
            let (a, b) = (w[0], w[1]);
            while si < spans.len() && spans[si].0.end <= a {
                si += 1;
            }
            while hi < hits.len() && hits[hi].end <= a {
                hi += 1;
            }
            let mut style = base;
            if let Some((r, s)) = spans.get(si) {
                if r.start <= a {
                    style = style.patch(*s);
                }
            }
            if hits.get(hi).is_some_and(|r| r.start <= a) {
                style = style.patch(theme::search_hit());
            }
            (a..b, style)
        })
        .collect()
}
