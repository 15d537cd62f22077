//! An experiment file as written: the TOML sections and keys, with their
//! defaults, deserialized as they stand (unknown keys refused by serde). What
//! they mean, checked and with paths resolved, is [`super::Experiment`].

use std::path::PathBuf;

use serde::Deserialize;

use super::spec::GraphSpec;
use crate::reach::leads::LeadModel;
use crate::roles::RolePlan;

/// An experiment file as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExperimentConfig {
    /// A short name, used for the output folder.
    pub name: String,
    /// One line saying what the experiment asks.
    #[serde(default)]
    pub description: String,
    /// Seed of everything random.
    #[serde(default)]
    pub seed: u64,
    /// Independent replicates of the invitations.
    #[serde(default = "one")]
    pub replicates: u32,
    /// Largest connection degree counted (default 3).
    #[serde(default = "three")]
    pub max_degree: u8,
    /// The network.
    pub graph: GraphConfig,
    /// Roles on a generated network.
    #[serde(default)]
    pub roles: RolesConfig,
    /// Who is studied.
    pub people: PeopleConfig,
    /// How invitations arrive.
    pub invitations: InvitationsConfig,
    /// Strategies, as spelled on the command line.
    pub strategies: Vec<String>,
    /// An optional sweep over one strategy parameter.
    pub sweep: Option<SweepConfig>,
    /// Expected job leads (optional).
    pub leads: Option<LeadsConfig>,
    /// Seekers who compete for the openings (optional; needs `[leads]`).
    pub market: Option<MarketConfig>,
    /// Shares of the population following each strategy (optional).
    pub adoption: Option<AdoptionConfig>,
    /// What to write.
    #[serde(default)]
    pub output: OutputConfig,
}

/// `[leads]`: the job-leads model; each key defaults to [`LeadModel::default`].
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LeadsConfig {
    /// Monte Carlo worlds, a multiple of 64.
    pub worlds: Option<u32>,
    /// Openings a firm opens per employee per week.
    pub openings_per_employee: Option<f64>,
    /// Probability that an ordinary employee knows of one of the firm's openings.
    pub insider_knows: Option<f64>,
    /// Relevance of an opening in the seeker's industry.
    pub relevance_same: Option<f64>,
    /// Relevance of an opening in another industry.
    pub relevance_other: Option<f64>,
    /// Pass probability of a tie without mutual connections.
    pub pass_weak: Option<f64>,
    /// Pass probability approached with many mutual connections.
    pub pass_strong: Option<f64>,
    /// Mutual connections halfway from weak to strong.
    pub half_mutual: Option<f64>,
    /// Probability that the seeker's own connection forwards.
    pub forward_near: Option<f64>,
    /// Probability that an intermediary further away forwards.
    pub forward_far: Option<f64>,
    /// Pass probability of a tie to a fake account.
    pub fake_pass: Option<f64>,
}

impl LeadsConfig {
    /// The model, defaults filled in.
    pub fn model(&self) -> LeadModel {
        let d = LeadModel::default();
        LeadModel {
            worlds: self.worlds.unwrap_or(d.worlds),
            openings_per_employee: self
                .openings_per_employee
                .unwrap_or(d.openings_per_employee),
            insider_knows: self.insider_knows.unwrap_or(d.insider_knows),
            relevance_same: self.relevance_same.unwrap_or(d.relevance_same),
            relevance_other: self.relevance_other.unwrap_or(d.relevance_other),
            pass_weak: self.pass_weak.unwrap_or(d.pass_weak),
            pass_strong: self.pass_strong.unwrap_or(d.pass_strong),
            half_mutual: self.half_mutual.unwrap_or(d.half_mutual),
            forward_near: self.forward_near.unwrap_or(d.forward_near),
            forward_far: self.forward_far.unwrap_or(d.forward_far),
            fake_pass: self.fake_pass.unwrap_or(d.fake_pass),
        }
    }
}

/// `[market]`: seekers who compete for the same openings.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MarketConfig {
    /// Share of the population looking for work at once (default
    /// [`crate::reach::leads::DEFAULT_SEEKERS`]).
    pub seekers: Option<f64>,
    /// Worlds in which offers are counted (default 64).
    pub worlds: Option<u32>,
}

/// `[adoption]`: shares of the whole population following each strategy.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdoptionConfig {
    /// Shares from 0 to 1, ascending.
    pub shares: Vec<f64>,
}

impl MarketConfig {
    /// The market, defaults filled in and checked against the leads'
    /// `worlds`: `Err((key, message))` names the first bad key.
    pub fn model(
        &self,
        leads_worlds: u32,
    ) -> std::result::Result<crate::reach::leads::MarketModel, (&'static str, String)> {
        let d = crate::reach::leads::MarketModel::default();
        let seekers = self.seekers.unwrap_or(d.seekers);
        if !(seekers > 0.0 && seekers <= 1.0) {
            return Err((
                "seekers",
                format!("{seekers}; expected a share of the population above 0 and at most 1"),
            ));
        }
        let worlds = self.worlds.unwrap_or(d.worlds);
        if worlds == 0 || !worlds.is_multiple_of(64) || worlds > leads_worlds {
            return Err((
                "worlds",
                format!(
                    "{worlds}; expected a multiple of 64 from 64 to the leads' {leads_worlds} worlds"
                ),
            ));
        }
        Ok(crate::reach::leads::MarketModel { seekers, worlds })
    }
}

impl AdoptionConfig {
    /// The shares, checked: `Err((key, message))` when they are not
    /// ascending shares from 0 to 1.
    pub fn checked(&self) -> std::result::Result<Vec<f64>, (&'static str, String)> {
        let s = &self.shares;
        if s.is_empty()
            || s.iter().any(|x| !(0.0..=1.0).contains(x))
            || s.windows(2).any(|w| w[0] >= w[1])
        {
            return Err((
                "shares",
                format!(
                    "{s:?}; expected ascending shares of the population from 0 to 1, such as [0.0, 0.1, 0.5, 1.0]"
                ),
            ));
        }
        Ok(s.clone())
    }
}

fn one() -> u32 {
    1
}
fn three() -> u8 {
    3
}

/// `[graph]`: generator settings, or files.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GraphConfig {
    /// Edge list or table (instead of a model), relative to the experiment file.
    pub edges: Option<PathBuf>,
    /// Roles table for `edges`.
    pub roles: Option<PathBuf>,
    /// Generator settings.
    #[serde(flatten)]
    pub spec: GraphSpec,
}

/// `[roles]`: role shares for a generated network.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RolesConfig {
    /// Share of recruiters.
    pub recruiters: f64,
    /// Share of hiring managers.
    pub hiring_managers: f64,
    /// `uniform`, `degree-biased` or `community`.
    pub placement: String,
    /// α of the bias.
    pub bias_exponent: f64,
}

impl Default for RolesConfig {
    fn default() -> Self {
        let p = RolePlan::default();
        Self {
            recruiters: p.recruiter_rate,
            hiring_managers: p.hiring_manager_rate,
            placement: p.placement.to_string(),
            bias_exponent: p.bias_exponent,
        }
    }
}

/// `[people]`: who is studied.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PeopleConfig {
    /// How many people to draw (among those passing the filters).
    pub sample: Option<usize>,
    /// Explicit external ids instead of a sample.
    pub ids: Option<Vec<String>>,
    /// Only people with at least this many connections.
    pub min_connections: Option<usize>,
    /// Only people with at most this many connections.
    pub max_connections: Option<usize>,
    /// Only people with this role: `recruiter`, `hiring_manager` or `none`.
    pub role: Option<String>,
}

/// `[invitations]`: arrivals per person.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InvitationsConfig {
    /// Weeks simulated.
    pub weeks: u32,
    /// Mean invitations per person per week (Poisson).
    pub per_week: f64,
    /// Weight of friends-of-friends invitations.
    #[serde(default)]
    pub friends_of_friends: f64,
    /// Weight of invitations from strangers (degree-weighted).
    #[serde(default)]
    pub strangers: f64,
    /// Weight of invitations from recruiters.
    #[serde(default)]
    pub recruiter_outreach: f64,
    /// Weight of invitations from fake accounts.
    #[serde(default)]
    pub fake_accounts: f64,
    /// Weight of invitations from colleagues (people at the person's firm).
    #[serde(default)]
    pub colleagues: f64,
    /// Fake accounts added to the network (default: 1% of the nodes, at least 10).
    pub fake_pool: Option<u32>,
    /// Connections each fake account has (default 3).
    #[serde(default = "three_u32")]
    pub fake_connections: u32,
}

fn three_u32() -> u32 {
    3
}

/// `[sweep]`: one strategy family over several parameter values.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SweepConfig {
    /// `random` (acceptance probability), `min-mutual` (K) or `mutual-max` (B of mutual:0-B).
    pub parameter: String,
    /// The values.
    pub values: Vec<f64>,
}

/// `[output]`: what to write.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct OutputConfig {
    /// Also compute reach at the end of every week.
    pub weekly: bool,
    /// Table formats: `parquet`, `csv`.
    pub formats: Vec<String>,
    /// Lower bounds of the connection-count bins after the first
    /// (`by_connections` table): `[50, 150, 500]` gives <50, 50-149, 150-499
    /// and 500+.
    pub connection_bins: Vec<u32>,
}

impl Default for OutputConfig {
    fn default() -> Self {
        Self {
            weekly: false,
            formats: vec!["parquet".into(), "csv".into()],
            connection_bins: crate::config::DEFAULT_CONNECTION_BINS.to_vec(),
        }
    }
}
