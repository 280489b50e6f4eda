//! The screen: pure functions from an [`App`] to a frame, one file per panel.
//!
//! Wide terminals (120 columns and more):
//! ```text
//! ┌ Log ───────────────────────────────────┐┌ Findings ─────────────────────────────┐
//! │  97 > src/a.ts(1,10): error TS2305 …   ││▶ ERROR ×2 L97  Prisma client not gen… │
//! │  98   …                                │└───────────────────────────────────────┘
//! │                                        │┌ Detail ───────────────────────────────┐
//! │                                        ││ why · fix · snippet · prevention · …  │
//! └────────────────────────────────────────┘└───────────────────────────────────────┘
//!  source · live/ended · lines · rate · findings                        copy result
//!  ? help  q quit  y copy fix  n/N next  …                                 (footer)
//! ```
//! Narrower ones stack the log, the findings and the detail; terminals under 40×12 get a
//! compact view: the status line and the selected finding's fix. The help overlay is drawn
//! over everything.

pub mod detail;
pub mod findings;
pub mod help;
pub mod log;
pub mod status;

use ratatui::layout::Rect;
use ratatui::Frame;

use super::app::{App, Mode};

/// Terminals at least this wide put the findings and the detail beside the log.
pub const WIDE: u16 = 120;
/// Below this size only the compact view fits.
pub const MIN_WIDTH: u16 = 40;
pub const MIN_HEIGHT: u16 = 12;

/// Where each panel goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Areas {
    pub log: Rect,
    pub findings: Rect,
    pub detail: Rect,
    pub status: Rect,
    pub footer: Rect,
    /// The compact view's body (empty otherwise).
    pub compact: Option<Rect>,
}

/// Splits `area` for `app`.
pub fn layout(area: Rect, app: &App) -> Areas {
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        let status = Rect {
            height: area.height.min(1),
            ..area
        };
        let body = Rect {
            y: area.y + status.height,
            height: area.height - status.height,
            ..area
        };
        return Areas {
            status,
            compact: Some(body),
            ..Areas::default()
        };
    }
    let footer = Rect {
        y: area.bottom() - 1,
        height: 1,
        ..area
    };
    let status = Rect {
        y: area.bottom() - 2,
        height: 1,
        ..area
    };
    let main = Rect {
        height: area.height - 2,
        ..area
    };
    let items = app.item_count() as u16;
    let header =
        u16::from(!app.diagnosis.unrecognized.is_empty() && !app.diagnosis.findings.is_empty());
    let wanted = items.max(1) + header + 2;
    if area.width >= WIDE {
        let log_w = main.width * 55 / 100;
        let log = Rect {
            width: log_w,
            ..main
        };
        let right = Rect {
            x: main.x + log_w,
            width: main.width - log_w,
            ..main
        };
        let list_h = wanted.clamp(3, (right.height * 2 / 5).max(3));
        let findings = Rect {
            height: list_h,
            ..right
        };
        let detail = Rect {
            y: right.y + list_h,
            height: right.height - list_h,
            ..right
        };
        return Areas {
            log,
            findings,
            detail,
            status,
            footer,
            compact: None,
        };
    }
    if items == 0 {
        let list_h = 3;
        let log = Rect {
            height: main.height - list_h,
            ..main
        };
        let findings = Rect {
            y: main.y + log.height,
            height: list_h,
            ..main
        };
        let detail = Rect {
            y: main.bottom(),
            height: 0,
            ..main
        };
        return Areas {
            log,
            findings,
            detail,
            status,
            footer,
            compact: None,
        };
    }
    let list_h = wanted.clamp(3, 7).min(main.height / 3).max(3);
    let rest = main.height - list_h;
    let log_h = (rest * 2 / 5).max(4).min(rest.saturating_sub(3));
    let log = Rect {
        height: log_h,
        ..main
    };
    let findings = Rect {
        y: main.y + log_h,
        height: list_h,
        ..main
    };
    let detail = Rect {
        y: findings.bottom(),
        height: main.bottom() - findings.bottom(),
        ..main
    };
    Areas {
        log,
        findings,
        detail,
        status,
        footer,
        compact: None,
    }
}

/// Draws the whole screen.
pub fn render(frame: &mut Frame<'_>, app: &App) {
    let areas = layout(frame.area(), app);
    if let Some(body) = areas.compact {
        status::render(frame, areas.status, app);
        detail::render_compact(frame, body, app);
        return;
    }
    log::render(frame, areas.log, app);
    findings::render(frame, areas.findings, app);
    detail::render(frame, areas.detail, app);
    status::render(frame, areas.status, app);
    status::render_footer(frame, areas.footer, app);
    if app.mode == Mode::Help {
        help::render(frame, frame.area());
    }
}
