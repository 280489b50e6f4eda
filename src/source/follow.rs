//! Following a growing file, like `tail -F`.
//!
//! [`Follow`] is a [`Read`] that never reaches the end: when the file has nothing more, it
//! checks the file's metadata every [`DEFAULT_POLL`] and goes on reading when it grows. When
//! the path names another file (log rotation: a new inode or device), the old file has
//! already been read to its end, so the new one is opened and read from its start; when the
//! file shrinks below what was read (truncation, `copytruncate`), reading starts over at 0.
//! A path that disappears is waited for. Polling rather than inotify: inotify misses writes
//! on NFS and some overlay file systems, and a few stat calls a second cost nothing.
//!
//! ```no_run
//! use std::io::Read;
//! use logdoc::source::Follow;
//! let mut follow = Follow::open("app.log".as_ref()).unwrap();
//! let stop = follow.stop_handle();
//! let mut buf = [0; 4096];
//! let n = follow.read(&mut buf).unwrap(); // blocks until the file has something to read
//! stop.store(true, std::sync::atomic::Ordering::Relaxed); // the next wait returns Ok(0)
//! # let _ = n;
//! ```

use std::fs::{File, Metadata};
use std::io::{self, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use super::{open_file, SourceError};

/// How often a followed file's metadata is checked while there is nothing new to read.
pub const DEFAULT_POLL: Duration = Duration::from_millis(300);

/// Something that happened to a followed file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FollowEvent {
    /// The path now names another file (rotation); it is read from its start.
    Rotated,
    /// The file became shorter than what was read; it is read again from its start.
    Truncated,
    /// The path is gone (rotated away, not yet recreated); waiting for it.
    Missing,
}

/// Identity of a file: device and inode on Unix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct FileId(u64, u64);

impl FileId {
    #[cfg(unix)]
    fn of(m: &Metadata) -> Self {
        use std::os::unix::fs::MetadataExt;
        FileId(m.dev(), m.ino())
    }

    #[cfg(not(unix))]
    fn of(_: &Metadata) -> Self {
        // No inode: only truncation is detected.
        FileId(0, 0)
    }
}

/// A file read like `tail -F`: see the module documentation.
pub struct Follow {
    path: PathBuf,
    name: String,
    file: File,
    id: FileId,
    offset: u64,
    poll: Duration,
    stop: Arc<AtomicBool>,
    missing: bool,
    on_event: Option<Box<dyn FnMut(FollowEvent) + Send>>,
}

impl Follow {
    /// Opens `path` for following, reading from its start. The file must exist.
    pub fn open(path: &Path) -> Result<Self, SourceError> {
        let name = path.display().to_string();
        let file = open_file(path, &name)?;
        let meta = file.metadata().map_err(|source| SourceError::Unreadable {
            name: name.clone(),
            source,
        })?;
        Ok(Follow {
            path: path.to_path_buf(),
            name,
            file,
            id: FileId::of(&meta),
            offset: 0,
            poll: DEFAULT_POLL,
            stop: Arc::new(AtomicBool::new(false)),
            missing: false,
            on_event: None,
        })
    }

    /// Checks for growth every `poll` instead of [`DEFAULT_POLL`].
    pub fn with_poll(mut self, poll: Duration) -> Self {
        self.poll = poll.max(Duration::from_millis(1));
        self
    }

    /// Calls `f` on each rotation, truncation or disappearance.
    pub fn on_event(mut self, f: impl FnMut(FollowEvent) + Send + 'static) -> Self {
        self.on_event = Some(Box::new(f));
        self
    }

    /// A flag that, once set, makes the next wait for data end the stream (`read` returns 0).
    pub fn stop_handle(&self) -> Arc<AtomicBool> {
        Arc::clone(&self.stop)
    }

    /// The name shown to the user.
    pub fn name(&self) -> &str {
        &self.name
    }

    fn emit(&mut self, event: FollowEvent) {
        if let Some(f) = &mut self.on_event {
            f(event);
        }
    }

    /// At the end of the current file: switches files or starts over when the path says so.
    /// Returns true when there may be something new to read right away.
    fn check(&mut self) -> io::Result<bool> {
        match std::fs::metadata(&self.path) {
            Ok(meta) if FileId::of(&meta) != self.id => {
                // Rotated: everything the old file held has been read (we are at its end).
                match File::open(&self.path) {
                    Ok(file) => {
                        self.id = file
                            .metadata()
                            .map(|m| FileId::of(&m))
                            .unwrap_or(FileId::of(&meta));
                        self.file = file;
                        self.offset = 0;
                        self.missing = false;
                        self.emit(FollowEvent::Rotated);
                        Ok(true)
                    }
                    // Gone again between the stat and the open: try on the next poll.
                    Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
                    Err(e) => Err(e),
                }
            }
            Ok(_) => {
                self.missing = false;
                let len = self.file.metadata()?.len();
                if len < self.offset {
                    self.file.seek(SeekFrom::Start(0))?;
                    self.offset = 0;
                    self.emit(FollowEvent::Truncated);
                    return Ok(true);
                }
                Ok(len > self.offset)
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                if !self.missing {
                    self.missing = true;
                    self.emit(FollowEvent::Missing);
                }
                // The old handle may still be written to until the writer reopens.
                Ok(self.file.metadata()?.len() > self.offset)
            }
            Err(e) => Err(e),
        }
    }
}

impl Read for Follow {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        loop {
            let n = self.file.read(buf)?;
            if n > 0 {
                self.offset += n as u64;
                return Ok(n);
            }
            if self.check()? {
                continue;
            }
            if self.stop.load(Ordering::Relaxed) {
                return Ok(0);
            }
            std::thread::sleep(self.poll);
            if self.stop.load(Ordering::Relaxed) {
                return Ok(0);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use std::sync::mpsc;
    use std::time::Instant;

    /// Reads from `follow` on a thread; each chunk read arrives on the channel.
    fn reader(mut follow: Follow) -> (mpsc::Receiver<Vec<u8>>, Arc<AtomicBool>) {
        let stop = follow.stop_handle();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = follow.read(&mut buf) {
                if n == 0 || tx.send(buf[..n].to_vec()).is_err() {
                    break;
                }
            }
        });
        (rx, stop)
    }

    /// Collects what was read until it ends with `want`, or fails after 5 s.
    fn read_until(rx: &mpsc::Receiver<Vec<u8>>, got: &mut Vec<u8>, want: &str) {
        let deadline = Instant::now() + Duration::from_secs(5);
        while !got.ends_with(want.as_bytes()) {
            let left = deadline.saturating_duration_since(Instant::now());
            match rx.recv_timeout(left) {
                Ok(chunk) => got.extend(chunk),
                Err(_) => panic!(
                    "timed out waiting for {want:?}; got {:?}",
                    String::from_utf8_lossy(got)
                ),
            }
        }
    }

    #[test]
    fn follows_growth_rotation_and_truncation() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("app.log");
        std::fs::write(&path, "one\n").unwrap();
        let events = Arc::new(std::sync::Mutex::new(Vec::new()));
        let seen = Arc::clone(&events);
        let follow = Follow::open(&path)
            .unwrap()
            .with_poll(Duration::from_millis(10))
            .on_event(move |e| seen.lock().unwrap().push(e));
        let (rx, stop) = reader(follow);
        let mut got = Vec::new();
        read_until(&rx, &mut got, "one\n");

        // Growth.
        std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap()
            .write_all(b"two\n")
            .unwrap();
        read_until(&rx, &mut got, "two\n");

        // Rotation: the old file moves away, a new one takes its name.
        std::fs::rename(&path, dir.path().join("app.log.1")).unwrap();
        std::fs::write(&path, "three\n").unwrap();
        read_until(&rx, &mut got, "three\n");

        // Truncation (copytruncate): the same file starts over, shorter.
        std::fs::write(&path, "4\n").unwrap();
        read_until(&rx, &mut got, "4\n");

        stop.store(true, Ordering::Relaxed);
        assert_eq!(String::from_utf8_lossy(&got), "one\ntwo\nthree\n4\n");
        let events = events.lock().unwrap();
        assert!(events.contains(&FollowEvent::Rotated), "{events:?}");
        assert!(events.contains(&FollowEvent::Truncated), "{events:?}");
    }

    #[test]
    fn stop_ends_the_stream() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.log");
        std::fs::write(&path, "x\n").unwrap();
        let mut follow = Follow::open(&path)
            .unwrap()
            .with_poll(Duration::from_millis(5));
        let mut buf = [0u8; 16];
        assert_eq!(follow.read(&mut buf).unwrap(), 2);
        follow.stop_handle().store(true, Ordering::Relaxed);
        assert_eq!(follow.read(&mut buf).unwrap(), 0);
    }

    #[test]
    fn a_missing_file_is_an_error_up_front() {
        let dir = tempfile::tempdir().unwrap();
        assert!(matches!(
            Follow::open(&dir.path().join("nope.log")),
            Err(SourceError::NotFound(_))
        ));
        assert!(matches!(
            Follow::open(dir.path()),
            Err(SourceError::IsDirectory(_))
        ));
    }
}
