//! Output files: every file netreach writes (tables, charts, reports, graph files)
//! goes through here, so no failed or interrupted run leaves a half-written file.
//! On the ground floor, beside [`crate::error`]: ingest, results, charts and the
//! command line all write through it.
//!
//! # How a file is written
//! 1. [`check_outputs`] refuses, before any work, an output that already exists,
//!    unless the caller's [`Overwrite`] policy allows replacing it.
//! 2. [`write_atomically`] (or [`write_through_path`] for libraries that want a
//!    path, such as plotters) writes a temporary file beside the output,
//!    `.tmp-PID-NAME`, registered in the process's pending-file registry.
//! 3. When complete, the file is flushed to disk and renamed over the output: the
//!    output either appears whole or not at all. On any error the temporary file is
//!    removed.
//!
//! A Ctrl-C handler calls [`remove_pending_files`], which deletes the temporary
//! files still being written. That registry is the crate's only process-wide
//! mutable state; the overwrite policy is always an argument.
//!
//! # Example
//! ```
//! use netreach::output::{Overwrite, write_text};
//! let dir = tempfile::tempdir()?;
//! let path = dir.path().join("note.txt");
//! write_text(&path, "hello\n", Overwrite::Refuse)?;
//! assert!(write_text(&path, "again\n", Overwrite::Refuse).is_err()); // exists
//! write_text(&path, "again\n", Overwrite::Replace)?;
//! assert_eq!(std::fs::read_to_string(&path)?, "again\n");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::error::{Error, Result};

/// Whether outputs may replace existing files (the command line's `--force`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Overwrite {
    /// An existing output is an error ([`Error::OutputExists`]); the default.
    #[default]
    Refuse,
    /// Existing outputs are replaced.
    Replace,
}

impl Overwrite {
    /// `Replace` when `force`, else `Refuse`.
    pub fn from_force(force: bool) -> Self {
        if force {
            Overwrite::Replace
        } else {
            Overwrite::Refuse
        }
    }
}

/// Fails with [`Error::OutputExists`] for the first of `paths` that exists, unless
/// `overwrite` allows replacing it. Call it before any work, so a refused run does
/// nothing at all.
pub fn check_outputs<P: AsRef<Path>>(
    paths: impl IntoIterator<Item = P>,
    overwrite: Overwrite,
) -> Result<()> {
    if overwrite == Overwrite::Replace {
        return Ok(());
    }
    match paths.into_iter().find(|p| p.as_ref().exists()) {
        Some(p) => Err(Error::OutputExists {
            path: p.as_ref().to_path_buf(),
        }),
        None => Ok(()),
    }
}

/// The error a writer callback may return.
#[derive(Debug)]
pub enum WriteError {
    /// An I/O error, reported as "cannot write PATH".
    Io(std::io::Error),
    /// A netreach error, reported as it is.
    Netreach(Error),
}

impl From<std::io::Error> for WriteError {
    fn from(e: std::io::Error) -> Self {
        WriteError::Io(e)
    }
}

impl From<Error> for WriteError {
    fn from(e: Error) -> Self {
        WriteError::Netreach(e)
    }
}

/// Runs `write` on a buffered temporary file beside `path`, then renames it to
/// `path`. Creates missing parent folders. On any error the temporary file is
/// removed and `path` is untouched. An existing `path` is an error unless
/// `overwrite` allows it.
pub fn write_atomically<E>(
    path: &Path,
    overwrite: Overwrite,
    write: impl FnOnce(&mut BufWriter<File>) -> Result<(), E>,
) -> Result<()>
where
    E: Into<WriteError>,
{
    write_through_path(path, overwrite, |tmp| {
        let file = File::create(tmp).map_err(|e| Error::io("create", tmp, e))?;
        let mut w = BufWriter::new(file);
        write(&mut w).map_err(|e| match e.into() {
            WriteError::Io(e) => Error::io("write", path, e),
            WriteError::Netreach(e) => e,
        })?;
        let file = w
            .into_inner()
            .map_err(|e| Error::io("write", path, e.into_error()))?;
        file.sync_all().map_err(|e| Error::io("write", path, e))
    })
}

/// Like [`write_atomically`] for writers that take a path (plotters' backends):
/// `write` creates and fills the temporary file it is given; it is renamed to
/// `path` when `write` succeeds and removed when it fails.
pub fn write_through_path<T>(
    path: &Path,
    overwrite: Overwrite,
    write: impl FnOnce(&Path) -> Result<T>,
) -> Result<T> {
    check_outputs([path], overwrite)?;
    let tmp = temp_path(path);
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|e| Error::io("create the folder", parent, e))?;
    }
    let _pending = PENDING.register(&tmp);
    let outcome = write(&tmp).and_then(|value| {
        std::fs::rename(&tmp, path)
            .map(|()| value)
            .map_err(|e| Error::io("write", path, e))
    });
    if outcome.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    outcome
}

/// Writes plain text to `path` atomically.
pub fn write_text(path: &Path, text: &str, overwrite: Overwrite) -> Result<()> {
    write_atomically(path, overwrite, |w| w.write_all(text.as_bytes()))
}

/// Deletes every temporary output file still being written (for a Ctrl-C handler):
/// an interrupted run leaves no partial file. Finished outputs are kept.
pub fn remove_pending_files() {
    PENDING.remove_all();
}

/// The temporary name of `path` while it is written: `.tmp-PID-NAME` beside it,
/// keeping the extension (plotters' bitmap backend picks its encoder by it).
fn temp_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".tmp-{}-{name}", std::process::id()))
}

/// Temporary files being written right now.
#[derive(Debug, Default)]
struct PendingFiles(Mutex<Vec<PathBuf>>);

/// The process's registry, emptied by [`remove_pending_files`].
static PENDING: PendingFiles = PendingFiles(Mutex::new(Vec::new()));

impl PendingFiles {
    /// Registers `path` for as long as the returned guard lives.
    fn register(&self, path: &Path) -> Pending<'_> {
        if let Ok(mut p) = self.0.lock() {
            p.push(path.to_path_buf());
        }
        Pending {
            registry: self,
            path: path.to_path_buf(),
        }
    }

    /// Deletes every registered file.
    fn remove_all(&self) {
        if let Ok(p) = self.0.lock() {
            for path in p.iter() {
                let _ = std::fs::remove_file(path);
            }
        }
    }
}

/// A registered temporary file; unregistered when dropped.
struct Pending<'a> {
    registry: &'a PendingFiles,
    path: PathBuf,
}

impl Drop for Pending<'_> {
    fn drop(&mut self) {
        if let Ok(mut p) = self.registry.0.lock() {
            p.retain(|x| x != &self.path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failed_write_leaves_no_file() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("x.csv");
        let r = write_atomically(&out, Overwrite::Refuse, |_w| {
            Err(std::io::Error::other("boom"))
        });
        assert!(r.is_err());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn existing_outputs_are_refused_unless_replacing() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("x.txt");
        write_text(&out, "1", Overwrite::Refuse).unwrap();
        let e = write_text(&out, "2", Overwrite::Refuse).unwrap_err();
        assert!(matches!(e, Error::OutputExists { .. }), "{e}");
        assert_eq!(std::fs::read_to_string(&out).unwrap(), "1");
        write_text(&out, "2", Overwrite::Replace).unwrap();
        assert_eq!(std::fs::read_to_string(&out).unwrap(), "2");
    }

    #[test]
    fn pending_files_are_removed_on_interrupt_and_forgotten_when_done() {
        // A registry of this test's own, so files other tests are writing through
        // the process's registry at the same moment are never touched.
        let registry = PendingFiles::default();
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join(".a.tmp"), dir.path().join(".b.tmp"));
        std::fs::write(&a, "partial").unwrap();
        std::fs::write(&b, "done").unwrap();
        let _writing = registry.register(&a);
        drop(registry.register(&b)); // finished and renamed: no longer pending
        registry.remove_all();
        assert!(!a.exists(), "the file being written is removed");
        assert!(b.exists(), "a finished file is kept");
    }
}
