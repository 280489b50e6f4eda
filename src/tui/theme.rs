//! Colours and styles of the view, in one place. Indexed colours (the 16 basic ones and the
//! 256-colour cube) so every terminal since xterm shows them.

use ratatui::style::{Color, Modifier, Style};

use crate::signature::Severity;
use crate::source::{Color as LogColor, Sgr};

/// Foreground of a severity's label and markers.
pub fn severity_fg(severity: Severity) -> Color {
    match severity {
        Severity::Error => Color::LightRed,
        Severity::Warning => Color::Yellow,
        Severity::Info => Color::LightCyan,
    }
}

/// Background of a log line that is an occurrence of a finding of this severity.
pub fn line_bg(severity: Severity) -> Color {
    match severity {
        Severity::Error => Color::Indexed(52),   // dark red
        Severity::Warning => Color::Indexed(58), // dark olive
        Severity::Info => Color::Indexed(17),    // dark blue
    }
}

/// The label of a severity, padded to one width.
pub fn severity_label(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "ERROR",
        Severity::Warning => "WARN ",
        Severity::Info => "INFO ",
    }
}

/// Marker and colour of an unrecognised failure line.
pub const UNRECOGNIZED_FG: Color = Color::LightMagenta;

/// A search hit in the log.
pub fn search_hit() -> Style {
    Style::new().fg(Color::Black).bg(Color::Yellow)
}

/// The line the view jumped to (a finding's line, a search hit).
pub fn marked_gutter() -> Style {
    Style::new()
        .fg(Color::Black)
        .bg(Color::White)
        .add_modifier(Modifier::BOLD)
}

pub fn gutter() -> Style {
    Style::new().fg(Color::DarkGray)
}

pub fn dim() -> Style {
    Style::new().fg(Color::DarkGray)
}

pub fn border(focused: bool) -> Style {
    if focused {
        Style::new()
            .fg(Color::LightCyan)
            .add_modifier(Modifier::BOLD)
    } else {
        Style::new().fg(Color::DarkGray)
    }
}

/// The selected row of the findings list.
pub fn selected(focused: bool) -> Style {
    if focused {
        Style::new()
            .bg(Color::Indexed(24))
            .fg(Color::White)
            .add_modifier(Modifier::BOLD)
    } else {
        Style::new()
            .bg(Color::Indexed(237))
            .add_modifier(Modifier::BOLD)
    }
}

/// A code snippet in the detail pane, set apart from the prose.
pub fn code() -> Style {
    Style::new().fg(Color::LightGreen).bg(Color::Indexed(235))
}

pub fn heading() -> Style {
    Style::new()
        .fg(Color::LightCyan)
        .add_modifier(Modifier::BOLD)
}

pub fn status_bar() -> Style {
    Style::new().fg(Color::White).bg(Color::Indexed(236))
}

pub fn message_ok() -> Style {
    Style::new()
        .fg(Color::LightGreen)
        .bg(Color::Indexed(236))
        .add_modifier(Modifier::BOLD)
}

pub fn message_error() -> Style {
    Style::new()
        .fg(Color::LightRed)
        .bg(Color::Indexed(236))
        .add_modifier(Modifier::BOLD)
}

pub fn key_hint() -> Style {
    Style::new()
        .fg(Color::LightCyan)
        .add_modifier(Modifier::BOLD)
}

fn color(c: LogColor) -> Color {
    match c {
        LogColor::Indexed(n) if n < 16 => [
            Color::Black,
            Color::Red,
            Color::Green,
            Color::Yellow,
            Color::Blue,
            Color::Magenta,
            Color::Cyan,
            Color::Gray,
            Color::DarkGray,
            Color::LightRed,
            Color::LightGreen,
            Color::LightYellow,
            Color::LightBlue,
            Color::LightMagenta,
            Color::LightCyan,
            Color::White,
        ][n as usize],
        LogColor::Indexed(n) => Color::Indexed(n),
        LogColor::Rgb(r, g, b) => Color::Rgb(r, g, b),
    }
}

/// The log's own SGR colours as a ratatui style.
pub fn sgr(style: &Sgr) -> Style {
    let mut s = Style::new();
    if let Some(fg) = style.fg {
        s = s.fg(color(fg));
    }
    if let Some(bg) = style.bg {
        s = s.bg(color(bg));
    }
    let mut m = Modifier::empty();
    if style.bold {
        m |= Modifier::BOLD;
    }
    if style.dim {
        m |= Modifier::DIM;
    }
    if style.italic {
        m |= Modifier::ITALIC;
    }
    if style.underline {
        m |= Modifier::UNDERLINED;
    }
    s.add_modifier(m)
}
