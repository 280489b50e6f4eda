//! Entering and leaving the interactive terminal, and making sure it is always left.
//!
//! [`enter`] switches to raw mode and the alternate screen and turns mouse reporting on;
//! [`restore`] undoes all of it, once, from wherever it is called: the normal exit, the
//! [`Guard`] dropped on an early return, a signal, or the panic hook installed here, which
//! restores the terminal first and then lets the previous hook print the panic message on
//! the normal screen. This is what `ratatui::try_init` does, plus mouse capture, and with a
//! panic hook that leaves the terminal alone when a worker thread panics (the worker catches
//! it and reports it in the status bar; see [`quiet_panics_on_this_thread`]).

use std::cell::Cell;
use std::io::{self, Stdout, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Once;

use crossterm::event::{DisableMouseCapture, EnableMouseCapture};
use crossterm::terminal::{
    disable_raw_mode, enable_raw_mode, EnterAlternateScreen, LeaveAlternateScreen,
};
use crossterm::{cursor, execute};
use ratatui::backend::CrosstermBackend;
use ratatui::Terminal;

/// The terminal logdoc draws on.
pub type Term = Terminal<CrosstermBackend<Stdout>>;

static ACTIVE: AtomicBool = AtomicBool::new(false);
static HOOK: Once = Once::new();

thread_local! {
    static QUIET: Cell<bool> = const { Cell::new(false) };
}

/// Marks the current thread as one whose panics are caught and reported by its own code: the
/// panic hook neither restores the terminal nor prints over the view for it.
pub fn quiet_panics_on_this_thread() {
    QUIET.with(|q| q.set(true));
}

/// Restores the terminal when dropped.
pub struct Guard(());

impl Drop for Guard {
    fn drop(&mut self) {
        restore();
    }
}

/// Enters raw mode and the alternate screen. On error the terminal is left as it was.
pub fn enter() -> io::Result<(Term, Guard)> {
    install_panic_hook();
    enable_raw_mode()?;
    ACTIVE.store(true, Ordering::SeqCst);
    let guard = Guard(());
    let mut stdout = io::stdout();
    execute!(
        stdout,
        EnterAlternateScreen,
        EnableMouseCapture,
        cursor::Hide
    )?;
    let terminal = Terminal::new(CrosstermBackend::new(io::stdout()))?;
    Ok((terminal, guard))
}

/// Leaves raw mode, the alternate screen and mouse capture; does nothing when not entered.
/// Errors are ignored: after SIGHUP there is no terminal to restore.
pub fn restore() {
    if ACTIVE.swap(false, Ordering::SeqCst) {
        let mut stdout = io::stdout();
        let _ = execute!(
            stdout,
            DisableMouseCapture,
            LeaveAlternateScreen,
            cursor::Show
        );
        let _ = disable_raw_mode();
        let _ = stdout.flush();
    }
}

/// Leaves the view for a while (another program, the editor, takes the terminal): as
/// [`restore`], to be undone by [`resume`].
pub fn suspend() {
    restore();
}

/// Takes the terminal back after [`suspend`] and has the whole view redrawn.
pub fn resume(terminal: &mut Term) -> io::Result<()> {
    enable_raw_mode()?;
    ACTIVE.store(true, Ordering::SeqCst);
    execute!(
        io::stdout(),
        EnterAlternateScreen,
        EnableMouseCapture,
        cursor::Hide
    )?;
    terminal.clear()
}

fn install_panic_hook() {
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if QUIET.with(Cell::get) && ACTIVE.load(Ordering::SeqCst) {
                return;
            }
            restore();
            previous(info);
        }));
    });
}
