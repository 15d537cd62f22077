//! The vocabulary of the result tables: their names, their column names and the
//! typed values of the `summary` table's `measure` and `scope` columns. Writers
//! ([`super`]), readers ([`super::read`]), charts and the report all spell the
//! schema through these, so a column is named in exactly one place.

use std::fmt;
use std::str::FromStr;

use crate::error::{Error, Result};
use crate::reach::Counts;

/// Column names, as written in every table that has them.
pub mod column {
    /// The person, as their external id (`reach` table of `netreach reach`).
    pub const SOURCE: &str = "source";
    /// The person, as their external id (experiment tables).
    pub const PERSON: &str = "person";
    /// Replicate, from 0.
    pub const REPLICATE: &str = "replicate";
    /// A strategy, as spelled on the command line.
    pub const STRATEGY: &str = "strategy";
    /// The swept parameter's value, empty outside a sweep.
    pub const SWEEP_VALUE: &str = "sweep_value";
    /// Week of the experiment.
    pub const WEEK: &str = "week";
    /// Connection degree k.
    pub const DEGREE: &str = "degree";
    /// Members at exactly degree k.
    pub const NODES: &str = "nodes";
    /// Recruiters at exactly degree k.
    pub const RECRUITERS: &str = "recruiters";
    /// Hiring managers at exactly degree k.
    pub const HIRING_MANAGERS: &str = "hiring_managers";
    /// Suffix of the cumulative reach columns (`nodes_up_to`, ...).
    pub const UP_TO_SUFFIX: &str = "_up_to";
    /// Invitations accepted.
    pub const ACCEPTED: &str = "accepted";
    /// Invitations received.
    pub const RECEIVED: &str = "received";
    /// Fake accounts accepted.
    pub const FAKE_ACCEPTED: &str = "fake_accepted";
    /// Mean mutual connections of the accepted inviters.
    pub const ACCEPTED_MUTUAL_MEAN: &str = "accepted_mutual_mean";
    /// Median mutual connections of the accepted inviters.
    pub const ACCEPTED_MUTUAL_MEDIAN: &str = "accepted_mutual_median";
    /// A [`Measure`](super::Measure).
    pub const MEASURE: &str = "measure";
    /// A [`Scope`](super::Scope).
    pub const SCOPE: &str = "scope";
    /// Mean over observations.
    pub const MEAN: &str = "mean";
    /// Standard deviation over observations.
    pub const SD: &str = "sd";
    /// Median over observations.
    pub const MEDIAN: &str = "median";
    /// 10th percentile.
    pub const P10: &str = "p10";
    /// 90th percentile.
    pub const P90: &str = "p90";
    /// Lower end of the 95% confidence interval of the mean.
    pub const CI95_LOW: &str = "ci95_low";
    /// Upper end of the 95% confidence interval of the mean.
    pub const CI95_HIGH: &str = "ci95_high";
    /// People contributing (summary), or real people in the network (network).
    pub const PEOPLE: &str = "people";
    /// Observations contributing.
    pub const OBSERVATIONS: &str = "observations";
    /// Number of connections (degrees table).
    pub const NEIGHBORS: &str = "neighbors";
    /// Fake accounts added to the network.
    pub const FAKE_ACCOUNTS: &str = "fake_accounts";
    /// Connections in the network.
    pub const EDGES: &str = "edges";
    /// People studied.
    pub const STUDIED: &str = "studied";
    /// Ties on a lead's shortest carrying path (leads table).
    pub const HOPS: &str = "hops";
    /// Expected leads a week whose shortest carrying path has exactly `hops` ties.
    pub const EXPECTED_LEADS: &str = "expected_leads";
    /// Expected leads a week within `hops` ties.
    pub const EXPECTED_LEADS_UP_TO: &str = "expected_leads_up_to";
    /// Probability of at least one lead a week within `hops` ties.
    pub const P_ANY_UP_TO: &str = "p_any_up_to";
    /// `adoption`: the share of the population following the strategy.
    pub const SHARE: &str = "share";
    /// `adoption`: whether the person follows the strategy too.
    pub const ADOPTER: &str = "adopter";
    /// With `[market]`: expected offers a week from leads within `hops` ties.
    pub const EXPECTED_OFFERS_UP_TO: &str = "expected_offers_up_to";
    /// Who sent an accepted invitation (ties table).
    pub const INVITER: &str = "inviter";
    /// Mutual connections of an accepted tie at acceptance.
    pub const MUTUAL: &str = "mutual";
    /// Whether the inviter is a fake account.
    pub const FAKE: &str = "fake";
    /// The inviter's connections in the base graph.
    pub const INVITER_CONNECTIONS: &str = "inviter_connections";
    /// What one accepted tie adds to expected leads within the max degree.
    pub const MARGINAL_LEADS: &str = "marginal_leads";
    /// `ties`: expected leads the tie adds with no other invitation accepted.
    pub const STANDALONE_LEADS: &str = "standalone_leads";
    /// `ties`, with `[market]`: what the tie adds to expected offers.
    pub const MARGINAL_OFFERS: &str = "marginal_offers";
    /// `ties`, with `[market]`: expected offers the tie adds alone.
    pub const STANDALONE_OFFERS: &str = "standalone_offers";
    /// `by_connections`: the bin of the person's connections before the first week.
    pub const CONNECTIONS_BIN: &str = "connections_bin";
    /// `by_connections`: the lower end of the mean's 95% interval.
    pub const CI_LOW: &str = "ci_low";
    /// `by_connections`: the upper end of the mean's 95% interval.
    pub const CI_HIGH: &str = "ci_high";
}

/// The tables of a results folder, each written as `NAME.parquet` and/or `NAME.csv`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Table {
    /// One row per replicate × person × strategy × week × degree.
    Reach,
    /// One row per replicate × person × strategy × week.
    People,
    /// One row per strategy × week × measure (× degree).
    Summary,
    /// One row of facts about the network.
    Network,
    /// The degree distribution: `neighbors, people`.
    Degrees,
    /// Expected job leads: one row per replicate × person × strategy × week × hops.
    Leads,
    /// Accepted ties and their marginal leads: one row per tie accepted by the last week.
    Ties,
    /// The summary by the people's connections before the first week: one row
    /// per strategy × week × connections bin × measure (× degree).
    ByConnections,
    /// Each person studied at each share of adopters (experiments with
    /// `[adoption]`): one row per replicate × person × strategy × share ×
    /// adopter × degree.
    Adoption,
}

impl Table {
    /// Every table of an experiment's results folder, in writing order.
    pub const ALL: [Table; 9] = [
        Table::Reach,
        Table::People,
        Table::Summary,
        Table::Network,
        Table::Degrees,
        Table::Leads,
        Table::Ties,
        Table::ByConnections,
        Table::Adoption,
    ];

    /// The file stem.
    pub fn name(self) -> &'static str {
        match self {
            Table::Reach => "reach",
            Table::People => "people",
            Table::Summary => "summary",
            Table::Network => "network",
            Table::Degrees => "degrees",
            Table::Leads => "leads",
            Table::Ties => "ties",
            Table::ByConnections => "by_connections",
            Table::Adoption => "adoption",
        }
    }
}

/// What a `summary` row measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Measure {
    /// Members reached.
    Nodes,
    /// Recruiters reached.
    Recruiters,
    /// Hiring managers reached.
    HiringManagers,
    /// Invitations received, per person.
    Received,
    /// Invitations accepted, per person.
    Accepted,
    /// Fake accounts accepted, per person.
    FakeAccepted,
    /// Mean mutual connections of the accepted inviters, per person who accepted any.
    AcceptedMutualMean,
    /// Members reached within the degree divided by the people in the network
    /// (fake accounts excluded): how much of the network a person's reach covers.
    NetworkShare,
    /// Expected job leads a week within the degree (experiments with `[leads]`).
    ExpectedLeads,
    /// Probability of at least one job lead a week within the degree.
    PAnyLead,
    /// Expected offers a week from leads within the degree (experiments with
    /// `[market]`).
    ExpectedOffers,
    /// The share of the openings a week relevant to the person (weighted by
    /// firm rate and relevance) at firms the person has a 1st-degree
    /// connection at (scope `at_degree`, degree 1; experiments with `[leads]`).
    HiringFirmConnected,
}

impl Measure {
    /// The three reach measures, in column order.
    pub const REACH: [Measure; 3] = [Measure::Nodes, Measure::Recruiters, Measure::HiringManagers];

    /// Every measure, in the order the summary lists them.
    pub const ALL: [Measure; 12] = [
        Measure::Nodes,
        Measure::Recruiters,
        Measure::HiringManagers,
        Measure::Received,
        Measure::Accepted,
        Measure::FakeAccepted,
        Measure::AcceptedMutualMean,
        Measure::NetworkShare,
        Measure::ExpectedLeads,
        Measure::PAnyLead,
        Measure::ExpectedOffers,
        Measure::HiringFirmConnected,
    ];

    /// The spelling in tables.
    pub fn as_str(self) -> &'static str {
        match self {
            Measure::Nodes => column::NODES,
            Measure::Recruiters => column::RECRUITERS,
            Measure::HiringManagers => column::HIRING_MANAGERS,
            Measure::Received => column::RECEIVED,
            Measure::Accepted => column::ACCEPTED,
            Measure::FakeAccepted => column::FAKE_ACCEPTED,
            Measure::AcceptedMutualMean => column::ACCEPTED_MUTUAL_MEAN,
            Measure::NetworkShare => "network_share",
            Measure::ExpectedLeads => "expected_leads",
            Measure::PAnyLead => "p_any_lead",
            Measure::ExpectedOffers => "expected_offers",
            Measure::HiringFirmConnected => "hiring_firm_connected",
        }
    }

    /// The count of a reach measure in `c`; `None` for the per-person measures.
    pub fn of(self, c: &Counts) -> Option<u64> {
        match self {
            Measure::Nodes => Some(c.nodes),
            Measure::Recruiters => Some(c.recruiters),
            Measure::HiringManagers => Some(c.hiring_managers),
            _ => None,
        }
    }
}

impl fmt::Display for Measure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Measure {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        Measure::ALL
            .into_iter()
            .find(|m| m.as_str() == s)
            .ok_or_else(|| Error::Invalid(format!("unknown measure {s:?}")))
    }
}

/// Over what a `summary` row's measure is taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Scope {
    /// Reach at exactly the row's degree.
    AtDegree,
    /// Cumulative reach up to the row's degree.
    UpToDegree,
    /// A per-person count (no degree).
    PerPerson,
}

impl Scope {
    /// Every scope.
    pub const ALL: [Scope; 3] = [Scope::AtDegree, Scope::UpToDegree, Scope::PerPerson];

    /// The spelling in tables.
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::AtDegree => "at_degree",
            Scope::UpToDegree => "up_to_degree",
            Scope::PerPerson => "per_person",
        }
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Scope {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        Scope::ALL
            .into_iter()
            .find(|m| m.as_str() == s)
            .ok_or_else(|| Error::Invalid(format!("unknown scope {s:?}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_round_trip() {
        for m in Measure::ALL {
            assert_eq!(m.as_str().parse::<Measure>().unwrap(), m);
        }
        for s in Scope::ALL {
            assert_eq!(s.to_string().parse::<Scope>().unwrap(), s);
        }
        assert!("recruiter".parse::<Measure>().is_err());
    }
}
