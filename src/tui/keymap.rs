//! The one table of key bindings: the key handler looks keys up here, and the help overlay
//! and the footer are written from it, so what they say is what the keys do.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::action::Action;

/// One key, with the modifiers that must be held (Shift is ignored for characters: `Y` is
/// `Y` whether or not the terminal reports Shift).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyPress {
    pub code: KeyCode,
    pub mods: KeyModifiers,
}

const fn ch(c: char) -> KeyPress {
    KeyPress {
        code: KeyCode::Char(c),
        mods: KeyModifiers::NONE,
    }
}

const fn ctrl(c: char) -> KeyPress {
    KeyPress {
        code: KeyCode::Char(c),
        mods: KeyModifiers::CONTROL,
    }
}

const fn key(code: KeyCode) -> KeyPress {
    KeyPress {
        code,
        mods: KeyModifiers::NONE,
    }
}

impl KeyPress {
    fn matches(&self, event: &KeyEvent) -> bool {
        let mods = match event.code {
            KeyCode::Char(_) | KeyCode::BackTab => event.modifiers - KeyModifiers::SHIFT,
            _ => event.modifiers,
        };
        self.code == event.code && self.mods == mods
    }
}

/// A binding: its keys, how they are written, what they do, and the footer hint if any.
#[derive(Debug, Clone, Copy)]
pub struct Binding {
    pub keys: &'static [KeyPress],
    /// The keys as the help and footer write them.
    pub label: &'static str,
    pub action: Action,
    /// The help overlay's description.
    pub help: &'static str,
    /// The footer's hint: its rank (lower shows first; the footer keeps what fits), keys and text.
    pub hint: Option<(u8, &'static str, &'static str)>,
}

const fn bind(
    keys: &'static [KeyPress],
    label: &'static str,
    action: Action,
    help: &'static str,
) -> Binding {
    Binding {
        keys,
        label,
        action,
        help,
        hint: None,
    }
}

const fn hinted(
    keys: &'static [KeyPress],
    label: &'static str,
    action: Action,
    help: &'static str,
    hint: (u8, &'static str, &'static str),
) -> Binding {
    Binding {
        keys,
        label,
        action,
        help,
        hint: Some(hint),
    }
}

/// Bindings while browsing.
pub static NORMAL: &[Binding] = &[
    hinted(
        &[ch('j'), key(KeyCode::Down)],
        "j/↓",
        Action::Down,
        "down / next item",
        (3, "j/k", "move"),
    ),
    bind(
        &[ch('k'), key(KeyCode::Up)],
        "k/↑",
        Action::Up,
        "up / previous item",
    ),
    bind(
        &[key(KeyCode::PageDown), ctrl('d'), ch(' ')],
        "PgDn",
        Action::PageDown,
        "page down",
    ),
    bind(
        &[key(KeyCode::PageUp), ctrl('u')],
        "PgUp",
        Action::PageUp,
        "page up",
    ),
    bind(
        &[ch('g'), key(KeyCode::Home)],
        "g/Home",
        Action::Top,
        "first line / first item",
    ),
    bind(
        &[ch('G'), key(KeyCode::End)],
        "G/End",
        Action::Bottom,
        "last line, follow / last item",
    ),
    bind(
        &[ch('h'), key(KeyCode::Left)],
        "h/←",
        Action::Left,
        "scroll the log left",
    ),
    bind(
        &[ch('l'), key(KeyCode::Right)],
        "l/→",
        Action::Right,
        "scroll the log right",
    ),
    hinted(
        &[key(KeyCode::Tab)],
        "Tab",
        Action::FocusNext,
        "focus the next pane",
        (4, "Tab", "focus"),
    ),
    bind(
        &[key(KeyCode::BackTab)],
        "S-Tab",
        Action::FocusPrev,
        "focus the previous pane",
    ),
    hinted(
        &[key(KeyCode::Enter)],
        "Enter",
        Action::Jump,
        "show the finding's line",
        (5, "Enter", "jump"),
    ),
    hinted(
        &[ch('n')],
        "n",
        Action::Next,
        "next finding / search hit",
        (2, "n/N", "next"),
    ),
    bind(
        &[ch('N')],
        "N",
        Action::Prev,
        "previous finding / search hit",
    ),
    hinted(
        &[ch('/')],
        "/",
        Action::SearchStart,
        "search the log (regex)",
        (6, "/", "search"),
    ),
    bind(
        &[key(KeyCode::Esc)],
        "Esc",
        Action::Escape,
        "clear the search / message",
    ),
    hinted(
        &[ch('f')],
        "f",
        Action::ToggleFollow,
        "follow the end of the log",
        (8, "f", "follow"),
    ),
    hinted(
        &[ch('w')],
        "w",
        Action::ToggleWrap,
        "wrap long lines on/off",
        (9, "w", "wrap"),
    ),
    hinted(
        &[ch('y')],
        "y",
        Action::CopyFix,
        "copy the fix (its snippet)",
        (1, "y", "copy fix"),
    ),
    hinted(
        &[ch('Y')],
        "Y",
        Action::CopyDiagnosis,
        "copy the diagnosis (Markdown)",
        (7, "Y", "copy all"),
    ),
    hinted(
        &[ch('a')],
        "a",
        Action::DraftSignature,
        "draft a signature for ? line",
        (5, "a", "new signature"),
    ),
    hinted(
        &[ch('?')],
        "?",
        Action::ToggleHelp,
        "this help",
        (0, "?", "help"),
    ),
    hinted(
        &[ch('q'), ctrl('c')],
        "q",
        Action::Quit,
        "quit (also Ctrl-C)",
        (0, "q", "quit"),
    ),
];

/// Bindings while typing a search; any other character is typed.
pub static SEARCH: &[Binding] = &[
    hinted(
        &[key(KeyCode::Enter)],
        "Enter",
        Action::SearchSubmit,
        "search for what was typed",
        (0, "Enter", "search"),
    ),
    hinted(
        &[key(KeyCode::Esc)],
        "Esc",
        Action::SearchCancel,
        "stop typing",
        (1, "Esc", "cancel"),
    ),
    bind(
        &[key(KeyCode::Backspace)],
        "Bksp",
        Action::SearchBackspace,
        "delete a character",
    ),
];

/// The action a key press asks for in `table`.
pub fn lookup(table: &[Binding], event: &KeyEvent) -> Option<Action> {
    if event.kind == KeyEventKind::Release {
        return None;
    }
    table
        .iter()
        .find(|b| b.keys.iter().any(|k| k.matches(event)))
        .map(|b| b.action)
}

/// The action of a key typed in the search prompt.
pub fn lookup_search(event: &KeyEvent) -> Option<Action> {
    if event.kind == KeyEventKind::Release {
        return None;
    }
    if event.code == KeyCode::Char('c') && event.modifiers.contains(KeyModifiers::CONTROL) {
        return Some(Action::SearchCancel);
    }
    if let Some(action) = lookup(SEARCH, event) {
        return Some(action);
    }
    match event.code {
        KeyCode::Char(c)
            if !event
                .modifiers
                .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) =>
        {
            Some(Action::SearchInput(c))
        }
        _ => None,
    }
}

/// The footer's hints for `table`, most important first: `(keys, what)`.
pub fn hints(table: &[Binding]) -> Vec<(&'static str, &'static str)> {
    let mut hints: Vec<(u8, &str, &str)> = table.iter().filter_map(|b| b.hint).collect();
    hints.sort_by_key(|h| h.0);
    hints
        .into_iter()
        .map(|(_, keys, text)| (keys, text))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn press(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, mods)
    }

    #[test]
    fn shift_is_ignored_for_characters_only() {
        assert_eq!(
            lookup(NORMAL, &press(KeyCode::Char('Y'), KeyModifiers::SHIFT)),
            Some(Action::CopyDiagnosis)
        );
        assert_eq!(
            lookup(NORMAL, &press(KeyCode::Char('Y'), KeyModifiers::NONE)),
            Some(Action::CopyDiagnosis)
        );
        assert_eq!(
            lookup(NORMAL, &press(KeyCode::Char('?'), KeyModifiers::SHIFT)),
            Some(Action::ToggleHelp)
        );
        assert_eq!(
            lookup(NORMAL, &press(KeyCode::Char('c'), KeyModifiers::CONTROL)),
            Some(Action::Quit)
        );
        assert_eq!(
            lookup(NORMAL, &press(KeyCode::Char('c'), KeyModifiers::NONE)),
            None
        );
        assert_eq!(
            lookup(NORMAL, &press(KeyCode::BackTab, KeyModifiers::SHIFT)),
            Some(Action::FocusPrev)
        );
    }

    #[test]
    fn every_key_is_bound_once() {
        let mut seen = Vec::new();
        for b in NORMAL {
            for k in b.keys {
                assert!(!seen.contains(k), "{k:?} bound twice");
                seen.push(*k);
            }
        }
    }

    #[test]
    fn search_prompt_types_characters() {
        assert_eq!(
            lookup_search(&press(KeyCode::Char('q'), KeyModifiers::NONE)),
            Some(Action::SearchInput('q'))
        );
        assert_eq!(
            lookup_search(&press(KeyCode::Enter, KeyModifiers::NONE)),
            Some(Action::SearchSubmit)
        );
        assert_eq!(
            lookup_search(&press(KeyCode::Char('c'), KeyModifiers::CONTROL)),
            Some(Action::SearchCancel)
        );
    }
}
