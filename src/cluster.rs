//! Reach on a timely-dataflow cluster: the same exact and approximate reach as
//! [`crate::reach`], computed by several processes (on one or many machines), each
//! with several worker threads. Sits where [`crate::reach`] sits in the pipeline:
//! after loading, before the results tables; only process 0 writes them.
//!
//! # Model
//! Every process is started with the same arguments and holds only its part of
//! the graph ([`GraphPart`]): a contiguous range of internal ids, balanced by
//! memory (arcs, and what the kernel keeps per node), with those nodes'
//! neighbour lists and roles. From a `.nrg` graph file a process reads just its
//! part and the few nodes the queries name
//! ([`crate::ingest::binary::GraphFile`]); from any other input every process
//! loads the whole graph and counts on its part (memory is then not divided).
//! Every process plans the same queries. Within a process, the range is dealt out to its
//! `W` workers by position (worker `i` owns the nodes at `i`, `i + W`, …), so any
//! worker finds the owner of any node from the P + 1 range bounds (`Owners`).
//! Work proceeds in rounds; in each round every worker sends records to the
//! owners of their nodes through a timely `Exchange` channel, each record is
//! folded into its owner's state as it arrives, and a probe tells a worker when
//! every record of the round has arrived everywhere.
//!
//! **Exact reach** ([`reach_many`], `cluster/exact.rs`) keeps the bit-parallel
//! multi-source BFS of [`crate::reach::exact`], one level per round.
//! **Approximate reach** ([`approx_reach_all`], `cluster/approx.rs`) runs
//! HyperBall with every worker pushing changed counters to the owners of their
//! neighbours. **Job leads** ([`experiment_many`], `cluster/leads.rs`) run the
//! searches of [`crate::reach::leads::LeadWorld::person`], 64 worlds to a
//! record, one depth per round, and worker 0 sums them; **offers**
//! (`cluster/market.rs`) add the backward searches from each reached firm's
//! knowers, whose seeker counts worker 0 adds up. Both give byte-identical tables to the
//! single-process path: counts are exact sums (exact reach) or the same registers
//! (approximate reach), whatever the partition and the order records arrive in.
//! docs/cluster.md has the memory, traffic and scaling measured, and a capacity
//! plan.
//!
//! # Failures
//! Connections are made by netreach (then handed to timely) with a deadline: a
//! process that cannot reach a peer, or waits in vain for one, exits 1 naming the
//! host. Processes compare a digest of their inputs and queries when they
//! connect. A peer that dies mid-run breaks its TCP connections; timely reports
//! that as a panic, which netreach turns into exit 1 with a message, removing any
//! output still being written.

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::path::Path;
use std::rc::Rc;
use std::sync::Mutex;
use std::time::Duration;

use timely::WorkerConfig;
use timely::communication::allocator::ProcessBuilder;
use timely::communication::allocator::zero_copy::initialize::initialize_networking_from_sockets;
use timely::communication::{AllocatorBuilder, Hooks};
use timely::container::CapacityContainerBuilder;
use timely::dataflow::channels::pact::Exchange as ExchangePact;
use timely::dataflow::operators::{Operator, Probe};
use timely::dataflow::{InputHandleVec, ProbeHandle};
use timely::worker::Worker;

use crate::digest::Fnv;
use crate::error::{Error, Location, Result};
use crate::graph::{ConnectionGraph, GraphPart, NodeId};
use crate::reach::{Counts, Degree, ReachCounts};
use crate::roles::RoleMap;

mod approx;
mod exact;
mod leads;
mod market;
mod net;

use net::{connect, exit_when_a_peer_is_lost};

pub use approx::approx_reach_all;
pub use exact::reach_many;
pub use leads::{LeadJob, LeadRun, Lists, MarketJob};

/// An experiment's counts on the cluster: exact reach for every query, in
/// query order, and with `leads` each (replicate, person)'s job-lead
/// answers (`cluster/leads.rs`), both `Some` in process 0; and what this
/// process sent to the others. One cluster, formed once, runs both.
///
/// # Errors
/// If the cluster cannot be formed (see the module docs).
#[allow(clippy::type_complexity)] // the two answers of process 0
pub fn experiment_many(
    c: &Cluster,
    digest: u64,
    part: std::sync::Arc<GraphPart>,
    queries: std::sync::Arc<Vec<OwnedQuery>>,
    max: Degree,
    leads: Option<(std::sync::Arc<LeadJob>, Lists)>,
) -> Result<(
    Option<(
        Vec<ReachCounts>,
        Option<Vec<crate::reach::leads::PersonLeads>>,
    )>,
    Traffic,
)> {
    let reach = std::sync::Arc::new(Mutex::new(Traffic::default()));
    let searches = std::sync::Arc::new(Mutex::new(Traffic::default()));
    let (reach_sent, search_sent) = (
        std::sync::Arc::clone(&reach),
        std::sync::Arc::clone(&searches),
    );
    let out = execute(c, digest, move |worker| {
        let counts = exact::exact_worker(worker, &part, &queries, max, &reach_sent);
        let answers = leads.as_ref().and_then(|(job, lists)| {
            if job.market.is_some() {
                market::market_worker(worker, &part, job, lists, &search_sent)
            } else {
                leads::lead_worker(worker, &part, job, lists, &search_sent)
            }
        });
        counts.map(|c| (c, answers))
    })?;
    // The two phases' rounds follow one another.
    let mut t = *reach.lock().expect("the workers are done");
    t.follow(&searches.lock().expect("the workers are done"));
    Ok((out, t))
}

/// Where this process sits in a cluster.
#[derive(Debug, Clone)]
pub struct Cluster {
    /// `host:port` of every process, in process order.
    pub hosts: Vec<String>,
    /// This process's index into `hosts`.
    pub process: usize,
    /// Worker threads per process (the same in every process).
    pub workers: usize,
    /// How long to wait for the other processes to connect.
    pub timeout: Duration,
}

impl Cluster {
    /// Reads a hostfile: one `host:port` per line, in process order; blank lines
    /// and lines starting with `#` are skipped.
    ///
    /// # Errors
    /// If the file cannot be read, a line is not `host:port`, or no host is listed.
    pub fn read_hostfile(path: &Path) -> Result<Vec<String>> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
            action: "read",
            path: path.to_path_buf(),
            source,
        })?;
        let mut hosts = Vec::new();
        for (i, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let port_ok = line
                .rsplit_once(':')
                .is_some_and(|(h, p)| !h.is_empty() && p.parse::<u16>().is_ok_and(|p| p > 0));
            if !port_ok {
                return Err(Error::Parse {
                    at: Location::new(path, i as u64 + 1),
                    expected: "host:port, e.g. 10.0.0.2:7000".into(),
                    found: line.chars().take(60).collect(),
                });
            }
            hosts.push(line.to_string());
        }
        if hosts.is_empty() {
            return Err(Error::Format {
                path: path.to_path_buf(),
                message: "no hosts listed; expected one host:port line per process".into(),
            });
        }
        Ok(hosts)
    }

    /// Workers in the whole cluster.
    pub fn peers(&self) -> usize {
        self.hosts.len() * self.workers
    }

    /// An error of this process.
    fn fail(&self, msg: impl std::fmt::Display) -> Error {
        Error::Cluster(format!("process {}: {msg}", self.process))
    }
}

/// Process `process`'s part of a whole graph among `processes`, nodes weighing
/// `node_weight` arcs (see [`crate::graph::node_weight`]).
pub fn part_of(
    graph: &ConnectionGraph,
    roles: &RoleMap,
    processes: usize,
    process: usize,
    node_weight: u64,
) -> GraphPart {
    GraphPart::of(graph, roles.codes(), processes, process, node_weight)
}

/// A digest of a whole graph and its roles, for [`job_digest`] (a `.nrg` file's
/// [`crate::ingest::binary::GraphFile::fingerprint`] stands for it when the
/// processes read their parts from one).
pub fn graph_digest(graph: &ConnectionGraph, roles: &RoleMap) -> u64 {
    let mut h = Fnv::default();
    h.word(graph.node_count() as u64);
    h.word(graph.edge_count());
    for v in graph.nodes() {
        for &w in graph.neighbors(v) {
            h.word(u64::from(w));
        }
        h.word(u64::from(roles.code_of(v.0)));
    }
    h.finish()
}

/// A digest of what a process computes on: its input (`input`, from
/// [`graph_digest`] or a graph file's fingerprint), its queries (sources and
/// accepted inviters, which capture the sources, invitations, strategies and
/// seed) and `settings` (degrees, precision, cluster shape). Processes refuse to
/// work together when digests differ; paths, output and verbosity flags may
/// differ between them.
pub fn job_digest(input: u64, queries: &[OwnedQuery], settings: &str) -> u64 {
    let mut h = Fnv::default();
    h.bytes(settings.as_bytes());
    h.word(input);
    h.word(queries.len() as u64);
    for q in queries {
        h.word(u64::from(q.source.0));
        h.word(q.accepted.len() as u64);
        for &f in &q.accepted {
            h.word(u64::from(f));
        }
    }
    h.finish()
}

/// Who owns which node: processes by the range bounds of their parts, workers
/// within a process by position in the range.
#[derive(Debug, Clone)]
struct Owners {
    bounds: Vec<u32>,
    /// Workers per process.
    workers: usize,
    /// This worker: its process's range and its position among the process's workers.
    start: u32,
    end: u32,
    position: usize,
}

impl Owners {
    /// Worker `me` of `peers` holding `part`.
    fn new(part: &GraphPart, me: usize, peers: usize) -> Self {
        let processes = part.bounds().len() - 1;
        let workers = peers / processes;
        let range = part.range();
        Owners {
            bounds: part.bounds().to_vec(),
            workers,
            start: range.start,
            end: range.end,
            position: me % workers,
        }
    }

    /// The worker owning node `v`.
    #[inline]
    fn worker_of(&self, v: u32) -> usize {
        let p = self.bounds.partition_point(|&b| b <= v) - 1;
        p * self.workers + (v - self.bounds[p]) as usize % self.workers
    }

    /// True when this worker owns `v`.
    #[inline]
    fn owns(&self, v: u32) -> bool {
        (self.start..self.end).contains(&v)
            && (v - self.start) as usize % self.workers == self.position
    }

    /// The index of owned node `v` in this worker's arrays.
    #[inline]
    fn local(&self, v: u32) -> usize {
        (v - self.start) as usize / self.workers
    }

    /// The node at index `l` of this worker's arrays.
    #[inline]
    fn node(&self, l: usize) -> u32 {
        self.start + u32::try_from(l * self.workers + self.position).expect("node ids fit u32")
    }

    /// Nodes this worker owns.
    fn owned_count(&self) -> usize {
        ((self.end - self.start) as usize)
            .saturating_sub(self.position)
            .div_ceil(self.workers)
    }
}

/// Runs `work` on every worker of this process, once the cluster is connected;
/// returns what worker 0 of the cluster returned (`None` in other processes).
fn execute<T, F>(c: &Cluster, digest: u64, work: F) -> Result<Option<T>>
where
    T: Send + 'static,
    F: Fn(&mut Worker) -> Option<T> + Send + Sync + 'static,
{
    let hooks = Hooks::default();
    let processes =
        ProcessBuilder::new_typed_vector(c.workers, hooks.refill.clone(), hooks.spill.clone());
    let (builders, others): (Vec<AllocatorBuilder>, Box<dyn std::any::Any + Send>) =
        if c.hosts.len() == 1 {
            (
                processes
                    .into_iter()
                    .map(AllocatorBuilder::Process)
                    .collect(),
                Box::new(()),
            )
        } else {
            let sockets = connect(c, digest)?;
            exit_when_a_peer_is_lost(c.process, c.hosts.clone());
            let (builders, guard) =
                initialize_networking_from_sockets(processes, sockets, c.process, c.workers, hooks)
                    .map_err(|e| {
                        Error::Cluster(format!(
                            "process {}: cannot start networking ({e})",
                            c.process
                        ))
                    })?;
            (
                builders.into_iter().map(AllocatorBuilder::Tcp).collect(),
                Box::new(guard),
            )
        };
    let guards = timely::execute::execute_from(builders, others, WorkerConfig::default(), work)
        .map_err(|e| Error::Cluster(format!("process {}: {e}", c.process)))?;
    let mut first = None;
    for r in guards.join() {
        let r =
            r.map_err(|e| Error::Cluster(format!("process {}: a worker failed: {e}", c.process)))?;
        if first.is_none() {
            first = r;
        }
    }
    Ok(first)
}

/// One reach question with owned data, shareable across worker threads.
#[derive(Debug, Clone)]
pub struct OwnedQuery {
    /// The person.
    pub source: NodeId,
    /// Inviters this person accepted (internal ids).
    pub accepted: Vec<u32>,
}

/// A test hook: `NETREACH_TEST_ABORT_AT_ROUND=R` makes this process abort in round R.
fn abort_round() -> Option<u64> {
    std::env::var("NETREACH_TEST_ABORT_AT_ROUND")
        .ok()
        .and_then(|s| s.parse().ok())
}

/// What one process's workers sent to workers of other processes (over TCP),
/// for `reach -v` and docs/cluster.md.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Traffic {
    /// Rounds of exchange (the same in every worker).
    pub rounds: u64,
    /// Records sent.
    pub records: u64,
    /// Their payload bytes (ids, masks, registers; not timely's framing).
    pub bytes: u64,
    /// Bytes of the largest round, summed over this process's workers.
    pub largest_round: u64,
}

impl Traffic {
    /// `later`'s rounds after this one's, by the same worker or process.
    fn follow(&mut self, later: &Traffic) {
        self.rounds += later.rounds;
        self.records += later.records;
        self.bytes += later.bytes;
        self.largest_round = self.largest_round.max(later.largest_round);
    }

    /// Another worker's traffic in the same rounds.
    fn add(&mut self, other: &Traffic) {
        self.rounds = self.rounds.max(other.rounds);
        self.records += other.records;
        self.bytes += other.bytes;
        self.largest_round += other.largest_round;
    }
}

/// A record exchanged between workers, with its payload size.
trait Record: timely::ExchangeData + Clone {
    fn bytes(&self) -> usize;
}

impl Record for (u32, u64) {
    fn bytes(&self) -> usize {
        12
    }
}

impl Record for (u32, Vec<u8>, Vec<u32>) {
    fn bytes(&self) -> usize {
        4 + self.1.len() + 4 * self.2.len()
    }
}

impl Record for CountRecord {
    fn bytes(&self) -> usize {
        29
    }
}

/// Rounds of record exchange between the workers. A worker sends a round's
/// records (in pieces, if it likes), then ends the round: it waits until every
/// record of the round has arrived everywhere, and each record is handed to the
/// `fold` of its owner as it arrives, so no round is ever held whole. Records a
/// faster peer sends for a later round wait in an inbox until that round.
struct Rounds<D: Record> {
    input: InputHandleVec<u64, D>,
    probe: ProbeHandle<u64>,
    /// Records that arrived early, by round.
    inbox: Rc<RefCell<BTreeMap<u64, Vec<D>>>>,
    fold: Rc<RefCell<dyn FnMut(D)>>,
    /// The round this worker is waiting on (`u64::MAX` between rounds).
    current: Rc<Cell<u64>>,
    abort_at: Option<u64>,
    route: Rc<dyn Fn(&D) -> u64>,
    /// This worker's process, and workers per process (to tell network records).
    process: usize,
    workers: usize,
    peers: usize,
    traffic: Traffic,
    sent_this_round: u64,
}

impl<D: Record> Rounds<D> {
    /// A channel whose records go to worker `route(record) mod peers` (with
    /// `workers` per process), and are handed to `fold` there.
    fn new(
        worker: &mut Worker,
        workers: usize,
        route: impl Fn(&D) -> u64 + 'static,
        fold: impl FnMut(D) + 'static,
    ) -> Self {
        let mut input = InputHandleVec::new();
        let probe = ProbeHandle::new();
        let inbox = Rc::new(RefCell::new(BTreeMap::<u64, Vec<D>>::new()));
        let sink = Rc::clone(&inbox);
        let fold: Rc<RefCell<dyn FnMut(D)>> = Rc::new(RefCell::new(fold));
        let current = Rc::new(Cell::new(u64::MAX));
        let (folder, now) = (Rc::clone(&fold), Rc::clone(&current));
        let route: Rc<dyn Fn(&D) -> u64> = Rc::new(route);
        let by = Rc::clone(&route);
        worker.dataflow::<u64, _, _>(|scope| {
            input
                .to_stream(scope)
                .unary::<CapacityContainerBuilder<Vec<()>>, _, _, _>(
                    ExchangePact::new(move |d: &D| by(d)),
                    "Deliver",
                    move |_, _| {
                        move |input, _output| {
                            input.for_each(|cap, data| {
                                // Every record sent by `round` carries its round.
                                let round = cap.least().copied().unwrap_or_default();
                                if round == now.get() {
                                    let mut f = folder.borrow_mut();
                                    for d in data.drain(..) {
                                        f(d);
                                    }
                                } else {
                                    sink.borrow_mut().entry(round).or_default().append(data);
                                }
                            });
                        }
                    },
                )
                .probe_with(&probe);
        });
        Rounds {
            input,
            probe,
            inbox,
            fold,
            current,
            abort_at: abort_round(),
            route,
            process: worker.index() / workers,
            workers,
            peers: worker.peers(),
            traffic: Traffic::default(),
            sent_this_round: 0,
        }
    }

    /// Sends `out` (emptied) in this round.
    fn send(&mut self, out: &mut Vec<D>) {
        let (mut records, mut bytes) = (0u64, 0u64);
        for d in out.iter() {
            #[allow(clippy::cast_possible_truncation)] // a worker index
            let to = ((self.route)(d) % self.peers as u64) as usize;
            if to / self.workers != self.process {
                records += 1;
                bytes += d.bytes() as u64;
            }
        }
        self.traffic.records += records;
        self.traffic.bytes += bytes;
        self.sent_this_round += bytes;
        self.input.send_batch(out);
        out.clear();
    }

    /// Ends this worker's round: returns once every record of the round has
    /// arrived everywhere and been folded.
    fn end_round(&mut self, worker: &mut Worker) {
        if self.abort_at == Some(*self.input.time()) {
            std::process::abort();
        }
        self.traffic.rounds += 1;
        self.traffic.largest_round = self.traffic.largest_round.max(self.sent_this_round);
        self.sent_this_round = 0;
        let now = *self.input.time();
        self.current.set(now);
        let early = self.inbox.borrow_mut().remove(&now).unwrap_or_default();
        {
            let mut f = self.fold.borrow_mut();
            for d in early {
                f(d);
            }
        }
        self.input.advance_to(now + 1);
        while self.probe.less_than(&(now + 1)) {
            // Park until a message or progress arrives instead of spinning: on a
            // shared machine a spinning worker takes the core its peers need.
            worker.step_or_park(None);
        }
        self.current.set(u64::MAX);
    }
}

/// Partial counts `(query, degree, members, recruiters, hiring managers)` sent to
/// worker 0 at the end.
type CountRecord = (u32, u8, u64, u64, u64);

/// Sums every worker's partial counts on worker 0; adds this worker's
/// traffic, `so_far` and the gathering's, to the process's `total`.
fn gather(
    worker: &mut Worker,
    workers: usize,
    mut mine: Vec<CountRecord>,
    rows: usize,
    max: Degree,
    so_far: &Traffic,
    total: &Mutex<Traffic>,
) -> Option<Vec<ReachCounts>> {
    // Worker 0 adds the counts up as they arrive: only the table is kept.
    let out: Rc<RefCell<Vec<ReachCounts>>> = Rc::new(RefCell::new(if worker.index() == 0 {
        (0..rows).map(|_| ReachCounts::zeros(max)).collect()
    } else {
        Vec::new()
    }));
    let into = Rc::clone(&out);
    let mut rounds: Rounds<CountRecord> = Rounds::new(
        worker,
        workers,
        |_| 0,
        move |(q, k, nodes, recruiters, hiring_managers)| {
            *into.borrow_mut()[q as usize].at_mut(usize::from(k)) += Counts {
                nodes,
                recruiters,
                hiring_managers,
            };
        },
    );
    rounds.send(&mut mine);
    drop(mine);
    rounds.end_round(worker);
    {
        let mut t = total.lock().expect("no worker panics holding it");
        let mut mine = *so_far;
        mine.follow(&rounds.traffic);
        t.add(&mine);
    }
    drop(rounds);
    if worker.index() != 0 {
        return None;
    }
    Some(Rc::try_unwrap(out).map_or_else(|rc| rc.borrow().clone(), RefCell::into_inner))
}
