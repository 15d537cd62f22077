//! Reach for chosen people (`netreach reach`): choose the sources, plan one query
//! per person (× strategy) with the invitations each strategy accepts, count reach
//! here (exact, optionally on renumbered nodes, or approximate for every node) or
//! on a cluster, and build the table.
//!
//! # Example
//! ```
//! use netreach::ingest::load_graph;
//! use netreach::jobs::reach::{Counting, Plan, Sources, choose_sources, count_here, write};
//! use netreach::output::Overwrite;
//! use netreach::progress::NoProgress;
//! use netreach::roles::RoleMap;
//! let graph = load_graph("data/sample/edges.txt".as_ref())?;
//! let roles = RoleMap::none(graph.node_count());
//! let sources = choose_sources(&graph, &Sources::Sample { count: 5, seed: 1 })?;
//! let plan = Plan::new(&graph, &roles, &sources, &[], &Default::default(), 1);
//! let counted = count_here(&graph, &roles, &plan, &Counting::default(), &NoProgress);
//! let out = tempfile::tempdir()?.path().join("reach.csv");
//! let rows = write(&graph, &plan, &[], &counted.counts, 3.into(), &out, Overwrite::Refuse)?;
//! assert_eq!(rows, 5 * 3);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::cluster::{self, Cluster, OwnedQuery};
use crate::error::{Error, Result};
use crate::graph::{ConnectionGraph, NodeId, VertexOrder};
use crate::invitations::PendingInvitations;
use crate::output::Overwrite;
use crate::progress::Progress;
use crate::reach::approx::approx_reach_all;
use crate::reach::exact::{Query, reach_many_counted};
use crate::reach::{Degree, ReachCounts};
use crate::results::reach::{ReachRow, write_reach_table};
use crate::roles::RoleMap;
use crate::strategy::Strategy;

/// Who is studied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sources {
    /// Every node.
    All,
    /// The ids listed in a file, one per line (see
    /// [`crate::ingest::load_id_list`]).
    File(PathBuf),
    /// `count` people drawn uniformly at random with `seed` (all when `count`
    /// exceeds them).
    Sample {
        /// How many.
        count: usize,
        /// The seed.
        seed: u64,
    },
}

/// The sources `sources` names in `graph`, ascending for samples, in file order
/// for files.
pub fn choose_sources(graph: &ConnectionGraph, sources: &Sources) -> Result<Vec<NodeId>> {
    match sources {
        Sources::All => Ok(graph.nodes().collect()),
        Sources::File(path) => {
            let ids = crate::ingest::load_id_list(path)?;
            let mut out = Vec::with_capacity(ids.len());
            for (id, line) in ids {
                let v = graph.ids().lookup(&id).ok_or_else(|| {
                    Error::parse(path, line, "a node id that occurs in the graph", &id)
                })?;
                out.push(v);
            }
            if out.is_empty() {
                return Err(Error::format(
                    path,
                    "expected at least one source id, found none",
                ));
            }
            Ok(out)
        }
        &Sources::Sample { count, seed } => {
            let n = graph.node_count();
            let mut rng = crate::seed::sample_rng(seed);
            let mut picked: Vec<usize> = if count >= n {
                (0..n).collect()
            } else {
                rand::seq::index::sample(&mut rng, n, count).into_vec()
            };
            picked.sort_unstable();
            Ok(picked
                .into_iter()
                .map(|v| NodeId(u32::try_from(v).expect("node ids fit u32")))
                .collect())
        }
    }
}

/// One reach query per source (× strategy), with the inviters each accepts.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    /// Per query: the source and the index of its strategy, if any.
    pub queries: Vec<(NodeId, Option<usize>)>,
    /// Per query: the inviters accepted (internal ids).
    pub accepted: Vec<Vec<u32>>,
}

impl Plan {
    /// Plans `sources` under `strategies` (none: the base graph) for their pending
    /// `invitations`; `seed` drives `random:P`.
    pub fn new(
        graph: &ConnectionGraph,
        roles: &RoleMap,
        sources: &[NodeId],
        strategies: &[Strategy],
        invitations: &PendingInvitations,
        seed: u64,
    ) -> Self {
        let queries: Vec<(NodeId, Option<usize>)> = if strategies.is_empty() {
            sources.iter().map(|&s| (s, None)).collect()
        } else {
            sources
                .iter()
                .flat_map(|&s| (0..strategies.len()).map(move |i| (s, Some(i))))
                .collect()
        };
        let accepted = queries
            .par_iter()
            .map(|&(s, strat)| match strat {
                Some(i) => {
                    strategies[i].accepted(graph, roles, s, invitations.inviters_of(s), seed)
                }
                None => Vec::new(),
            })
            .collect();
        Plan { queries, accepted }
    }

    /// The queries as the cluster takes them.
    pub fn owned_queries(&self) -> Vec<OwnedQuery> {
        self.queries
            .iter()
            .zip(&self.accepted)
            .map(|(&(source, _), acc)| OwnedQuery {
                source,
                accepted: acc.clone(),
            })
            .collect()
    }
}

/// How reach is counted on this machine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counting {
    /// Largest degree.
    pub max_degree: Degree,
    /// HyperLogLog estimates for every node with 2^B registers, instead of exact
    /// counts (the plan must then hold every node, without strategies).
    pub approx: Option<u8>,
    /// Renumber the nodes first, for locality (exact counts only).
    pub order: VertexOrder,
}

impl Default for Counting {
    fn default() -> Self {
        Counting {
            max_degree: Degree(3),
            approx: None,
            order: VertexOrder::Given,
        }
    }
}

/// What [`count_here`] counted.
#[derive(Debug, Clone)]
pub struct Counted {
    /// Reach per query of the plan.
    pub counts: Vec<ReachCounts>,
    /// Arcs read by exact traversals (0 for estimates).
    pub arcs: u64,
    /// Time renumbering the nodes, if done.
    pub renumbered: Option<Duration>,
    /// Time counting.
    pub counting: Duration,
}

/// Counts reach for every query of `plan` on this machine's thread pool.
pub fn count_here(
    graph: &ConnectionGraph,
    roles: &RoleMap,
    plan: &Plan,
    how: &Counting,
    progress: &dyn Progress,
) -> Counted {
    if let Some(precision) = how.approx {
        let t = Instant::now();
        let counts = approx_reach_all(graph, roles, how.max_degree, precision, progress);
        return Counted {
            counts,
            arcs: 0,
            renumbered: None,
            counting: t.elapsed(),
        };
    }
    let t = Instant::now();
    let renumbered = (how.order != VertexOrder::Given).then(|| {
        let (graph, new_id) = graph.renumbered(how.order);
        let roles = roles.renumbered(&new_id);
        let accepted: Vec<Vec<u32>> = plan
            .accepted
            .iter()
            .map(|acc| acc.iter().map(|&v| new_id[v as usize]).collect())
            .collect();
        (graph, roles, accepted, new_id)
    });
    let renumber_time = renumbered.as_ref().map(|_| t.elapsed());
    let (graph, roles, accepted) = renumbered
        .as_ref()
        .map_or((graph, roles, plan.accepted.as_slice()), |(g, r, a, _)| {
            (g, r, a.as_slice())
        });
    let queries: Vec<Query> = plan
        .queries
        .iter()
        .zip(accepted)
        .map(|(&(source, _), acc)| Query {
            source: renumbered
                .as_ref()
                .map_or(source, |r| NodeId(r.3[source.index()])),
            accepted: acc,
        })
        .collect();
    let t = Instant::now();
    let (counts, arcs) = reach_many_counted(graph, roles, &queries, how.max_degree, progress);
    Counted {
        counts,
        arcs,
        renumbered: renumber_time,
        counting: t.elapsed(),
    }
}

/// Counts reach for every query of `plan` as one process of `cluster`; `None` in
/// processes other than 0, which hand their part to process 0.
pub fn count_on_cluster(
    cluster: &Cluster,
    graph: &Arc<ConnectionGraph>,
    roles: &Arc<RoleMap>,
    plan: &Plan,
    how: &Counting,
) -> Result<Option<Vec<ReachCounts>>> {
    let queries = plan.owned_queries();
    let settings = format!(
        "max {} approx {} precision {} workers {} hosts {:?}",
        how.max_degree,
        how.approx.is_some(),
        how.approx.unwrap_or(7),
        cluster.workers,
        cluster.hosts
    );
    let digest = cluster::job_digest(graph, roles, &queries, &settings);
    match how.approx {
        Some(precision) => cluster::approx_reach_all(
            cluster,
            digest,
            Arc::clone(graph),
            Arc::clone(roles),
            how.max_degree,
            precision,
        ),
        None => cluster::reach_many(
            cluster,
            digest,
            Arc::clone(graph),
            Arc::clone(roles),
            Arc::new(queries),
            how.max_degree,
        ),
    }
}

/// Writes the reach table of a plan's counts to `path` (CSV or Parquet by its
/// extension); `spellings` are the strategies' (empty without strategies).
/// Returns the rows written.
pub fn write(
    graph: &ConnectionGraph,
    plan: &Plan,
    spellings: &[String],
    counts: &[ReachCounts],
    max_degree: Degree,
    path: &Path,
    overwrite: Overwrite,
) -> Result<usize> {
    let rows: Vec<ReachRow> = plan
        .queries
        .iter()
        .zip(counts)
        .zip(&plan.accepted)
        .map(|((&(source, strat), counts), acc)| ReachRow {
            source,
            strategy: strat.map(|i| {
                (
                    spellings[i].as_str(),
                    u32::try_from(acc.len()).unwrap_or(u32::MAX),
                )
            }),
            counts,
        })
        .collect();
    write_reach_table(graph.ids(), &rows, max_degree, path, overwrite)
}
