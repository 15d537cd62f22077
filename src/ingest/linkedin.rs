//! LinkedIn's data export ("Get a copy of your data"): `Connections.csv`,
//! `Invitations.csv` and `Profile.csv`, from the export folder or the ZIP as
//! downloaded, as LinkedIn has written them across the years (see
//! `shared/domain/FORMATS.md`). The first stage of `netreach import linkedin`.
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
use std::io::Read;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use crate::error::{Error, Result};
use crate::roles::Role;

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

/// UTF-8 (BOM dropped), else Windows-1252; returns the text and whether the
/// fallback was used.
pub fn decode(bytes: &[u8]) -> (String, bool) {
    let bytes = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => (s.to_string(), false),
        Err(_) => (bytes.iter().map(|&b| cp1252(b)).collect(), true),
    }
}

fn cp1252(b: u8) -> char {
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8D}', 'Ž',
        '\u{8F}', '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9D}',
        'ž', 'Ÿ',
    ];
    if (0x80..0xA0).contains(&b) {
        HIGH[usize::from(b - 0x80)]
    } else {
        char::from(b)
    }
}

/// Decodes `%XX` escapes as UTF-8 (invalid sequences kept as written).
fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    let hex = |c: u8| (c as char).to_digit(16).and_then(|d| u8::try_from(d).ok());
    while i < b.len() {
        if b[i] == b'%'
            && i + 2 < b.len()
            && let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2]))
        {
            out.push(h * 16 + l);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| s.to_string())
}

/// The identity key of a profile URL: trimmed, percent-decoded, NFC, without
/// scheme, host, `/in/`, trailing slash, query and fragment, case-folded.
/// `https://www.linkedin.com/in/Luisa-Mej%C3%ADa/` → `luisa-mejía`.
pub fn slug_key(url: &str) -> Option<String> {
    let u = percent_decode(url.trim());
    let u = u.split(['?', '#']).next().unwrap_or_default();
    let path = u.split_once("://").map_or(u, |x| x.1);
    let path = path.split_once('/').map_or("", |x| x.1);
    let slug = path.strip_prefix("in/").unwrap_or(path).trim_matches('/');
    let slug: String = slug.nfc().collect::<String>().to_lowercase();
    (!slug.is_empty()).then_some(slug)
}

/// A name for matching: NFC, whitespace collapsed, case-folded.
pub fn name_key(name: &str) -> String {
    let n: String = name.nfc().collect();
    n.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

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

fn csv_records(text: &str) -> csv::StringRecordsIntoIter<&[u8]> {
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

fn month(s: &str) -> Option<u32> {
    let m = s.get(..3)?.to_lowercase();
    [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ]
    .iter()
    .position(|x| *x == m)
    .and_then(|i| u32::try_from(i + 1).ok())
}

fn year(s: &str) -> Option<u32> {
    let y: u32 = s.parse().ok()?;
    match s.len() {
        2 => Some(2000 + y), // LinkedIn launched in 2003
        4 => Some(y),
        _ => None,
    }
}

fn iso(y: u32, m: u32, d: u32) -> Option<String> {
    ((1..=12).contains(&m) && (1..=31).contains(&d)).then(|| format!("{y:04}-{m:02}-{d:02}"))
}

/// `18 Nov 2026`, `1/8/18, 6:14 PM`, `23-Nov-21`, `2026-11-18` → `YYYY-MM-DD`.
pub fn parse_date(s: &str) -> Option<String> {
    let s = s.trim();
    if let Some(dt) = parse_datetime(s) {
        return Some(dt[..10].to_string());
    }
    let parts: Vec<&str> = s.split([' ', '-']).filter(|p| !p.is_empty()).collect();
    match parts.as_slice() {
        [y, m, d] if y.len() == 4 => iso(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?),
        [d, mon, y] => iso(year(y)?, month(mon)?, d.parse().ok()?),
        _ => None,
    }
}

/// `3/19/26, 7:48 AM` → `2026-03-19T07:48` (12:xx AM is 00:xx); date-only forms give
/// None.
#[allow(clippy::many_single_char_names)] // y, m, d, h as in dates
pub fn parse_datetime(s: &str) -> Option<String> {
    let (date, time) = s.trim().split_once(',')?;
    let mut dp = date.trim().split('/');
    let (m, d, y) = (
        dp.next()?.parse().ok()?,
        dp.next()?.parse().ok()?,
        year(dp.next()?.trim())?,
    );
    let time = time.trim();
    let (hm, ampm) = time
        .split_once(' ')
        .map_or((time, ""), |(a, b)| (a, b.trim()));
    let (h, min) = hm.split_once(':')?;
    let (mut h, min): (u32, u32) = (h.parse().ok()?, min.parse().ok()?);
    match ampm.to_uppercase().as_str() {
        "AM" if h == 12 => h = 0,
        "PM" if h < 12 => h += 12,
        "AM" | "PM" | "" => {}
        _ => return None,
    }
    (h < 24 && min < 60).then_some(())?;
    Some(format!("{}T{h:02}:{min:02}", iso(y, m, d)?))
}

/// Keyword rules that give a role to a position title (docs/sources.md §10). Matching is on
/// normalized tokens and phrases, never raw substrings; recruiter rules first.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TitleRules {
    /// Recruiter rules.
    pub recruiter: RuleSet,
    /// Hiring-manager rules.
    pub hiring_manager: RuleSet,
}

/// One role's rules.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RuleSet {
    /// Whole tokens.
    pub tokens: Vec<String>,
    /// Token prefixes.
    pub prefixes: Vec<String>,
    /// Phrases: consecutive tokens.
    pub phrases: Vec<String>,
}

fn strings(s: &str) -> Vec<String> {
    s.split(',')
        .map(|x| x.trim().to_string())
        .filter(|x| !x.is_empty())
        .collect()
}

impl Default for TitleRules {
    fn default() -> Self {
        Self {
            recruiter: RuleSet {
                tokens: Vec::new(),
                prefixes: strings(
                    "recruit, recrut, reclut, headhunt, sourcer, personalberater, personalvermittler, cazatalentos",
                ),
                phrases: strings(
                    "talent acquisition, talent partner, talent sourcing, head hunter, executive search, hiring consultant, \
                     chasseur de tetes, chasseuse de tetes, chasseur de talents, chasseuse de talents, \
                     seleccion de personal, atraccion de talento",
                ),
            },
            hiring_manager: RuleSet {
                tokens: strings(
                    "cto, ceo, cfo, coo, cpo, cio, vp, svp, evp, chief, founder, cofounder, director, directora, directeur, \
                     directrice, diretor, diretora, gerente, jefe, jefa, fundador, fundadora, fondateur, fondatrice, \
                     geschaftsfuhrer, geschaftsfuhrerin, responsable",
                ),
                prefixes: strings("teamleiter, abteilungsleiter, bereichsleiter"),
                phrases: strings(
                    "hiring manager, engineering manager, head of, vice president, team lead, managing director",
                ),
            },
        }
    }
}

/// NFKD, combining marks dropped, `ı`→`i`, `ß`→`ss`, lower case, every run of
/// characters outside `[0-9a-z]` one space; then split into tokens.
pub fn title_tokens(title: &str) -> Vec<String> {
    let mut s = String::with_capacity(title.len());
    for c in title.nfkd().filter(|c| !is_combining_mark(*c)) {
        match c {
            'ı' => s.push('i'),
            'ß' => s.push_str("ss"),
            c => s.extend(c.to_lowercase()),
        }
    }
    let cleaned: String = s
        .chars()
        .map(|c| {
            if c.is_ascii_lowercase() || c.is_ascii_digit() {
                c
            } else {
                ' '
            }
        })
        .collect();
    cleaned.split_whitespace().map(str::to_string).collect()
}

impl RuleSet {
    fn matches(&self, tokens: &[String]) -> bool {
        tokens.iter().any(|t| {
            self.tokens.iter().any(|r| r == t)
                || self.prefixes.iter().any(|p| t.starts_with(p.as_str()))
        }) || self.phrases.iter().any(|p| {
            let want = title_tokens(p);
            !want.is_empty() && tokens.windows(want.len()).any(|w| w == want.as_slice())
        })
    }
}

impl TitleRules {
    /// Reads rules from a TOML file with `[recruiter]` and `[hiring_manager]`
    /// tables of `tokens`, `prefixes` and `phrases` (they replace the defaults).
    pub fn from_file(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io("read", path, e))?;
        toml::from_str(&text).map_err(|e| {
            let line = e.span().map_or(1, |s| {
                text[..s.start.min(text.len())].matches('\n').count() as u64 + 1
            });
            Error::Config {
                at: crate::error::Location::new(path, line),
                message: e.message().trim().to_string(),
            }
        })
    }

    /// The role a title implies: recruiter rules first, then hiring manager.
    pub fn classify(&self, title: &str) -> Option<Role> {
        let tokens = title_tokens(title);
        if self.recruiter.matches(&tokens) {
            Some(Role::Recruiter)
        } else if self.hiring_manager.matches(&tokens) {
            Some(Role::HiringManager)
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_follow_the_keyword_rules() {
        let r = TitleRules::default();
        for t in [
            "Talent Acquisition Specialist",
            "Technical Recruiter",
            "Chasseur de talents",
            "Tech Recruiter",
            "Senior Talent Partner",
            "Analista de recrutamento e seleção",
            "Recruiterin",
            "Recruitment Marketing",
            "Headhunter",
            "Selección de Personal",
        ] {
            assert_eq!(r.classify(t), Some(Role::Recruiter), "{t}");
        }
        for t in [
            "Director of Engineering",
            "Co-Founder",
            "VP Sales",
            "Head of Data",
            "Geschäftsführer",
            "Responsable marketing",
            "Engineering Manager",
        ] {
            assert_eq!(r.classify(t), Some(Role::HiringManager), "{t}");
        }
        for t in [
            "Doctoral researcher",
            "Directorate analyst",
            "Manager",
            "Team Leader?",
            "HR Partner",
            "Talent",
            "採用担当",
        ] {
            assert_eq!(r.classify(t), None, "{t}");
        }
    }

    #[test]
    fn slugs_match_across_encodings() {
        let a =
            slug_key("https://www.linkedin.com/in/luisa-fernanda-bula-mej%C3%ADa-1234").unwrap();
        let b = slug_key("https://www.linkedin.com/in/Luisa-Fernanda-Bula-Mejía-1234/").unwrap();
        assert_eq!(a, b);
        assert_eq!(
            slug_key("http://fr.linkedin.com/in/abc?trk=x#y").unwrap(),
            "abc"
        );
        assert_eq!(slug_key(""), None);
    }

    #[test]
    fn dates_in_every_format() {
        assert_eq!(parse_date("18 Nov 2026").as_deref(), Some("2026-11-18"));
        assert_eq!(parse_date("02 May 2022").as_deref(), Some("2022-05-02"));
        assert_eq!(parse_date("1/8/18, 6:14 PM").as_deref(), Some("2018-01-08"));
        assert_eq!(parse_date("23-Nov-21").as_deref(), Some("2021-11-23"));
        assert_eq!(parse_date("2026-11-18").as_deref(), Some("2026-11-18"));
        assert_eq!(parse_date("soon"), None);
        assert_eq!(
            parse_datetime("3/19/26, 7:48 AM").as_deref(),
            Some("2026-03-19T07:48")
        );
        assert_eq!(
            parse_datetime("3/19/26, 12:05 AM").as_deref(),
            Some("2026-03-19T00:05")
        );
        assert_eq!(
            parse_datetime("3/19/26, 12:05 PM").as_deref(),
            Some("2026-03-19T12:05")
        );
    }

    #[test]
    fn windows_1252_is_decoded() {
        let (s, fallback) = decode(b"Caf\xe9 \x93quoted\x94");
        assert!(fallback);
        assert_eq!(s, "Café “quoted”");
        let (s, fallback) = decode("\u{feff}Notes:".as_bytes());
        assert!(!fallback);
        assert_eq!(s, "Notes:");
    }
}

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
