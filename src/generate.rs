//! Generate: seeded synthetic professional networks, the alternative to ingest at
//! the head of the pipeline. Each model returns a [`Generated`] network (edges
//! between ids `0..nodes`, and a community per node where the model has them);
//! [`crate::roles::place_roles`] then gives people roles.
//!
//! | model | spelling | good for |
//! |---|---|---|
//! | Barabási–Albert ([`ba`]) | `ba` | heavy-tailed degrees (exponent 3), no clustering: a baseline |
//! | Holme–Kim ([`holme_kim`]) | `holme-kim` | power law plus triangles from "people you may know" closure |
//! | Watts–Strogatz ([`watts_strogatz`]) | `watts-strogatz` | tunable clustering and path length, no hubs |
//! | stochastic block model ([`sbm`]) | `sbm` | industries: dense inside, sparse between |
//! | Chung–Lu ([`chung_lu`]) | `chung-lu` | any expected-degree sequence (log-normal, power law) with LinkedIn's 30,000 cap |
//! | LinkedIn preset ([`linkedin`]) | `--preset linkedin` | all of the above the facts support at once |
//!
//! # Determinism
//! Every random choice comes from a generator seeded by `(seed, task index)`
//! ([`crate::seed::task_rng`]); tasks are fixed pieces of work (a node range, a block pair, a
//! chunk of edges), never "whatever a thread picks up", so the same seed gives the
//! same network whatever the thread count.

pub mod ba;
pub mod chung_lu;
pub mod holme_kim;
pub mod linkedin;
pub mod sbm;
pub mod watts_strogatz;

use std::fmt;
use std::path::Path;
use std::str::FromStr;

use crate::error::{Error, Result};
use crate::firms::{FirmPlan, Firms};
use crate::graph::{ConnectionGraph, NodeIds};

/// LinkedIn's cap on 1st-degree connections (docs/sources.md §2, LinkedIn Help a551012).
pub const LINKEDIN_CAP: u32 = 30_000;

/// A generated network: edges between ids `0..nodes` and, for models with
/// industries, the community of every node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Generated {
    /// Number of nodes.
    pub nodes: u32,
    /// Edges (may contain a few duplicates, merged when the graph is built).
    pub edges: Vec<(u32, u32)>,
    /// Community (industry) of every node, if the model has them.
    pub communities: Option<Vec<u32>>,
    /// Firms, if the model draws them with its links (the LinkedIn preset);
    /// [`Generated::firms`] draws them for the others.
    pub firms: Option<Firms>,
}

impl Generated {
    /// Builds the graph; external ids equal the generated ids.
    pub fn to_graph(&self) -> Result<ConnectionGraph> {
        to_graph(self.nodes, &self.edges)
    }

    /// Who works where, taken out of the network: the model's own firms, or,
    /// for a model that draws none, firms cut from a breadth-first order of
    /// `graph` (this network's graph) inside each community, so colleagues are
    /// people already close to one another ([`crate::firms`], default
    /// [`FirmPlan`]).
    pub fn take_firms(&mut self, graph: &ConnectionGraph, seed: u64) -> Firms {
        if let Some(f) = self.firms.take() {
            return f;
        }
        let order = breadth_first_order(graph);
        Firms::assign(
            self.nodes,
            &order,
            self.communities.as_deref(),
            &FirmPlan::default(),
            seed,
        )
    }
}

/// Every node in breadth-first order, from node 0 and then from the lowest node
/// not yet met: consecutive nodes are close in the graph.
fn breadth_first_order(graph: &ConnectionGraph) -> Vec<u32> {
    let n = graph.node_count();
    let mut seen = vec![false; n];
    let mut order: Vec<u32> = Vec::with_capacity(n);
    for root in 0..n {
        if seen[root] {
            continue;
        }
        seen[root] = true;
        let mut head = order.len();
        order.push(u32::try_from(root).expect("node ids fit u32"));
        while head < order.len() {
            let v = order[head];
            head += 1;
            for &u in graph.neighbors(crate::graph::NodeId(v)) {
                if !seen[u as usize] {
                    seen[u as usize] = true;
                    order.push(u);
                }
            }
        }
    }
    order
}

/// Builds a graph on `nodes` nodes, numbered `0..nodes`, from generated edges.
pub fn to_graph(nodes: u32, edges: &[(u32, u32)]) -> Result<ConnectionGraph> {
    let ids = NodeIds::Int((0..u64::from(nodes)).collect());
    ConnectionGraph::from_internal_edges(ids, edges, edges.len() as u64, Path::new("<generated>"))
}

/// Expected-degree distributions for Chung–Lu and the LinkedIn preset.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum DegreeDistribution {
    /// Log-normal with this shape σ (the scale follows from the mean degree).
    LogNormal {
        /// Standard deviation of the log-degree.
        sigma: f64,
    },
    /// Pareto (power law) tail with this exponent γ of the density, γ > 2.
    PowerLaw {
        /// Exponent of the density p(d) ∝ d^-γ.
        exponent: f64,
    },
}

/// A network model with its parameters; see the module doc for the spellings.
#[derive(Debug, Clone, PartialEq)]
pub enum GraphModel {
    /// Barabási–Albert with `m` links per new node.
    BarabasiAlbert {
        /// Nodes.
        nodes: u32,
        /// Links per new node (average neighbour count ≈ 2m).
        m: u32,
    },
    /// Holme–Kim: Barabási–Albert plus triad formation with probability `triad_prob`.
    HolmeKim {
        /// Nodes.
        nodes: u32,
        /// Links per new node.
        m: u32,
        /// Probability that a link after the first closes a triangle.
        triad_prob: f64,
    },
    /// Watts–Strogatz ring with `k` neighbours per node, each link rewired with `rewire_prob`.
    WattsStrogatz {
        /// Nodes.
        nodes: u32,
        /// Neighbours per node on the ring (even).
        k: u32,
        /// Probability of rewiring each link.
        rewire_prob: f64,
    },
    /// Stochastic block model with equal blocks.
    Sbm {
        /// Nodes.
        nodes: u32,
        /// Number of blocks (industries).
        communities: u32,
        /// Expected average neighbour count.
        avg_degree: f64,
        /// Expected fraction of a node's links that leave its block.
        mixing: f64,
    },
    /// Chung–Lu on an expected-degree sequence.
    ChungLu {
        /// Nodes.
        nodes: u32,
        /// Expected average neighbour count.
        avg_degree: f64,
        /// Shape of the expected-degree sequence.
        distribution: DegreeDistribution,
        /// Largest expected degree.
        cap: u32,
    },
    /// The LinkedIn preset ([`linkedin::LinkedInParams`]).
    LinkedIn(linkedin::LinkedInParams),
}

impl GraphModel {
    /// The model and its parameters in words, for reports: "Holme–Kim, 10 links
    /// per new person, triangle closing 0.5".
    pub fn describe(&self) -> String {
        let degrees = |d: &DegreeDistribution| match d {
            DegreeDistribution::LogNormal { sigma } => format!("log-normal degrees (σ {sigma})"),
            DegreeDistribution::PowerLaw { exponent } => {
                format!("power-law degrees (γ {exponent})")
            }
        };
        match self {
            GraphModel::BarabasiAlbert { m, .. } => {
                format!("Barabási–Albert, {m} links per new person")
            }
            GraphModel::HolmeKim { m, triad_prob, .. } => {
                format!("Holme–Kim, {m} links per new person, triangle closing {triad_prob}")
            }
            GraphModel::WattsStrogatz { k, rewire_prob, .. } => {
                format!("Watts–Strogatz, {k} ring neighbours, rewiring {rewire_prob}")
            }
            GraphModel::Sbm {
                communities,
                avg_degree,
                mixing,
                ..
            } => format!(
                "stochastic block model, {communities} communities, mean degree {avg_degree}, mixing {mixing}"
            ),
            GraphModel::ChungLu {
                avg_degree,
                distribution,
                cap,
                ..
            } => format!(
                "Chung–Lu, mean degree {avg_degree}, {}, at most {cap}",
                degrees(distribution)
            ),
            GraphModel::LinkedIn(p) => format!(
                "LinkedIn preset, mean degree {}, {}, {} communities, triangle closing {}",
                p.avg_degree,
                degrees(&p.distribution),
                p.communities,
                p.triad_fraction
            ),
        }
    }

    /// The mean number of connections per person the settings ask for (before
    /// repeated pairs are merged).
    pub fn mean_degree_asked(&self) -> f64 {
        match self {
            GraphModel::BarabasiAlbert { m, .. } | GraphModel::HolmeKim { m, .. } => {
                2.0 * f64::from(*m)
            }
            GraphModel::WattsStrogatz { k, .. } => f64::from(*k),
            GraphModel::Sbm { avg_degree, .. } | GraphModel::ChungLu { avg_degree, .. } => {
                *avg_degree
            }
            GraphModel::LinkedIn(p) => p.avg_degree,
        }
    }

    /// Generates the network for `seed`.
    pub fn generate(&self, seed: u64) -> Result<Generated> {
        self.validate()?;
        Ok(match *self {
            GraphModel::BarabasiAlbert { nodes, m } => {
                plain(nodes, ba::barabasi_albert(nodes, m, seed))
            }
            GraphModel::HolmeKim {
                nodes,
                m,
                triad_prob,
            } => plain(nodes, holme_kim::holme_kim(nodes, m, triad_prob, seed)),
            GraphModel::WattsStrogatz {
                nodes,
                k,
                rewire_prob,
            } => plain(
                nodes,
                watts_strogatz::watts_strogatz(nodes, k, rewire_prob, seed),
            ),
            GraphModel::Sbm {
                nodes,
                communities,
                avg_degree,
                mixing,
            } => sbm::stochastic_block_model(nodes, communities, avg_degree, mixing, seed),
            GraphModel::ChungLu {
                nodes,
                avg_degree,
                distribution,
                cap,
            } => {
                let w = chung_lu::expected_degrees(nodes, avg_degree, distribution, cap, seed);
                plain(nodes, chung_lu::chung_lu(&w, seed))
            }
            GraphModel::LinkedIn(ref p) => linkedin::generate(p, seed)?,
        })
    }

    fn validate(&self) -> Result<()> {
        let bad = |m: String| Err(Error::Invalid(m));
        let nodes = match self {
            GraphModel::BarabasiAlbert { nodes, .. }
            | GraphModel::HolmeKim { nodes, .. }
            | GraphModel::WattsStrogatz { nodes, .. }
            | GraphModel::Sbm { nodes, .. }
            | GraphModel::ChungLu { nodes, .. } => *nodes,
            GraphModel::LinkedIn(p) => p.nodes,
        };
        if nodes < 2 {
            return bad(format!("a network needs at least 2 nodes, got {nodes}"));
        }
        let prob = |name: &str, p: f64| {
            if (0.0..=1.0).contains(&p) {
                Ok(())
            } else {
                bad(format!("{name} must be between 0 and 1, got {p}"))
            }
        };
        match self {
            GraphModel::BarabasiAlbert { nodes, m } | GraphModel::HolmeKim { nodes, m, .. }
                if *m == 0 || *m >= *nodes =>
            {
                bad(format!(
                    "links per new node must be between 1 and nodes - 1 ({}), got {m}",
                    nodes - 1
                ))
            }
            GraphModel::HolmeKim { triad_prob, .. } => prob("--triad-prob", *triad_prob),
            GraphModel::WattsStrogatz {
                nodes,
                k,
                rewire_prob,
            } => {
                if *k < 2 || k % 2 == 1 || *k >= *nodes {
                    return bad(format!(
                        "ring neighbours must be even, at least 2 and below the node count, got {k}"
                    ));
                }
                prob("--rewire-prob", *rewire_prob)
            }
            GraphModel::Sbm {
                nodes,
                communities,
                avg_degree,
                mixing,
            } => {
                if *communities == 0 || *communities > nodes / 2 {
                    return bad(format!(
                        "communities must be between 1 and nodes / 2, got {communities}"
                    ));
                }
                if !(*avg_degree > 0.0 && *avg_degree < f64::from(nodes / communities)) {
                    return bad(format!(
                        "--avg-degree must be positive and below the block size, got {avg_degree}"
                    ));
                }
                prob("--mixing", *mixing)
            }
            GraphModel::ChungLu {
                avg_degree,
                distribution,
                cap,
                ..
            } => {
                if !(*avg_degree >= 1.0 && *avg_degree <= f64::from(*cap)) {
                    return bad(format!(
                        "--avg-degree must be between 1 and the cap {cap}, got {avg_degree}"
                    ));
                }
                check_distribution(distribution)
            }
            GraphModel::LinkedIn(p) => p.validate(),
            GraphModel::BarabasiAlbert { .. } => Ok(()),
        }
    }
}

pub(crate) fn check_distribution(d: &DegreeDistribution) -> Result<()> {
    match d {
        DegreeDistribution::LogNormal { sigma } if !(*sigma > 0.0 && *sigma <= 4.0) => Err(
            Error::Invalid(format!("--sigma must be in (0, 4], got {sigma}")),
        ),
        DegreeDistribution::PowerLaw { exponent } if !(*exponent > 2.0 && *exponent <= 10.0) => {
            Err(Error::Invalid(format!(
                "--exponent must be in (2, 10], got {exponent}"
            )))
        }
        _ => Ok(()),
    }
}

fn plain(nodes: u32, edges: Vec<(u32, u32)>) -> Generated {
    Generated {
        nodes,
        edges,
        communities: None,
        firms: None,
    }
}

/// Model names as spelled on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModelName {
    /// `ba`
    Ba,
    /// `holme-kim`
    HolmeKim,
    /// `watts-strogatz`
    WattsStrogatz,
    /// `sbm`
    Sbm,
    /// `chung-lu`
    ChungLu,
}

impl FromStr for ModelName {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        Ok(match s.trim() {
            "ba" => ModelName::Ba,
            "holme-kim" => ModelName::HolmeKim,
            "watts-strogatz" => ModelName::WattsStrogatz,
            "sbm" => ModelName::Sbm,
            "chung-lu" => ModelName::ChungLu,
            other => {
                return Err(Error::Invalid(format!(
                    "unknown model {other:?}; expected ba, holme-kim, watts-strogatz, sbm or chung-lu"
                )));
            }
        })
    }
}

impl fmt::Display for ModelName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ModelName::Ba => "ba",
            ModelName::HolmeKim => "holme-kim",
            ModelName::WattsStrogatz => "watts-strogatz",
            ModelName::Sbm => "sbm",
            ModelName::ChungLu => "chung-lu",
        })
    }
}

#[cfg(test)]
mod theory;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_parameters_are_refused_with_the_flag_named() {
        let e = GraphModel::WattsStrogatz {
            nodes: 100,
            k: 3,
            rewire_prob: 0.1,
        }
        .generate(1)
        .unwrap_err();
        assert!(e.to_string().contains("even"), "{e}");
        let e = GraphModel::HolmeKim {
            nodes: 100,
            m: 2,
            triad_prob: 1.5,
        }
        .generate(1)
        .unwrap_err();
        assert!(e.to_string().contains("--triad-prob"), "{e}");
        assert!("er".parse::<ModelName>().is_err());
    }
}
