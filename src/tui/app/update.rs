//! Keys and the mouse: [`App::update`] carries out an [`Action`]; scrolling, selecting,
//! jumping and searching.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, MouseEvent, MouseEventKind};
use ratatui::layout::Position;

use super::{App, Effect, Focus, Mode, SIDE_STEP, WHEEL_LINES};
use crate::tui::action::Action;
use crate::tui::keymap;
use crate::tui::search::Search;

impl App {
    // ----- input -----

    /// Handles a key press in the current mode.
    pub fn handle_key(&mut self, key: KeyEvent) -> Option<Effect> {
        let action = match &self.mode {
            Mode::Normal => keymap::lookup(keymap::NORMAL, &key),
            Mode::Search { .. } => keymap::lookup_search(&key),
            // Any key closes the help; Ctrl-C still quits.
            Mode::Help => match keymap::lookup(keymap::NORMAL, &key) {
                Some(Action::Quit) if key.code != KeyCode::Char('q') => Some(Action::Quit),
                _ if key.kind == KeyEventKind::Release => None,
                _ => Some(Action::Escape),
            },
        }?;
        self.update(action)
    }

    /// Handles a mouse event: the wheel scrolls the pane under the pointer, a click focuses it.
    pub fn handle_mouse(&mut self, mouse: MouseEvent) -> Option<Effect> {
        let (column, row) = (mouse.column, mouse.row);
        match mouse.kind {
            MouseEventKind::ScrollDown => self.update(Action::Wheel {
                down: true,
                column,
                row,
            }),
            MouseEventKind::ScrollUp => self.update(Action::Wheel {
                down: false,
                column,
                row,
            }),
            MouseEventKind::Down(_) => self.update(Action::Click { column, row }),
            _ => None,
        }
    }

    /// Carries out one action.
    pub fn update(&mut self, action: Action) -> Option<Effect> {
        if self.mode == Mode::Help && !matches!(action, Action::Quit | Action::Resize { .. }) {
            self.mode = Mode::Normal;
            return None;
        }
        match action {
            Action::Up => self.step(self.focus, -1),
            Action::Down => self.step(self.focus, 1),
            Action::PageUp => self.step(self.focus, -(self.page_for(self.focus) as isize)),
            Action::PageDown => self.step(self.focus, self.page_for(self.focus) as isize),
            Action::Top => self.go_to_end(false),
            Action::Bottom => self.go_to_end(true),
            Action::Left => self.log.hscroll = self.log.hscroll.saturating_sub(SIDE_STEP),
            Action::Right => {
                if !self.log.wrap {
                    self.log.hscroll += SIDE_STEP;
                }
            }
            Action::FocusNext => self.focus = self.focus.next(),
            Action::FocusPrev => self.focus = self.focus.prev(),
            Action::Jump => self.jump_to_selected(),
            Action::Next => self.next(true),
            Action::Prev => self.next(false),
            Action::SearchStart => {
                self.mode = Mode::Search {
                    input: String::new(),
                }
            }
            Action::SearchInput(c) => {
                if let Mode::Search { input } = &mut self.mode {
                    if !c.is_control() {
                        input.push(c);
                    }
                }
            }
            Action::SearchBackspace => {
                if let Mode::Search { input } = &mut self.mode {
                    input.pop();
                }
            }
            Action::SearchCancel => self.mode = Mode::Normal,
            Action::SearchSubmit => self.submit_search(),
            Action::Escape => {
                if self.search.take().is_none() {
                    self.message = None;
                }
            }
            Action::ToggleFollow => {
                if self.log.follow {
                    self.log.top = self.bottom_top();
                    self.log.follow = false;
                } else {
                    self.log.follow = true;
                }
            }
            Action::ToggleWrap => {
                let top = self.log_top();
                self.log.wrap = !self.log.wrap;
                self.log.hscroll = 0;
                self.log.top = top;
            }
            Action::CopyFix => return self.copy_fix(),
            Action::CopyDiagnosis => return self.copy_diagnosis(),
            Action::DraftSignature => return self.draft_signature(),
            Action::ToggleHelp => self.mode = Mode::Help,
            Action::Quit => self.quit = true,
            Action::Wheel { down, column, row } => {
                if let Some(pane) = self.pane_at(column, row) {
                    let lines = if pane == Focus::Findings {
                        1
                    } else {
                        WHEEL_LINES as isize
                    };
                    self.step(pane, if down { lines } else { -lines });
                }
            }
            Action::Click { column, row } => {
                if let Some(pane) = self.pane_at(column, row) {
                    self.focus = pane;
                }
            }
            Action::Resize { width, height } => self.size = (width, height),
        }
        None
    }

    fn pane_at(&self, column: u16, row: u16) -> Option<Focus> {
        let areas = self.areas();
        let at = Position::new(column, row);
        [
            (areas.log, Focus::Log),
            (areas.findings, Focus::Findings),
            (areas.detail, Focus::Detail),
        ]
        .into_iter()
        .find(|(r, _)| r.contains(at))
        .map(|(_, f)| f)
    }

    fn page_for(&self, pane: Focus) -> usize {
        match pane {
            Focus::Log => self.page().saturating_sub(1).max(1),
            Focus::Findings => (self.areas().findings.height as usize)
                .saturating_sub(3)
                .max(1),
            Focus::Detail => (self.areas().detail.height as usize)
                .saturating_sub(3)
                .max(1),
        }
    }

    /// Moves pane `pane` by `delta` rows (lines, items).
    fn step(&mut self, pane: Focus, delta: isize) {
        match pane {
            Focus::Log => self.scroll_log(delta),
            Focus::Findings => {
                let count = self.item_count();
                if count > 0 {
                    let to = (self.selected as isize + delta).clamp(0, count as isize - 1) as usize;
                    self.select(to);
                }
            }
            Focus::Detail => {
                self.detail_scroll =
                    (self.detail_scroll as isize + delta).clamp(0, u16::MAX as isize) as u16;
            }
        }
    }

    fn scroll_log(&mut self, delta: isize) {
        let bottom = self.bottom_top();
        if self.log.follow {
            if delta >= 0 {
                return;
            }
            self.log.top = bottom;
            self.log.follow = false;
        }
        self.user_scrolled = true;
        let top = (self.log.top as isize + delta).max(0) as usize;
        if top >= bottom && delta > 0 {
            // At the bottom: follow the end again.
            self.log.follow = true;
            self.log.top = bottom;
        } else {
            self.log.top = top.min(bottom);
        }
    }

    fn go_to_end(&mut self, end: bool) {
        match self.focus {
            Focus::Log => {
                self.user_scrolled = true;
                self.log.follow = end;
                self.log.top = if end { self.bottom_top() } else { 0 };
            }
            Focus::Findings => {
                let count = self.item_count();
                if count > 0 {
                    self.select(if end { count - 1 } else { 0 });
                }
            }
            Focus::Detail => self.detail_scroll = if end { u16::MAX / 2 } else { 0 },
        }
    }

    /// Selects row `i` of the findings list as the user's choice, and shows its line.
    pub(super) fn select(&mut self, i: usize) {
        self.user_selected = true;
        if i != self.selected {
            self.detail_scroll = 0;
        }
        self.selected = i;
        self.selected_key = self.key_of(i);
        self.jump_to_selected();
    }

    fn next(&mut self, forward: bool) {
        if let Some(search) = &self.search {
            let from = Some(self.log.mark.unwrap_or(self.log_top()));
            let hit = if forward {
                search.next_after(from)
            } else {
                search.prev_before(from)
            };
            match hit {
                Some(h) => self.jump_to(h),
                None => {
                    let text = format!(
                        "no match for /{}/{}",
                        search.pattern,
                        if search.done(&self.store) { "" } else { " yet" }
                    );
                    self.set_message(text, true);
                }
            }
            return;
        }
        let count = self.item_count();
        if count == 0 {
            self.set_message("no finding yet", false);
            return;
        }
        let to = if forward {
            (self.selected + 1) % count
        } else {
            (self.selected + count - 1) % count
        };
        self.select(to);
    }

    fn submit_search(&mut self) {
        let Mode::Search { input } = &self.mode else {
            return;
        };
        if input.is_empty() {
            self.search = None;
            self.mode = Mode::Normal;
            return;
        }
        match Search::new(input) {
            Ok(search) => {
                self.search = Some(search);
                self.search_jump = true;
                self.mode = Mode::Normal;
                self.message = None;
                self.work(200_000);
            }
            Err(e) => self.set_message(format!("bad regex: {e}"), true),
        }
    }
}
