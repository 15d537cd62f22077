//! The files of `netreach import linkedin`: `edges.csv` (owner to each
//! connection), `nodes.csv`, `invitations.csv` (pending ones) and
//! `import-summary.json`, written from an [`Import`].
//!
//! # Privacy
//! People are pseudonymous by default: each gets `p-` and 12 hex digits of
//! SHA-256(salt, identity key) ([`pseudonym`]); the owner is `owner`. The salt is
//! random, kept in `salt.txt` beside the outputs so a later import into the same
//! folder gives the same ids, and without it an id cannot be traced back to a
//! person. Names, profile URLs, emails, companies and titles reach an output only
//! with `keep_names`. `company_group` (always) is a salted hash of the normalized
//! company name: equal for colleagues, meaningless without the salt. It is also
//! written as `firm`, with `industry` `unknown` (an export names none), so the
//! table reads as a nodes table (`[graph] nodes`, `advise --nodes`).
//!
//! # Columns
//! | file | columns |
//! |---|---|
//! | `edges.csv` | `source, target` |
//! | `nodes.csv` | `node, role, kind` (`owner`, `connection`, `pending_inviter`, `pending_invitee`), `connected_on` (ISO date), `firm` (the company group), `industry` (`unknown`), `company_group`; with `keep_names` also `name, url, email, company, position` |
//! | `invitations.csv` | `to, from, direction` (`incoming`/`outgoing`), `sent_at` (ISO, no time zone) |
//! | `import-summary.json` | the counts of [`ImportSummary`] and `pseudonymized` |

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use polars::prelude::*;
use serde::{Deserialize, Serialize};

use super::{table_err, write_table};
use crate::error::{Error, Result};
use crate::ingest::linkedin::{Direction, Import, ImportSummary, InvitationStatus, name_key};
use crate::output::{Overwrite, write_text};
use crate::roles::Role;

/// The name of the summary file in an import folder.
pub const SUMMARY_FILE: &str = "import-summary.json";

/// `import-summary.json`: the import's counts and whether ids are pseudonyms.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportSummaryFile {
    /// The counts.
    #[serde(flatten)]
    pub counts: ImportSummary,
    /// Whether people were given pseudonymous ids.
    pub pseudonymized: bool,
}

impl ImportSummaryFile {
    /// Reads `DIR/import-summary.json`.
    pub fn read(dir: &Path) -> Result<Self> {
        let path = dir.join(SUMMARY_FILE);
        let text = std::fs::read_to_string(&path).map_err(|e| {
            Error::format(
                &path,
                format!(
                    "cannot read it ({e}); expected a folder written by netreach import linkedin"
                ),
            )
        })?;
        serde_json::from_str(&text).map_err(|e| {
            Error::format(
                &path,
                format!("expected the summary netreach import linkedin writes ({e})"),
            )
        })
    }
}

/// Each connection's role and company group, from an import's `nodes.csv`.
pub fn read_connections(dir: &Path) -> Result<Vec<(Option<Role>, Option<String>)>> {
    let path = dir.join("nodes.csv");
    let bad = |e: csv::Error| Error::format(&path, format!("cannot read it as CSV ({e})"));
    let mut reader = csv::Reader::from_path(&path).map_err(|e| match e.kind() {
        csv::ErrorKind::Io(_) => Error::format(
            &path,
            "cannot read it; expected a folder written by netreach import linkedin",
        ),
        _ => bad(e),
    })?;
    let header = reader.headers().map_err(bad)?.clone();
    let col = |name: &str| header.iter().position(|h| h == name);
    let (Some(role), Some(kind)) = (col("role"), col("kind")) else {
        return Err(Error::format(
            &path,
            "expected the columns role and kind (written by netreach import linkedin)",
        ));
    };
    let group = col("company_group");
    let mut out = Vec::new();
    for rec in reader.records() {
        let rec = rec.map_err(bad)?;
        if rec.get(kind) == Some("connection") {
            let r = rec.get(role).and_then(|r| r.parse::<Role>().ok());
            let g = group
                .and_then(|i| rec.get(i))
                .filter(|x| !x.is_empty())
                .map(str::to_string);
            out.push((r, g));
        }
    }
    Ok(out)
}

/// A stable pseudonymous id for an identity key: `p-` and 12 hex digits of
/// SHA-256(salt, key). Without the salt the id cannot be traced back to a person.
pub fn pseudonym(salt: &str, key: &str) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::new()
        .chain_update(salt.as_bytes())
        .chain_update([0u8])
        .chain_update(key.as_bytes())
        .finalize();
    let mut out = String::from("p-");
    for b in &digest[..6] {
        let _ = write!(out, "{b:02x}");
    }
    out
}

/// The salt for `dir`'s pseudonyms: read from `dir/salt.txt`, or made (random) and
/// written there, so a later import into the same folder gives the same ids.
pub fn import_salt(dir: &Path) -> Result<String> {
    let path = dir.join("salt.txt");
    if let Ok(s) = std::fs::read_to_string(&path) {
        let s = s.trim().to_string();
        if !s.is_empty() {
            return Ok(s);
        }
    }
    let mut rng = rand::rng();
    let salt: String = (0..32)
        .map(|_| {
            char::from_digit(u32::from(rand::RngExt::random_range(&mut rng, 0..16u8)), 16)
                .unwrap_or('0')
        })
        .collect();
    // Only an absent or blank salt file is (re)written.
    write_text(&path, &format!("{salt}\n"), Overwrite::Replace)?;
    Ok(salt)
}

/// Writes an imported export into `dir` (see the module doc for the files and
/// their columns); returns the files written.
#[allow(clippy::too_many_lines)] // one column list per table
pub fn write_linkedin_import(
    dir: &Path,
    import: &Import,
    keep_names: bool,
    overwrite: Overwrite,
) -> Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io("create the folder", dir, e))?;
    let salt = import_salt(dir)?;
    let id = |key: &str| -> String {
        if keep_names {
            key.to_string()
        } else {
            pseudonym(&salt, key)
        }
    };
    let people = &import.connections.people;
    let ids: Vec<String> = people.iter().map(|p| id(&p.key)).collect();
    // Nodes: owner, connections, pending counterparts (once each).
    let mut node = vec!["owner".to_string()];
    let mut role: Vec<Option<&str>> = vec![None];
    let mut kind = vec!["owner"];
    let mut connected_on: Vec<Option<String>> = vec![None];
    let mut names: Vec<Option<String>> = vec![import.owner_name.clone()];
    let mut urls: Vec<Option<String>> = vec![import.owner_url.clone()];
    let mut emails: Vec<Option<String>> = vec![None];
    let mut companies: Vec<Option<String>> = vec![None];
    let mut positions: Vec<Option<String>> = vec![None];
    let mut groups: Vec<Option<String>> = vec![None];
    for (i, p) in people.iter().enumerate() {
        node.push(ids[i].clone());
        role.push(import.roles[i].map(crate::roles::Role::as_str));
        kind.push("connection");
        connected_on.push(p.connected_on.clone());
        names.push(Some(p.name.clone()));
        urls.push(p.url.clone());
        emails.push(p.email.clone());
        companies.push(Some(p.company.clone()));
        let company = name_key(&p.company);
        groups.push(
            (!company.is_empty())
                .then(|| pseudonym(&salt, &format!("company:{company}")).replacen("p-", "c-", 1)),
        );
        positions.push(Some(p.position.clone()));
    }
    let mut seen = std::collections::HashSet::new();
    let (mut to, mut from, mut direction, mut sent_at) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for inv in &import.invitations {
        if inv.status != InvitationStatus::Pending {
            continue;
        }
        let other = id(&inv.key);
        let incoming = inv.record.direction == Direction::Incoming;
        if !seen.insert((incoming, other.clone())) {
            continue;
        }
        node.push(other.clone());
        role.push(None);
        kind.push(if incoming {
            "pending_inviter"
        } else {
            "pending_invitee"
        });
        connected_on.push(None);
        names.push(Some(inv.record.counterpart_name.clone()));
        urls.push(inv.record.counterpart_url.clone());
        emails.push(None);
        companies.push(None);
        positions.push(None);
        groups.push(None);
        let (t, f) = if incoming {
            ("owner".to_string(), other)
        } else {
            (other, "owner".to_string())
        };
        to.push(t);
        from.push(f);
        direction.push(if incoming { "incoming" } else { "outgoing" });
        sent_at.push(inv.record.sent_at.clone());
    }
    let mut cols = vec![
        Column::new("node".into(), node),
        Column::new("role".into(), role),
        Column::new("kind".into(), kind),
        Column::new("connected_on".into(), connected_on),
        Column::new("firm".into(), groups.clone()),
        // The export names no industry: one, unknown, for every firm.
        Column::new(
            "industry".into(),
            groups
                .iter()
                .map(|g| g.as_ref().map(|_| "unknown"))
                .collect::<Vec<Option<&str>>>(),
        ),
        Column::new("company_group".into(), groups),
    ];
    if keep_names {
        cols.push(Column::new("name".into(), names));
        cols.push(Column::new("url".into(), urls));
        cols.push(Column::new("email".into(), emails));
        cols.push(Column::new("company".into(), companies));
        cols.push(Column::new("position".into(), positions));
    }
    let mut nodes = DataFrame::new_infer_height(cols).map_err(table_err("nodes"))?;
    let mut edges = DataFrame::new_infer_height(vec![
        Column::new("source".into(), vec!["owner"; ids.len()]),
        Column::new("target".into(), ids),
    ])
    .map_err(table_err("edges"))?;
    let mut invitations = DataFrame::new_infer_height(vec![
        Column::new("to".into(), to),
        Column::new("from".into(), from),
        Column::new("direction".into(), direction),
        Column::new("sent_at".into(), sent_at),
    ])
    .map_err(table_err("invitations"))?;
    let mut written = Vec::new();
    for (name, df) in [
        ("edges.csv", &mut edges),
        ("nodes.csv", &mut nodes),
        ("invitations.csv", &mut invitations),
    ] {
        let path = dir.join(name);
        write_table(df, &path, overwrite)?;
        written.push(path);
    }
    let summary = ImportSummaryFile {
        counts: import.summary.clone(),
        pseudonymized: !keep_names,
    };
    let mut json = serde_json::to_string_pretty(&summary)
        .map_err(|e| Error::Invalid(format!("cannot encode the import summary: {e}")))?;
    json.push('\n');
    let path = dir.join(SUMMARY_FILE);
    write_text(&path, &json, overwrite)?;
    written.push(path);
    Ok(written)
}
