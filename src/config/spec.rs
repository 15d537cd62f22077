//! [`GraphSpec`]: the generator settings shared by `netreach generate`'s flags
//! and an experiment's `[graph]` table, checked into a [`GraphModel`].

use serde::Deserialize;

use crate::error::{Error, Result};
use crate::firms::FirmPlan;
use crate::generate::linkedin::LinkedInParams;
use crate::generate::{DegreeDistribution, GraphModel, LINKEDIN_CAP, ModelName};

/// Generator settings: a model (or the LinkedIn preset) and its parameters, each
/// optional with the documented default.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GraphSpec {
    /// `ba`, `holme-kim`, `watts-strogatz`, `sbm` or `chung-lu`.
    pub model: Option<String>,
    /// `linkedin`.
    pub preset: Option<String>,
    /// Nodes to generate, or (an experiment's `[graph] nodes = "nodes.csv"`,
    /// with `edges`) a nodes table: roles, firms and industries.
    pub nodes: Option<NodesKey>,
    /// Mean connections per person.
    pub avg_degree: Option<f64>,
    /// Holme–Kim triad probability; LinkedIn closure share.
    pub triad_prob: Option<f64>,
    /// Watts–Strogatz rewiring probability.
    pub rewire_prob: Option<f64>,
    /// Industries (sbm, linkedin).
    pub communities: Option<u32>,
    /// Share of links between industries (sbm, linkedin).
    pub mixing: Option<f64>,
    /// `lognormal` or `powerlaw` (chung-lu, linkedin).
    pub degree_dist: Option<String>,
    /// Log-normal σ.
    pub sigma: Option<f64>,
    /// Power-law exponent.
    pub exponent: Option<f64>,
    /// Largest expected degree.
    pub cap: Option<u32>,
    /// Share of block-model links between colleagues (linkedin).
    pub firm_ties: Option<f64>,
    /// Most people in one labour market (linkedin).
    pub market_size: Option<u32>,
}

/// `nodes`: a count to generate, or a nodes table's path.
#[derive(Debug, Clone, PartialEq)]
pub enum NodesKey {
    /// How many nodes to generate.
    Count(u32),
    /// A `node, role, firm, industry` table for a network read from files.
    Table(std::path::PathBuf),
}

impl<'de> Deserialize<'de> for NodesKey {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct Key;
        impl serde::de::Visitor<'_> for Key {
            type Value = NodesKey;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a whole number of nodes, or a nodes table's path in quotes")
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> std::result::Result<NodesKey, E> {
                u32::try_from(v)
                    .map(NodesKey::Count)
                    .map_err(|_| E::custom(format!("{v} nodes; expected at most {}", u32::MAX)))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> std::result::Result<NodesKey, E> {
                match u64::try_from(v) {
                    Ok(v) => self.visit_u64(v),
                    Err(_) => Err(E::invalid_value(serde::de::Unexpected::Signed(v), &self)),
                }
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> std::result::Result<NodesKey, E> {
                Ok(NodesKey::Table(v.into()))
            }
        }
        d.deserialize_any(Key)
    }
}

/// How a setting is spelled in messages: as a flag or as a TOML key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Spelling {
    /// `--triad-prob`
    Flag,
    /// `triad_prob`
    Key,
}

impl Spelling {
    fn name(self, key: &str) -> String {
        match self {
            Spelling::Flag => format!("--{}", key.replace('_', "-")),
            Spelling::Key => key.to_string(),
        }
    }
}

impl GraphSpec {
    /// The model these settings describe; settings that the model does not use
    /// are errors naming them.
    #[allow(clippy::too_many_lines)] // a flat mapping, one arm per model
    pub fn to_model(&self, spelling: Spelling) -> Result<GraphModel> {
        let name = match (&self.model, &self.preset) {
            (Some(_), Some(_)) => {
                return Err(Error::Invalid(format!(
                    "give {} or {}, not both",
                    spelling.name("model"),
                    spelling.name("preset")
                )));
            }
            (None, None) => {
                return Err(Error::Invalid(format!(
                    "give {} or {}",
                    spelling.name("model"),
                    spelling.name("preset")
                )));
            }
            (Some(m), None) => m.parse::<ModelName>()?.to_string(),
            (None, Some(p)) if p == "linkedin" => "linkedin".to_string(),
            (None, Some(p)) => {
                return Err(Error::Invalid(format!(
                    "unknown preset {p:?}; expected linkedin"
                )));
            }
        };
        let used: [(&str, bool, &[&str]); 10] = [
            (
                "triad_prob",
                self.triad_prob.is_some(),
                &["holme-kim", "linkedin"],
            ),
            (
                "rewire_prob",
                self.rewire_prob.is_some(),
                &["watts-strogatz"],
            ),
            (
                "communities",
                self.communities.is_some(),
                &["sbm", "linkedin"],
            ),
            ("mixing", self.mixing.is_some(), &["sbm", "linkedin"]),
            (
                "degree_dist",
                self.degree_dist.is_some(),
                &["chung-lu", "linkedin"],
            ),
            ("sigma", self.sigma.is_some(), &["chung-lu", "linkedin"]),
            (
                "exponent",
                self.exponent.is_some(),
                &["chung-lu", "linkedin"],
            ),
            ("cap", self.cap.is_some(), &["chung-lu", "linkedin"]),
            ("firm_ties", self.firm_ties.is_some(), &["linkedin"]),
            ("market_size", self.market_size.is_some(), &["linkedin"]),
        ];
        for (key, set, models) in used {
            if set && !models.contains(&name.as_str()) {
                return Err(Error::Invalid(format!(
                    "{} applies to {} only, not to {name}",
                    spelling.name(key),
                    models.join(" and ")
                )));
            }
        }
        let distribution = match self.degree_dist.as_deref() {
            None | Some("lognormal") => {
                if self.exponent.is_some() {
                    return Err(Error::Invalid(format!(
                        "{} applies to powerlaw degrees only",
                        spelling.name("exponent")
                    )));
                }
                DegreeDistribution::LogNormal {
                    sigma: self.sigma.unwrap_or(if name == "linkedin" {
                        crate::generate::linkedin::PRESET_SIGMA
                    } else {
                        1.0
                    }),
                }
            }
            Some("powerlaw") => {
                if self.sigma.is_some() {
                    return Err(Error::Invalid(format!(
                        "{} applies to lognormal degrees only",
                        spelling.name("sigma")
                    )));
                }
                DegreeDistribution::PowerLaw {
                    exponent: self.exponent.unwrap_or(2.5),
                }
            }
            Some(other) => {
                return Err(Error::Invalid(format!(
                    "{} must be lognormal or powerlaw, got {other:?}",
                    spelling.name("degree_dist")
                )));
            }
        };
        let count = match &self.nodes {
            Some(NodesKey::Count(n)) => Some(*n),
            Some(NodesKey::Table(_)) => {
                return Err(Error::Invalid(format!(
                    "{} names a nodes table, which goes with graph.edges; a generated network takes a count",
                    spelling.name("nodes")
                )));
            }
            None => None,
        };
        let nodes = count.unwrap_or(10_000);
        let d = self.avg_degree.unwrap_or(20.0);
        // Below 1 the models would quietly round up to a tree (or nothing).
        if !(d.is_finite() && d >= 1.0) {
            return Err(Error::Invalid(format!(
                "{} must be at least 1 (the mean number of connections per person), got {d}",
                spelling.name("avg_degree")
            )));
        }
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let half = (d / 2.0).round().max(1.0) as u32;
        Ok(match name.as_str() {
            "linkedin" => {
                let p = LinkedInParams::default();
                GraphModel::LinkedIn(LinkedInParams {
                    nodes: count.unwrap_or(p.nodes),
                    avg_degree: self.avg_degree.unwrap_or(p.avg_degree),
                    distribution,
                    cap: self.cap.unwrap_or(p.cap),
                    communities: self.communities.unwrap_or(p.communities),
                    mixing: self.mixing.unwrap_or(p.mixing),
                    triad_fraction: self.triad_prob.unwrap_or(p.triad_fraction),
                    firm_ties: self.firm_ties.unwrap_or(p.firm_ties),
                    firms: FirmPlan {
                        market_size: self.market_size.unwrap_or(p.firms.market_size),
                        ..p.firms
                    },
                })
            }
            "ba" => GraphModel::BarabasiAlbert { nodes, m: half },
            "holme-kim" => GraphModel::HolmeKim {
                nodes,
                m: half,
                triad_prob: self.triad_prob.unwrap_or(0.5),
            },
            "watts-strogatz" => GraphModel::WattsStrogatz {
                nodes,
                k: 2 * half,
                rewire_prob: self.rewire_prob.unwrap_or(0.1),
            },
            "sbm" => GraphModel::Sbm {
                nodes,
                communities: self.communities.unwrap_or(10),
                avg_degree: d,
                mixing: self.mixing.unwrap_or(0.2),
            },
            _ => GraphModel::ChungLu {
                nodes,
                avg_degree: d,
                distribution,
                cap: self.cap.unwrap_or(LINKEDIN_CAP),
            },
        })
    }
}
