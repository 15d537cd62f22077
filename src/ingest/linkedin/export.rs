//! Finding an export's files: in a folder or in the ZIP as downloaded, by a
//! name in any case with spaces or underscores, decoded as UTF-8 or
//! Windows-1252 ([`super::text::decode`]).

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use super::text::decode;
use crate::error::{Error, Result};

/// The export's files we read, by normalized name (`connections.csv`, ...).
#[derive(Debug, Default)]
pub struct ExportFiles {
    files: HashMap<String, (PathBuf, Vec<u8>)>,
}

/// Lower case, without spaces or underscores: `Phone Numbers.csv` = `PhoneNumbers.csv`.
fn file_key(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    base.chars()
        .filter(|c| *c != ' ' && *c != '_')
        .flat_map(char::to_lowercase)
        .collect()
}

const WANTED: [&str; 3] = ["connections.csv", "invitations.csv", "profile.csv"];

impl ExportFiles {
    /// Reads the export from a folder or a `.zip` file.
    pub fn open(path: &Path) -> Result<Self> {
        let mut out = Self::default();
        if path.is_dir() {
            let entries = std::fs::read_dir(path).map_err(|e| Error::io("read", path, e))?;
            for entry in entries {
                let p = entry.map_err(|e| Error::io("read", path, e))?.path();
                let key = file_key(&p.to_string_lossy());
                if WANTED.contains(&key.as_str()) && p.is_file() {
                    let bytes = std::fs::read(&p).map_err(|e| Error::io("read", &p, e))?;
                    out.files.insert(key, (p, bytes));
                }
            }
        } else {
            let file = std::fs::File::open(path).map_err(|e| Error::io("read", path, e))?;
            let mut zip = zip::ZipArchive::new(file).map_err(|e| {
                Error::format(
                    path,
                    format!("expected a LinkedIn export folder or ZIP archive ({e})"),
                )
            })?;
            for i in 0..zip.len() {
                let mut f = zip
                    .by_index(i)
                    .map_err(|e| Error::format(path, format!("unreadable ZIP entry ({e})")))?;
                let name = f
                    .name()
                    .map(std::borrow::Cow::into_owned)
                    .unwrap_or_default();
                let key = file_key(&name);
                // The wanted files sit at the root; sub-folders (Jobs/, ...) are skipped.
                if WANTED.contains(&key.as_str())
                    && !f.is_dir()
                    && !name.trim_end_matches('/').contains('/')
                {
                    let mut bytes = Vec::new();
                    f.read_to_end(&mut bytes)
                        .map_err(|e| Error::format(path, format!("unreadable ZIP entry ({e})")))?;
                    let inner = path.join(&name);
                    out.files.insert(key, (inner, bytes));
                }
            }
        }
        if !out.files.contains_key("connections.csv") {
            return Err(Error::format(
                path,
                "expected a LinkedIn export holding Connections.csv",
            ));
        }
        Ok(out)
    }

    /// The file with this normalized name, if present: (path for messages, text,
    /// whether it was decoded as Windows-1252).
    pub fn text(&self, key: &str) -> Option<(PathBuf, String, bool)> {
        let (p, bytes) = self.files.get(key)?;
        let (text, cp1252) = decode(bytes);
        Some((p.clone(), text, cp1252))
    }
}
