//! The interactive view: the live log, the diagnosis and its fix side by side.
//!
//! ```text
//!            ┌──────────── worker threads ────────────┐
//!  input ──► │ reader ─► scanner (sanitise, engine,    │──Msg::Lines/Diagnosis/Source──┐
//!            │           batch lines)                  │                               ▼
//!            └─────────────────────────────────────────┘                    ┌── UI thread ──────────┐
//!  /dev/tty ─► key thread ───────Msg::Term──────────────────────────────────► App::update(Action) │
//!  signals ──► signal thread ────Msg::Signal────────────────────────────────► view::render(&App)  │
//!                                                                           │ clipboard::copy     │
//!                                                                           └─────────────────────┘
//! ```
//!
//! [`App`] is the whole state and changes only through [`App::update`] and the reader's
//! notifications; [`view`] draws it with pure functions, so both are tested without a
//! terminal (`tests/tui_render.rs`). [`run`] owns the terminal: it enters it
//! ([`terminal::enter`], which restores it on every way out), starts the threads
//! ([`worker`]), and redraws when something changed, at most ~60 times a second. It also
//! carries out what the state cannot: copying ([`clipboard`]), and for `a` running the
//! user's editor on a drafted signature (the view steps aside meanwhile) and diagnosing the
//! lines read again once the signature is checked ([`worker::spawn_rediagnosis`]).

pub mod action;
pub mod app;
pub mod clipboard;
pub mod ingest;
pub mod keymap;
pub mod search;
pub mod store;
pub mod terminal;
pub mod theme;
pub mod view;
pub mod worker;

use std::io;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError, SyncSender};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crossterm::event::Event;

pub use action::Action;
pub use app::{App, DraftFiles, Edited, Effect};

use crate::diagnosis::Diagnosis;
use crate::signature::SignatureSet;
use crate::source::{self, Follow, InputSpec, SourceError};
use worker::{InputHandle, Msg, Pending, SourceEvent};

/// Least time between two frames (~60 fps).
const FRAME: Duration = Duration::from_millis(16);
/// How often the rate in the status bar is measured.
const RATE_EVERY: Duration = Duration::from_millis(500);
/// Lines searched per turn of the loop while a search runs.
const SEARCH_SLICE: usize = 100_000;

/// What the view reads.
#[derive(Debug, Clone)]
pub enum TuiInput {
    /// A file or standard input, read to its end.
    Spec(InputSpec),
    /// A file followed like `tail -F`.
    Follow(PathBuf),
}

/// How to run the view.
pub struct Options {
    pub input: TuiInput,
    pub set: Arc<SignatureSet>,
    pub redact: bool,
}

/// Why the view did not run or stopped.
#[derive(Debug, thiserror::Error)]
pub enum TuiError {
    /// There is no terminal to draw on or read keys from: print the report instead.
    #[error("no terminal for the interactive view: {0}")]
    Unavailable(io::Error),
    #[error(transparent)]
    Source(#[from] SourceError),
    #[error("terminal: {0}")]
    Terminal(io::Error),
}

/// How the view ended.
#[derive(Debug)]
pub struct Outcome {
    /// The diagnosis when the user quit.
    pub diagnosis: Diagnosis,
    /// The signature set it was made with: the one given, plus any added with `a`.
    pub set: Arc<SignatureSet>,
    /// The signal that ended it, if one did.
    pub signal: Option<i32>,
}

/// Runs the interactive view until the user quits or a signal arrives; the terminal is
/// restored on every way out. Fails with [`TuiError::Unavailable`] before touching anything
/// when the terminal cannot be set up, so the caller can print the report instead.
pub fn run(options: Options) -> Result<Outcome, TuiError> {
    let (tx, rx) = mpsc::sync_channel::<Msg>(256);
    // Open files before the terminal is taken, so a missing file is an ordinary error.
    let (name, live, pending) = match &options.input {
        TuiInput::Spec(InputSpec::Stdin) => ("<stdin>".to_string(), true, Pending::Stdin),
        TuiInput::Spec(spec) => {
            let input = source::open(spec)?;
            (input.name.clone(), false, Pending::Open(input))
        }
        TuiInput::Follow(path) => {
            let events = tx.clone();
            let follow = Follow::open(path)?.on_event(move |e| {
                let _ = events.send(Msg::Source(SourceEvent::Follow(e)));
            });
            let name = follow.name().to_string();
            (
                name.clone(),
                true,
                Pending::Open(source::Input {
                    name,
                    gzip: false,
                    reader: Box::new(follow),
                }),
            )
        }
    };

    let (mut term, guard) = terminal::enter().map_err(TuiError::Unavailable)?;
    let mut keys = Keys::start(tx.clone()).map_err(TuiError::Terminal)?;
    worker::spawn_signals(tx.clone()).map_err(TuiError::Terminal)?;
    let input = worker::spawn_input(
        pending,
        Arc::clone(&options.set),
        options.redact,
        tx.clone(),
    )
    .map_err(TuiError::Terminal)?;
    let mut relearn = Relearn::Idle;

    let mut app = App::new(name, options.set, options.redact, live);
    if let Ok(size) = term.size() {
        app.size = (size.width, size.height);
    }
    let clipboard_env = clipboard::Env::from_process();
    let frames = FrameStats::from_env();
    let mut frames = frames;
    let mut rate = RateMeter::new(Instant::now());
    let mut signal = None;
    let mut dirty = true;
    let mut last_draw = Instant::now() - FRAME;
    let mut searching = false;
    let result = loop {
        let timeout = if searching {
            Duration::from_millis(1)
        } else if dirty {
            FRAME
                .saturating_sub(last_draw.elapsed())
                .max(Duration::from_millis(1))
        } else {
            RATE_EVERY
        };
        let mut next = match rx.recv_timeout(timeout) {
            Ok(msg) => Some(msg),
            Err(RecvTimeoutError::Timeout) => None,
            Err(RecvTimeoutError::Disconnected) => break Ok(()),
        };
        // Take everything that is waiting, for up to one frame's time.
        let started = Instant::now();
        let mut lost = None;
        while let Some(msg) = next.take() {
            dirty = true;
            match msg {
                Msg::Term(Event::Key(key)) => match app.handle_key(key) {
                    Some(Effect::Copy { text, what }) => {
                        let copied = clipboard::copy(&text, &clipboard_env, term.backend_mut());
                        let (message, error) = clipboard::describe(&copied, what);
                        app.set_message(message, error);
                    }
                    Some(Effect::EditDraft(files)) => {
                        let edited = match edit_draft(&files, &mut term, &mut keys) {
                            Ok(edited) => edited,
                            Err(e) => {
                                lost = Some(e);
                                break;
                            }
                        };
                        if let Some(set) = app.draft_edited(&files, edited) {
                            relearn = Relearn::start(&mut app, set, &input, options.redact, &tx);
                        }
                    }
                    None => {}
                },
                Msg::Term(Event::Mouse(mouse)) => {
                    app.handle_mouse(mouse);
                }
                Msg::Term(Event::Resize(width, height)) => {
                    app.update(Action::Resize { width, height });
                }
                Msg::Term(_) => {}
                Msg::TermFailed(_) => {
                    // The terminal is gone (hang-up): nothing more to show.
                    app.quit = true;
                }
                Msg::Lines(batch) => app.append(batch),
                Msg::Diagnosis(d) => app.set_diagnosis(*d),
                Msg::Source(event) => {
                    let ended = matches!(event, SourceEvent::Ended | SourceEvent::Failed(_));
                    app.source_event(event);
                    if ended {
                        relearn = relearn.scanner_gone(&mut app, &input, options.redact, &tx);
                    }
                }
                Msg::Signal(sig) => signal = Some(sig),
                Msg::Paused => relearn = relearn.paused(&mut app, &input, options.redact, &tx),
                Msg::Rediagnosed(r) => {
                    let engine = app.rediagnosed(*r);
                    relearn.finish(&input, Some(engine));
                    relearn = Relearn::Idle;
                }
                Msg::RediagnosisFailed(why) => {
                    app.rediagnosis_failed(&why);
                    relearn.finish(&input, None);
                    relearn = Relearn::Idle;
                }
            }
            if app.quit || signal.is_some() || started.elapsed() >= FRAME {
                break;
            }
            next = rx.try_recv().ok();
        }
        if let Some(e) = lost {
            break Err(TuiError::Terminal(e));
        }
        if app.quit || signal.is_some() {
            break Ok(());
        }
        searching = app.work(SEARCH_SLICE);
        dirty |= searching;
        if let Some(r) = rate.tick(Instant::now(), app.store.len()) {
            if app.state == app::SourceState::Reading {
                app.rate = Some(r);
                dirty = true;
            }
        }
        if dirty && last_draw.elapsed() >= FRAME {
            let t = Instant::now();
            if let Err(e) = term.draw(|frame| view::render(frame, &app)) {
                break Err(TuiError::Terminal(e));
            }
            frames.record(t.elapsed());
            last_draw = Instant::now();
            dirty = false;
        }
    };
    keys.stop();
    drop(term);
    drop(guard);
    frames.report(app.store.len());
    result.map(|()| Outcome {
        diagnosis: app.diagnosis,
        set: app.set,
        signal,
    })
}

/// The thread reading keys, stopped while the editor has the terminal.
struct Keys {
    tx: SyncSender<Msg>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Keys {
    fn start(tx: SyncSender<Msg>) -> io::Result<Keys> {
        let mut keys = Keys {
            tx,
            stop: Arc::new(AtomicBool::new(false)),
            thread: None,
        };
        keys.restart()?;
        Ok(keys)
    }

    fn restart(&mut self) -> io::Result<()> {
        self.stop = Arc::new(AtomicBool::new(false));
        let thread = worker::spawn_keys(self.tx.clone(), Arc::clone(&self.stop))?;
        self.thread = Some(thread);
        Ok(())
    }

    /// The key thread sees the flag within its poll timeout; after a hang-up crossterm may
    /// never return, so it is waited for briefly, then left to end with the process.
    fn stop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        let Some(thread) = self.thread.take() else {
            return;
        };
        let deadline = Instant::now() + Duration::from_millis(300);
        while !thread.is_finished() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(5));
        }
        if thread.is_finished() {
            let _ = thread.join();
        }
    }
}

/// `$VISUAL`, else `$EDITOR`, when set and not blank.
fn editor() -> Option<String> {
    ["VISUAL", "EDITOR"]
        .iter()
        .filter_map(|v| std::env::var(v).ok())
        .find(|e| !e.trim().is_empty())
}

/// Opens the drafted files in the user's editor, the view stepping aside until it exits
/// (the key thread stopped, so it does not take the editor's keys). Errors are the
/// terminal's, which cannot be taken back; the editor's own failure is in [`Edited`].
fn edit_draft(
    files: &DraftFiles,
    term: &mut terminal::Term,
    keys: &mut Keys,
) -> io::Result<Edited> {
    let Some(editor) = editor() else {
        return Ok(Edited::NoEditor);
    };
    keys.stop();
    terminal::suspend();
    let status = run_editor(&editor, &[&files.signature, &files.entry]);
    terminal::resume(term)?;
    keys.restart()?;
    Ok(match status {
        Ok(s) if s.success() => Edited::Done { editor },
        Ok(s) => Edited::Failed {
            editor,
            why: s.to_string(),
        },
        Err(e) => Edited::Failed {
            editor,
            why: e.to_string(),
        },
    })
}

/// Runs `editor` on `files` and waits. The editor is a shell command line, as git reads
/// it (`code --wait`, `emacs -nw`); it gets the terminal even when the log came on stdin.
fn run_editor(editor: &str, files: &[&Path]) -> io::Result<ExitStatus> {
    #[cfg(unix)]
    let mut command = {
        let mut c = Command::new("sh");
        c.arg("-c").arg(format!("{editor} \"$@\"")).arg(editor);
        c
    };
    #[cfg(not(unix))]
    let mut command = {
        let mut words = editor.split_whitespace();
        let mut c = Command::new(words.next().unwrap_or(editor));
        c.args(words);
        c
    };
    command.args(files);
    #[cfg(unix)]
    if let Ok(tty) = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/tty")
    {
        command
            .stdin(tty.try_clone()?)
            .stdout(tty.try_clone()?)
            .stderr(tty);
    }
    command.status()
}

/// Where putting a checked draft to use stands: the lines read are diagnosed again with the
/// grown set while the reader, if it is still reading, waits.
enum Relearn {
    Idle,
    /// The reader was asked to pause; the set waits for [`Msg::Paused`].
    AwaitingPause(Arc<SignatureSet>),
    /// Diagnosing again; `paused` when the reader waits for its result.
    Running {
        paused: bool,
    },
}

impl Relearn {
    /// Starts putting `set` to use: pauses a reader that is still reading, or diagnoses the
    /// lines read again at once when it has ended.
    fn start(
        app: &mut App,
        set: Arc<SignatureSet>,
        input: &InputHandle,
        redact: bool,
        tx: &SyncSender<Msg>,
    ) -> Relearn {
        if app.state == app::SourceState::Reading && input.pause() {
            return Relearn::AwaitingPause(set);
        }
        Relearn::rediagnose(app, set, false, input, redact, tx)
    }

    fn rediagnose(
        app: &mut App,
        set: Arc<SignatureSet>,
        paused: bool,
        input: &InputHandle,
        redact: bool,
        tx: &SyncSender<Msg>,
    ) -> Relearn {
        match worker::spawn_rediagnosis(Arc::clone(&app.store), set, redact, tx.clone()) {
            Ok(()) => Relearn::Running { paused },
            Err(e) => {
                app.rediagnosis_failed(&e.to_string());
                if paused {
                    input.resume(None);
                }
                Relearn::Idle
            }
        }
    }

    /// The reader has paused: every line it read is in the store.
    fn paused(
        self,
        app: &mut App,
        input: &InputHandle,
        redact: bool,
        tx: &SyncSender<Msg>,
    ) -> Relearn {
        match self {
            Relearn::AwaitingPause(set) => Relearn::rediagnose(app, set, true, input, redact, tx),
            other => {
                input.resume(None);
                other
            }
        }
    }

    /// The input ended (or failed) before the reader paused: it will not pause now.
    fn scanner_gone(
        self,
        app: &mut App,
        input: &InputHandle,
        redact: bool,
        tx: &SyncSender<Msg>,
    ) -> Relearn {
        match self {
            Relearn::AwaitingPause(set) => Relearn::rediagnose(app, set, false, input, redact, tx),
            other => other,
        }
    }

    /// Lets a paused reader go on, with `engine` when the re-diagnosis gave one.
    fn finish(&self, input: &InputHandle, engine: Option<crate::diagnosis::Engine>) {
        if let Relearn::Running { paused: true } = self {
            input.resume(engine);
        }
    }
}

/// Lines per second, measured over the last [`RATE_EVERY`].
struct RateMeter {
    at: Instant,
    lines: usize,
}

impl RateMeter {
    fn new(now: Instant) -> Self {
        RateMeter { at: now, lines: 0 }
    }

    fn tick(&mut self, now: Instant, lines: usize) -> Option<f64> {
        let dt = now.duration_since(self.at);
        if dt < RATE_EVERY {
            return None;
        }
        let rate = (lines - self.lines.min(lines)) as f64 / dt.as_secs_f64();
        self.at = now;
        self.lines = lines;
        Some(rate)
    }
}

/// Frame build times, printed after the view closes when `LOGDOC_FRAME_STATS` is set.
struct FrameStats {
    on: bool,
    count: u32,
    total: Duration,
    max: Duration,
}

impl FrameStats {
    fn from_env() -> Self {
        FrameStats {
            on: std::env::var_os("LOGDOC_FRAME_STATS").is_some(),
            count: 0,
            total: Duration::ZERO,
            max: Duration::ZERO,
        }
    }

    fn record(&mut self, took: Duration) {
        self.count += 1;
        self.total += took;
        self.max = self.max.max(took);
    }

    fn report(&self, lines: usize) {
        if self.on && self.count > 0 {
            eprintln!(
                "logdoc: {} frames, {lines} lines: mean {:.2} ms, max {:.2} ms per frame",
                self.count,
                self.total.as_secs_f64() * 1e3 / f64::from(self.count),
                self.max.as_secs_f64() * 1e3
            );
        }
    }
}
