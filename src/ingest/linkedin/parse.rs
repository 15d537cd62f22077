//! The two CSV files people are read from, `Connections.csv` and
//! `Invitations.csv`: the header found by its cells after any `Notes:`
//! preamble, columns mapped by name, hidden-profile rows counted, dates read
//! in every format seen ([`super::dates`]).

use std::collections::HashMap;
use std::path::Path;

use super::dates::{parse_date, parse_datetime};
use super::text::{name_key, slug_key};
use crate::error::{Error, Result};

/// A person found in `Connections.csv`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Connection {
    /// Identity key (`url:…`, `email:…` or `name:…`).
    pub key: String,
    /// Full name as written (trimmed).
    pub name: String,
    /// Profile URL, if any.
    pub url: Option<String>,
    /// Email, if valid.
    pub email: Option<String>,
    /// Company.
    pub company: String,
    /// Position title.
    pub position: String,
    /// `Connected On` as an ISO date, if it parsed.
    pub connected_on: Option<String>,
    /// 1-based line of the record.
    pub line: u64,
}

/// What parsing `Connections.csv` found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConnectionsFile {
    /// Distinct people.
    pub people: Vec<Connection>,
    /// Records read after the header.
    pub rows: u64,
    /// Rows holding only a date (hidden or closed profiles).
    pub hidden_rows: u64,
    /// Rows merged into an earlier one with the same key.
    pub duplicates_merged: u64,
    /// Dates that matched no known format.
    pub unparsed_dates: u64,
    /// Whether the file had to be decoded as Windows-1252.
    pub windows_1252: bool,
}

pub(super) fn csv_records(text: &str) -> csv::StringRecordsIntoIter<&[u8]> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes())
        .into_records()
}

/// Finds the header record: the first whose trimmed cells include all of `need`.
fn find_header(
    records: &mut csv::StringRecordsIntoIter<&[u8]>,
    path: &Path,
    need: &[&[&str]],
) -> Result<HashMap<String, usize>> {
    for rec in records.by_ref() {
        let rec = rec.map_err(|e| csv_err(path, &e))?;
        let cells: Vec<String> = rec.iter().map(|c| c.trim().to_lowercase()).collect();
        if need.iter().any(|set| {
            set.iter()
                .all(|n| cells.iter().any(|c| c == &n.to_lowercase()))
        }) {
            return Ok(cells.into_iter().enumerate().map(|(i, c)| (c, i)).collect());
        }
    }
    Err(Error::format(
        path,
        format!("expected a header line with {}", need[0].join(", ")),
    ))
}

/// The trimmed value of column `name` (by the header map) in `rec`; empty if absent.
fn cell(cols: &HashMap<String, usize>, rec: &csv::StringRecord, name: &str) -> String {
    cols.get(name)
        .and_then(|&i| rec.get(i))
        .map(str::trim)
        .unwrap_or_default()
        .to_string()
}

fn csv_err(path: &Path, e: &csv::Error) -> Error {
    let line = e.position().map_or(1, csv::Position::line);
    Error::parse(path, line, "a well-formed CSV record", &e.to_string())
}

/// Parses `Connections.csv` text.
pub fn parse_connections(text: &str, path: &Path) -> Result<ConnectionsFile> {
    let mut records = csv_records(text);
    let cols = find_header(
        &mut records,
        path,
        &[
            &["First Name", "Connected On"],
            &["Company", "Position", "Connected On"],
        ],
    )?;
    let get = |rec: &csv::StringRecord, name: &str| cell(&cols, rec, name);
    let mut out = ConnectionsFile::default();
    let mut index: HashMap<String, usize> = HashMap::new();
    for rec in records {
        let rec = rec.map_err(|e| csv_err(path, &e))?;
        let line = rec.position().map_or(0, csv::Position::line);
        if rec.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        out.rows += 1;
        let (first, last) = (get(&rec, "first name"), get(&rec, "last name"));
        let name = format!("{first} {last}").trim().to_string();
        let url = Some(get(&rec, "url")).filter(|u| !u.is_empty());
        let email = Some(get(&rec, "email address")).filter(|e| e.contains('@'));
        let (company, position) = (get(&rec, "company"), get(&rec, "position"));
        let date = get(&rec, "connected on");
        let connected_on = parse_date(&date);
        if connected_on.is_none() && !date.is_empty() {
            out.unparsed_dates += 1;
        }
        if name.is_empty()
            && url.is_none()
            && email.is_none()
            && company.is_empty()
            && position.is_empty()
        {
            out.hidden_rows += 1;
            continue;
        }
        let key = if let Some(k) = url.as_deref().and_then(slug_key) {
            format!("url:{k}")
        } else if let Some(e) = &email {
            format!("email:{}", e.to_lowercase())
        } else if !name.is_empty() {
            format!("name:{}", name_key(&name))
        } else {
            // An Excel-trimmed file without names: a connection nobody can match.
            format!("row:{line}")
        };
        if index.contains_key(&key) {
            out.duplicates_merged += 1;
            continue;
        }
        index.insert(key.clone(), out.people.len());
        out.people.push(Connection {
            key,
            name,
            url,
            email,
            company,
            position,
            connected_on,
            line,
        });
    }
    Ok(out)
}

/// Who sent an invitation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Someone invited the owner.
    Incoming,
    /// The owner invited someone.
    Outgoing,
}

/// One row of `Invitations.csv`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvitationRecord {
    /// Direction.
    pub direction: Direction,
    /// The other person's display name.
    pub counterpart_name: String,
    /// The other person's profile URL, if given.
    pub counterpart_url: Option<String>,
    /// The owner's profile URL, if given.
    pub owner_url: Option<String>,
    /// `Sent At` as ISO `YYYY-MM-DDTHH:MM` (no time zone), if it parsed.
    pub sent_at: Option<String>,
    /// 1-based line.
    pub line: u64,
}

/// What parsing `Invitations.csv` found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InvitationsFile {
    /// Rows with a known direction.
    pub rows: Vec<InvitationRecord>,
    /// Rows whose direction is neither INCOMING nor OUTGOING (skipped).
    pub unknown_directions: u64,
    /// Dates that matched no known format.
    pub unparsed_dates: u64,
}

/// Parses `Invitations.csv` text.
pub fn parse_invitations(text: &str, path: &Path) -> Result<InvitationsFile> {
    let mut records = csv_records(text);
    let cols = find_header(&mut records, path, &[&["From", "To", "Direction"]])?;
    let get = |rec: &csv::StringRecord, name: &str| cell(&cols, rec, name);
    let mut out = InvitationsFile::default();
    for rec in records {
        let rec = rec.map_err(|e| csv_err(path, &e))?;
        let line = rec.position().map_or(0, csv::Position::line);
        if rec.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let direction = match get(&rec, "direction").to_uppercase().as_str() {
            "INCOMING" => Direction::Incoming,
            "OUTGOING" => Direction::Outgoing,
            _ => {
                out.unknown_directions += 1;
                continue;
            }
        };
        let (by_url, to_url) = (
            get(&rec, "inviterprofileurl"),
            get(&rec, "inviteeprofileurl"),
        );
        let some = |s: String| Some(s).filter(|x| !x.is_empty());
        let (counterpart_name, counterpart_url, owner_url) = match direction {
            Direction::Incoming => (get(&rec, "from"), some(by_url), some(to_url)),
            Direction::Outgoing => (get(&rec, "to"), some(to_url), some(by_url)),
        };
        let raw = get(&rec, "sent at");
        let sent_at = parse_datetime(&raw);
        if sent_at.is_none() && !raw.is_empty() {
            out.unparsed_dates += 1;
        }
        out.rows.push(InvitationRecord {
            direction,
            counterpart_name,
            counterpart_url,
            owner_url,
            sent_at,
            line,
        });
    }
    Ok(out)
}
