//! Experiment files: TOML read into [`ExperimentConfig`] (unknown keys and bad
//! values are errors naming the key and the line), then checked and turned into
//! an [`Experiment`] that [`crate::simulation`] runs. Also [`GraphSpec`], the
//! generator settings shared by `netreach generate` flags and `[graph]` tables.
//!
//! See `data/experiments/` for documented examples; `quick.toml` there is the
//! built-in experiment of `netreach run` ([`Experiment::load`] without a file).

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::generate::GraphModel;
use crate::invitations::ArrivalModel;
use crate::reach::Degree;
use crate::reach::leads::LeadModel;
use crate::roles::{Placement, Role, RolePlan};
use crate::strategy::Strategy;

mod file;
mod spec;
mod text;

pub use file::{
    ExperimentConfig, GraphConfig, InvitationsConfig, LeadsConfig, OutputConfig, PeopleConfig,
    RolesConfig, SweepConfig,
};
pub use spec::{GraphSpec, NodesKey, Spelling};
use text::{GRAPH_KEYS, in_words, key_line, quoted_list, unknown_graph_key, with_absolute_files};

/// The built-in quick experiment (`data/experiments/quick.toml`).
pub const QUICK_EXPERIMENT: &str = include_str!("../data/experiments/quick.toml");

/// The name of the experiment as run, in a results folder.
pub const EXPERIMENT_FILE: &str = "experiment.toml";

/// Where the network comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum GraphSource {
    /// A generated network with roles placed.
    Generated(GraphModel, RolePlan),
    /// Files on disk.
    Files {
        /// The edges.
        edges: PathBuf,
        /// The roles, if any.
        roles: Option<PathBuf>,
        /// A nodes table (`node, role, firm, industry`): roles and firms.
        nodes: Option<PathBuf>,
    },
}

/// Who is studied, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct PeopleSpec {
    /// Sample size, if sampling.
    pub sample: Option<usize>,
    /// Explicit ids.
    pub ids: Option<Vec<String>>,
    /// Connection-count range.
    pub connections: (usize, usize),
    /// Role filter: `Some(None)` means "no role".
    pub role: Option<Option<Role>>,
}

/// One strategy of an experiment, with the sweep value that made it, if any.
#[derive(Debug, Clone, PartialEq)]
pub struct StrategyRun {
    /// The strategy.
    pub strategy: Strategy,
    /// Its sweep value.
    pub sweep_value: Option<f64>,
}

/// The default `[output] connection_bins`: <50, 50-149, 150-499 and 500+
/// connections, LinkedIn's own "500+" among them.
pub const DEFAULT_CONNECTION_BINS: [u32; 3] = [50, 150, 500];

/// The label of connection bin `i` of `bins` (lower bounds after the first):
/// `<50`, `50-149`, ..., `500+`.
pub fn connection_bin_label(bins: &[u32], i: usize) -> String {
    match i {
        0 => format!("<{}", bins[0]),
        i if i == bins.len() => format!("{}+", bins[i - 1]),
        i => format!("{}-{}", bins[i - 1], bins[i] - 1),
    }
}

/// The bin of a person with `connections` among `bins` ([`connection_bin_label`]).
pub fn connection_bin(bins: &[u32], connections: u32) -> usize {
    bins.partition_point(|&b| b <= connections)
}

/// A checked experiment, ready to run.
#[derive(Debug, Clone, PartialEq)]
pub struct Experiment {
    /// Name.
    pub name: String,
    /// Description.
    pub description: String,
    /// Seed.
    pub seed: u64,
    /// Replicates.
    pub replicates: u32,
    /// Largest degree.
    pub max_degree: Degree,
    /// The network.
    pub graph: GraphSource,
    /// The people.
    pub people: PeopleSpec,
    /// Arrivals.
    pub arrivals: ArrivalModel,
    /// Strategies (sweep included).
    pub strategies: Vec<StrategyRun>,
    /// The sweep's parameter name, if any.
    pub sweep_parameter: Option<String>,
    /// Per-week reach.
    pub weekly: bool,
    /// Lower bounds of the connection-count bins after the first, ascending
    /// (`[output] connection_bins`).
    pub connection_bins: Vec<u32>,
    /// The job-leads model, when the file has a `[leads]` section.
    pub leads: Option<LeadModel>,
    /// The share of the population seeking work, when the file has a
    /// `[market]` section: expected offers beside leads.
    pub market: Option<crate::reach::leads::MarketModel>,
    /// Shares of the population following each strategy (`[adoption]`),
    /// ascending.
    pub adoption: Option<Vec<f64>>,
    /// Write Parquet.
    pub parquet: bool,
    /// Write CSV.
    pub csv: bool,
    /// The TOML text it came from (recorded with the results).
    pub source_text: String,
}

impl Experiment {
    /// Reads and checks an experiment file; relative paths inside are relative to it.
    pub fn from_file(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io("read", path, e))?;
        Self::from_toml(&text, path)
    }

    /// Reads the experiment at `path`, or the built-in quick experiment.
    pub fn load(path: Option<&Path>) -> Result<Self> {
        match path {
            Some(p) => Self::from_file(p),
            None => Ok(Self::quick()),
        }
    }

    /// The built-in quick experiment.
    pub fn quick() -> Self {
        Self::from_toml(QUICK_EXPERIMENT, Path::new("<built-in quick experiment>"))
            .expect("the built-in experiment is valid")
    }

    /// Parses and checks TOML `text`; `path` names it in errors and anchors
    /// relative file names.
    #[allow(clippy::too_many_lines)] // flat validation, one block per table
    pub fn from_toml(text: &str, path: &Path) -> Result<Self> {
        let cfg: ExperimentConfig = toml::from_str(text).map_err(|e| {
            let mut line = e.span().map_or(1, |s| {
                text[..s.start.min(text.len())].matches('\n').count() as u64 + 1
            });
            let mut message = in_words(e.message().trim());
            // `[graph]` flattens the generator settings into itself, and serde
            // then names neither the line nor the valid keys of a typo.
            if let Some(key) = unknown_graph_key(&message) {
                line = key_line(text, &key);
                message = format!("{message}, expected one of {}", quoted_list(GRAPH_KEYS));
            }
            Error::Config {
                at: crate::error::Location::new(path, line),
                message,
            }
        })?;
        let at = |key: &str, msg: String| -> Error {
            Error::Config {
                at: crate::error::Location::new(path, key_line(text, key)),
                message: format!("{key}: {msg}"),
            }
        };
        let base = path.parent().unwrap_or(Path::new("."));
        // `nodes` is a count to generate, or a nodes table for files.
        let mut spec = cfg.graph.spec.clone();
        let nodes_table = match spec.nodes.take() {
            Some(NodesKey::Table(p)) => Some(p),
            other => {
                spec.nodes = other;
                None
            }
        };
        if nodes_table.is_some() && cfg.graph.roles.is_some() {
            return Err(at(
                "roles",
                "roles and nodes tables together; a nodes table holds the roles too, give one"
                    .into(),
            ));
        }
        if nodes_table.is_some() && cfg.graph.edges.is_none() {
            return Err(at(
                "nodes",
                "a nodes table needs graph.edges; a generated network takes a count".into(),
            ));
        }
        let graph = match (&cfg.graph.edges, &spec) {
            (Some(edges), spec) if *spec == GraphSpec::default() => GraphSource::Files {
                edges: base.join(edges),
                roles: cfg.graph.roles.as_ref().map(|r| base.join(r)),
                nodes: nodes_table.map(|p| base.join(p)),
            },
            (Some(_), _) => {
                return Err(at(
                    "edges",
                    "edges and generator settings together; give one".into(),
                ));
            }
            (None, spec) => {
                if cfg.graph.roles.is_some() {
                    return Err(at(
                        "roles",
                        "a roles file needs graph.edges; generated networks use [roles]".into(),
                    ));
                }
                // An error about the preset points at the preset's line.
                let key = if spec.preset.is_some() {
                    "preset"
                } else {
                    "model"
                };
                let model = spec
                    .to_model(Spelling::Key)
                    .map_err(|e| at(key, e.to_string()))?;
                let placement: Placement = cfg
                    .roles
                    .placement
                    .parse()
                    .map_err(|e: Error| at("placement", e.to_string()))?;
                GraphSource::Generated(
                    model,
                    RolePlan {
                        recruiter_rate: cfg.roles.recruiters,
                        hiring_manager_rate: cfg.roles.hiring_managers,
                        placement,
                        bias_exponent: cfg.roles.bias_exponent,
                    },
                )
            }
        };
        if cfg.replicates == 0 {
            return Err(at("replicates", "0; expected at least 1".into()));
        }
        let max_degree: Degree = cfg
            .max_degree
            .to_string()
            .parse()
            .map_err(|e: Error| at("max_degree", e.to_string()))?;
        let p = &cfg.people;
        if p.sample.is_some() == p.ids.is_some() {
            return Err(at(
                "people",
                "expected exactly one of people.sample and people.ids".into(),
            ));
        }
        let role = match p.role.as_deref() {
            None => None,
            Some("none") => Some(None),
            Some(r) => Some(Some(
                r.parse::<Role>().map_err(|e| at("role", e.to_string()))?,
            )),
        };
        let people = PeopleSpec {
            sample: p.sample,
            ids: p.ids.clone(),
            connections: (
                p.min_connections.unwrap_or(0),
                p.max_connections.unwrap_or(usize::MAX),
            ),
            role,
        };
        let i = &cfg.invitations;
        let arrivals = ArrivalModel {
            weeks: i.weeks,
            per_week: i.per_week,
            friends_of_friends: i.friends_of_friends,
            strangers: i.strangers,
            recruiter_outreach: i.recruiter_outreach,
            fake_accounts: i.fake_accounts,
            colleagues: i.colleagues,
            fake_pool: i.fake_pool,
            fake_connections: i.fake_connections,
        };
        arrivals.validate().map_err(|(key, msg)| at(key, msg))?;
        let mut strategies = Vec::new();
        for (i, s) in cfg.strategies.iter().enumerate() {
            if cfg.strategies[..i].contains(s) {
                return Err(at(
                    "strategies",
                    format!("{s:?} is listed twice; give each strategy once"),
                ));
            }
            let strategy = s
                .parse()
                .map_err(|e: Error| at("strategies", e.to_string()))?;
            strategies.push(StrategyRun {
                strategy,
                sweep_value: None,
            });
        }
        let sweep_parameter = cfg.sweep.as_ref().map(|s| s.parameter.clone());
        if let Some(sweep) = &cfg.sweep {
            for &v in &sweep.values {
                let spelled = match sweep.parameter.as_str() {
                    "random" => format!("random:{v}"),
                    "min-mutual" if v >= 0.0 && v.fract() == 0.0 => format!("min-mutual:{v}"),
                    "mutual-max" if v >= 0.0 && v.fract() == 0.0 => format!("mutual:0-{v}"),
                    "min-mutual" | "mutual-max" => {
                        return Err(at("values", format!("{v}: expected whole numbers")));
                    }
                    other => {
                        return Err(at(
                            "parameter",
                            format!("{other:?}; expected random, min-mutual or mutual-max"),
                        ));
                    }
                };
                let strategy = spelled
                    .parse()
                    .map_err(|e: Error| at("values", e.to_string()))?;
                strategies.push(StrategyRun {
                    strategy,
                    sweep_value: Some(v),
                });
            }
        }
        if strategies.is_empty() {
            return Err(at(
                "strategies",
                "no strategy; expected at least one (or a [sweep])".into(),
            ));
        }
        let leads = match &cfg.leads {
            Some(l) => {
                let model = l.model();
                model.validate().map_err(|(key, msg)| at(key, msg))?;
                Some(model)
            }
            None => None,
        };
        let market = match &cfg.market {
            Some(_) if leads.is_none() => {
                return Err(at(
                    "market",
                    "offers need the openings of the job-leads model; expected a [leads] section too".into(),
                ));
            }
            Some(m) => Some(
                m.model(leads.map_or(0, |l| l.worlds))
                    .map_err(|(k, msg)| at(k, msg))?,
            ),
            None => None,
        };
        let adoption = match &cfg.adoption {
            Some(a) => Some(a.checked().map_err(|(k, msg)| at(k, msg))?),
            None => None,
        };
        let mut parquet = false;
        let mut csv = false;
        for f in &cfg.output.formats {
            match f.as_str() {
                "parquet" => parquet = true,
                "csv" => csv = true,
                other => return Err(at("formats", format!("{other:?}; expected parquet or csv"))),
            }
        }
        let bins = &cfg.output.connection_bins;
        if bins.is_empty() || bins[0] == 0 || bins.windows(2).any(|w| w[0] >= w[1]) {
            return Err(at(
                "connection_bins",
                format!(
                    "{bins:?}; expected ascending connection counts above 0, such as [50, 150, 500]"
                ),
            ));
        }
        if !(parquet || csv) {
            return Err(at(
                "formats",
                "no format; expected parquet and/or csv".into(),
            ));
        }
        Ok(Experiment {
            name: cfg.name,
            description: cfg.description,
            seed: cfg.seed,
            replicates: cfg.replicates,
            max_degree,
            people,
            arrivals,
            strategies,
            sweep_parameter,
            weekly: cfg.output.weekly,
            connection_bins: cfg.output.connection_bins,
            leads,
            market,
            adoption,
            parquet,
            csv,
            source_text: with_absolute_files(text, &graph),
            graph,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_typo_in_graph_names_its_line_and_the_valid_keys() {
        let text = "seed = 1\n[graph]\nmodel = \"ba\"\nnodes = 100\navg_degre = 4\n";
        let e = Experiment::from_toml(text, Path::new("x.toml")).unwrap_err();
        let m = e.to_string();
        assert!(m.starts_with("x.toml:5:"), "{m}");
        assert!(
            m.contains("unknown field `avg_degre`, expected one of `edges`"),
            "{m}"
        );
        assert!(m.contains("`avg_degree`"), "{m}");
    }

    #[test]
    fn connection_bins_default_label_and_are_checked_at_their_line() {
        let e = Experiment::from_toml(
            &QUICK_EXPERIMENT.replace("connection_bins = [12, 20, 40]", ""),
            Path::new("q.toml"),
        )
        .unwrap();
        assert_eq!(e.connection_bins, DEFAULT_CONNECTION_BINS);
        let labels: Vec<String> = (0..4)
            .map(|i| connection_bin_label(&e.connection_bins, i))
            .collect();
        assert_eq!(labels, ["<50", "50-149", "150-499", "500+"]);
        let bins = &e.connection_bins;
        assert_eq!(
            [0, 49, 50, 149, 150, 499, 500, 9000].map(|c| connection_bin(bins, c)),
            [0, 0, 1, 1, 2, 2, 3, 3]
        );
        for bad in ["[]", "[0, 10]", "[50, 50]", "[150, 50]"] {
            let text = QUICK_EXPERIMENT.replace(
                "connection_bins = [12, 20, 40]",
                &format!("connection_bins = {bad}"),
            );
            let m = Experiment::from_toml(&text, Path::new("q.toml"))
                .unwrap_err()
                .to_string();
            assert!(
                m.contains("connection_bins") && m.contains("expected ascending"),
                "{m}"
            );
            assert!(m.starts_with("q.toml:"), "{m}");
        }
    }

    #[test]
    fn leads_keys_are_checked_and_default() {
        // The quick experiment without its [leads] line.
        let quick = QUICK_EXPERIMENT
            .lines()
            .filter(|l| !l.starts_with("[leads]"))
            .collect::<Vec<_>>()
            .join("\n");
        let e = Experiment::from_toml(&quick, Path::new("q.toml")).unwrap();
        assert_eq!(e.leads, None, "without [leads] an experiment has no leads");
        let with = format!("{quick}\n[leads]\nforward_far = 0.5\ninsider_knows = 0.2\n");
        let e = Experiment::from_toml(&with, Path::new("q.toml")).unwrap();
        let want = LeadModel {
            forward_far: 0.5,
            insider_knows: 0.2,
            ..LeadModel::default()
        };
        assert_eq!(e.leads, Some(want));
        for (bad, said) in [
            ("worlds = 100", "worlds: 100; expected a multiple of 64"),
            ("worlds = 0", "worlds: 0; expected a multiple of 64"),
            (
                "forward_near = 1.5",
                "forward_near: 1.5; expected a probability from 0 to 1",
            ),
            (
                "relevance_other = -0.1",
                "relevance_other: -0.1; expected a probability from 0 to 1",
            ),
            (
                "pass_weak = 0.5\npass_strong = 0.2",
                "pass_strong: 0.2 is below pass_weak 0.5",
            ),
            (
                "half_mutual = 0",
                "half_mutual: 0; expected a positive number",
            ),
            (
                "openings_per_employee = -1",
                "openings_per_employee: -1; expected openings per employee per week",
            ),
            (
                "fowrard_near = 0.3",
                "unknown field `fowrard_near`, expected one of `worlds`",
            ),
            (
                "recruiter_openings = 0.5",
                "unknown field `recruiter_openings`, expected one of `worlds`",
            ),
        ] {
            let text = format!("{quick}\n[leads]\n{bad}\n");
            let line = text.lines().count() as u64;
            let m = Experiment::from_toml(&text, Path::new("q.toml"))
                .unwrap_err()
                .to_string();
            assert!(m.contains(said), "{bad}: {m}");
            assert!(m.starts_with(&format!("q.toml:{line}:")), "{bad}: {m}");
        }
    }

    #[test]
    fn every_listed_graph_key_is_a_key() {
        for key in GRAPH_KEYS {
            let text = format!("[graph]\n{key} = []\n");
            let e = toml::from_str::<ExperimentConfig>(&text).unwrap_err();
            assert!(
                !e.message().contains("unknown field"),
                "{key}: {}",
                e.message()
            );
        }
    }

    #[test]
    fn the_built_in_experiment_is_valid() {
        let e = Experiment::quick();
        assert!(e.strategies.len() >= 4);
        assert!(matches!(e.graph, GraphSource::Generated(..)));
    }

    #[test]
    fn every_shipped_example_is_valid() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/experiments");
        let mut n = 0;
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            Experiment::from_file(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            n += 1;
        }
        assert!(n >= 4);
    }

    #[test]
    fn unknown_keys_and_bad_values_name_the_key_and_line() {
        let good = QUICK_EXPERIMENT;
        let bad = good.replacen("[invitations]", "[invitations]\nper_weak = 3", 1);
        let e = Experiment::from_toml(&bad, Path::new("x.toml"))
            .unwrap_err()
            .to_string();
        let line = bad.lines().position(|l| l.starts_with("per_weak")).unwrap() + 1;
        assert!(
            e.starts_with(&format!("x.toml:{line}:")) && e.contains("per_weak"),
            "{e}"
        );
        let bad = good.replacen("replicates = ", "replicates = -", 1);
        let e = Experiment::from_toml(&bad, Path::new("x.toml"))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("x.toml:") && e.contains("replicates") || e.contains("invalid value"),
            "{e}"
        );
        let bad = good.replace("\"accept-all\"", "\"accept-most\"");
        let e = Experiment::from_toml(&bad, Path::new("x.toml"))
            .unwrap_err()
            .to_string();
        let line = bad
            .lines()
            .position(|l| l.trim_start().starts_with("strategies"))
            .unwrap()
            + 1;
        assert!(
            e.starts_with(&format!("x.toml:{line}:")) && e.contains("accept-most"),
            "{e}"
        );
        let bad = good.replacen("model = ", "rewire_prob = 0.2\nmodel = ", 1);
        let e = Experiment::from_toml(&bad, Path::new("x.toml"))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("rewire_prob applies to watts-strogatz only"),
            "{e}"
        );
    }

    #[test]
    fn graph_spec_refuses_settings_of_another_model() {
        let spec = GraphSpec {
            model: Some("ba".into()),
            rewire_prob: Some(0.1),
            ..GraphSpec::default()
        };
        let e = spec.to_model(Spelling::Flag).unwrap_err().to_string();
        assert_eq!(e, "--rewire-prob applies to watts-strogatz only, not to ba");
    }

    #[test]
    fn the_recorded_copy_names_its_files_by_absolute_paths() {
        let text = "name = \"rel\"\nstrategies = [\"accept-all\"]\n\n[graph]\nedges = \"net/edges.csv\" # beside me\nroles = \"net/roles.csv\"\n\n[people]\nsample = 3\n\n[invitations]\nweeks = 2\nper_week = 1.0\nstrangers = 1.0\n\n[output]\nweekly = true\n";
        let e = Experiment::from_toml(text, Path::new("exp/experiment.toml")).unwrap();
        let want = std::path::absolute("exp/net/edges.csv").unwrap();
        assert!(
            e.source_text
                .contains(&format!("edges = \"{}\"", want.display())),
            "{}",
            e.source_text
        );
        assert!(e.source_text.contains("[output]\nweekly = true"));
        // Read back from another folder, the copy finds the same files.
        let copy =
            Experiment::from_toml(&e.source_text, Path::new("/elsewhere/experiment.toml")).unwrap();
        let GraphSource::Files { edges, roles, .. } = copy.graph else {
            panic!("files expected");
        };
        assert_eq!(edges, want);
        assert_eq!(
            roles,
            Some(std::path::absolute("exp/net/roles.csv").unwrap())
        );
    }

    #[test]
    fn duplicates_presets_and_types_are_named_in_the_users_words() {
        let base = "name = \"v\"\nstrategies = [\"accept-all\", \"refuse-all\"]\n\n[graph]\nmodel = \"ba\"\nnodes = 300\n\n[people]\nsample = 3\n\n[invitations]\nweeks = 2\nper_week = 1.0\nstrangers = 1.0\n";
        let path = Path::new("v.toml");
        assert!(Experiment::from_toml(base, path).is_ok());
        let twice = base.replace("\"refuse-all\"]", "\"accept-all\"]");
        let e = Experiment::from_toml(&twice, path).unwrap_err().to_string();
        assert!(e.contains("v.toml:2:") && e.contains("listed twice"), "{e}");
        let preset = base.replace(
            "model = \"ba\"\nnodes = 300",
            "nodes = 300\npreset = \"linkdin\"",
        );
        let e = Experiment::from_toml(&preset, path)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("v.toml:6:") && e.contains("unknown preset"),
            "{e}"
        );
        let half = base.replace("nodes = 300", "nodes = 3.5");
        let e = Experiment::from_toml(&half, path).unwrap_err().to_string();
        assert!(
            e.contains("expected a whole number") && !e.contains("u32"),
            "{e}"
        );
        // A table's path is a nodes table, which goes with edges only.
        let table = base.replace("nodes = 300", "nodes = \"nodes.csv\"");
        let e = Experiment::from_toml(&table, path).unwrap_err().to_string();
        assert!(e.contains("v.toml:6:") && e.contains("graph.edges"), "{e}");
    }
}
