//! The status bar (source, live or ended, lines, rate, findings, the last copy's result) and
//! the footer (key hints from the keymap, or the search prompt).

use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::Frame;

use crate::tui::app::{App, Mode, SourceState};
use crate::tui::{keymap, theme};

/// `1234567` → `1,234,567`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `12345.6` → `12.3k`.
fn rate(per_second: f64) -> String {
    match per_second {
        r if r >= 1e6 => format!("{:.1}M lines/s", r / 1e6),
        r if r >= 1e4 => format!("{:.0}k lines/s", r / 1e3),
        r if r >= 1e3 => format!("{:.1}k lines/s", r / 1e3),
        r => format!("{r:.0} lines/s"),
    }
}

fn width(spans: &[Span<'_>]) -> usize {
    spans.iter().map(Span::width).sum()
}

pub fn render(frame: &mut Frame<'_>, area: Rect, app: &App) {
    if area.is_empty() {
        return;
    }
    let bar = theme::status_bar();
    let sep = || Span::styled(" │ ", bar.fg(ratatui::style::Color::DarkGray));
    let state = match &app.state {
        SourceState::Reading if app.live => {
            Span::styled("● live", bar.fg(ratatui::style::Color::LightGreen))
        }
        SourceState::Reading => Span::styled("◌ reading", bar),
        SourceState::Ended => Span::styled("■ ended", bar),
        SourceState::Failed(_) => Span::styled("✗ input failed", theme::message_error()),
    };
    let findings = app.diagnosis.findings.len();
    let worst = app
        .diagnosis
        .findings
        .iter()
        .filter_map(|f| app.set.signatures().get(f.signature))
        .map(|s| s.severity)
        .max();
    let findings_style = worst.map_or(bar, |s| {
        bar.fg(theme::severity_fg(s)).add_modifier(Modifier::BOLD)
    });
    let noun = if findings == 1 { "finding" } else { "findings" };
    let mut left = vec![
        Span::styled(format!(" {} ", app.name), bar.add_modifier(Modifier::BOLD)),
        sep(),
        state,
        sep(),
        Span::styled(format!("{} lines", thousands(app.store.len() as u64)), bar),
    ];
    let rate_span = app
        .rate
        .filter(|_| app.state == SourceState::Reading)
        .map(|r| Span::styled(format!(" · {}", rate(r)), bar));
    let findings_span = Span::styled(format!("{findings} {noun}"), findings_style);
    let unrecognized = app.diagnosis.unrecognized.len() as u64 + app.diagnosis.unrecognized_dropped;
    let unrecognized_span = (unrecognized > 0).then(|| {
        Span::styled(
            format!(" · {unrecognized} unrecognised"),
            bar.fg(theme::UNRECOGNIZED_FG),
        )
    });
    let right: Vec<Span<'_>> = match &app.message {
        Some(m) => vec![Span::styled(
            format!(" {} ", m.text),
            if m.error {
                theme::message_error()
            } else {
                theme::message_ok()
            },
        )],
        None => Vec::new(),
    };
    let room = area.width as usize;
    // Leave out the least useful parts until the message fits beside the rest.
    let optional = [
        rate_span,
        Some(sep()),
        Some(findings_span),
        unrecognized_span,
    ];
    let mut full = left.clone();
    full.extend(optional.iter().flatten().cloned());
    if width(&full) + width(&right) <= room {
        left = full;
    } else {
        left.extend([sep(), optional[2].clone().unwrap_or_default()]);
    }
    let buf = frame.buffer_mut();
    buf.set_style(area, bar);
    let right_w = width(&right).min(room) as u16;
    let left_w = (room as u16).saturating_sub(right_w);
    buf.set_line(area.x, area.y, &Line::from(left), left_w);
    if right_w > 0 {
        buf.set_line(area.right() - right_w, area.y, &Line::from(right), right_w);
    }
}

pub fn render_footer(frame: &mut Frame<'_>, area: Rect, app: &App) {
    if area.is_empty() {
        return;
    }
    let mut spans = Vec::new();
    let table = match &app.mode {
        Mode::Search { input } => {
            spans.push(Span::styled("/", theme::key_hint()));
            spans.push(Span::raw(input.clone()));
            spans.push(Span::styled(
                "█",
                Style::new().add_modifier(Modifier::SLOW_BLINK),
            ));
            spans.push(Span::raw("   "));
            keymap::SEARCH
        }
        Mode::Help => {
            spans.push(Span::styled(" any key closes the help", theme::dim()));
            &[]
        }
        Mode::Normal => keymap::NORMAL,
    };
    let room = area.width as usize;
    for (keys, text) in keymap::hints(table) {
        let hint = [
            Span::styled(format!(" {keys}"), theme::key_hint()),
            Span::styled(format!(" {text} "), theme::dim()),
        ];
        if width(&spans) + width(&hint) > room {
            break;
        }
        spans.extend(hint);
    }
    frame
        .buffer_mut()
        .set_line(area.x, area.y, &Line::from(spans), area.width);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_well() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1234567), "1,234,567");
        assert_eq!(rate(12.0), "12 lines/s");
        assert_eq!(rate(12345.0), "12k lines/s");
        assert_eq!(rate(2_500_000.0), "2.5M lines/s");
    }
}
