//! An experiment as one process of a cluster (`netreach run --cluster`,
//! `simulate --cluster`): every process draws the same invitations and plans
//! the same reach queries (and job-lead questions), the cluster counts them
//! on the parts ([`crate::cluster::experiment_many`]), and process 0 finishes
//! the experiment and writes the folder, byte for byte what a single process
//! writes.
//!
//! # Where the network lives
//! - **On parts** ([`PartSetup`]): an experiment whose network is a `.nrg`
//!   graph file carrying its roles, without `[adoption]` or colleagues'
//!   invitations. Each process holds its part of the graph and reads, where
//!   they sit in the file, the few lists its invitations and its ties' mutual
//!   connections need; reach and, with `[leads]` and `[market]`, the job-lead
//!   and offer searches run on the parts.
//! - **Whole** ([`Setup`]): any other experiment. Every process builds or loads
//!   the whole network (a generator builds every node's connections from one
//!   random stream, so none can build only its part), the reach queries are
//!   counted on the parts, and process 0 computes what reads the whole network
//!   (job leads, offers, adoption) alone. [`whole_because`] says why.
//!
//! # Example
//! ```no_run
//! use netreach::cluster::Cluster;
//! use netreach::config::Experiment;
//! use netreach::jobs::experiment::Options;
//! use netreach::jobs::experiment::cluster::{Network, run};
//! use netreach::progress::NoProgress;
//! let exp = Experiment::from_file("data/experiments/quick.toml".as_ref())?;
//! let cluster = Cluster {
//!     hosts: vec!["127.0.0.1:7100".into()],
//!     process: 0,
//!     workers: 2,
//!     timeout: std::time::Duration::from_secs(60),
//! };
//! let network = Network::new(&exp)?;
//! let done = run(&exp, &network, &cluster, "out/quick".as_ref(), &Options::default(), &NoProgress)?;
//! println!("{} files", done.done.map_or(0, |d| d.files.len()));
//! # Ok::<(), netreach::Error>(())
//! ```

use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use crate::cluster::{self, Cluster, Traffic, graph_digest, part_of};
use crate::config::{Experiment, GraphSource};
use crate::error::Result;
use crate::graph::{NodeId, node_weight};
use crate::ingest::binary::is_graph_file;
use crate::invitations::Lists;
use crate::progress::Progress;
use crate::results::network::NetworkFacts;
use crate::simulation::{PartSetup, Setup};

use super::{Done, Measured, Options, network_facts, write};

/// An experiment's network as a cluster process holds it.
#[derive(Debug)]
pub enum Network {
    /// The whole network, in every process.
    Whole(Box<Setup>),
    /// A graph file, each process reading its part.
    Part(Arc<PartSetup>),
}

/// Why `exp`'s network must be held whole by every process, or `None` when
/// each process can read only its part.
pub fn whole_because(exp: &Experiment) -> Option<&'static str> {
    match &exp.graph {
        GraphSource::Generated(..) => Some(
            "a generated network is built whole by every process (import it as a .nrg to divide memory)",
        ),
        GraphSource::Files {
            edges,
            roles,
            nodes,
        } => {
            if !is_graph_file(edges) {
                Some(
                    "an edge list is loaded whole by every process (import it as a .nrg to divide memory)",
                )
            } else if roles.is_some() || nodes.is_some() {
                Some("roles or nodes from a table need the whole graph (import them into the .nrg)")
            } else if exp.adoption.is_some() {
                Some("[adoption] is computed by process 0 on the whole network")
            } else if exp.arrivals.colleagues > 0.0 {
                Some("colleagues' invitations read every firm's members")
            } else {
                None
            }
        }
    }
}

impl Network {
    /// Sets up `exp`'s network: its part where it can, else whole.
    ///
    /// # Errors
    /// As [`Setup::new`] or [`PartSetup::open`].
    pub fn new(exp: &Experiment) -> Result<Self> {
        match (&exp.graph, whole_because(exp)) {
            (GraphSource::Files { edges, .. }, None) => {
                Ok(Network::Part(Arc::new(PartSetup::open(exp, edges)?)))
            }
            _ => Ok(Network::Whole(Box::new(Setup::new(exp)?))),
        }
    }

    /// The people studied.
    pub fn people(&self) -> &[crate::graph::NodeId] {
        match self {
            Network::Whole(s) => &s.people,
            Network::Part(p) => &p.people,
        }
    }
}

/// What one process did.
#[derive(Debug, Clone)]
pub struct ClusterDone {
    /// What was written, in process 0.
    pub done: Option<Done>,
    /// What this process sent to the others.
    pub traffic: Traffic,
    /// Nodes and arcs of this process's part.
    pub part: (usize, u64),
    /// Nodes and arcs of the whole network.
    pub whole: (u32, u64),
    /// Distinct reach queries the cluster counted.
    pub queries: usize,
    /// Time drawing the invitations and reading the part.
    pub planning: std::time::Duration,
    /// Time counting reach on the cluster.
    pub counting: std::time::Duration,
}

/// Runs `exp` as one process of `cluster` on `network`; process 0 writes the
/// results into `out`. `progress` counts observations, as for a single process.
///
/// # Errors
/// If the cluster cannot be formed, a peer is lost, the graph file is damaged,
/// or an output cannot be written.
pub fn run(
    exp: &Experiment,
    network: &Network,
    cluster: &Cluster,
    out: &Path,
    options: &Options,
    progress: &dyn Progress,
) -> Result<ClusterDone> {
    let t = Instant::now();
    let processes = cluster.hosts.len();
    let mut leads = None;
    let (planned, part, input, arcs) = match network {
        Network::Whole(s) => {
            let planned = s.plan(exp);
            let part = part_of(
                &s.graph,
                &s.roles,
                processes,
                cluster.process,
                node_weight(None),
            );
            let arcs = s.graph.edge_count() * 2;
            (planned, part, graph_digest(&s.graph, &s.roles), arcs)
        }
        Network::Part(p) => {
            let planned = p.plan(exp)?;
            leads = p.lead_job(exp, &planned)?;
            let part = p.part(processes, cluster.process)?;
            (planned, part, p.fingerprint(), Lists::arc_count(&**p))
        }
    };
    let planning = t.elapsed();
    let digest = cluster::job_digest(input, &planned.queries, &settings(exp, cluster));
    let shape = (part.range().len(), part.owned_arcs());
    let whole = (part.node_count(), arcs);
    let queries = planned.queries.len();
    let searches = match (network, &leads) {
        (Network::Part(p), Some(q)) => {
            let p = Arc::clone(p);
            let lists: cluster::Lists = Arc::new(move |u| p.neighbors_of(NodeId(u)).into_owned());
            Some((Arc::clone(&q.job), lists))
        }
        _ => None,
    };
    let (counted, traffic) = cluster::experiment_many(
        cluster,
        digest,
        Arc::new(part),
        Arc::new(planned.queries.clone()),
        exp.max_degree,
        searches,
    )?;
    if let Network::Part(p) = network {
        p.check()?;
    }
    let units = planned.observation_count() as u64;
    progress.inc(if leads.is_some() { 2 * units } else { units });
    let counting = t.elapsed().saturating_sub(planning);
    let mut result = ClusterDone {
        done: None,
        traffic,
        part: shape,
        whole,
        queries,
        planning,
        counting,
    };
    let Some((counts, answers)) = counted else {
        return Ok(result);
    };
    result.done = Some(match network {
        Network::Whole(s) => {
            let outcome = s.finish(exp, &planned, &counts, progress);
            let real = s
                .graph
                .degree_histogram(s.graph.nodes().take(s.first_fake as usize));
            let measured = Measured {
                outcome: &outcome,
                ids: s.graph.ids(),
                facts: &network_facts(exp, s),
                degrees: &real,
                simulated: t.elapsed(),
            };
            write(exp, &measured, out, options)?
        }
        Network::Part(p) => {
            let (outcome, ids) = p.outcome(&planned, &counts, leads.zip(answers))?;
            let measured = Measured {
                outcome: &outcome,
                ids: &ids,
                facts: &part_facts(p),
                degrees: p.degrees(),
                simulated: t.elapsed(),
            };
            write(exp, &measured, out, options)?
        }
    });
    Ok(result)
}

/// The `network` table's facts of a network read in parts.
fn part_facts(p: &PartSetup) -> NetworkFacts {
    let (recruiters, hiring_managers) = p.role_counts();
    NetworkFacts {
        source: format!("file {}", p.path().display()),
        people: u64::from(p.first_fake),
        fake_accounts: u64::from(p.fake_accounts()),
        edges: p.edges(),
        recruiters,
        hiring_managers,
        studied: p.people.len() as u64,
    }
}

/// What every process must agree on besides the input and the queries: the
/// experiment's settings (not its paths or outputs) and the cluster's shape.
fn settings(exp: &Experiment, c: &Cluster) -> String {
    let strategies: Vec<String> = exp
        .strategies
        .iter()
        .map(|s| format!("{} {:?}", s.strategy, s.sweep_value))
        .collect();
    format!(
        "experiment seed {} replicates {} max {} weekly {} people {:?} arrivals {:?} strategies {strategies:?} leads {:?} market {:?} adoption {:?} workers {} hosts {:?}",
        exp.seed,
        exp.replicates,
        exp.max_degree,
        exp.weekly,
        exp.people,
        exp.arrivals,
        exp.leads,
        exp.market,
        exp.adoption,
        c.workers,
        c.hosts
    )
}
