//! Copying to the clipboard so that the copy outlives logdoc, and saying how it was done.
//!
//! On X11 and Wayland the clipboard is served by the process that set it, so a copy made by
//! logdoc itself would vanish when it quits. In order, [`copy`] tries:
//!
//! 1. with a display (`WAYLAND_DISPLAY`, `DISPLAY`): a helper that forks and keeps serving,
//!    `wl-copy`, `xclip -selection clipboard`, `xsel --clipboard --input`; else logdoc itself
//!    started again as a small background process that holds the clipboard with arboard's
//!    `SetExtLinux::wait` until another program takes it ([`serve`]);
//! 2. inside tmux, `tmux load-buffer -w -`: tmux's paste buffer, which tmux also forwards to
//!    the outer terminal's clipboard;
//! 3. OSC 52 written to the terminal (over SSH too), raw and, inside tmux, also wrapped for
//!    passthrough; terminals do not confirm it, so the text is saved to a file as well;
//! 4. a file under the state directory, whose path the status bar shows.
//!
//! `LOGDOC_CLIPBOARD=wl-copy|xclip|xsel|arboard|tmux|osc52|file` allows only that way.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// The hidden command-line flag that makes logdoc serve the clipboard (see [`serve`]).
pub const SERVE_FLAG: &str = "--serve-clipboard";

/// Longest wait for a helper to take the text.
const HELPER_TIMEOUT: Duration = Duration::from_secs(3);

/// How a copy was done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Method {
    /// A clipboard helper program that keeps serving: `wl-copy`, `xclip`, `xsel`.
    Helper(&'static str),
    /// logdoc's own background process (arboard).
    Daemon,
    /// tmux's paste buffer, forwarded by tmux to the terminal.
    Tmux,
    /// OSC 52 to the terminal (unconfirmed); also saved to the file.
    Osc52(PathBuf),
    /// Only saved to this file.
    File(PathBuf),
}

/// The result of [`copy`]: how, or why not at all.
pub type Copied = Result<Method, String>;

/// Describes a copy result for the status bar.
pub fn describe(copied: &Copied, what: &str) -> (String, bool) {
    match copied {
        Ok(Method::Helper(name)) => (
            format!("copied the {what} to the clipboard ({name})"),
            false,
        ),
        Ok(Method::Daemon) => (
            format!("copied the {what} to the clipboard (held by a logdoc helper)"),
            false,
        ),
        Ok(Method::Tmux) => (
            format!("copied the {what} to tmux's buffer and the terminal clipboard"),
            false,
        ),
        Ok(Method::Osc52(path)) => (
            format!(
                "sent the {what} to the terminal clipboard (OSC 52); also in {}",
                path.display()
            ),
            false,
        ),
        Ok(Method::File(path)) => (
            format!(
                "no clipboard reachable: the {what} is in {}",
                path.display()
            ),
            false,
        ),
        Err(why) => (format!("could not copy the {what}: {why}"), true),
    }
}

/// What the environment offers.
#[derive(Debug, Clone, Default)]
pub struct Env {
    /// `LOGDOC_CLIPBOARD`: only this way.
    pub only: Option<String>,
    pub wayland: bool,
    pub x11: bool,
    pub tmux: bool,
    /// Where the fallback file goes.
    pub state_dir: PathBuf,
}

impl Env {
    pub fn from_process() -> Self {
        let set = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty());
        Env {
            only: std::env::var("LOGDOC_CLIPBOARD")
                .ok()
                .filter(|v| !v.is_empty()),
            wayland: set("WAYLAND_DISPLAY"),
            x11: set("DISPLAY"),
            tmux: set("TMUX"),
            state_dir: state_dir(),
        }
    }

    fn allows(&self, way: &str) -> bool {
        match self.only.as_deref() {
            Some(only) => only == way,
            None => true,
        }
    }
}

/// `$XDG_STATE_HOME/logdoc`, `~/.local/state/logdoc`, or the temp dir's `logdoc`.
fn state_dir() -> PathBuf {
    let base = std::env::var_os("XDG_STATE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME")
                .filter(|v| !v.is_empty())
                .map(|h| PathBuf::from(h).join(".local/state"))
        });
    match base {
        Some(b) => b.join("logdoc"),
        None => std::env::temp_dir().join("logdoc"),
    }
}

/// Copies `text`; `terminal` receives OSC 52 when it comes to that.
pub fn copy(text: &str, env: &Env, terminal: &mut dyn Write) -> Copied {
    let mut failures = Vec::new();
    if env.wayland && env.allows("wl-copy") {
        match helper("wl-copy", &[], text) {
            Ok(()) => return Ok(Method::Helper("wl-copy")),
            Err(e) => failures.push(e),
        }
    }
    if env.x11 {
        for (name, args) in [
            ("xclip", &["-selection", "clipboard"][..]),
            ("xsel", &["--clipboard", "--input"][..]),
        ] {
            if env.allows(name) {
                match helper(name, args, text) {
                    Ok(()) => return Ok(Method::Helper(name)),
                    Err(e) => failures.push(e),
                }
            }
        }
    }
    if (env.wayland || env.x11) && env.allows("arboard") {
        match daemon(text) {
            Ok(()) => return Ok(Method::Daemon),
            Err(e) => failures.push(e),
        }
    }
    if env.tmux && env.allows("tmux") {
        match helper("tmux", &["load-buffer", "-w", "-"], text) {
            Ok(()) => return Ok(Method::Tmux),
            Err(e) => failures.push(e),
        }
    }
    if env.allows("osc52") {
        if osc52(text, env.tmux, terminal).is_ok() {
            return Ok(match save(text, &env.state_dir) {
                Ok(path) => Method::Osc52(path),
                Err(_) => Method::Osc52(PathBuf::from("(no file)")),
            });
        }
        failures.push("the terminal did not take OSC 52".to_string());
    }
    if env.allows("file") {
        return save(text, &env.state_dir)
            .map(Method::File)
            .map_err(|e| format!("{e}; {}", failures.join("; ")));
    }
    Err(if failures.is_empty() {
        "that way is not available here".to_string()
    } else {
        failures.join("; ")
    })
}

fn spawn(command: &mut Command) -> io::Result<Child> {
    #[cfg(unix)]
    {
        // Its own process group: a Ctrl-C or hang-up meant for logdoc leaves the copy alone.
        use std::os::unix::process::CommandExt;
        command.process_group(0);
    }
    command.spawn()
}

/// Runs a clipboard program with `text` on its standard input and waits for it to take it.
fn helper(program: &'static str, args: &[&str], text: &str) -> Result<(), String> {
    let mut child = spawn(
        Command::new(program)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null()),
    )
    .map_err(|e| match e.kind() {
        io::ErrorKind::NotFound => format!("{program} not installed"),
        _ => format!("{program}: {e}"),
    })?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin
            .write_all(text.as_bytes())
            .map_err(|e| format!("{program}: {e}"))?;
    }
    let deadline = Instant::now() + HELPER_TIMEOUT;
    loop {
        match child.try_wait() {
            Ok(Some(status)) if status.success() => return Ok(()),
            Ok(Some(status)) => return Err(format!("{program} failed ({status})")),
            // Still running (serving without forking): it has the text.
            Ok(None) if Instant::now() >= deadline => {
                std::thread::spawn(move || child.wait());
                return Ok(());
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(5)),
            Err(e) => return Err(format!("{program}: {e}")),
        }
    }
}

/// Starts logdoc again as a background process that holds the clipboard ([`serve`]).
fn daemon(text: &str) -> Result<(), String> {
    let exe = std::env::current_exe().map_err(|e| format!("arboard helper: {e}"))?;
    let mut child = spawn(
        Command::new(exe)
            .arg(SERVE_FLAG)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .current_dir("/"),
    )
    .map_err(|e| format!("arboard helper: {e}"))?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin
            .write_all(text.as_bytes())
            .map_err(|e| format!("arboard helper: {e}"))?;
    }
    let stdout = child.stdout.take().ok_or("arboard helper: no output")?;
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let _ = BufReader::new(stdout).read_line(&mut line);
        let _ = tx.send(line);
    });
    let answer = rx.recv_timeout(HELPER_TIMEOUT).unwrap_or_default();
    // Reap it whenever it ends (when another program takes the clipboard).
    std::thread::spawn(move || child.wait());
    if answer.trim() == "ok" {
        Ok(())
    } else {
        Err("arboard helper: no clipboard".to_string())
    }
}

/// The background clipboard holder: reads the text on standard input, takes the clipboard,
/// says `ok` on standard output, and serves the text until another program takes it.
pub fn serve() -> ExitCode {
    let mut text = String::new();
    if io::stdin().read_to_string(&mut text).is_err() {
        return ExitCode::from(2);
    }
    let Ok(mut clipboard) = arboard::Clipboard::new() else {
        return ExitCode::from(2);
    };
    if clipboard.set_text(text.clone()).is_err() {
        return ExitCode::from(2);
    }
    let mut out = io::stdout();
    let _ = writeln!(out, "ok");
    let _ = out.flush();
    #[cfg(target_os = "linux")]
    {
        use arboard::SetExtLinux;
        // arboard's wait does not end when the display server goes away: watch it ourselves,
        // so a helper never outlives the session it served.
        if display_reachable() == Some(true) {
            std::thread::spawn(|| loop {
                std::thread::sleep(Duration::from_secs(5));
                if display_reachable() == Some(false) {
                    std::process::exit(0);
                }
            });
        }
        if clipboard.set().wait().text(text).is_err() {
            return ExitCode::from(2);
        }
    }
    ExitCode::SUCCESS
}

/// Whether the display server of `WAYLAND_DISPLAY` or `DISPLAY` accepts a connection; `None`
/// when that cannot be told (no such variable, or a form not understood).
#[cfg(target_os = "linux")]
fn display_reachable() -> Option<bool> {
    use std::os::unix::net::UnixStream;
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    if let Some(wayland) = var("WAYLAND_DISPLAY") {
        let path = match wayland.starts_with('/') {
            true => PathBuf::from(wayland),
            false => PathBuf::from(var("XDG_RUNTIME_DIR")?).join(wayland),
        };
        return Some(UnixStream::connect(path).is_ok());
    }
    let display = var("DISPLAY")?;
    let (host, rest) = display.rsplit_once(':')?;
    let number: u16 = rest.split('.').next()?.parse().ok()?;
    if host.is_empty() || host == "unix" {
        return Some(UnixStream::connect(format!("/tmp/.X11-unix/X{number}")).is_ok());
    }
    let addr = std::net::ToSocketAddrs::to_socket_addrs(&(host, 6000 + number))
        .ok()?
        .next()?;
    Some(std::net::TcpStream::connect_timeout(&addr, Duration::from_secs(2)).is_ok())
}

/// Writes OSC 52 to the terminal; inside tmux also wrapped for passthrough.
fn osc52(text: &str, tmux: bool, terminal: &mut dyn Write) -> io::Result<()> {
    use crossterm::Command as _;
    let mut seq = String::new();
    crossterm::clipboard::CopyToClipboard::to_clipboard_from(text)
        .write_ansi(&mut seq)
        .map_err(io::Error::other)?;
    terminal.write_all(seq.as_bytes())?;
    if tmux {
        // Reaches the outer terminal when tmux has `allow-passthrough on`; the raw sequence
        // above does when it has `set-clipboard on`.
        let wrapped = format!("\x1bPtmux;{}\x1b\\", seq.replace('\x1b', "\x1b\x1b"));
        terminal.write_all(wrapped.as_bytes())?;
    }
    terminal.flush()
}

/// Saves `text` to `clipboard.txt` under `dir` (readable by the user only).
fn save(text: &str, dir: &Path) -> Result<PathBuf, String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let path = dir.join("clipboard.txt");
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options
        .open(&path)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    file.write_all(text.as_bytes())
        .map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(only: &str, dir: &Path) -> Env {
        Env {
            only: Some(only.to_string()),
            state_dir: dir.to_path_buf(),
            ..Env::default()
        }
    }

    #[test]
    fn falls_back_to_a_file_and_says_where() {
        let dir = tempfile::tempdir().unwrap();
        let mut term = Vec::new();
        let copied = copy("RUN npm ci", &env("file", dir.path()), &mut term);
        let path = dir.path().join("clipboard.txt");
        assert_eq!(copied, Ok(Method::File(path.clone())));
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "RUN npm ci");
        assert!(term.is_empty());
        let (message, error) = describe(&copied, "fix");
        assert!(
            message.contains(&path.display().to_string()) && !error,
            "{message}"
        );
    }

    #[test]
    fn osc52_goes_to_the_terminal_wrapped_for_tmux() {
        let dir = tempfile::tempdir().unwrap();
        let mut term = Vec::new();
        let mut e = env("osc52", dir.path());
        let copied = copy("hi", &e, &mut term);
        assert!(matches!(copied, Ok(Method::Osc52(_))));
        assert_eq!(term, b"\x1b]52;c;aGk=\x1b\\");
        e.tmux = true;
        term.clear();
        copy("hi", &e, &mut term).unwrap();
        assert_eq!(
            String::from_utf8(term).unwrap(),
            "\x1b]52;c;aGk=\x1b\\\x1bPtmux;\x1b\x1b]52;c;aGk=\x1b\x1b\\\x1b\\"
        );
    }

    #[test]
    fn a_missing_helper_is_named() {
        assert_eq!(
            helper("logdoc-no-such-clipboard-tool", &[], "x"),
            Err("logdoc-no-such-clipboard-tool not installed".to_string())
        );
    }
}
