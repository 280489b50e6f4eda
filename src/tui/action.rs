//! What the user asked for, independent of the key that asked: keys and the mouse become an
//! [`Action`] (see [`super::keymap`]), and [`super::App::update`] carries it out.

/// One user intent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Scroll the focused pane, or move the selection, by one.
    Up,
    Down,
    PageUp,
    PageDown,
    /// First line / last line (the last line of the log turns following on).
    Top,
    Bottom,
    /// Scroll the log sideways (when not wrapping).
    Left,
    Right,
    /// Move the focus to the next / previous pane.
    FocusNext,
    FocusPrev,
    /// Jump the log to the selected finding's line.
    Jump,
    /// Next / previous finding, or search hit while a search is active.
    Next,
    Prev,
    /// Start typing a search.
    SearchStart,
    SearchInput(char),
    SearchBackspace,
    SearchSubmit,
    SearchCancel,
    /// Close the help, or clear the search.
    Escape,
    ToggleFollow,
    ToggleWrap,
    /// Copy the selected finding's snippet (or its fix).
    CopyFix,
    /// Copy the whole diagnosis as Markdown.
    CopyDiagnosis,
    /// Draft a signature (and an issue-log entry) from the selected unrecognised line, let
    /// the user edit it, and use it at once.
    DraftSignature,
    ToggleHelp,
    Quit,
    /// Mouse wheel at a screen position: `down` scrolls towards the end.
    Wheel {
        down: bool,
        column: u16,
        row: u16,
    },
    /// Mouse click at a screen position: focuses the pane there.
    Click {
        column: u16,
        row: u16,
    },
    /// The terminal has a new size.
    Resize {
        width: u16,
        height: u16,
    },
}
