//! LinkedIn's data export ("Get a copy of your data"): `Connections.csv`,
//! `Invitations.csv` and `Profile.csv`, from the export folder or the ZIP as
//! downloaded, as LinkedIn has written them across the years (see
//! `docs/formats.md`). The first stage of `netreach import linkedin`.
//!
//! | file | what |
//! |---|---|
//! | `linkedin/export.rs` | the export's files, in a folder or a ZIP |
//! | `linkedin/text.rs` | decoding (UTF-8, Windows-1252) and the keys people are matched by |
//! | `linkedin/parse.rs` | `Connections.csv` and `Invitations.csv` |
//! | `linkedin/dates.rs` | dates in every format seen |
//! | `linkedin/titles.rs` | roles from position titles |
//! | `linkedin.rs` | matching invitations to connections, and the import |
//!
//! What it copes with: file names in any case with spaces or underscores; a UTF-8
//! byte-order mark, or Windows-1252 text from an Excel re-save (decoded, and
//! reported); a `Notes:` preamble of any length (the header is found by its
//! cells, never by skipping lines); 6- or 7-column headers mapped by name; quoted
//! commas, doubled quotes and line breaks inside fields; hidden-profile rows that
//! hold only a date (counted, no person made); every date format seen; profile URLs
//! percent-encoded in one file and not in the other; the same person twice; and
//! name-only matching in old exports, where two connections with one name make an
//! ambiguous match that is reported, never guessed.
//!
//! People are keyed by their normalized profile slug, else a valid email, else
//! their normalized name (or, in Excel-trimmed files without names, their row).
//! Roles come from position titles by [`TitleRules`].

use std::collections::HashMap;
use std::path::Path;

use serde::Deserialize;

use crate::error::Result;
use crate::roles::Role;

mod dates;
mod export;
mod parse;
mod text;
mod titles;

pub use dates::{parse_date, parse_datetime};
pub use export::ExportFiles;
use parse::csv_records;
pub use parse::{
    Connection, ConnectionsFile, Direction, InvitationRecord, InvitationsFile, parse_connections,
    parse_invitations,
};
pub use text::{decode, name_key, slug_key};
pub use titles::{RuleSet, TitleRules, title_tokens};

#[cfg(test)]
mod tests;

/// How an invitation relates to the connections.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InvitationStatus {
    /// The counterpart is a connection (index into the people).
    Connected(usize),
    /// Not connected: pending, ignored or withdrawn (the export does not say which).
    Pending,
    /// Matched by name to two or more connections: reported, not guessed.
    Ambiguous,
}

/// An invitation with its counterpart's identity key and status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatchedInvitation {
    /// The row.
    pub record: InvitationRecord,
    /// The counterpart's identity key.
    pub key: String,
    /// Connected, pending or ambiguous.
    pub status: InvitationStatus,
}

/// The counts `netreach import linkedin` reports (and writes to
/// `import-summary.json`).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, Deserialize)]
pub struct ImportSummary {
    /// Distinct connections.
    pub connections: u64,
    /// Connection rows merged into an earlier one.
    pub duplicates_merged: u64,
    /// Connection rows with only a date.
    pub hidden_rows: u64,
    /// Connections whose title says recruiter.
    pub recruiters: u64,
    /// Connections whose title says hiring manager.
    pub hiring_managers: u64,
    /// Invitations received.
    pub invitations_incoming: u64,
    /// Invitations sent.
    pub invitations_outgoing: u64,
    /// Received invitations from people not connected (distinct people).
    pub pending_incoming: u64,
    /// Sent invitations to people not connected (distinct people).
    pub pending_outgoing: u64,
    /// Invitations matched by name to several connections.
    pub ambiguous_matches: u64,
    /// Invitation rows with an unknown direction (skipped).
    pub unknown_directions: u64,
    /// Dates in either file that matched no known format.
    pub unparsed_dates: u64,
    /// Files decoded as Windows-1252.
    pub windows_1252_files: u64,
}

/// A parsed and matched export.
#[derive(Debug, Clone)]
pub struct Import {
    /// The owner's name from `Profile.csv`, if present.
    pub owner_name: Option<String>,
    /// The owner's profile URL, from `Invitations.csv`, if present.
    pub owner_url: Option<String>,
    /// The connections.
    pub connections: ConnectionsFile,
    /// The role of each connection, from its title.
    pub roles: Vec<Option<Role>>,
    /// Every invitation with a known direction.
    pub invitations: Vec<MatchedInvitation>,
    /// The counts.
    pub summary: ImportSummary,
}

/// Reads and matches an export folder or ZIP.
#[allow(clippy::too_many_lines)] // read, classify, match, count: one pass each
pub fn import(export: &Path, rules: &TitleRules) -> Result<Import> {
    let files = ExportFiles::open(export)?;
    let (cpath, ctext, c1252) = files.text("connections.csv").expect("checked by open");
    let connections = parse_connections(&ctext, &cpath)?;
    let invitations_file = match files.text("invitations.csv") {
        Some((p, t, w)) => (parse_invitations(&t, &p)?, w),
        None => (InvitationsFile::default(), false),
    };
    let owner_name = files.text("profile.csv").and_then(|(_, t, _)| {
        let mut recs = csv_records(&t);
        let header: Vec<String> = recs
            .next()?
            .ok()?
            .iter()
            .map(|c| c.trim().to_lowercase())
            .collect();
        let row = recs.next()?.ok()?;
        let col = |n: &str| {
            header
                .iter()
                .position(|h| h == n)
                .and_then(|i| row.get(i))
                .map_or("", str::trim)
        };
        let name = format!("{} {}", col("first name"), col("last name"))
            .trim()
            .to_string();
        (!name.is_empty()).then_some(name)
    });
    let title_roles: Vec<Option<Role>> = connections
        .people
        .iter()
        .map(|p| rules.classify(&p.position))
        .collect();
    let by_key: HashMap<&str, usize> = connections
        .people
        .iter()
        .enumerate()
        .map(|(i, p)| (p.key.as_str(), i))
        .collect();
    let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, p) in connections.people.iter().enumerate() {
        by_name.entry(name_key(&p.name)).or_default().push(i);
    }
    let mut summary = ImportSummary {
        connections: connections.people.len() as u64,
        duplicates_merged: connections.duplicates_merged,
        hidden_rows: connections.hidden_rows,
        recruiters: title_roles
            .iter()
            .filter(|r| **r == Some(Role::Recruiter))
            .count() as u64,
        hiring_managers: title_roles
            .iter()
            .filter(|r| **r == Some(Role::HiringManager))
            .count() as u64,
        unknown_directions: invitations_file.0.unknown_directions,
        unparsed_dates: connections.unparsed_dates + invitations_file.0.unparsed_dates,
        windows_1252_files: u64::from(c1252) + u64::from(invitations_file.1),
        ..ImportSummary::default()
    };
    let mut owner_url = None;
    let mut pending_seen: std::collections::HashSet<(bool, String)> =
        std::collections::HashSet::new();
    let mut invitations = Vec::new();
    for rec in invitations_file.0.rows {
        if owner_url.is_none() {
            owner_url.clone_from(&rec.owner_url);
        }
        let url_key = rec
            .counterpart_url
            .as_deref()
            .and_then(slug_key)
            .map(|k| format!("url:{k}"));
        let nk = name_key(&rec.counterpart_name);
        let status = if let Some(&i) = url_key.as_deref().and_then(|k| by_key.get(k)) {
            InvitationStatus::Connected(i)
        } else {
            // Name matching only against connections without a URL, or when the
            // invitation has none.
            let candidates: Vec<usize> = by_name
                .get(&nk)
                .map(|v| {
                    v.iter()
                        .copied()
                        .filter(|&i| url_key.is_none() || connections.people[i].url.is_none())
                        .collect()
                })
                .unwrap_or_default();
            match candidates.len() {
                0 => InvitationStatus::Pending,
                1 => InvitationStatus::Connected(candidates[0]),
                _ => InvitationStatus::Ambiguous,
            }
        };
        let key = match status {
            InvitationStatus::Connected(i) => connections.people[i].key.clone(),
            _ => url_key.unwrap_or_else(|| format!("name:{nk}")),
        };
        let incoming = rec.direction == Direction::Incoming;
        if incoming {
            summary.invitations_incoming += 1;
        } else {
            summary.invitations_outgoing += 1;
        }
        match status {
            InvitationStatus::Ambiguous => summary.ambiguous_matches += 1,
            InvitationStatus::Pending if pending_seen.insert((incoming, key.clone())) => {
                if incoming {
                    summary.pending_incoming += 1;
                } else {
                    summary.pending_outgoing += 1;
                }
            }
            _ => {}
        }
        invitations.push(MatchedInvitation {
            record: rec,
            key,
            status,
        });
    }
    Ok(Import {
        owner_name,
        owner_url,
        connections,
        roles: title_roles,
        invitations,
        summary,
    })
}
