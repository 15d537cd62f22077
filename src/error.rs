//! Errors of the library: one typed [`Error`] for every stage, carrying the
//! [`Location`] (file and line) of bad input where there is one.
//!
//! Messages are one sentence of what this layer knows; an underlying cause is kept
//! in `#[source]`, so `{:#}` at the binary edge prints the chain once.

use std::fmt;
use std::path::{Path, PathBuf};

/// Where bad input is; `line` starts at 1. Shown as `data/edges.tsv:17`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The file the bad input came from.
    pub path: PathBuf,
    /// 1-based line (for text files) or 1-based row (for Parquet).
    pub line: u64,
}

impl Location {
    /// A location in `path` at 1-based `line`.
    pub fn new(path: impl AsRef<Path>, line: u64) -> Self {
        Self {
            path: path.as_ref().to_path_buf(),
            line,
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.path.display(), self.line)
    }
}

/// Everything that can go wrong in netreach's library.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A file could not be opened, read or written.
    #[error("cannot {action} {}", .path.display())]
    Io {
        /// What was being done: "read", "write", "create" ...
        action: &'static str,
        /// The file concerned.
        path: PathBuf,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
    /// A line or record of an input file does not have the expected shape.
    #[error("{at}: expected {expected}, found {found:?}")]
    Parse {
        /// Where the bad record is.
        at: Location,
        /// What was expected, e.g. "two node ids".
        expected: String,
        /// What was there (shortened if long).
        found: String,
    },
    /// A file is structurally wrong as a whole (missing column, bad header, bad compression).
    #[error("{}: {message}", .path.display())]
    Format {
        /// The file concerned.
        path: PathBuf,
        /// One sentence saying what was expected.
        message: String,
    },
    /// An experiment file is malformed or has a bad key or value.
    #[error("{at}: {message}")]
    Config {
        /// Where the bad setting is.
        at: Location,
        /// What is wrong, naming the key.
        message: String,
    },
    /// An input contained no edges (after dropping self-loops).
    #[error("{}: the graph has no edges; expected at least one edge between two different nodes", .path.display())]
    EmptyGraph {
        /// The file that held no usable edge.
        path: PathBuf,
    },
    /// The same node was given two different roles.
    #[error("{}: node {:?} is given role {:?}, but {} already gave it role {:?}", .0.second, .0.node, .0.second_role, .0.first, .0.first_role)]
    ConflictingRole(Box<RoleConflict>),
    /// A graph has more distinct nodes than fit a `u32` id.
    #[error("{}: the graph has more than 4,294,967,295 distinct nodes, which does not fit netreach's 32-bit node ids", .path.display())]
    TooManyNodes {
        /// The file being loaded.
        path: PathBuf,
    },
    /// Loading would need more memory than the machine has available.
    #[error("{}: building the graph needs about {needed_mib} MiB more memory, but only {available_mib} MiB is available; free memory or use a machine with more", .path.display())]
    OutOfMemory {
        /// The file being loaded.
        path: PathBuf,
        /// MiB still to allocate.
        needed_mib: u64,
        /// MiB available (`MemAvailable`, or `NETREACH_MEMORY_LIMIT`).
        available_mib: u64,
    },
    /// An output already exists and replacing it was not allowed.
    #[error("{} already exists; use --force to replace it, or choose another output", .path.display())]
    OutputExists {
        /// The existing output.
        path: PathBuf,
    },
    /// A user-given value (strategy, source id, option) is not valid.
    #[error("{0}")]
    Invalid(String),
    /// The processes of a cluster could not connect, disagreed, or lost each other.
    #[error("{0}")]
    Cluster(String),
    /// A polars operation failed while reading or writing a table.
    #[error("{context}")]
    Table {
        /// What was being done, naming the file.
        context: String,
        /// polars' error.
        #[source]
        source: polars::error::PolarsError,
    },
}

/// Two rows giving one node different roles.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleConflict {
    /// The node concerned, as written in the file.
    pub node: String,
    /// Where the first role was given.
    pub first: Location,
    /// The first role.
    pub first_role: String,
    /// Where the conflicting role was given.
    pub second: Location,
    /// The conflicting role.
    pub second_role: String,
}

/// netreach's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// A parse error at `path:line`; `found` is shortened to 80 characters.
    pub fn parse(path: &Path, line: u64, expected: impl Into<String>, found: &str) -> Self {
        Error::Parse {
            at: Location::new(path, line),
            expected: expected.into(),
            found: shorten(found),
        }
    }

    /// An I/O error while doing `action` on `path`.
    pub fn io(action: &'static str, path: &Path, source: std::io::Error) -> Self {
        Error::Io {
            action,
            path: path.to_path_buf(),
            source,
        }
    }

    /// A whole-file format error.
    pub fn format(path: &Path, message: impl Into<String>) -> Self {
        Error::Format {
            path: path.to_path_buf(),
            message: message.into(),
        }
    }
}

/// Shortens `s` to at most 80 characters for messages, replacing control bytes.
pub(crate) fn shorten(s: &str) -> String {
    const MAX: usize = 80;
    let mut out: String = s
        .chars()
        .take(MAX)
        .map(|c| {
            if c.is_control() && c != '\t' {
                '\u{FFFD}'
            } else {
                c
            }
        })
        .collect();
    if s.chars().nth(MAX).is_some() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_error_names_file_line_and_expectation() {
        let e = Error::parse(Path::new("edges.txt"), 1043, "two node ids", "12 abc");
        assert_eq!(
            e.to_string(),
            r#"edges.txt:1043: expected two node ids, found "12 abc""#
        );
    }

    #[test]
    fn long_found_text_is_shortened() {
        let long = "x".repeat(1000);
        let e = Error::parse(Path::new("a"), 1, "y", &long);
        assert!(e.to_string().len() < 200);
    }
}
