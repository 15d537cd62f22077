//! `netreach import linkedin`: LinkedIn's data export into netreach's inputs
//! (`import graph` is [`crate::ingest::binary::write`] on a loaded graph).

use std::path::{Path, PathBuf};

use crate::error::Result;
use crate::ingest::linkedin::{Import, TitleRules, import};
use crate::output::Overwrite;
use crate::results::import::{SUMMARY_FILE, write_linkedin_import};

/// The files `import linkedin` writes into `dir`: check them before work.
pub fn linkedin_outputs(dir: &Path) -> [PathBuf; 4] {
    ["edges.csv", "nodes.csv", "invitations.csv", SUMMARY_FILE].map(|f| dir.join(f))
}

/// Reads the export at `export` (folder or ZIP), classifies titles by `rules`,
/// and writes the import into `dir` (pseudonymous unless `keep_names`). Returns
/// the import and the files written.
pub fn linkedin(
    export: &Path,
    rules: &TitleRules,
    dir: &Path,
    keep_names: bool,
    overwrite: Overwrite,
) -> Result<(Import, Vec<PathBuf>)> {
    let import = import(export, rules)?;
    let files = write_linkedin_import(dir, &import, keep_names, overwrite)?;
    Ok((import, files))
}
