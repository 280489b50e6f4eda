//! Reading logs: files (plain or gzip), standard input, followed files ([`Follow`]), and the
//! bounded line reader and sanitiser every byte passes through before the rest of logdoc sees it.

mod follow;
mod reader;
mod sanitize;

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

pub use follow::{Follow, FollowEvent, DEFAULT_POLL};
pub use reader::{LineReader, OwnedBlock, RawLine, DEFAULT_MAX_LINE};
pub use sanitize::{colour_runs, Color, Sanitized, Sanitizer, Sgr, StyleSpan};

/// What to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InputSpec {
    Stdin,
    Path(PathBuf),
}

impl InputSpec {
    /// `-` is standard input; anything else a path.
    pub fn parse(arg: &str) -> Self {
        if arg == "-" {
            InputSpec::Stdin
        } else {
            InputSpec::Path(PathBuf::from(arg))
        }
    }

    /// The name shown to the user.
    pub fn name(&self) -> String {
        match self {
            InputSpec::Stdin => "<stdin>".to_string(),
            InputSpec::Path(p) => p.display().to_string(),
        }
    }
}

/// Why an input could not be opened or read.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error("{0}: no such file")]
    NotFound(String),
    #[error("{0}: is a directory, not a log file")]
    IsDirectory(String),
    #[error("{name}: cannot read: {source}")]
    Unreadable { name: String, source: io::Error },
    #[error("{name}: corrupt or truncated gzip data: {source}")]
    Gzip { name: String, source: io::Error },
}

/// An opened input: a byte stream, already decompressed when it was gzip.
pub struct Input {
    pub name: String,
    pub gzip: bool,
    pub reader: Box<dyn Read + Send>,
}

impl Input {
    /// Maps a read error from this input to a [`SourceError`] that names it.
    pub fn read_error(&self, source: io::Error) -> SourceError {
        if self.gzip
            && matches!(
                source.kind(),
                io::ErrorKind::InvalidInput
                    | io::ErrorKind::InvalidData
                    | io::ErrorKind::UnexpectedEof
            )
        {
            SourceError::Gzip {
                name: self.name.clone(),
                source,
            }
        } else {
            SourceError::Unreadable {
                name: self.name.clone(),
                source,
            }
        }
    }
}

const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// Opens an input; gzip is recognised by its magic bytes, whatever the file is called.
pub fn open(spec: &InputSpec) -> Result<Input, SourceError> {
    let name = spec.name();
    let raw: Box<dyn Read + Send> = match spec {
        InputSpec::Stdin => Box::new(io::stdin()),
        InputSpec::Path(path) => Box::new(open_file(path, &name)?),
    };
    let mut buffered = BufReader::with_capacity(256 * 1024, raw);
    let head = buffered
        .fill_buf()
        .map_err(|source| SourceError::Unreadable {
            name: name.clone(),
            source,
        })?;
    let gzip = head.starts_with(&GZIP_MAGIC);
    let reader: Box<dyn Read + Send> = if gzip {
        // Concatenated gzip members (as `cat a.gz b.gz` or log rotation make) are all read.
        Box::new(flate2::bufread::MultiGzDecoder::new(buffered))
    } else {
        Box::new(buffered)
    };
    Ok(Input { name, gzip, reader })
}

fn open_file(path: &Path, name: &str) -> Result<File, SourceError> {
    match std::fs::metadata(path) {
        Ok(m) if m.is_dir() => return Err(SourceError::IsDirectory(name.to_string())),
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return Err(SourceError::NotFound(name.to_string()))
        }
        _ => {}
    }
    File::open(path).map_err(|source| match source.kind() {
        io::ErrorKind::NotFound => SourceError::NotFound(name.to_string()),
        _ => SourceError::Unreadable {
            name: name.to_string(),
            source,
        },
    })
}
