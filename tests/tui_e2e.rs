//! End to end: the real binary in a real terminal (tmux), with a real X server (Xvfb) for the
//! clipboard. Each test says "skipped: … not installed" and passes when a tool it needs is
//! missing (`.ci/run` installs them). Screens are polled with a timeout, never a fixed sleep.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use logdoc::signature::SignatureSet;
use logdoc::tui::ingest::ingest_text;
use logdoc::tui::worker::SourceEvent;
use logdoc::tui::{Action, App, Effect};

const LOGDOC: &str = env!("CARGO_BIN_EXE_logdoc");
const TIMEOUT: Duration = Duration::from_secs(20);

fn installed(tool: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// A tmux server of its own, with one session running `sh`; killed when dropped.
struct Tmux {
    socket: String,
}

impl Tmux {
    /// Starts `sh` in a `width`×`height` window with `env` set (and DISPLAY/WAYLAND unset
    /// unless given), in `dir`.
    fn start(name: &str, width: u16, height: u16, dir: &Path, env: &[(&str, &str)]) -> Tmux {
        let socket = format!("logdoc-e2e-{}-{name}", std::process::id());
        let mut command =
            String::from("env -u DISPLAY -u WAYLAND_DISPLAY PS1='e2e$ ' TERM=tmux-256color");
        for (k, v) in env {
            command.push_str(&format!(" {k}='{v}'"));
        }
        command.push_str(" sh");
        let tmux = Tmux { socket };
        let status = Command::new("tmux")
            .args([
                "-L",
                &tmux.socket,
                "-f",
                "/dev/null",
                "new-session",
                "-d",
                "-s",
                "e2e",
                "-x",
                &width.to_string(),
                "-y",
                &height.to_string(),
                "-c",
            ])
            .arg(dir)
            .arg(command)
            .status()
            .expect("tmux runs");
        assert!(status.success(), "tmux new-session failed");
        tmux.wait_for("the shell prompt", |s| s.contains("e2e$"));
        tmux
    }

    fn tmux(&self, args: &[&str]) -> String {
        let out = Command::new("tmux")
            .args(["-L", &self.socket])
            .args(args)
            .output()
            .expect("tmux runs");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Types `text` and presses Enter.
    fn run(&self, text: &str) {
        self.tmux(&["send-keys", "-t", "e2e", "-l", text]);
        self.tmux(&["send-keys", "-t", "e2e", "Enter"]);
    }

    fn keys(&self, keys: &str) {
        self.tmux(&["send-keys", "-t", "e2e", keys]);
    }

    fn screen(&self) -> String {
        self.tmux(&["capture-pane", "-p", "-t", "e2e"])
    }

    fn format(&self, f: &str) -> String {
        self.tmux(&["display-message", "-p", "-t", "e2e", f])
            .trim()
            .to_string()
    }

    /// Polls the screen until `done` holds; panics with the screen after [`TIMEOUT`].
    fn wait_for(&self, what: &str, done: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let screen = self.screen();
            if done(&screen) {
                return screen;
            }
            if Instant::now() > deadline {
                panic!("timed out waiting for {what}; the screen:\n{screen}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Waits until logdoc has left the alternate screen and the shell answers again.
    fn wait_restored(&self) {
        let deadline = Instant::now() + TIMEOUT;
        while self.format("#{alternate_on}") != "0" {
            assert!(
                Instant::now() < deadline,
                "still on the alternate screen:\n{}",
                self.screen()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        // Cooked mode again: what is typed is echoed and run line by line.
        self.run("stty -a | tr ' ;' '\\n\\n' | grep -x -e icanon -e echo | tr '\\n' ' '; echo END");
        self.wait_for("the terminal in cooked mode", |s| {
            s.contains("icanon echo END")
        });
    }

    /// The process id of what the shell is running now (its only child).
    fn foreground_child(&self) -> Option<u32> {
        let shell = self.format("#{pane_pid}");
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let children = std::fs::read_to_string(format!("/proc/{shell}/task/{shell}/children"))
                .unwrap_or_default();
            if let Some(pid) = children
                .split_whitespace()
                .last()
                .and_then(|p| p.parse().ok())
            {
                return Some(pid);
            }
            if Instant::now() > deadline {
                return None;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.socket, "kill-server"])
            .stderr(Stdio::null())
            .status();
    }
}

/// An X server of its own; killed when dropped.
struct Xvfb {
    child: Child,
    display: String,
}

impl Xvfb {
    fn start() -> Option<Xvfb> {
        let first = 100 + std::process::id() % 400;
        for n in first..first + 50 {
            if Path::new(&format!("/tmp/.X{n}-lock")).exists()
                || Path::new(&format!("/tmp/.X11-unix/X{n}")).exists()
            {
                continue;
            }
            let mut child = Command::new("Xvfb")
                .arg(format!(":{n}"))
                .args(["-nolisten", "tcp", "-screen", "0", "640x480x24"])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .ok()?;
            let deadline = Instant::now() + Duration::from_secs(10);
            while Instant::now() < deadline {
                if Path::new(&format!("/tmp/.X11-unix/X{n}")).exists() {
                    return Some(Xvfb {
                        child,
                        display: format!(":{n}"),
                    });
                }
                if let Ok(Some(_)) = child.try_wait() {
                    break; // lost a race for this display number
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            let _ = child.kill();
            let _ = child.wait();
        }
        None
    }

    /// What the X clipboard holds, read by xclip.
    fn clipboard(&self) -> String {
        let out = Command::new("xclip")
            .args(["-o", "-selection", "clipboard"])
            .env("DISPLAY", &self.display)
            .output()
            .expect("xclip runs");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }
}

impl Drop for Xvfb {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A small Docker build log with a PEP 668 failure, written by the test itself.
const PEP668_LOG: &str = "\
#8 [production 3/9] RUN apk add --no-cache python3 py3-pip
#8 DONE 2.1s
#9 [production 4/9] RUN pip3 install --no-cache-dir pyswisseph
#9 0.412 error: externally-managed-environment
#9 0.412
#9 0.412 × This environment is externally managed
#9 0.412 ╰─>
#9 0.412     The system-wide python installation should be maintained using the system
#9 0.412     package manager (apk) only.
#9 ERROR: process \"/bin/sh -c pip3 install --no-cache-dir pyswisseph\" did not complete successfully: exit code: 1
";

/// The top finding's title and what `y` copies, as the library computes them.
fn expected(log: &str) -> (String, String) {
    let set = Arc::new(SignatureSet::builtin().expect("built-in signatures load"));
    let (store, diagnosis) = ingest_text(log, Arc::clone(&set), true);
    let mut app = App::new("x", Arc::clone(&set), true, false);
    app.append(store);
    app.source_event(SourceEvent::Ended);
    app.set_diagnosis(diagnosis);
    let finding = app
        .diagnosis
        .findings
        .first()
        .expect("the log has a finding");
    let title = set.signatures()[finding.signature].title.clone();
    let Some(Effect::Copy { text, .. }) = app.update(Action::CopyFix) else {
        panic!("nothing to copy")
    };
    (title, text)
}

/// The first `n` characters of `s` (titles are cut to the pane's width on screen).
fn head(s: &str, n: usize) -> String {
    s.chars().take(n).collect()
}

fn scratch() -> tempfile::TempDir {
    tempfile::tempdir().expect("temp dir")
}

#[test]
fn a_piped_log_shows_its_diagnosis_y_copies_the_fix_and_the_copy_outlives_logdoc() {
    if !installed("tmux") {
        println!("skipped: tmux not installed");
        return;
    }
    let xvfb = if installed("Xvfb") && installed("xclip") {
        Xvfb::start()
    } else {
        println!("skipped the clipboard check: Xvfb or xclip not installed");
        None
    };
    let dir = scratch();
    std::fs::write(dir.path().join("build.log"), PEP668_LOG).unwrap();
    let (title, fix) = expected(PEP668_LOG);
    let state = dir.path().join("state");
    let state_s = state.display().to_string();
    let mut env = vec![("XDG_STATE_HOME", state_s.as_str())];
    if let Some(x) = &xvfb {
        env.push(("DISPLAY", x.display.as_str()));
    }
    let tmux = Tmux::start("pipe", 100, 30, dir.path(), &env);
    tmux.run(&format!("cat build.log | {LOGDOC}; echo status=$?"));
    let screen = tmux.wait_for("the diagnosis", |s| {
        s.contains(&head(&title, 30)) && s.contains("ended")
    });
    assert!(screen.contains("Findings"), "{screen}");
    assert!(
        screen.contains("--break-system-packages"),
        "the fix is on screen without a key:\n{screen}"
    );
    assert_eq!(tmux.format("#{alternate_on}"), "1");

    tmux.keys("y");
    let screen = tmux.wait_for("the copy result", |s| s.contains("copied the fix"));
    if xvfb.is_some() {
        assert!(screen.contains("(xclip)"), "{screen}");
    } else {
        assert!(screen.contains("tmux's buffer"), "{screen}");
    }

    tmux.keys("q");
    tmux.wait_for("the exit status", |s| s.contains("status=1"));
    tmux.wait_restored();
    let screen = tmux.screen();
    assert!(!screen.contains("Findings"), "the view is gone:\n{screen}");

    match &xvfb {
        // logdoc has exited; the clipboard still holds the fix.
        Some(x) => assert_eq!(x.clipboard(), fix),
        None => assert_eq!(tmux.tmux(&["show-buffer"]), fix),
    }
}

#[test]
fn the_copy_outlives_logdoc_with_its_own_clipboard_helper_too() {
    if !installed("tmux") || !installed("Xvfb") || !installed("xclip") {
        println!("skipped: tmux, Xvfb or xclip not installed");
        return;
    }
    let Some(xvfb) = Xvfb::start() else {
        println!("skipped: Xvfb did not start");
        return;
    };
    let dir = scratch();
    std::fs::write(dir.path().join("build.log"), PEP668_LOG).unwrap();
    let (title, fix) = expected(PEP668_LOG);
    let tmux = Tmux::start(
        "arboard",
        100,
        30,
        dir.path(),
        &[("DISPLAY", &xvfb.display), ("LOGDOC_CLIPBOARD", "arboard")],
    );
    tmux.run(&format!("{LOGDOC} build.log"));
    tmux.wait_for("the diagnosis", |s| s.contains(&head(&title, 30)));
    tmux.keys("y");
    tmux.wait_for("the copy result", |s| s.contains("held by a logdoc helper"));
    tmux.keys("q");
    tmux.wait_restored();
    assert_eq!(xvfb.clipboard(), fix);
}

#[test]
fn osc52_reaches_tmux_and_a_copy_is_saved_to_a_file() {
    if !installed("tmux") {
        println!("skipped: tmux not installed");
        return;
    }
    let dir = scratch();
    std::fs::write(dir.path().join("build.log"), PEP668_LOG).unwrap();
    let (title, fix) = expected(PEP668_LOG);
    let state = dir.path().join("state");
    let tmux = Tmux::start(
        "osc52",
        120,
        30,
        dir.path(),
        &[
            ("LOGDOC_CLIPBOARD", "osc52"),
            ("XDG_STATE_HOME", &state.display().to_string()),
        ],
    );
    // With set-clipboard on, tmux takes an application's OSC 52 into a paste buffer.
    tmux.tmux(&["set", "-s", "set-clipboard", "on"]);
    tmux.run(&format!("{LOGDOC} build.log"));
    tmux.wait_for("the diagnosis", |s| s.contains(&head(&title, 30)));
    tmux.keys("y");
    tmux.wait_for("the copy result", |s| s.contains("OSC 52"));
    tmux.keys("q");
    tmux.wait_restored();
    assert_eq!(tmux.tmux(&["show-buffer"]), fix);
    assert_eq!(
        std::fs::read_to_string(state.join("logdoc/clipboard.txt")).unwrap(),
        fix
    );
}

#[test]
fn sample_logs_show_their_diagnosis_without_a_key() {
    if !installed("tmux") {
        println!("skipped: tmux not installed");
        return;
    }
    let samples = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-logs");
    let logs: Vec<PathBuf> = ["v5-prisma-client-order.log", "v3-npm-ci-no-lockfile.log"]
        .iter()
        .map(|n| samples.join(n))
        .filter(|p| p.exists())
        .collect();
    if logs.is_empty() {
        println!("skipped: the sample logs are not there yet");
        return;
    }
    let dir = scratch();
    let tmux = Tmux::start("samples", 80, 24, dir.path(), &[]);
    for log in logs {
        let text = std::fs::read_to_string(&log).unwrap();
        let (title, _) = expected(&text);
        tmux.run(&format!("cat {} | {LOGDOC}", log.display()));
        tmux.wait_for(&format!("the diagnosis of {}", log.display()), |s| {
            s.contains(&head(&title, 25)) && s.contains("ended")
        });
        tmux.keys("q");
        tmux.wait_restored();
        tmux.run("clear");
        tmux.wait_for("a clear screen", |s| !s.contains("END"));
    }
}

#[test]
fn sigterm_restores_the_terminal() {
    if !installed("tmux") {
        println!("skipped: tmux not installed");
        return;
    }
    let dir = scratch();
    std::fs::write(dir.path().join("build.log"), PEP668_LOG).unwrap();
    let (title, _) = expected(PEP668_LOG);
    let tmux = Tmux::start("term", 100, 30, dir.path(), &[]);
    tmux.run(&format!("{LOGDOC} build.log; echo status=$?"));
    tmux.wait_for("the diagnosis", |s| s.contains(&head(&title, 30)));
    let pid = tmux.foreground_child().expect("logdoc's pid");
    let status = Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    tmux.wait_for("the exit status", |s| s.contains("status=143"));
    tmux.wait_restored();
}

#[test]
fn a_followed_file_shows_new_lines_across_rotation() {
    if !installed("tmux") {
        println!("skipped: tmux not installed");
        return;
    }
    let dir = scratch();
    let path = dir.path().join("app.log");
    std::fs::write(&path, "starting\n").unwrap();
    let tmux = Tmux::start("follow", 100, 30, dir.path(), &[]);
    tmux.run(&format!("{LOGDOC} -f app.log"));
    tmux.wait_for("the first line", |s| {
        s.contains("starting") && s.contains("live")
    });
    let mut file = std::fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .unwrap();
    std::io::Write::write_all(&mut file, PEP668_LOG.as_bytes()).unwrap();
    let (title, _) = expected(PEP668_LOG);
    tmux.wait_for("the finding in the grown file", |s| {
        s.contains(&head(&title, 30))
    });
    std::fs::rename(&path, dir.path().join("app.log.1")).unwrap();
    std::fs::write(&path, "after rotation: hello\n").unwrap();
    tmux.keys("G");
    tmux.wait_for("the rotated file's line", |s| {
        s.contains("after rotation: hello")
    });
    tmux.keys("q");
    tmux.wait_restored();
}

#[test]
fn a_log_full_of_escape_sequences_leaves_the_terminal_untouched() {
    if !installed("tmux") {
        println!("skipped: tmux not installed");
        return;
    }
    let dir = scratch();
    let hostile = [
        &b"\x1b]0;PWNED-TITLE\x07\x1b]2;PWNED-TITLE\x1b\\title line\n"[..],
        b"\x1b]52;c;cGFzc3dvcmQ=\x07clipboard line\n",
        b"\x1b[?1049l\x1b[2J\x1b[Hscreen line \x1b[5;5H\x1b[?25l\n",
        b"\x1bP+q544e\x1b\\\x1b[6n\x1b[c query line\n",
        b"\x1b[31mred\x1b[0m \x9b2J c1 line\n",
    ]
    .concat();
    std::fs::write(dir.path().join("hostile.log"), hostile).unwrap();
    let tmux = Tmux::start("hostile", 100, 30, dir.path(), &[]);
    tmux.tmux(&["set", "-s", "set-clipboard", "on"]);
    let title_before = tmux.format("#{pane_title}");
    tmux.run(&format!("cat hostile.log | {LOGDOC}"));
    let screen = tmux.wait_for("the log", |s| s.contains("c1 line") && s.contains("ended"));
    for line in [
        "title line",
        "clipboard line",
        "screen line",
        "query line",
        "red 2J c1 line",
    ] {
        assert!(screen.contains(line), "{line:?} missing:\n{screen}");
    }
    assert_eq!(
        tmux.format("#{alternate_on}"),
        "1",
        "the log could not leave the alternate screen"
    );
    tmux.keys("q");
    tmux.wait_restored();
    assert_eq!(
        tmux.format("#{pane_title}"),
        title_before,
        "the log set the title"
    );
    assert_eq!(
        tmux.tmux(&["list-buffers"]),
        "",
        "the log wrote the clipboard"
    );
}

#[test]
fn a_on_an_unrecognised_line_drafts_a_signature_and_uses_it_at_once() {
    if !installed("tmux") {
        println!("skipped: tmux not installed");
        return;
    }
    let dir = scratch();
    let config = dir.path().join("config");
    let unknown = "#1 0.1 FATAL: the frobnicator exploded";
    let log = format!("starting\n{unknown}\nstep one\nstep two\nstep three\n{PEP668_LOG}");
    let path = dir.path().join("app.log");
    std::fs::write(&path, &log).unwrap();
    let set = Arc::new(SignatureSet::builtin().expect("built-in signatures load"));
    let (_, diagnosis) = ingest_text(&log, set, true);
    assert_eq!(
        diagnosis.unrecognized.len(),
        1,
        "{:?}",
        diagnosis.unrecognized
    );
    let before = diagnosis.findings.len();
    let findings = |n: usize| format!("{n} finding{}", if n == 1 { "" } else { "s" });

    let config_s = config.display().to_string();
    let tmux = Tmux::start(
        "learn",
        200,
        40,
        dir.path(),
        &[
            ("LOGDOC_CONFIG_DIR", config_s.as_str()),
            ("EDITOR", "true"),
            ("VISUAL", ""),
        ],
    );
    // A followed file: the reader is still reading when the signature arrives.
    tmux.run(&format!("{LOGDOC} -f app.log"));
    tmux.wait_for("the diagnosis", |s| {
        s.contains(&findings(before)) && s.contains("1 unrecognised") && s.contains("live")
    });
    // Select the unrecognised line: the last row of the findings list.
    tmux.keys("Tab");
    tmux.keys("G");
    tmux.wait_for("the ? row selected", |s| {
        s.contains("Unrecognised failure line 2")
    });
    tmux.keys("a");
    let written = config.join("signatures").join("frobnicator-exploded.toml");
    let screen = tmux.wait_for("the new finding", |s| {
        s.contains(&findings(before + 1)) && s.contains("frobnicator-exploded.toml")
    });
    assert!(
        screen.contains("config/signatures/frobnicator-exploded.toml (+ .md entry)"),
        "the status bar names the files:\n{screen}"
    );
    assert!(screen.contains("it finds line 2"), "{screen}");
    assert!(!screen.contains("1 unrecognised"), "{screen}");
    assert_eq!(
        tmux.format("#{alternate_on}"),
        "1",
        "back in the view after the editor"
    );
    assert!(written.exists());
    let entry =
        std::fs::read_to_string(config.join("signatures").join("frobnicator-exploded.md")).unwrap();
    assert!(entry.contains("### Error Message"), "{entry}");

    // The reader goes on with the new signature: a repeat of the line is counted.
    let mut file = std::fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .unwrap();
    std::io::Write::write_all(&mut file, b"#12 0.3 FATAL: the frobnicator exploded\n").unwrap();
    tmux.wait_for("the repeat counted", |s| {
        s.lines()
            .any(|l| l.contains("×2") && l.contains("the frobnicator exploded"))
    });
    tmux.keys("q");
    tmux.wait_restored();

    // And every run after knows it, from the user signature folder.
    let report = Command::new(LOGDOC)
        .env("LOGDOC_CONFIG_DIR", &config)
        .arg("--report")
        .arg(&path)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&report.stdout);
    assert!(stdout.contains("the frobnicator exploded"), "{stdout}");
}

// ----- which view a run opens -----

#[test]
fn the_view_follows_the_terminal_and_the_flags() {
    use clap::Parser;
    use logdoc::cli::Cli;
    use logdoc::commands::{choose_view, TerminalInfo, ViewMode};
    let cli =
        |args: &[&str]| Cli::parse_from(std::iter::once("logdoc").chain(args.iter().copied()));
    let tty = TerminalInfo {
        stdout: true,
        keys: true,
        dumb: false,
    };
    let piped = TerminalInfo {
        stdout: false,
        ..tty
    };
    assert_eq!(choose_view(&cli(&["a.log"]), 1, &tty), ViewMode::Tui);
    assert_eq!(choose_view(&cli(&["-f", "a.log"]), 1, &tty), ViewMode::Tui);
    assert_eq!(
        choose_view(&cli(&["a.log", "--report"]), 1, &tty),
        ViewMode::Report(None)
    );
    assert_eq!(
        choose_view(&cli(&["a.log"]), 1, &piped),
        ViewMode::Report(None),
        "piped output: the report, no note"
    );
    assert_eq!(
        choose_view(&cli(&["a.log", "--tui"]), 1, &piped),
        ViewMode::Tui
    );
    assert_eq!(
        choose_view(&cli(&["a.log", "--format", "json"]), 1, &tty),
        ViewMode::Report(None)
    );
    let note = |mode: ViewMode| match mode {
        ViewMode::Report(Some(note)) => note,
        other => panic!("{other:?}"),
    };
    assert!(note(choose_view(
        &cli(&["a.log"]),
        1,
        &TerminalInfo { dumb: true, ..tty }
    ))
    .contains("TERM=dumb"));
    assert!(note(choose_view(
        &cli(&["a.log"]),
        1,
        &TerminalInfo { keys: false, ..tty }
    ))
    .contains("no terminal to read keys from"));
    assert!(note(choose_view(&cli(&["a.log", "b.log"]), 2, &tty)).contains("one input"));
}

#[test]
fn without_a_terminal_the_report_runs_and_says_why() {
    if !installed("setsid") {
        println!("skipped: setsid not installed");
        return;
    }
    let dir = scratch();
    let log = dir.path().join("build.log");
    std::fs::write(&log, PEP668_LOG).unwrap();
    let (title, _) = expected(PEP668_LOG);
    // setsid: no controlling terminal, so /dev/tty cannot be opened for keys.
    let forced = Command::new("setsid")
        .arg("-w")
        .arg(LOGDOC)
        .arg("--tui")
        .arg(&log)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&forced.stderr);
    assert!(
        stderr.contains("cannot open the interactive view")
            && stderr.contains("printing the report"),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
    assert!(String::from_utf8_lossy(&forced.stdout).contains(&title));
    let plain = Command::new("setsid")
        .arg("-w")
        .arg(LOGDOC)
        .arg(&log)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&plain.stderr),
        "",
        "piped output expects the report: no note"
    );
    assert!(String::from_utf8_lossy(&plain.stdout).contains(&title));
}
