//! `a`: from an unrecognised failure line to a signature in use.
//!
//! ```text
//!  a ─► draft_signature: draft_from_line(line) ─► <dir>/drafts/<id>.toml + <id>.md ─► Effect::EditDraft
//!        (the event loop runs $VISUAL / $EDITOR on both files, if there is one)
//!  draft_edited: check_toml + examples::check ─► the running set + this file ─► App::learning;
//!        both files move up into <dir>, the user signature folder, loaded on every run
//!        (the event loop diagnoses the lines read again with that set; see worker.rs)
//!  rediagnosed: the new set, the new diagnosis, the new finding selected
//! ```
//!
//! A draft that fails its check changes nothing: the status bar says where and why
//! (`file:line: field: problem`), `a` on the same line opens it again, and it stays in
//! `drafts/`, which logdoc does not load, so a broken draft never stops the next run.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::{App, Effect, Focus, Item};
use crate::diagnosis::Engine;
use crate::import::{check_toml, draft_from_line, Draft};
use crate::scan::scan_text;
use crate::signature::{
    builtin_sources, examples, Origin, SignatureError, SignatureSet, SourceFile,
};
use crate::tui::ingest::Rediagnosis;

/// The files `a` wrote for one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DraftFiles {
    /// The drafted signature's id.
    pub id: String,
    /// `<folder>/drafts/<id>.toml`: the signature, until it checks.
    pub signature: PathBuf,
    /// `<id>.md` beside it: the issue-log entry.
    pub entry: PathBuf,
    /// The user signature folder, where both files go once the signature checks.
    pub folder: PathBuf,
    /// The line drafted from (1-based).
    pub line: u64,
    /// Its text, as drafted from (masked).
    pub text: String,
}

impl DraftFiles {
    /// Where the signature and the entry go once the signature checks.
    pub fn installed(&self) -> (PathBuf, PathBuf) {
        let place = |p: &Path| self.folder.join(p.file_name().unwrap_or_default());
        (place(&self.signature), place(&self.entry))
    }

    /// Moves both files up into the user signature folder, never over a file there.
    fn install(&self) -> Result<DraftFiles, String> {
        let (signature, entry) = self.installed();
        for to in [&signature, &entry] {
            if to.exists() {
                return Err(format!(
                    "{} is there already; give the draft another id",
                    to.display()
                ));
            }
        }
        fs::rename(&self.signature, &signature)
            .map_err(|e| format!("cannot move the draft to {}: {e}", signature.display()))?;
        if let Err(e) = fs::rename(&self.entry, &entry) {
            let _ = fs::rename(&signature, &self.signature);
            return Err(format!("cannot move the entry to {}: {e}", entry.display()));
        }
        if let Some(drafts) = self.signature.parent() {
            // Only when nothing else waits there.
            let _ = fs::remove_dir(drafts);
        }
        Ok(DraftFiles {
            signature,
            entry,
            ..self.clone()
        })
    }
}

/// How editing the draft went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Edited {
    /// Neither `$VISUAL` nor `$EDITOR` is set: the draft is used as written.
    NoEditor,
    /// The editor ran and exited successfully.
    Done { editor: String },
    /// The editor did not start or exited with a failure; the files are used as they are.
    Failed { editor: String, why: String },
}

/// A checked draft on its way into use: the lines read are being diagnosed again with `set`.
#[derive(Debug, Clone)]
pub struct Learning {
    /// The files, in the user signature folder now.
    pub files: DraftFiles,
    /// The signature's id as the (possibly edited) file says.
    pub id: String,
    /// The running set with the new signature.
    pub set: Arc<SignatureSet>,
    source: SourceFile,
    edited: Edited,
    /// The signature fires on the line it was drafted from.
    matches_line: bool,
}

impl App {
    /// `a`: drafts a signature and an issue-log entry from the unrecognised line in view and
    /// writes them to the user signature folder; the event loop then opens them in the editor.
    pub(super) fn draft_signature(&mut self) -> Option<Effect> {
        if let Some(l) = &self.learning {
            let text = format!("still putting `{}` to use: diagnosing the log again…", l.id);
            self.set_message(text, true);
            return None;
        }
        let Some((line, text)) = self.draft_target() else {
            self.set_message(
                "a drafts a signature from an unrecognised line: select one (a ? row) first",
                true,
            );
            return None;
        };
        if let Some(failed) = &self.failed_draft {
            if failed.line == line && failed.signature.exists() {
                return Some(Effect::EditDraft(failed.clone()));
            }
        }
        let Some(dir) = self.signature_dir.clone() else {
            self.set_message(
                "no user signature folder to write the draft to (LOGDOC_CONFIG_DIR is empty, or there is no HOME)",
                true,
            );
            return None;
        };
        let draft = draft_from_line(&text);
        match write_draft(&dir, &draft, &self.set) {
            Ok((id, signature, entry)) => Some(Effect::EditDraft(DraftFiles {
                id,
                signature,
                entry,
                folder: dir,
                line,
                text,
            })),
            Err(e) => {
                self.set_message(
                    format!("cannot write the draft in {}: {e}", dir.display()),
                    true,
                );
                None
            }
        }
    }

    /// The unrecognised line `a` acts on, and its text: the log's marked line when the log
    /// has the focus and that line is unrecognised, else the selected `?` row, else the
    /// marked line if it is unrecognised.
    fn draft_target(&self) -> Option<(u64, String)> {
        let marked = self
            .log
            .mark
            .filter(|&i| i < self.store.len())
            .filter(|&i| self.line_unrecognized(i) || self.store.flags(i).unrecognized())
            .map(|i| i as u64 + 1);
        let selected = match self.selected_item() {
            Some(Item::Unrecognized(u)) => Some(u.line),
            _ => None,
        };
        let line = if self.focus == Focus::Log {
            marked.or(selected)
        } else {
            selected.or(marked)
        }?;
        let stored = self.store.text(line as usize - 1);
        let text = if stored.trim().is_empty() {
            // Not stored (cannot happen while the line is listed): the listed text then.
            self.diagnosis
                .unrecognized
                .iter()
                .find(|u| u.line == line)?
                .text
                .clone()
        } else {
            self.mask(stored).into_owned()
        };
        Some((line, text))
    }

    /// Checks the drafted signature as it now is (after the editor): the set it would make
    /// with the running one when it passes, or `None` with the reason in the status bar (the
    /// running set is kept).
    pub fn draft_edited(
        &mut self,
        files: &DraftFiles,
        edited: Edited,
    ) -> Option<Arc<SignatureSet>> {
        let origin = Origin::File(files.signature.clone());
        let text = match fs::read_to_string(&files.signature) {
            Ok(text) => text,
            Err(e) => {
                let why = format!("cannot read {}: {e}", files.signature.display());
                return self.draft_rejected(files, &edited, why);
            }
        };
        let single = match check_toml(&text, origin.clone()) {
            Ok(set) => Arc::new(set),
            Err(errors) => return self.draft_rejected(files, &edited, describe(&errors)),
        };
        let errors = examples::check(&single);
        if !errors.is_empty() {
            return self.draft_rejected(files, &edited, describe(&errors));
        }
        let Some(sig) = single.signatures().first() else {
            let why = format!("{}: no signature in it", files.signature.display());
            return self.draft_rejected(files, &edited, why);
        };
        let id = sig.id.clone();
        let mut sources = match self.running_sources() {
            Ok(sources) => sources,
            Err(why) => return self.draft_rejected(files, &edited, why),
        };
        // In the set, the signature comes from where it is going.
        let installed = files.installed().0;
        let origin = Origin::File(installed.clone());
        sources.retain(|s| s.origin != origin);
        let source = SourceFile { origin, text };
        sources.push(source.clone());
        let set = match SignatureSet::from_sources(sources) {
            Ok(set) => Arc::new(set),
            Err(errors) => {
                let why = describe(&errors).replace(
                    &installed.display().to_string(),
                    &files.signature.display().to_string(),
                );
                return self.draft_rejected(files, &edited, why);
            }
        };
        let matches_line = scan_text(&files.text, Arc::clone(&single), false)
            .findings
            .iter()
            .any(|f| f.id == id);
        let files = match files.install() {
            Ok(installed) => installed,
            Err(why) => return self.draft_rejected(files, &edited, why),
        };
        let files = &files;
        self.failed_draft = None;
        self.set_message(
            format!("`{id}` checked: diagnosing the log again with it…"),
            false,
        );
        self.learning = Some(Learning {
            files: files.clone(),
            id,
            set: Arc::clone(&set),
            source,
            edited,
            matches_line,
        });
        Some(set)
    }

    fn draft_rejected(
        &mut self,
        files: &DraftFiles,
        edited: &Edited,
        why: String,
    ) -> Option<Arc<SignatureSet>> {
        let editor = match edited {
            Edited::Failed { editor, why } => format!("{editor} failed ({why}); "),
            _ => String::new(),
        };
        self.failed_draft = Some(files.clone());
        let why = why.split_whitespace().collect::<Vec<_>>().join(" ");
        self.set_message(
            format!("{editor}draft not used (a edits it again): {why}"),
            true,
        );
        None
    }

    /// The sources of the running set, read once: built-in files from the binary, the
    /// others from disk.
    fn running_sources(&mut self) -> Result<Vec<SourceFile>, String> {
        if let Some(sources) = &self.sources {
            return Ok(sources.clone());
        }
        let builtin = builtin_sources();
        let mut sources = Vec::with_capacity(self.set.len());
        for sig in self.set.signatures() {
            let source = match &sig.origin {
                Origin::Builtin(name) => builtin
                    .iter()
                    .find(|s| matches!(&s.origin, Origin::Builtin(n) if n == name))
                    .cloned()
                    .ok_or_else(|| format!("built-in signature file {name} is gone"))?,
                Origin::File(path) => SourceFile {
                    origin: sig.origin.clone(),
                    text: fs::read_to_string(path).map_err(|e| {
                        format!("cannot read {} again to add to it: {e}", path.display())
                    })?,
                },
            };
            sources.push(source);
        }
        self.sources = Some(sources.clone());
        Ok(sources)
    }

    /// Takes the log diagnosed again with the grown set: the set, the diagnosis and the
    /// lines' marks change together, the new finding is selected, and the status bar says
    /// what was written where. Returns the engine, for the reader to go on with.
    pub fn rediagnosed(&mut self, r: Rediagnosis) -> Engine {
        let Rediagnosis {
            set,
            engine,
            diagnosis,
            flags,
        } = r;
        let Some(learning) = self.learning.take() else {
            return engine;
        };
        Arc::make_mut(&mut self.store).set_flags(&flags);
        self.set = set;
        if let Some(sources) = &mut self.sources {
            sources.retain(|s| s.origin != learning.source.origin);
            sources.push(learning.source.clone());
        }
        self.set_diagnosis(diagnosis);
        let found = self
            .diagnosis
            .findings
            .iter()
            .position(|f| f.id == learning.id);
        if let Some(i) = found {
            self.select(i);
        }
        let files = &learning.files;
        let wrote = format!("{} (+ .md entry)", shown_path(&files.signature));
        let id = &learning.id;
        let head = match &learning.edited {
            Edited::NoEditor => format!("no $EDITOR: wrote {wrote}; `{id}` added"),
            Edited::Done { .. } => format!("`{id}` added from {wrote}"),
            Edited::Failed { editor, why } => {
                format!("{editor} failed ({why}); `{id}` added as written: {wrote}")
            }
        };
        let tail = match found {
            Some(_) => format!(": it finds line {}", files.line),
            None if learning.matches_line => String::new(),
            None => format!(", but it does not match line {}", files.line),
        };
        self.set_message(format!("{head}{tail}"), found.is_none());
        engine
    }

    /// Diagnosing again failed: the running set stays.
    pub fn rediagnosis_failed(&mut self, why: &str) {
        let id = self.learning.take().map(|l| l.id).unwrap_or_default();
        self.set_message(
            format!("could not use `{id}`: {why}; signatures unchanged"),
            true,
        );
    }
}

/// `path`, with the home folder written `~`.
fn shown_path(path: &Path) -> String {
    let home = std::env::var_os("HOME").map(PathBuf::from);
    match home.as_deref().and_then(|h| path.strip_prefix(h).ok()) {
        Some(rest) if !rest.as_os_str().is_empty() => format!("~/{}", rest.display()),
        _ => path.display().to_string(),
    }
}

/// The first problem, and how many more there are.
fn describe(errors: &[SignatureError]) -> String {
    match errors {
        [] => "rejected".to_string(),
        [one] => one.to_string(),
        [first, rest @ ..] => format!("{first} (and {} more)", rest.len()),
    }
}

/// Writes `<id>.toml` and `<id>.md` into `dir/drafts` (created if needed), never over an
/// existing file: an id taken there, in `dir` or in `set` gets a `-2`, `-3` … suffix.
/// Returns the id and paths.
fn write_draft(
    dir: &Path,
    draft: &Draft,
    set: &SignatureSet,
) -> io::Result<(String, PathBuf, PathBuf)> {
    let drafts = dir.join("drafts");
    fs::create_dir_all(&drafts)?;
    let mut n = 1u32;
    loop {
        let id = if n == 1 {
            draft.id.clone()
        } else {
            format!("{}-{n}", draft.id)
        };
        n += 1;
        let signature = drafts.join(format!("{id}.toml"));
        let entry = drafts.join(format!("{id}.md"));
        let taken = [&signature, &entry]
            .iter()
            .any(|p| p.exists() || dir.join(p.file_name().unwrap_or_default()).exists());
        if set.get(&id).is_some() || taken {
            continue;
        }
        let toml = if id == draft.id {
            draft.signature_toml.clone()
        } else {
            draft
                .signature_toml
                .replacen(
                    &format!("id = \"{}\"", draft.id),
                    &format!("id = \"{id}\""),
                    1,
                )
                .replace(&format!("{}.toml", draft.id), &format!("{id}.toml"))
        };
        match write_new(&signature, &toml) {
            Ok(()) => {}
            // Taken between the look and the write: the next id.
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
        if let Err(e) = write_new(&entry, &draft.issue_entry_markdown) {
            let _ = fs::remove_file(&signature);
            if e.kind() == io::ErrorKind::AlreadyExists {
                continue;
            }
            return Err(e);
        }
        return Ok((id, signature, entry));
    }
}

fn write_new(path: &Path, text: &str) -> io::Result<()> {
    let mut file = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?;
    file.write_all(text.as_bytes())
}
