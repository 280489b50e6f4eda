//! Where logdoc keeps the user's own signatures, and loading them.
//!
//! The user signature folder is read on every run after the built-in set and before any
//! `--signatures` path, so the layers are *built-in < user folder < `--signatures`*: a user
//! signature with a built-in id replaces the built-in one, and a `--signatures` file replaces a
//! user-folder signature with the same id. `--no-builtin` leaves out both the built-in set and
//! the user folder, so a set given with `--signatures` can be tested alone.
//!
//! The folder is, in order of precedence:
//!
//! 1. `$LOGDOC_CONFIG_DIR/signatures` when `LOGDOC_CONFIG_DIR` is set (set it to an empty string
//!    to load no user folder at all — tests do this so a developer's own folder cannot change
//!    their outcome);
//! 2. `$XDG_CONFIG_HOME/logdoc/signatures` when `XDG_CONFIG_HOME` is an absolute path;
//! 3. `$HOME/.config/logdoc/signatures` (on Windows `%APPDATA%\logdoc\signatures`).
//!
//! On macOS `~/Library/Application Support/logdoc/signatures` is read as well, after the XDG
//! one. A folder that does not exist is simply skipped.
//!
//! ```
//! use std::path::PathBuf;
//! use logdoc::config::signature_dirs_from;
//! let env = |name: &str| match name {
//!     "XDG_CONFIG_HOME" => Some("/home/ana/.cfg".to_string()),
//!     "HOME" => Some("/home/ana".to_string()),
//!     _ => None,
//! };
//! assert_eq!(signature_dirs_from(env)[0], PathBuf::from("/home/ana/.cfg/logdoc/signatures"));
//! ```

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::signature::load::read_sources;
use crate::signature::{Origin, SignatureError, SourceFile};

/// Environment variable naming logdoc's configuration folder (its `signatures/` subfolder holds
/// the user signatures). Empty: no user folder.
pub const CONFIG_DIR_ENV: &str = "LOGDOC_CONFIG_DIR";

/// The user signature folders for the current environment, most important first. They may not
/// exist.
pub fn user_signature_dirs() -> Vec<PathBuf> {
    signature_dirs_from(|name| std::env::var(name).ok())
}

/// The folder `logdoc import` writes to by default: the first user signature folder.
pub fn default_signature_dir() -> Option<PathBuf> {
    user_signature_dirs().into_iter().next()
}

/// [`user_signature_dirs`] with the environment given as a lookup function (for tests).
pub fn signature_dirs_from(env: impl Fn(&str) -> Option<String>) -> Vec<PathBuf> {
    if let Some(dir) = env(CONFIG_DIR_ENV) {
        return if dir.is_empty() {
            Vec::new()
        } else {
            vec![PathBuf::from(dir).join("signatures")]
        };
    }
    let mut dirs = Vec::new();
    let home = env("HOME").filter(|h| !h.is_empty()).map(PathBuf::from);
    match env("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
    {
        Some(xdg) => dirs.push(xdg.join("logdoc").join("signatures")),
        None if cfg!(windows) => {
            if let Some(appdata) = env("APPDATA").filter(|a| !a.is_empty()) {
                dirs.push(PathBuf::from(appdata).join("logdoc").join("signatures"));
            }
        }
        None => {
            if let Some(home) = &home {
                dirs.push(home.join(".config").join("logdoc").join("signatures"));
            }
        }
    }
    if cfg!(target_os = "macos") {
        if let Some(home) = &home {
            dirs.push(
                home.join("Library")
                    .join("Application Support")
                    .join("logdoc")
                    .join("signatures"),
            );
        }
    }
    dirs
}

/// Reads the user signature folders, leaving out every file that `explicit` (the files given
/// with `--signatures` or to `signatures check`) already holds, either as the same file or
/// with the same id: the explicit one wins. Missing folders are skipped; an unreadable one is
/// an error.
pub fn user_sources(explicit: &[SourceFile]) -> (Vec<SourceFile>, Vec<SignatureError>) {
    let dirs: Vec<PathBuf> = user_signature_dirs()
        .into_iter()
        .filter(|d| d.is_dir())
        .collect();
    read_layer(&dirs, explicit)
}

fn read_layer(dirs: &[PathBuf], explicit: &[SourceFile]) -> (Vec<SourceFile>, Vec<SignatureError>) {
    let explicit_paths: HashSet<PathBuf> = explicit
        .iter()
        .filter_map(|s| match &s.origin {
            Origin::File(p) => Some(canonical(p)),
            Origin::Builtin(_) => None,
        })
        .collect();
    let explicit_ids: HashSet<String> = explicit.iter().filter_map(|s| id_of(&s.text)).collect();
    let mut sources = Vec::new();
    let mut errors = Vec::new();
    let mut seen = HashSet::new();
    for dir in dirs {
        // The same folder reached twice (a symlink, XDG pointing at ~/.config) is read once.
        if !seen.insert(canonical(dir)) {
            continue;
        }
        match read_sources(dir) {
            Ok(files) => sources.extend(files.into_iter().filter(|f| {
                let Origin::File(path) = &f.origin else {
                    return true;
                };
                !explicit_paths.contains(&canonical(path))
                    && id_of(&f.text).is_none_or(|id| !explicit_ids.contains(&id))
            })),
            Err(e) => errors.push(e),
        }
    }
    (sources, errors)
}

fn canonical(path: &Path) -> PathBuf {
    path.canonicalize().unwrap_or_else(|_| path.to_path_buf())
}

/// The `id` a signature file declares, when it parses far enough to tell.
fn id_of(text: &str) -> Option<String> {
    let table: toml::Table = toml::from_str(text).ok()?;
    table.get("id")?.as_str().map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn logdoc_config_dir_wins_and_empty_disables() {
        let dirs = signature_dirs_from(env(&[
            (CONFIG_DIR_ENV, "/tmp/ld"),
            ("XDG_CONFIG_HOME", "/x"),
            ("HOME", "/h"),
        ]));
        assert_eq!(dirs, vec![PathBuf::from("/tmp/ld/signatures")]);
        assert!(signature_dirs_from(env(&[(CONFIG_DIR_ENV, ""), ("HOME", "/h")])).is_empty());
    }

    #[test]
    fn xdg_then_home() {
        let dirs = signature_dirs_from(env(&[("XDG_CONFIG_HOME", "/x"), ("HOME", "/h")]));
        assert_eq!(dirs[0], PathBuf::from("/x/logdoc/signatures"));
        // A relative XDG_CONFIG_HOME is ignored, as the XDG spec says.
        let dirs = signature_dirs_from(env(&[("XDG_CONFIG_HOME", "rel"), ("HOME", "/h")]));
        if !cfg!(windows) {
            assert_eq!(dirs[0], PathBuf::from("/h/.config/logdoc/signatures"));
        }
    }

    #[test]
    fn explicit_files_replace_user_files_by_path_and_by_id() {
        let dir = tempfile::tempdir().unwrap();
        let sig = |id: &str| format!("id = \"{id}\"\n");
        std::fs::write(dir.path().join("a.toml"), sig("a")).unwrap();
        std::fs::write(dir.path().join("b.toml"), sig("b")).unwrap();
        std::fs::write(dir.path().join("c.toml"), sig("c")).unwrap();
        let explicit = vec![
            SourceFile {
                origin: Origin::File(dir.path().join("a.toml")),
                text: sig("a"),
            },
            SourceFile {
                origin: Origin::File(PathBuf::from("/elsewhere/b2.toml")),
                text: sig("b"),
            },
        ];
        let (sources, errors) = read_layer(
            &[dir.path().to_path_buf(), dir.path().to_path_buf()],
            &explicit,
        );
        assert!(errors.is_empty());
        let names: Vec<String> = sources.iter().map(|s| s.origin.to_string()).collect();
        assert_eq!(names, vec![dir.path().join("c.toml").display().to_string()]);
    }
}
