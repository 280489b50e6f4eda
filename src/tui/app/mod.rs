//! The state of the interactive view, and every change to it.
//!
//! [`App`] holds the lines read so far, the latest diagnosis and what the user is looking
//! at. It changes only through [`App::update`] (an [`Action`](super::Action) from a key or the mouse) and
//! the reader's notifications ([`App::append`], [`App::set_diagnosis`],
//! [`App::source_event`]); the views only read it. Nothing here touches a terminal, so every
//! key can be tested on a hand-built `App`. Keys and the mouse are in `update.rs`, what is
//! copied in `copy.rs`, drafting a signature from an unrecognised line (`a`) in `learn.rs`.

mod copy;
mod learn;
mod update;

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;

use ratatui::layout::Rect;

use super::search::Search;
use super::store::LineStore;
use super::view;
use super::worker::SourceEvent;
use crate::diagnosis::{Diagnosis, Finding, Unrecognized};
use crate::redact::Redactor;
use crate::signature::{Severity, SignatureSet, SourceFile};
use crate::source::FollowEvent;

pub use learn::{DraftFiles, Edited, Learning};

/// The pane that keys act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    Log,
    Findings,
    Detail,
}

impl Focus {
    fn next(self) -> Self {
        match self {
            Focus::Log => Focus::Findings,
            Focus::Findings => Focus::Detail,
            Focus::Detail => Focus::Log,
        }
    }

    fn prev(self) -> Self {
        self.next().next()
    }
}

/// What keys do right now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    Normal,
    /// Typing a search pattern.
    Search {
        input: String,
    },
    Help,
}

/// Where the input stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceState {
    Reading,
    Ended,
    Failed(String),
}

/// A one-line message in the status bar (the copy result, an error).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub text: String,
    pub error: bool,
}

/// Something the event loop must do outside the state: it owns the terminal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Put `text` on the clipboard; `what` names it in the status bar.
    Copy { text: String, what: &'static str },
    /// Open the drafted files in the user's editor, then hand them to [`App::draft_edited`].
    EditDraft(DraftFiles),
}

/// A row of the findings list.
#[derive(Debug, Clone, Copy)]
pub enum Item<'a> {
    Finding(&'a Finding),
    Unrecognized(&'a Unrecognized),
}

impl Item<'_> {
    /// 1-based line of the item in the input.
    pub fn line(&self) -> u64 {
        match self {
            Item::Finding(f) => f.first.line,
            Item::Unrecognized(u) => u.line,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum ItemKey {
    Finding(String),
    Unrecognized(u64),
}

/// Where the log pane is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogView {
    /// First line shown (0-based) when not following.
    pub top: usize,
    /// Columns scrolled to the right (when not wrapping).
    pub hscroll: usize,
    pub wrap: bool,
    /// Showing the end of the log, and staying there as lines arrive.
    pub follow: bool,
    /// The line jumped to (a finding's line, a search hit), 0-based.
    pub mark: Option<usize>,
}

/// The whole state of the view.
pub struct App {
    /// The input's name.
    pub name: String,
    /// The input may keep growing (stdin, a followed file).
    pub live: bool,
    pub state: SourceState,
    /// The lines read. Shared only while a re-diagnosis reads them on its own thread (when no
    /// line is being added).
    pub store: Arc<LineStore>,
    pub diagnosis: Diagnosis,
    pub set: Arc<SignatureSet>,
    redactor: Option<Redactor>,
    /// Severity of each line that the diagnosis lists as an occurrence.
    severities: HashMap<u64, Severity>,
    unrecognized_lines: HashSet<u64>,
    pub focus: Focus,
    pub mode: Mode,
    pub log: LogView,
    /// Index of the selected row of the findings list.
    pub selected: usize,
    selected_key: Option<ItemKey>,
    /// The user chose a finding: new findings no longer move the selection.
    user_selected: bool,
    /// The user scrolled the log: new findings no longer move it.
    user_scrolled: bool,
    pub detail_scroll: u16,
    pub search: Option<Search>,
    /// Jump to the first hit once the search finds one.
    search_jump: bool,
    pub message: Option<Message>,
    /// Lines per second lately, when known.
    pub rate: Option<f64>,
    /// Terminal size (columns, rows).
    pub size: (u16, u16),
    pub quit: bool,
    /// Where `a` writes its drafts: the user signature folder
    /// ([`crate::config::default_signature_dir`]), or none when there is none.
    pub signature_dir: Option<PathBuf>,
    /// The files the signature set was loaded from, to grow it (read when first needed).
    sources: Option<Vec<SourceFile>>,
    /// A checked draft whose re-diagnosis is running.
    pub learning: Option<Learning>,
    /// The last draft that failed its check: `a` on its line opens it again.
    failed_draft: Option<DraftFiles>,
}

/// Lines scrolled by one turn of the mouse wheel.
const WHEEL_LINES: usize = 3;
/// Columns scrolled sideways by one key press.
const SIDE_STEP: usize = 8;

impl App {
    /// An empty view of input `name`; `live` when it may keep growing (stdin, follow).
    pub fn new(name: impl Into<String>, set: Arc<SignatureSet>, redact: bool, live: bool) -> Self {
        App {
            name: name.into(),
            live,
            state: SourceState::Reading,
            store: Arc::new(LineStore::new()),
            diagnosis: Diagnosis::default(),
            set,
            redactor: redact.then(Redactor::new),
            severities: HashMap::new(),
            unrecognized_lines: HashSet::new(),
            focus: Focus::Log,
            mode: Mode::Normal,
            log: LogView {
                top: 0,
                hscroll: 0,
                wrap: false,
                follow: true,
                mark: None,
            },
            selected: 0,
            selected_key: None,
            user_selected: false,
            user_scrolled: false,
            detail_scroll: 0,
            search: None,
            search_jump: false,
            message: None,
            rate: None,
            size: (80, 24),
            quit: false,
            signature_dir: crate::config::default_signature_dir(),
            sources: None,
            learning: None,
            failed_draft: None,
        }
    }

    // ----- what the views read -----

    /// The rows of the findings list: findings, root cause first, then unrecognised lines.
    pub fn items(&self) -> Vec<Item<'_>> {
        self.diagnosis
            .findings
            .iter()
            .map(Item::Finding)
            .chain(self.diagnosis.unrecognized.iter().map(Item::Unrecognized))
            .collect()
    }

    /// Ids of the present findings that explain `f` (it is a consequence of them).
    pub fn explained_by(&self, f: &Finding) -> Vec<&str> {
        self.diagnosis
            .findings
            .iter()
            .filter(|other| {
                self.set
                    .signatures()
                    .get(other.signature)
                    .is_some_and(|s| s.explains.contains(&f.id))
            })
            .map(|other| other.id.as_str())
            .collect()
    }

    pub fn item_count(&self) -> usize {
        self.diagnosis.findings.len() + self.diagnosis.unrecognized.len()
    }

    pub fn selected_item(&self) -> Option<Item<'_>> {
        let findings = self.diagnosis.findings.len();
        if self.selected < findings {
            self.diagnosis
                .findings
                .get(self.selected)
                .map(Item::Finding)
        } else {
            self.diagnosis
                .unrecognized
                .get(self.selected - findings)
                .map(Item::Unrecognized)
        }
    }

    /// Severity to highlight line `i` (0-based) with.
    pub fn line_severity(&self, i: usize) -> Option<Severity> {
        let from_diagnosis = self.severities.get(&(i as u64 + 1)).copied();
        from_diagnosis.max(self.store.flags(i).severity())
    }

    /// Line `i` is an unrecognised failure line.
    pub fn line_unrecognized(&self, i: usize) -> bool {
        self.unrecognized_lines.contains(&(i as u64 + 1))
    }

    /// `text` with secrets masked (unless masking is off).
    pub fn mask<'a>(&self, text: &'a str) -> Cow<'a, str> {
        match &self.redactor {
            Some(r) => r.mask(text),
            None => Cow::Borrowed(text),
        }
    }

    pub fn redactor(&self) -> Option<&Redactor> {
        self.redactor.as_ref()
    }

    /// Line `i` as shown, masked, at least its first `min_bytes` bytes (more when the line is
    /// longer than that, so a secret cut at the edge is still masked). The flag says whether
    /// masking changed it (then the log's colour spans no longer fit the text).
    pub fn shown(&self, i: usize, min_bytes: usize) -> (Cow<'_, str>, bool) {
        let text = self.store.text(i);
        let text = crate::diagnosis::truncate(text, min_bytes.saturating_add(4096));
        let masked = self.mask(text);
        let changed = matches!(masked, Cow::Owned(_));
        (masked, changed)
    }

    /// The screen split for the current size.
    pub fn areas(&self) -> view::Areas {
        view::layout(Rect::new(0, 0, self.size.0, self.size.1), self)
    }

    /// Rows of the log pane's text.
    fn page(&self) -> usize {
        (view::log::text_area(self, self.areas().log).height as usize).max(1)
    }

    /// The first line shown, whether following or not.
    pub fn log_top(&self) -> usize {
        if self.log.follow {
            self.bottom_top()
        } else {
            self.log.top
        }
    }

    /// The first line shown when the end of the log is at the bottom of the pane.
    pub fn bottom_top(&self) -> usize {
        let area = view::log::text_area(self, self.areas().log);
        view::log::bottom_top(self, area)
    }

    // ----- notifications from the reader -----

    /// Adds lines read.
    pub fn append(&mut self, batch: LineStore) {
        Arc::make_mut(&mut self.store).append(batch);
    }

    /// Takes a new diagnosis; keeps the user's selection, or selects (and shows) the top finding.
    pub fn set_diagnosis(&mut self, diagnosis: Diagnosis) {
        self.diagnosis = diagnosis;
        self.severities.clear();
        for f in &self.diagnosis.findings {
            let severity = self
                .set
                .signatures()
                .get(f.signature)
                .map_or(Severity::Info, |s| s.severity);
            for &line in &f.lines {
                let e = self.severities.entry(line).or_insert(severity);
                *e = (*e).max(severity);
            }
        }
        self.unrecognized_lines = self.diagnosis.unrecognized.iter().map(|u| u.line).collect();
        let count = self.item_count();
        if count == 0 {
            self.selected = 0;
            self.selected_key = None;
            return;
        }
        if self.user_selected {
            let key = self.selected_key.clone();
            match key.and_then(|k| (0..count).find(|&i| self.key_of(i).as_ref() == Some(&k))) {
                Some(i) => self.selected = i,
                None => {
                    self.selected = self.selected.min(count - 1);
                    self.selected_key = self.key_of(self.selected);
                }
            }
            return;
        }
        let key = self.key_of(0);
        if key != self.selected_key {
            self.selected = 0;
            self.selected_key = key;
            self.detail_scroll = 0;
            if !self.user_scrolled {
                self.jump_to_selected();
            }
        }
    }

    pub fn source_event(&mut self, event: SourceEvent) {
        match event {
            SourceEvent::Ended => self.state = SourceState::Ended,
            SourceEvent::Failed(why) => {
                self.message = Some(Message {
                    text: format!("input failed: {why}"),
                    error: true,
                });
                self.state = SourceState::Failed(why);
            }
            SourceEvent::Follow(e) => {
                let text = match e {
                    FollowEvent::Rotated => "file rotated: reading the new one from its start",
                    FollowEvent::Truncated => "file truncated: reading again from its start",
                    FollowEvent::Missing => "file gone: waiting for it to come back",
                };
                self.message = Some(Message {
                    text: text.to_string(),
                    error: false,
                });
            }
        }
    }

    /// Says how a copy went.
    pub fn set_message(&mut self, text: impl Into<String>, error: bool) {
        self.message = Some(Message {
            text: text.into(),
            error,
        });
    }

    /// Does a slice of background work (the search); true when more remains.
    pub fn work(&mut self, budget: usize) -> bool {
        let anchor = if self.search_jump {
            self.log.mark.unwrap_or_else(|| self.log_top())
        } else {
            0
        };
        let Some(search) = &mut self.search else {
            return false;
        };
        let more = search.advance(&self.store, self.redactor.as_ref(), budget);
        if self.search_jump {
            let found = search.hits.iter().copied().find(|&h| h >= anchor);
            let target = match found {
                Some(h) => Some(h),
                None if !more => search.hits.first().copied(),
                None => None,
            };
            let none = !more && search.hits.is_empty();
            let pattern = search.pattern.clone();
            if let Some(line) = target {
                self.search_jump = false;
                self.jump_to(line);
            } else if none {
                self.search_jump = false;
                self.set_message(format!("no match for /{pattern}/"), true);
            }
        }
        more
    }

    fn key_of(&self, i: usize) -> Option<ItemKey> {
        let findings = self.diagnosis.findings.len();
        if i < findings {
            Some(ItemKey::Finding(self.diagnosis.findings[i].id.clone()))
        } else {
            self.diagnosis
                .unrecognized
                .get(i - findings)
                .map(|u| ItemKey::Unrecognized(u.line))
        }
    }

    fn jump_to_selected(&mut self) {
        if let Some(line) = self.selected_item().map(|i| i.line()) {
            self.jump_to(line.saturating_sub(1) as usize);
        }
    }

    /// Shows line `i` (0-based) a third of the way down the log pane, and marks it.
    pub fn jump_to(&mut self, i: usize) {
        let page = self.page();
        self.log.mark = Some(i);
        self.log.follow = false;
        self.log.top = i.saturating_sub(page / 3).min(self.bottom_top());
        self.log.hscroll = 0;
    }
}
