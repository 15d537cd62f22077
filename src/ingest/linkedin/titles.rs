//! Roles from position titles: keyword rules on normalized tokens and
//! phrases (recruiters first), with defaults that a TOML file can replace.

use std::path::Path;

use serde::Deserialize;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use crate::error::{Error, Result};
use crate::roles::Role;

/// Keyword rules that give a role to a position title (docs/sources.md §11). Matching is on
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
