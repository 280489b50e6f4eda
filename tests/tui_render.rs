//! The interactive view without a terminal: hand-built `App`s rendered into ratatui's
//! `TestBackend` (colours asserted on cells, not only text), and every key's effect on the state.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseEvent, MouseEventKind};
use logdoc::signature::load::read_sources;
use logdoc::signature::SignatureSet;
use logdoc::tui::app::{Focus, Item, Mode, SourceState};
use logdoc::tui::ingest::{ingest_text, rediagnose, Ingest};
use logdoc::tui::keymap;
use logdoc::tui::store::{LineFlags, LineStore};
use logdoc::tui::worker::SourceEvent;
use logdoc::tui::{view, Action, App, DraftFiles, Edited, Effect};
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Color;
use ratatui::Terminal;

// ----- helpers -----

fn fixtures() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/tui"))
}

/// The two test signatures of `tests/fixtures/tui/signatures`, independent of the built-in set.
fn set() -> Arc<SignatureSet> {
    let sources =
        read_sources(&fixtures().join("signatures")).expect("fixture signatures readable");
    Arc::new(SignatureSet::from_sources(sources).expect("fixture signatures valid"))
}

fn build_log() -> String {
    std::fs::read_to_string(fixtures().join("build.log")).unwrap()
}

/// An app that has read `text` to its end, at `size`.
fn app_with(text: &str, size: (u16, u16)) -> App {
    let set = set();
    let (store, diagnosis) = ingest_text(text, Arc::clone(&set), true);
    let mut app = App::new("build.log", set, true, false);
    app.update(Action::Resize {
        width: size.0,
        height: size.1,
    });
    app.append(store);
    app.source_event(SourceEvent::Ended);
    app.set_diagnosis(diagnosis);
    app
}

/// [`app_with`] for raw bytes, as a log may hold them.
fn app_with_bytes(bytes: &[u8], size: (u16, u16)) -> App {
    let set = set();
    let mut ingest = Ingest::new(Arc::clone(&set), true);
    for line in bytes
        .strip_suffix(b"\n")
        .unwrap_or(bytes)
        .split(|&b| b == b'\n')
    {
        ingest.push_bytes(line);
    }
    let mut app = App::new("hostile.log", set, true, false);
    app.update(Action::Resize {
        width: size.0,
        height: size.1,
    });
    app.append(ingest.take_batch());
    app.source_event(SourceEvent::Ended);
    app.set_diagnosis(ingest.snapshot());
    app
}

fn draw(app: &App) -> Buffer {
    let mut terminal = Terminal::new(TestBackend::new(app.size.0, app.size.1)).unwrap();
    terminal.draw(|frame| view::render(frame, app)).unwrap();
    terminal.backend().buffer().clone()
}

fn row(buf: &Buffer, y: u16) -> String {
    (0..buf.area.width).map(|x| buf[(x, y)].symbol()).collect()
}

fn screen(buf: &Buffer) -> String {
    (0..buf.area.height)
        .map(|y| row(buf, y))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Position of the first cell of `needle` on screen.
fn find(buf: &Buffer, needle: &str) -> Option<(u16, u16)> {
    find_in(buf, buf.area, needle)
}

/// Position of the first cell of `needle` inside `area`.
fn find_in(buf: &Buffer, area: Rect, needle: &str) -> Option<(u16, u16)> {
    (area.y..area.bottom()).find_map(|y| {
        let cells: Vec<&str> = (area.x..area.right())
            .map(|x| buf[(x, y)].symbol())
            .collect();
        let line: String = cells.concat();
        let byte = line.find(needle)?;
        // Map the byte offset back to a column.
        let mut acc = 0;
        let x = cells.iter().position(|c| {
            let here = acc;
            acc += c.len();
            here >= byte
        })?;
        Some((area.x + x as u16, y))
    })
}

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

fn ch(c: char) -> KeyEvent {
    key(KeyCode::Char(c))
}

/// A log of `n` plain lines.
fn plain_lines(n: usize) -> String {
    (1..=n).map(|i| format!("line {i}\n")).collect()
}

// ----- layouts -----

#[test]
fn at_80x24_the_diagnosis_and_its_fix_show_without_a_key() {
    let app = app_with(&build_log(), (80, 24));
    let buf = draw(&app);
    let text = screen(&buf);
    for want in [
        " Log ",
        " Findings (2)",
        "A Node module is missing",
        " Fix ",
        "npm install left-pad",
        "build.log",
        "ended",
        "15 lines",
        "2 findings",
        "? help",
    ] {
        assert!(text.contains(want), "missing {want:?} in\n{text}");
    }
    // The first finding is selected and its line marked in the log.
    assert_eq!(app.selected, 0);
    assert_eq!(app.log.mark, Some(12));
    assert!(find(&buf, "13▶").is_some(), "{text}");
}

#[test]
fn at_200x50_findings_and_detail_sit_beside_the_log() {
    let app = app_with(&build_log(), (200, 50));
    let buf = draw(&app);
    let (x, y) = find(&buf, " Findings").unwrap();
    assert_eq!(y, 0);
    assert!(x > 100, "findings at column {x}");
    let (dx, dy) = find(&buf, " Fix ").unwrap();
    assert!(dx > 100 && dy > 2, "detail at {dx},{dy}");
    // The log pane is full height: line 1 on the first text row.
    assert!(row(&buf, 1).contains("#1 [internal] load build definition"));
    assert!(screen(&buf).contains("end of input (15 lines)"));
}

#[test]
fn finding_lines_are_highlighted_by_severity() {
    let app = app_with(&build_log(), (200, 50));
    let buf = draw(&app);
    let log = app.areas().log;
    let (ex, ey) = find_in(&buf, log, "Error: Cannot find module").unwrap();
    assert_eq!(
        buf[(ex, ey)].bg,
        Color::Indexed(52),
        "error line background"
    );
    assert_eq!(
        buf[(ex + 60, ey)].bg,
        Color::Indexed(52),
        "the highlight spans the row"
    );
    let (wx, wy) = find_in(&buf, log, "npm warn deprecated").unwrap();
    assert_eq!(
        buf[(wx, wy)].bg,
        Color::Indexed(58),
        "warning line background"
    );
    let (gx, gy) = find_in(&buf, log, "  7▌").unwrap();
    assert_eq!(buf[(gx + 2, gy)].fg, Color::Yellow, "warning line number");
    assert_eq!(buf[(gx + 3, gy)].fg, Color::Yellow, "warning marker");
    let (px, py) = find(&buf, "#2 DONE 1.2s").unwrap();
    assert_eq!(buf[(px, py)].bg, Color::Reset, "plain line");
    // The unrecognised line is marked with a `?`.
    let (ux, uy) = find_in(&buf, log, "  3? #1 0.1 FATAL: the frobnicator").unwrap();
    assert_eq!(buf[(ux + 3, uy)].fg, Color::LightMagenta);
}

#[test]
fn the_log_keeps_its_own_colours() {
    let app = app_with(
        "plain \x1b[32mgreen\x1b[0m and \x1b[1;31mred\x1b[0m\n",
        (100, 20),
    );
    let buf = draw(&app);
    let (x, y) = find(&buf, "plain green and red").unwrap();
    assert_eq!(buf[(x + 6, y)].fg, Color::Green);
    assert_eq!(buf[(x, y)].fg, Color::Reset);
    assert_eq!(buf[(x + 16, y)].fg, Color::Red);
    assert!(buf[(x + 16, y)]
        .modifier
        .contains(ratatui::style::Modifier::BOLD));
}

#[test]
fn the_detail_pane_fills_captures_and_sets_the_snippet_apart() {
    let app = app_with(&build_log(), (200, 50));
    let buf = draw(&app);
    let text = screen(&buf);
    assert!(
        text.contains("Add left-pad to package.json and install it: `npm install left-pad`."),
        "{text}"
    );
    assert!(!text.contains("{module}"), "{text}");
    let (x, y) = find(&buf, "RUN npm install left-pad").unwrap();
    assert_eq!(buf[(x, y)].bg, Color::Indexed(235), "snippet is code");
    assert_eq!(buf[(x - 2, y)].symbol(), "▎");
    for want in [
        "Why",
        "The code requires a module",
        "Prevention",
        "Build the image locally",
        "Reference",
        "tui test reference",
        "Where",
        "line 13",
        "module = left-pad",
        "tui-missing-module · build · line 13 · in [builder 3/4] RUN npm run build",
    ] {
        assert!(text.contains(want), "missing {want:?} in\n{text}");
    }
}

#[test]
fn unrecognised_lines_are_listed_with_the_findings() {
    let mut app = app_with(&build_log(), (200, 50));
    let text = screen(&draw(&app));
    assert!(text.contains("1 unrecognised"), "{text}");
    assert!(
        text.contains("unrecognised: no signature knows these lines"),
        "{text}"
    );
    assert!(
        text.contains("L3  FATAL: the frobnicator exploded"),
        "{text}"
    );
    app.update(Action::FocusNext);
    app.update(Action::Bottom);
    assert_eq!(app.selected, 2);
    let text = screen(&draw(&app));
    assert!(text.contains("Unrecognised failure line 3"), "{text}");
    assert!(text.contains("no signature knows it"), "{text}");
    assert_eq!(app.log.mark, Some(2));
}

#[test]
fn the_help_overlay_lists_every_binding() {
    let mut app = app_with(&build_log(), (80, 24));
    app.update(Action::ToggleHelp);
    assert_eq!(app.mode, Mode::Help);
    let text = screen(&draw(&app));
    assert!(text.contains("logdoc keys"), "{text}");
    for b in keymap::NORMAL.iter().chain(keymap::SEARCH) {
        assert!(text.contains(b.help), "help lacks {:?}:\n{text}", b.help);
        assert!(text.contains(b.label), "help lacks {:?}", b.label);
    }
    assert!(text.contains("any key closes"));
}

#[test]
fn the_footer_is_written_from_the_keymap() {
    let app = app_with(&build_log(), (200, 50));
    let footer = row(&draw(&app), 49);
    for (keys, text) in keymap::hints(keymap::NORMAL) {
        assert!(
            footer.contains(&format!("{keys} {text}")),
            "{footer:?} lacks {keys} {text}"
        );
    }
    let narrow = app_with(&build_log(), (40, 12));
    let footer = row(&draw(&narrow), 11);
    assert!(footer.starts_with(" ? help  q quit"), "{footer:?}");
}

#[test]
fn a_hostile_log_renders_as_plain_text() {
    let hostile: Vec<u8> = [
        &b"before \x1b]52;c;cm0gLXJmIH4K\x07after\n"[..], // OSC 52 clipboard write
        b"\x1b]0;pwned title\x1b\\title gone\n",          // window title
        b"\x1b[2J\x1b[H\x1b[10;5Hcursor \x1b[Aparked\n",  // clear screen, cursor moves
        b"\x1bP1$qm\x1b\\dcs \x9b31m c1 \xc2\x9b6n done\n", // DCS, C1 CSI (raw and encoded)
        b"\x1b]8;;https://evil.example\x1b\\link\x1b]8;;\x1b\\ text\n", // OSC 8 hyperlink
        b"bell\x07 null\x00 del\x7f \x1b[31mred\x1b[0m\n",
        b"Error: Cannot find module 'x\x1b]52;c;ZXZpbA==\x07y'\n",
    ]
    .concat();
    let app = app_with_bytes(&hostile, (100, 30));
    let buf = draw(&app);
    for cell in buf.content() {
        assert!(
            !cell.symbol().chars().any(|c| c.is_control()),
            "control character in cell {:?}",
            cell.symbol()
        );
    }
    let text = screen(&buf);
    for want in [
        "before after",
        "title gone",
        "cursor parked",
        "link text",
        "bell null del red",
    ] {
        assert!(text.contains(want), "missing {want:?} in\n{text}");
    }
    for gone in ["52;c", "pwned", "[2J", "evil.example", "$qm"] {
        assert!(!text.contains(gone), "{gone:?} leaked into\n{text}");
    }
    let (x, y) = find(&buf, "red").unwrap();
    assert_eq!(buf[(x, y)].fg, Color::Red, "the log's colour survives");
    // Captures come from clean text too.
    assert!(text.contains("npm install xy"), "{text}");
}

#[test]
fn secrets_are_masked_on_screen_and_in_copies() {
    let log = "DATABASE_URL=postgresql://app:hunter22@db:5432/app\nError: Cannot find module 'sk_live_abcdefgh12345678'\n";
    let mut app = app_with(log, (200, 50));
    let text = screen(&draw(&app));
    assert!(!text.contains("hunter22"), "{text}");
    assert!(text.contains("postgresql://app:****@db"), "{text}");
    assert!(!text.contains("abcdefgh12345678"), "{text}");
    let Some(Effect::Copy { text, .. }) = app.update(Action::CopyFix) else {
        panic!("no copy")
    };
    assert_eq!(text, "RUN npm install sk_live_****");
    let Some(Effect::Copy { text, .. }) = app.update(Action::CopyDiagnosis) else {
        panic!("no copy")
    };
    assert!(!text.contains("abcdefgh12345678"), "{text}");
}

#[test]
fn tiny_terminals_do_not_panic() {
    for (w, h) in [
        (0, 0),
        (1, 1),
        (10, 3),
        (3, 10),
        (20, 5),
        (29, 7),
        (30, 8),
        (31, 9),
        (45, 10),
        (80, 8),
        (119, 30),
        (120, 10),
    ] {
        let mut app = app_with(&build_log(), (w, h));
        let _ = draw(&app);
        for action in [
            Action::ToggleHelp,
            Action::Escape,
            Action::PageDown,
            Action::ToggleWrap,
            Action::FocusNext,
            Action::Down,
            Action::Wheel {
                down: true,
                column: 1,
                row: 1,
            },
        ] {
            app.update(action);
            let _ = draw(&app);
        }
    }
    let app = app_with(&build_log(), (10, 3));
    let text = screen(&draw(&app));
    assert!(
        text.contains("ERROR"),
        "the compact view shows the finding:\n{text}"
    );
}

#[test]
fn resizing_redraws_for_the_new_size() {
    let mut app = app_with(&build_log(), (200, 50));
    assert!(find(&draw(&app), " Findings").unwrap().0 > 100);
    app.update(Action::Resize {
        width: 80,
        height: 24,
    });
    let buf = draw(&app);
    assert_eq!(buf.area.width, 80);
    let (x, y) = find(&buf, " Findings").unwrap();
    assert!(x < 5 && y > 3, "stacked at {x},{y}");
}

#[test]
fn wrap_shows_long_lines_on_several_rows_and_scrolls_sideways_otherwise() {
    let long = format!("start {} end\n", "x".repeat(150));
    let mut app = app_with(&long, (100, 20));
    app.focus = Focus::Log;
    let text = screen(&draw(&app));
    assert!(
        text.contains("start xxx") && !text.contains("x end"),
        "{text}"
    );
    app.update(Action::Right);
    app.update(Action::Right);
    assert_eq!(app.log.hscroll, 16);
    let text = screen(&draw(&app));
    assert!(!text.contains("start"), "{text}");
    app.update(Action::Left);
    assert_eq!(app.log.hscroll, 8);
    app.update(Action::ToggleWrap);
    assert!(app.log.wrap);
    assert_eq!(app.log.hscroll, 0);
    let text = screen(&draw(&app));
    assert!(
        text.contains("start xxx") && text.contains("x end"),
        "{text}"
    );
}

// ----- live input -----

#[test]
fn the_first_finding_is_selected_and_shown_as_soon_as_it_exists() {
    let set = set();
    let mut app = App::new("<stdin>", Arc::clone(&set), true, true);
    app.update(Action::Resize {
        width: 100,
        height: 30,
    });
    let mut ingest = Ingest::new(set, true);
    for line in plain_lines(200).lines() {
        ingest.push_bytes(line.as_bytes());
    }
    app.append(ingest.take_batch());
    app.set_diagnosis(ingest.snapshot());
    assert!(app.log.follow, "follows the tail while nothing is found");
    assert_eq!(app.log_top(), app.bottom_top());
    let text = screen(&draw(&app));
    assert!(
        text.contains("live") && text.contains("No finding yet"),
        "{text}"
    );

    ingest.push_bytes(b"Error: Cannot find module 'left-pad'");
    for line in plain_lines(100).lines() {
        ingest.push_bytes(line.as_bytes());
    }
    app.append(ingest.take_batch());
    app.set_diagnosis(ingest.snapshot());
    assert_eq!(app.selected, 0);
    assert_eq!(app.log.mark, Some(200));
    assert!(!app.log.follow);
    let buf = draw(&app);
    let (_, y) = find(&buf, "Cannot find module 'left-pad'").unwrap();
    assert!(y < 15, "the finding's line is on screen");
}

#[test]
fn following_keeps_the_end_in_view_until_the_user_scrolls_up() {
    let set = set();
    let mut app = App::new("<stdin>", Arc::clone(&set), true, true);
    app.update(Action::Resize {
        width: 100,
        height: 30,
    });
    let mut ingest = Ingest::new(set, true);
    let mut feed = |app: &mut App, from: usize, n: usize| {
        for i in from..from + n {
            ingest.push_bytes(format!("line {i}").as_bytes());
        }
        app.append(ingest.take_batch());
    };
    feed(&mut app, 1, 100);
    assert!(screen(&draw(&app)).contains("line 100"));
    feed(&mut app, 101, 50);
    assert!(screen(&draw(&app)).contains("line 150"), "follows the tail");
    app.update(Action::Up);
    assert!(!app.log.follow, "scrolling up stops following");
    let top = app.log.top;
    feed(&mut app, 151, 50);
    assert_eq!(app.log_top(), top, "the view stays put");
    assert!(!screen(&draw(&app)).contains("line 200"));
    app.update(Action::Bottom);
    assert!(app.log.follow);
    assert!(screen(&draw(&app)).contains("line 200"));
    // Scrolling down to the end follows again.
    app.update(Action::PageUp);
    assert!(!app.log.follow);
    app.update(Action::PageDown);
    app.update(Action::PageDown);
    assert!(app.log.follow, "at the bottom, following resumes");
}

#[test]
fn the_status_bar_says_live_ended_or_failed() {
    let mut app = App::new("<stdin>", set(), true, true);
    app.update(Action::Resize {
        width: 120,
        height: 30,
    });
    app.rate = Some(12_345.0);
    let status = row(&draw(&app), 28);
    assert!(
        status.contains("<stdin>")
            && status.contains("live")
            && status.contains("0 lines")
            && status.contains("12k lines/s")
            && status.contains("0 findings"),
        "{status:?}"
    );
    app.source_event(SourceEvent::Ended);
    let status = row(&draw(&app), 28);
    assert!(
        status.contains("ended") && !status.contains("lines/s"),
        "{status:?}"
    );
    app.source_event(SourceEvent::Failed("stdin: cannot read: broken".into()));
    assert!(matches!(app.state, SourceState::Failed(_)));
    let buf = draw(&app);
    assert!(row(&buf, 28).contains("input failed: stdin: cannot read: broken"));
}

// ----- every key -----

#[test]
fn every_binding_in_the_table_reaches_its_action() {
    for b in keymap::NORMAL.iter().chain(keymap::SEARCH) {
        for k in b.keys {
            let event = KeyEvent::new(k.code, k.mods);
            let table = if keymap::SEARCH.iter().any(|s| std::ptr::eq(s, b)) {
                keymap::SEARCH
            } else {
                keymap::NORMAL
            };
            assert_eq!(keymap::lookup(table, &event), Some(b.action), "{k:?}");
        }
    }
}

#[test]
fn j_k_arrows_and_pages_scroll_the_log() {
    let mut app = app_with(&plain_lines(1000), (80, 24));
    app.update(Action::Top);
    assert_eq!(app.log.top, 0);
    app.handle_key(ch('j'));
    app.handle_key(key(KeyCode::Down));
    assert_eq!(app.log.top, 2);
    app.handle_key(ch('k'));
    app.handle_key(key(KeyCode::Up));
    app.handle_key(key(KeyCode::Up));
    assert_eq!(app.log.top, 0);
    app.handle_key(key(KeyCode::PageDown));
    let page = app.log.top;
    assert!(page > 5, "a page is {page} lines");
    app.handle_key(key(KeyCode::PageUp));
    assert_eq!(app.log.top, 0);
    app.handle_key(ch('G'));
    assert!(app.log.follow);
    assert!(screen(&draw(&app)).contains("line 1000"));
    app.handle_key(ch('g'));
    assert!(!app.log.follow);
    assert!(screen(&draw(&app)).contains("line 1\n") || row(&draw(&app), 1).contains("line 1 "));
}

#[test]
fn j_k_move_the_selection_in_the_findings_and_scroll_the_detail() {
    let mut app = app_with(&build_log(), (80, 24));
    app.handle_key(key(KeyCode::Tab));
    assert_eq!(app.focus, Focus::Findings);
    app.handle_key(ch('j'));
    assert_eq!(app.selected, 1);
    assert_eq!(app.log.mark, Some(6), "moving the selection shows its line");
    app.handle_key(ch('j'));
    app.handle_key(ch('j'));
    assert_eq!(app.selected, 2, "stops at the last item");
    app.handle_key(ch('k'));
    app.handle_key(ch('g'));
    assert_eq!(app.selected, 0);
    app.handle_key(ch('G'));
    assert_eq!(app.selected, 2);
    app.handle_key(key(KeyCode::Tab));
    assert_eq!(app.focus, Focus::Detail);
    app.handle_key(ch('j'));
    app.handle_key(ch('j'));
    assert_eq!(app.detail_scroll, 2);
    app.handle_key(key(KeyCode::PageDown));
    assert!(app.detail_scroll > 2);
    app.handle_key(ch('g'));
    assert_eq!(app.detail_scroll, 0);
    app.handle_key(key(KeyCode::Tab));
    assert_eq!(app.focus, Focus::Log);
    app.handle_key(KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT));
    assert_eq!(app.focus, Focus::Detail);
}

#[test]
fn a_new_diagnosis_keeps_the_users_selection() {
    let mut app = app_with(&build_log(), (80, 24));
    app.update(Action::Next);
    assert_eq!(app.selected, 1);
    let d = app.diagnosis.clone();
    app.set_diagnosis(d);
    assert_eq!(app.selected, 1);
}

#[test]
fn enter_jumps_to_the_selected_findings_line() {
    let mut log = build_log();
    log.push_str(&plain_lines(500));
    let mut app = app_with(&log, (80, 24));
    app.update(Action::Bottom);
    assert!(app.log.follow);
    let log = app.areas().log;
    assert!(find_in(&draw(&app), log, "Cannot find module 'left-pad'").is_none());
    app.handle_key(key(KeyCode::Enter));
    assert_eq!(app.log.mark, Some(12));
    assert!(!app.log.follow);
    let buf = draw(&app);
    assert!(
        find_in(&buf, log, "Error: Cannot find module 'left-pad'").is_some(),
        "{}",
        screen(&buf)
    );
}

#[test]
fn n_and_shift_n_cycle_through_findings() {
    let mut app = app_with(&build_log(), (80, 24));
    assert_eq!(app.selected, 0);
    app.handle_key(ch('n'));
    assert_eq!(app.selected, 1);
    assert_eq!(app.log.mark, Some(6));
    app.handle_key(ch('n'));
    app.handle_key(ch('n'));
    assert_eq!(app.selected, 0, "wraps round");
    app.handle_key(KeyEvent::new(KeyCode::Char('N'), KeyModifiers::SHIFT));
    assert_eq!(app.selected, 2);
    assert_eq!(app.log.mark, Some(2));
}

#[test]
fn slash_searches_highlights_hits_and_n_moves_between_them() {
    let mut app = app_with(&build_log(), (100, 30));
    app.handle_key(ch('/'));
    assert_eq!(
        app.mode,
        Mode::Search {
            input: String::new()
        }
    );
    for c in "donx".chars() {
        app.handle_key(ch(c));
    }
    app.handle_key(key(KeyCode::Backspace));
    app.handle_key(ch('e'));
    assert_eq!(
        app.mode,
        Mode::Search {
            input: "done".into()
        }
    );
    assert!(
        row(&draw(&app), 29).contains("/done"),
        "the prompt shows what is typed"
    );
    app.handle_key(key(KeyCode::Enter));
    assert_eq!(app.mode, Mode::Normal);
    let hits = app.search.as_ref().unwrap().hits.clone();
    assert_eq!(hits, [1, 4, 8], "smart case: `done` finds DONE");
    let buf = draw(&app);
    let (x, y) = find(&buf, "DONE 1.2s").unwrap();
    assert_eq!(buf[(x, y)].bg, Color::Yellow, "hits are highlighted");
    assert_eq!(buf[(x + 5, y)].bg, Color::Reset);
    assert!(
        screen(&buf).contains("/done/"),
        "the log title names the search"
    );
    let first = app.log.mark.unwrap();
    app.handle_key(ch('n'));
    let second = app.log.mark.unwrap();
    assert!(hits.contains(&first) && hits.contains(&second) && second != first);
    app.handle_key(KeyEvent::new(KeyCode::Char('N'), KeyModifiers::SHIFT));
    assert_eq!(app.log.mark, Some(first));
    // Esc clears the search; n goes back to findings.
    app.handle_key(key(KeyCode::Esc));
    assert!(app.search.is_none());
    app.handle_key(ch('n'));
    assert_eq!(app.selected, 1);
}

#[test]
fn a_bad_regex_says_why_and_esc_cancels_typing() {
    let mut app = app_with(&build_log(), (100, 30));
    app.handle_key(ch('/'));
    app.handle_key(ch('('));
    app.handle_key(key(KeyCode::Enter));
    assert!(
        matches!(app.mode, Mode::Search { .. }),
        "stays in the prompt"
    );
    assert!(app.message.as_ref().unwrap().text.starts_with("bad regex"));
    app.handle_key(key(KeyCode::Esc));
    assert_eq!(app.mode, Mode::Normal);
    assert!(app.search.is_none());
    app.handle_key(ch('/'));
    for c in "nothing-like-this".chars() {
        app.handle_key(ch(c));
    }
    app.handle_key(key(KeyCode::Enter));
    assert_eq!(
        app.message.as_ref().unwrap().text,
        "no match for /nothing-like-this/"
    );
}

#[test]
fn f_toggles_following_and_w_wrapping() {
    let mut app = app_with(&plain_lines(300), (80, 24));
    app.update(Action::Bottom);
    assert!(app.log.follow);
    app.handle_key(ch('f'));
    assert!(!app.log.follow);
    assert_eq!(app.log.top, app.bottom_top(), "stays where it was");
    app.handle_key(ch('f'));
    assert!(app.log.follow);
    app.handle_key(ch('w'));
    assert!(app.log.wrap);
    assert!(screen(&draw(&app)).contains("wrap"));
    app.handle_key(ch('w'));
    assert!(!app.log.wrap);
}

#[test]
fn y_copies_the_snippet_and_shift_y_the_whole_diagnosis() {
    let mut app = app_with(&build_log(), (80, 24));
    let effect = app.handle_key(ch('y'));
    assert_eq!(
        effect,
        Some(Effect::Copy {
            text: "RUN npm install left-pad".into(),
            what: "fix snippet"
        })
    );
    app.update(Action::Next);
    let effect = app.handle_key(ch('y'));
    assert_eq!(
        effect,
        Some(Effect::Copy {
            text: "Upgrade inflight@1.0.6:.".into(),
            what: "fix"
        }),
        "no snippet: the fix"
    );
    let Some(Effect::Copy { text, what }) =
        app.handle_key(KeyEvent::new(KeyCode::Char('Y'), KeyModifiers::SHIFT))
    else {
        panic!()
    };
    assert_eq!(what, "diagnosis");
    for want in [
        "# logdoc: `build.log`",
        "## 1. A Node module is missing",
        "### Root cause",
        "### Fix",
        "npm install left-pad",
        "A dependency is deprecated",
        "FATAL: the frobnicator",
    ] {
        assert!(text.contains(want), "missing {want:?} in\n{text}");
    }
    app.set_message("copied the fix snippet to the clipboard (xclip)", false);
    let buf = draw(&app);
    assert!(
        row(&buf, 22).contains("copied the fix snippet to the clipboard (xclip)"),
        "{:?}",
        row(&buf, 22)
    );
}

#[test]
fn nothing_to_copy_says_so() {
    let mut app = app_with(&plain_lines(10), (80, 24));
    assert_eq!(app.handle_key(ch('y')), None);
    assert!(app.message.as_ref().unwrap().error);
    assert_eq!(app.handle_key(ch('Y')), None);
    app.handle_key(key(KeyCode::Esc));
    assert!(app.message.is_none(), "Esc clears the message");
}

#[test]
fn question_mark_opens_the_help_and_any_key_closes_it() {
    let mut app = app_with(&build_log(), (80, 24));
    app.handle_key(KeyEvent::new(KeyCode::Char('?'), KeyModifiers::SHIFT));
    assert_eq!(app.mode, Mode::Help);
    app.handle_key(ch('j'));
    assert_eq!(app.mode, Mode::Normal);
    assert_eq!(app.log.mark, Some(12), "the closing key does nothing else");
    app.handle_key(ch('?'));
    app.handle_key(ch('q'));
    assert_eq!(app.mode, Mode::Normal);
    assert!(!app.quit, "q closes the help first");
    app.handle_key(ch('?'));
    app.handle_key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL));
    assert!(app.quit, "Ctrl-C quits from the help");
}

#[test]
fn q_and_ctrl_c_quit() {
    let mut app = app_with(&build_log(), (80, 24));
    app.handle_key(ch('q'));
    assert!(app.quit);
    let mut app = app_with(&build_log(), (80, 24));
    app.handle_key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL));
    assert!(app.quit);
}

#[test]
fn the_mouse_wheel_scrolls_the_pane_under_it_and_a_click_focuses() {
    let mut app = app_with(&plain_lines(500), (200, 50));
    app.update(Action::Top);
    let wheel = |kind, column, row| MouseEvent {
        kind,
        column,
        row,
        modifiers: KeyModifiers::NONE,
    };
    app.handle_mouse(wheel(MouseEventKind::ScrollDown, 10, 10));
    assert_eq!(app.log.top, 3);
    app.handle_mouse(wheel(MouseEventKind::ScrollUp, 10, 10));
    assert_eq!(app.log.top, 0);
    let mut app = app_with(&build_log(), (200, 50));
    let areas = app.areas();
    app.handle_mouse(wheel(
        MouseEventKind::ScrollDown,
        areas.findings.x + 5,
        areas.findings.y + 1,
    ));
    assert_eq!(app.selected, 1);
    app.handle_mouse(wheel(
        MouseEventKind::ScrollDown,
        areas.detail.x + 5,
        areas.detail.y + 3,
    ));
    assert_eq!(app.detail_scroll, 3);
    app.handle_mouse(wheel(
        MouseEventKind::Down(crossterm::event::MouseButton::Left),
        areas.detail.x + 5,
        areas.detail.y + 3,
    ));
    assert_eq!(app.focus, Focus::Detail);
}

// ----- a: from an unrecognised line to a signature -----

/// The user signature folder `LOGDOC_CONFIG_DIR=config` names, as logdoc reads it.
fn signature_dir_of(config: &Path) -> std::path::PathBuf {
    let dir = config.display().to_string();
    logdoc::config::signature_dirs_from(|name| {
        (name == logdoc::config::CONFIG_DIR_ENV).then(|| dir.clone())
    })
    .remove(0)
}

/// [`app_with`] the build log, drafting into `config`'s signature folder, with the
/// unrecognised line (line 3) selected.
fn app_on_the_unknown_line(config: &Path) -> App {
    let mut app = app_with(&build_log(), (200, 50));
    app.signature_dir = Some(signature_dir_of(config));
    app.update(Action::FocusNext);
    app.update(Action::Bottom);
    assert!(
        matches!(app.selected_item(), Some(Item::Unrecognized(u)) if u.line == 3),
        "the ? row is selected"
    );
    app
}

fn drafted(app: &mut App) -> DraftFiles {
    match app.handle_key(ch('a')) {
        Some(Effect::EditDraft(files)) => files,
        other => panic!("a gave {other:?}; message {:?}", app.message),
    }
}

#[test]
fn a_drafts_a_signature_checks_it_and_finds_the_line_at_once() {
    let config = tempfile::tempdir().unwrap();
    let mut app = app_on_the_unknown_line(config.path());
    assert_eq!(app.diagnosis.findings.len(), 2);

    let files = drafted(&mut app);
    let dir = config.path().join("signatures");
    // Drafts wait in drafts/, which logdoc does not load, until they check.
    let drafts = dir.join("drafts");
    assert_eq!(files.signature, drafts.join(format!("{}.toml", files.id)));
    assert_eq!(files.entry, drafts.join(format!("{}.md", files.id)));
    assert_eq!(files.line, 3);
    let toml = std::fs::read_to_string(&files.signature).unwrap();
    assert!(toml.contains("frobnicator exploded"), "{toml}");
    let entry = std::fs::read_to_string(&files.entry).unwrap();
    assert!(entry.starts_with("## Issue #N: "), "{entry}");
    for section in [
        "### Error Message",
        "### Root Cause",
        "### Solution",
        "### How to Avoid",
    ] {
        assert!(entry.contains(section), "{section} missing:\n{entry}");
    }
    assert!(entry.contains("FATAL: the frobnicator exploded"), "{entry}");

    // No editor: the draft is checked as written, and the grown set diagnoses the log again.
    let set = app
        .draft_edited(&files, Edited::NoEditor)
        .unwrap_or_else(|| panic!("rejected: {:?}", app.message));
    assert_eq!(set.len(), 3);
    assert_eq!(
        app.set.len(),
        2,
        "the running set changes only with the new diagnosis"
    );
    let installed = dir.join(format!("{}.toml", files.id));
    assert_eq!(std::fs::read_to_string(&installed).unwrap(), toml);
    assert!(dir.join(format!("{}.md", files.id)).exists());
    assert!(!files.signature.exists() && !drafts.exists(), "moved up");
    let r = rediagnose(&app.store, set, true);
    let engine = app.rediagnosed(r);
    assert_eq!(engine.lines(), 15);
    assert!(app.learning.is_none());
    assert_eq!(app.set.len(), 3);
    assert_eq!(app.diagnosis.findings.len(), 3);
    assert!(app.diagnosis.unrecognized.is_empty());
    match app.selected_item() {
        Some(Item::Finding(f)) => {
            assert_eq!(f.id, files.id);
            assert_eq!(f.first.line, 3);
        }
        other => panic!("the new finding is not selected: {other:?}"),
    }
    assert!(!app.store.flags(2).unrecognized(), "line 3 is known now");
    assert!(app.line_severity(2).is_some());
    let message = app.message.clone().unwrap();
    assert!(!message.error, "{message:?}");
    assert!(
        message
            .text
            .contains(&format!("signatures/{}.toml", files.id)),
        "{message:?}"
    );
    assert!(message.text.contains("no $EDITOR"), "{message:?}");
    let text = screen(&draw(&app));
    assert!(text.contains("3 findings"), "{text}");
    assert!(text.contains(&format!("{}.toml", files.id)), "{text}");

    // Its line is a finding now: `a` has nothing to draft from.
    app.update(Action::Bottom);
    assert_eq!(app.handle_key(ch('a')), None);
    assert!(app.message.as_ref().unwrap().error);
}

#[test]
fn a_draft_that_fails_its_check_changes_nothing_and_a_opens_it_again() {
    let config = tempfile::tempdir().unwrap();
    let mut app = app_on_the_unknown_line(config.path());
    let files = drafted(&mut app);
    let toml = std::fs::read_to_string(&files.signature).unwrap();
    // What a slip in the editor does: a pattern that does not compile.
    let broken: String = toml
        .lines()
        .map(|l| {
            if l.starts_with("patterns = ") {
                "patterns = [\"the frobnicator (exploded\"]".to_string()
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(&files.signature, &broken).unwrap();
    let edited = Edited::Done {
        editor: "true".into(),
    };
    assert!(app.draft_edited(&files, edited.clone()).is_none());
    let message = app.message.clone().unwrap();
    assert!(message.error);
    let line = broken
        .lines()
        .position(|l| l.starts_with("patterns = "))
        .unwrap()
        + 1;
    assert!(
        message.text.starts_with(&format!(
            "draft not used (a edits it again): {}:{line}: field `patterns",
            files.signature.display()
        )),
        "{message:?}"
    );
    assert_eq!(app.set.len(), 2, "the running set is kept");
    assert!(app.learning.is_none());
    let folder = config.path().join("signatures");
    assert!(files.signature.exists(), "the draft waits in drafts/");
    assert!(
        !folder.join(format!("{}.toml", files.id)).exists(),
        "a broken draft never lands where logdoc loads signatures"
    );

    // `a` on the same line opens the same files again; mended, the draft is used.
    assert_eq!(drafted(&mut app), files);
    std::fs::write(&files.signature, &toml).unwrap();
    let set = app.draft_edited(&files, edited).expect("checks now");
    let r = rediagnose(&app.store, set, true);
    app.rediagnosed(r);
    assert_eq!(app.diagnosis.findings.len(), 3);
    let message = &app.message.as_ref().unwrap().text;
    assert!(
        message.starts_with(&format!("`{}` added from", files.id)),
        "{message}"
    );
}

#[test]
fn a_never_writes_over_an_existing_file() {
    let config = tempfile::tempdir().unwrap();
    let mut first = app_on_the_unknown_line(config.path());
    let taken = drafted(&mut first);
    let mut app = app_on_the_unknown_line(config.path());
    let files = drafted(&mut app);
    assert_eq!(files.id, format!("{}-2", taken.id));
    let toml = std::fs::read_to_string(&files.signature).unwrap();
    assert!(toml.contains(&format!("id = \"{}\"", files.id)), "{toml}");
    assert!(
        app.draft_edited(&files, Edited::NoEditor).is_some(),
        "{:?}",
        app.message
    );
}

#[test]
fn a_without_an_unrecognised_line_or_a_folder_says_why() {
    let config = tempfile::tempdir().unwrap();
    let mut app = app_with(&build_log(), (200, 50));
    app.signature_dir = Some(signature_dir_of(config.path()));
    // The top finding is selected and marked: not an unrecognised line.
    assert_eq!(app.handle_key(ch('a')), None);
    let message = app.message.clone().unwrap();
    assert!(
        message.error && message.text.contains("unrecognised"),
        "{message:?}"
    );
    assert!(
        !config.path().join("signatures").exists(),
        "nothing written"
    );

    let mut app = app_on_the_unknown_line(config.path());
    app.signature_dir = None;
    assert_eq!(app.handle_key(ch('a')), None);
    assert!(app
        .message
        .as_ref()
        .unwrap()
        .text
        .contains("LOGDOC_CONFIG_DIR"));
}

#[test]
fn the_help_and_the_footer_show_the_a_key() {
    let mut app = app_with(&build_log(), (80, 24));
    app.update(Action::ToggleHelp);
    let text = screen(&draw(&app));
    assert!(
        text.contains(" a       draft a signature for ? line"),
        "{text}"
    );
    let app = app_with(&build_log(), (200, 50));
    let footer = row(&draw(&app), 49);
    assert!(footer.contains("a new signature"), "{footer:?}");
    let mut app = app_on_the_unknown_line(Path::new("/nonexistent"));
    app.update(Action::FocusNext);
    let text = screen(&draw(&app));
    assert!(text.contains("Press a to draft a signature"), "{text}");
}

// ----- speed -----

/// Median time to build one frame of `app`.
fn frame_time(app: &App) -> Duration {
    let mut terminal = Terminal::new(TestBackend::new(app.size.0, app.size.1)).unwrap();
    let mut times: Vec<Duration> = (0..15)
        .map(|_| {
            let t = Instant::now();
            terminal.draw(|frame| view::render(frame, app)).unwrap();
            t.elapsed()
        })
        .collect();
    times.sort();
    times[times.len() / 2]
}

#[test]
fn frame_time_does_not_grow_with_the_log() {
    let make = |n: usize| {
        let mut store = LineStore::new();
        let flags = LineFlags::default();
        for i in 0..n {
            store.push(
                &format!("#12 3.{i:06} some build output line number {i} with a little text"),
                &[],
                flags,
                60,
            );
        }
        let mut app = App::new("big.log", set(), true, false);
        app.update(Action::Resize {
            width: 200,
            height: 50,
        });
        app.append(store);
        app
    };
    let small = make(1_000);
    let mut big = make(1_000_000);
    let (t_small, t_big) = (frame_time(&small), frame_time(&big));
    eprintln!("frame at 200x50: {t_small:?} with 1k lines, {t_big:?} with 1M lines");
    assert!(
        t_big < t_small * 5 + Duration::from_millis(50),
        "1k lines: {t_small:?}, 1M lines: {t_big:?}"
    );
    big.update(Action::ToggleWrap);
    let t_wrap = frame_time(&big);
    eprintln!("frame at 200x50, wrapped: {t_wrap:?} with 1M lines");
    assert!(
        t_wrap < t_small * 5 + Duration::from_millis(50),
        "wrapped, 1M lines: {t_wrap:?}"
    );
    // Memory stays near the text's size: no String per line.
    let text = big.store.text_bytes();
    assert!(
        big.store.heap_bytes() < text * 2 + big.store.len() * 16,
        "{} bytes for {text} bytes of text",
        big.store.heap_bytes()
    );
}
