//! Reach for chosen people (`netreach reach`): choose the sources, plan one query
//! per person (× strategy) with the invitations each strategy accepts, count reach
//! here (exact, optionally on renumbered nodes, or approximate for every node) or
//! on a cluster, and build the table. A cluster process reading its part of a
//! `.nrg` plans from the file without loading it ([`choose_sources_in`],
//! [`invitations_in`], [`Plan::new_in`], [`Plan::with_ids_from`]).
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
//! let rows = write(graph.ids(), &plan, &[], &counted.counts, 3.into(), &out, Overwrite::Refuse)?;
//! assert_eq!(rows, 5 * 3);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::cluster::{self, Cluster, OwnedQuery, Traffic};
use crate::error::{Error, Result};
use crate::graph::{ConnectionGraph, GraphPart, NamedNode, NodeId, NodeIds, VertexOrder};
use crate::ingest::binary::GraphFile;
use crate::invitations::{Invitation, InvitationReport, PendingInvitations};
use crate::output::Overwrite;
use crate::progress::Progress;
use crate::reach::approx::approx_reach_all;
use crate::reach::exact::{Query, Search};
use crate::reach::{Degree, ReachCounts};
use crate::results::reach::{ReachRow, write_reach_table};
use crate::roles::{Role, RoleMap};
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
    choose(graph.node_count(), sources, |id| Ok(graph.ids().lookup(id)))
}

/// [`choose_sources`] in a graph file, without loading it.
pub fn choose_sources_in(file: &GraphFile, sources: &Sources) -> Result<Vec<NodeId>> {
    choose(file.node_count() as usize, sources, |id| file.lookup(id))
}

/// Sources among `n` nodes, ids looked up by `lookup`.
fn choose(
    n: usize,
    sources: &Sources,
    lookup: impl Fn(&str) -> Result<Option<NodeId>>,
) -> Result<Vec<NodeId>> {
    match sources {
        Sources::All => Ok((0..n)
            .map(|v| NodeId(u32::try_from(v).expect("node ids fit u32")))
            .collect()),
        Sources::File(path) => {
            let ids = crate::ingest::load_id_list(path)?;
            let mut out = Vec::with_capacity(ids.len());
            for (id, line) in ids {
                let v = lookup(&id)?.ok_or_else(|| {
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
        Self::new_by(sources, strategies, invitations, |st, s, f| {
            st.accepts(graph, roles, s, f, seed)
        })
    }

    /// [`Plan::new`] in a graph file, reading only the people the plan names:
    /// the sources and their inviters, those not yet in `named` (which keeps
    /// them; [`invitations_in`] fills it with the sources).
    ///
    /// # Errors
    /// If the file is damaged where those people sit.
    pub fn new_in(
        file: &GraphFile,
        named: &mut Neighbourhoods,
        sources: &[NodeId],
        strategies: &[Strategy],
        invitations: &PendingInvitations,
        seed: u64,
    ) -> Result<Self> {
        if strategies.is_empty() {
            return Ok(Self::new_by(sources, strategies, invitations, |_, _, _| {
                false
            }));
        }
        read_named(
            file,
            sources
                .iter()
                .flat_map(|&s| std::iter::once(s).chain(invitations.inviters_of(s))),
            named,
        )?;
        let named = &*named;
        Ok(Self::new_by(
            sources,
            strategies,
            invitations,
            |st, s, f| {
                let (a, b) = (&named[&s], &named[&f]);
                st.accepts_by(|| a.mutual_with(b), Role::from_code(b.role), s, f, seed)
            },
        ))
    }

    /// Plans with `accepts(strategy, person, inviter)` deciding each invitation.
    fn new_by(
        sources: &[NodeId],
        strategies: &[Strategy],
        invitations: &PendingInvitations,
        accepts: impl Fn(&Strategy, NodeId, NodeId) -> bool + Sync,
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
                Some(i) => invitations
                    .inviters_of(s)
                    .filter(|&f| accepts(&strategies[i], s, f))
                    .map(|f| f.0)
                    .collect(),
                None => Vec::new(),
            })
            .collect();
        Plan { queries, accepted }
    }

    /// The external ids of this plan's sources read from `file`, and the plan
    /// with each source renumbered to its position among them: what [`write()`]
    /// needs when the whole graph was never loaded.
    ///
    /// # Errors
    /// If the file is damaged where those ids sit.
    pub fn with_ids_from(&self, file: &GraphFile) -> Result<(NodeIds, Plan)> {
        let mut nodes: Vec<NodeId> = self.queries.iter().map(|q| q.0).collect();
        nodes.sort_unstable();
        nodes.dedup();
        let ids = if nodes.len() == file.node_count() as usize {
            file.all_ids()?
        } else {
            file.ids_of(&nodes)?
        };
        let queries = self
            .queries
            .iter()
            .map(|&(s, st)| {
                let at = nodes.binary_search(&s).expect("every source is listed");
                (NodeId(u32::try_from(at).expect("fits u32")), st)
            })
            .collect();
        Ok((
            ids,
            Plan {
                queries,
                accepted: self.accepted.clone(),
            },
        ))
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
    let (counts, arcs) = Search::new(graph, roles, how.max_degree).run_counted(&queries, progress);
    Counted {
        counts,
        arcs,
        renumbered: renumber_time,
        counting: t.elapsed(),
    }
}

/// Counts reach for every query of `plan` as one process of `cluster`, holding
/// only its `part` of the graph; `input` is a digest of the whole input
/// ([`cluster::graph_digest`] or the graph file's fingerprint). The counts are
/// `None` in processes other than 0, which hand their part to process 0; the
/// traffic is what this process sent to the others. With approximate counts
/// (every node, no strategies) the plan is not read.
///
/// # Errors
/// If the cluster cannot be formed or a peer is lost (see [`cluster`]).
pub fn count_on_cluster(
    cluster: &Cluster,
    part: GraphPart,
    input: u64,
    plan: &Plan,
    how: &Counting,
) -> Result<(Option<Vec<ReachCounts>>, Traffic)> {
    // Approximate counts cover every node without strategies: the plan is not
    // read (a process other than 0 may pass an empty one).
    let queries = if how.approx.is_some() {
        Vec::new()
    } else {
        plan.owned_queries()
    };
    let settings = format!(
        "max {} approx {} precision {} workers {} hosts {:?}",
        how.max_degree,
        how.approx.is_some(),
        how.approx.unwrap_or(7),
        cluster.workers,
        cluster.hosts
    );
    let digest = cluster::job_digest(input, &queries, &settings);
    let part = Arc::new(part);
    match how.approx {
        Some(precision) => {
            drop(queries);
            cluster::approx_reach_all(cluster, digest, part, how.max_degree, precision)
        }
        None => cluster::reach_many(cluster, digest, part, Arc::new(queries), how.max_degree),
    }
}

/// The neighbourhoods of the people a plan names, read from a graph file once.
pub type Neighbourhoods = HashMap<NodeId, NamedNode>;

/// Reads into `named` the neighbourhoods of `nodes` it does not hold yet.
fn read_named(
    file: &GraphFile,
    nodes: impl IntoIterator<Item = NodeId>,
    named: &mut Neighbourhoods,
) -> Result<()> {
    for v in nodes {
        if let std::collections::hash_map::Entry::Vacant(e) = named.entry(v) {
            e.insert(file.named(v)?);
        }
    }
    Ok(())
}

/// Pending invitations of `sources` in a graph file, from a `to,from` table:
/// records whose invited person is not a source are skipped (and not counted),
/// ids are looked up in the file, and only the sources' own neighbour lists
/// are read (into `named`, for [`Plan::new_in`]).
///
/// # Errors
/// If the table cannot be read, or the file is damaged where those people sit.
pub fn invitations_in(
    file: &GraphFile,
    named: &mut Neighbourhoods,
    path: &Path,
    sources: &[NodeId],
) -> Result<(PendingInvitations, InvitationReport)> {
    let records = crate::ingest::load_pairs(path, ["to", "from"], false)?;
    let mut cache: HashMap<String, Option<NodeId>> = HashMap::new();
    let mut lookup = |id: &str| -> Result<Option<NodeId>> {
        if let Some(&v) = cache.get(id) {
            return Ok(v);
        }
        let v = file.lookup(id)?;
        cache.insert(id.to_string(), v);
        Ok(v)
    };
    let mut mine: Vec<NodeId> = sources.to_vec();
    mine.sort_unstable();
    mine.dedup();
    let (mut resolved, mut unknown) = (Vec::new(), 0u64);
    for (to, from, _) in &records {
        match lookup(to)? {
            Some(to) if mine.binary_search(&to).is_err() => {}
            Some(to) => match lookup(from)? {
                Some(from) => resolved.push(Invitation { to, from }),
                None => unknown += 1,
            },
            None => unknown += 1,
        }
    }
    read_named(file, mine.iter().copied(), named)?;
    let (pending, mut report) =
        PendingInvitations::new_by(|to, from| named[&to].is_connected_to(from), resolved);
    report.records += unknown;
    report.unknown_nodes = unknown;
    Ok((pending, report))
}

/// Writes the reach table of a plan's counts to `path` (CSV or Parquet by its
/// extension), sources named by `ids` (the graph's, or [`Plan::with_ids_from`]'s); `spellings` are the strategies' (empty without strategies).
/// Returns the rows written.
pub fn write(
    ids: &NodeIds,
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
    write_reach_table(ids, &rows, max_degree, path, overwrite)
}
