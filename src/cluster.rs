//! Reach on a timely-dataflow cluster: the same exact and approximate reach as
//! [`crate::reach`], computed by several processes (on one or many machines), each
//! with several worker threads. Sits where [`crate::reach`] sits in the pipeline:
//! after loading, before the results tables; only process 0 writes them.
//!
//! # Model
//! Every process is started with the same arguments and reads the same graph,
//! roles and invitations files, so they all build the same CSR and the same list of
//! queries. Nodes are partitioned across the `P = processes × workers` workers by
//! id: worker `v mod P` owns node `v`, holds its traversal state and scans its
//! neighbour list. Work proceeds in rounds; in each round every worker sends
//! records to the owners of their nodes through a timely `Exchange` channel, and a
//! probe tells it when every record of the round has arrived everywhere.
//!
//! **Exact reach** keeps the bit-parallel multi-source BFS of [`crate::reach::exact`]:
//! per batch of 64 queries, the frontier travels as `(node, 64-bit set of sources)`
//! records; a worker combines what it sends to one node with OR before sending, and
//! ORs what it receives into the node's `seen` word, so a node enters the next
//! frontier once per level whatever the number of sources reaching it. Accepted
//! invitations are extra first-step neighbours of their person only, sent by the
//! person's owner. Counts per source, degree and role are summed on worker 0.
//! Time per batch O(arcs scanned / P) per worker plus one record per (frontier
//! node, neighbour) pair after combining; `max_degree` rounds per batch. Space
//! per worker: 24 bytes per owned node and an 8-byte send buffer per node.
//!
//! **Approximate reach** runs HyperBall ([`crate::reach::approx`]): each sweep, a
//! worker pulls the counters of its nodes' neighbours, and sends each of its
//! counters that changed to the workers owning one of the node's neighbours. Each
//! worker keeps a copy of every counter it reads: 6 × 2^b bytes per node.
//!
//! Both give byte-identical tables to the single-process path: counts are exact
//! sums (exact reach) or the same registers (approximate reach), whatever the
//! partition and the order records arrive in.
//!
//! # Failures
//! Connections are made by netreach (then handed to timely) with a deadline: a
//! process that cannot reach a peer, or waits in vain for one, exits 1 naming the
//! host. Processes compare a digest of their inputs and queries when they
//! connect. A peer that dies mid-run breaks its TCP connections; timely reports
//! that as a panic, which netreach turns into exit 1 with a message, removing any
//! output still being written.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream, ToSocketAddrs};
use std::path::Path;
use std::rc::Rc;
use std::sync::Arc;
use std::time::{Duration, Instant};

use timely::WorkerConfig;
use timely::communication::allocator::ProcessBuilder;
use timely::communication::allocator::zero_copy::initialize::initialize_networking_from_sockets;
use timely::communication::{AllocatorBuilder, Hooks};
use timely::container::CapacityContainerBuilder;
use timely::dataflow::channels::pact::Exchange as ExchangePact;
use timely::dataflow::operators::{Operator, Probe};
use timely::dataflow::{InputHandleVec, ProbeHandle};
use timely::worker::Worker;

use crate::error::{Error, Location, Result};
use crate::graph::{ConnectionGraph, NodeId};
use crate::reach::approx::{counter_estimate, level_counts, own_registers, self_estimates};
use crate::reach::exact::LANES;
use crate::reach::tally::LaneTally;
use crate::reach::{Counts, Degree, ReachCounts};
use crate::roles::RoleMap;

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

/// A digest of what a process computes on: its graph and roles, its queries
/// (sources and accepted inviters, which capture the sources, invitations,
/// strategies and seed) and `settings` (degrees, precision, cluster shape).
/// Processes refuse to work together when digests differ; paths, output and
/// verbosity flags may differ between them.
pub fn job_digest(
    graph: &ConnectionGraph,
    roles: &RoleMap,
    queries: &[OwnedQuery],
    settings: &str,
) -> u64 {
    let mut h = Fnv::default();
    h.bytes(settings.as_bytes());
    h.word(graph.node_count() as u64);
    h.word(graph.edge_count());
    for v in graph.nodes() {
        for &w in graph.neighbors(v) {
            h.word(u64::from(w));
        }
        h.word(u64::from(roles.code_of(v.0)));
    }
    h.word(queries.len() as u64);
    for q in queries {
        h.word(u64::from(q.source.0));
        h.word(q.accepted.len() as u64);
        for &f in &q.accepted {
            h.word(u64::from(f));
        }
    }
    h.0
}

/// FNV-1a, 64 bits (over bytes, or over whole numbers): stable across machines
/// and builds.
struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv {
    fn bytes(&mut self, b: &[u8]) {
        for &x in b {
            self.word(u64::from(x));
        }
    }

    /// One step per number rather than per byte: the digest reads every arc.
    fn word(&mut self, w: u64) {
        self.0 = (self.0 ^ w).wrapping_mul(0x0100_0000_01b3);
    }
}

const MAGIC: &[u8; 8] = b"netreach";

/// Opens one TCP connection to every other process (to lower indices by
/// connecting, from higher ones by accepting), with a deadline, and checks that
/// every peer runs the same job.
fn connect(c: &Cluster, digest: u64) -> Result<Vec<Option<TcpStream>>> {
    let deadline = Instant::now() + c.timeout;
    let me = c.process;
    let listener = TcpListener::bind(&c.hosts[me])
        .and_then(|l| l.set_nonblocking(true).map(|()| l))
        .map_err(|e| c.fail(format!("cannot listen on {} ({e})", c.hosts[me])))?;
    let mut sockets: Vec<Option<TcpStream>> = (0..c.hosts.len()).map(|_| None).collect();
    // Lower indices listen for us.
    for (j, slot) in sockets.iter_mut().enumerate().take(me) {
        *slot = Some(connect_to(c, j, digest, deadline)?);
    }
    // Higher indices connect to us.
    while sockets.iter().skip(me + 1).any(Option::is_none) {
        match listener.accept() {
            Ok((stream, addr)) => {
                if let Some((index, stream)) = accept_from(c, stream, addr, digest, &sockets)? {
                    sockets[index] = Some(stream);
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                if Instant::now() >= deadline {
                    let missing: Vec<String> = sockets
                        .iter()
                        .enumerate()
                        .skip(me + 1)
                        .filter(|(_, s)| s.is_none())
                        .map(|(j, _)| format!("process {j} at {}", c.hosts[j]))
                        .collect();
                    return Err(c.fail(format!(
                        "{} did not connect within {} s; is it running, with the same hostfile?",
                        missing.join(", "),
                        c.timeout.as_secs()
                    )));
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            Err(e) => {
                return Err(c.fail(format!(
                    "cannot accept connections on {} ({e})",
                    c.hosts[me]
                )));
            }
        }
    }
    Ok(sockets)
}

/// What a connecting process says first: magic, its index, its job digest.
fn hello(index: usize, digest: u64) -> [u8; 24] {
    let mut b = [0u8; 24];
    b[..8].copy_from_slice(MAGIC);
    b[8..16].copy_from_slice(&(index as u64).to_le_bytes());
    b[16..].copy_from_slice(&digest.to_le_bytes());
    b
}

/// Connects to process `j`, retrying until `deadline`, and checks its answer.
fn connect_to(c: &Cluster, j: usize, digest: u64, deadline: Instant) -> Result<TcpStream> {
    let host = &c.hosts[j];
    let mut stream = loop {
        let tried = host
            .to_socket_addrs()
            .map_err(|e| c.fail(format!("cannot resolve process {j}'s host {host} ({e})")))?
            .find_map(|addr| TcpStream::connect_timeout(&addr, Duration::from_millis(500)).ok());
        if let Some(s) = tried {
            break s;
        }
        if Instant::now() >= deadline {
            return Err(c.fail(format!(
                "could not reach process {j} at {host} within {} s; is it running, with the same hostfile?",
                c.timeout.as_secs()
            )));
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let io =
        |e: std::io::Error| c.fail(format!("lost process {j} at {host} while connecting ({e})"));
    let wait = deadline
        .saturating_duration_since(Instant::now())
        .max(Duration::from_millis(100));
    stream.set_nodelay(true).map_err(io)?;
    stream.write_all(&hello(c.process, digest)).map_err(io)?;
    stream.set_read_timeout(Some(wait)).map_err(io)?;
    let mut answer = [0u8; 1];
    stream.read_exact(&mut answer).map_err(io)?;
    if answer[0] != 1 {
        return Err(c.fail(format!(
            "process {j} at {host} runs a different job (graph, roles, sources, invitations, strategies or settings differ); start every process with the same arguments and input files"
        )));
    }
    stream.set_read_timeout(None).map_err(io)?;
    Ok(stream)
}

/// Checks a connection from a higher process; `None` when it is not from netreach.
fn accept_from(
    c: &Cluster,
    mut stream: TcpStream,
    addr: std::net::SocketAddr,
    digest: u64,
    sockets: &[Option<TcpStream>],
) -> Result<Option<(usize, TcpStream)>> {
    let io = |e: std::io::Error| c.fail(format!("bad connection from {addr} ({e})"));
    stream.set_nonblocking(false).map_err(io)?;
    stream.set_nodelay(true).map_err(io)?;
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .map_err(io)?;
    let mut b = [0u8; 24];
    if stream.read_exact(&mut b).is_err() || &b[..8] != MAGIC {
        // Not one of ours (a port scanner, say): ignore it.
        return Ok(None);
    }
    let index = usize::try_from(u64::from_le_bytes(b[8..16].try_into().expect("8 bytes")))
        .unwrap_or(usize::MAX);
    if index <= c.process || index >= c.hosts.len() || sockets[index].is_some() {
        return Err(c.fail(format!(
            "a process at {addr} claims index {index}; every process needs its own --process from 0 to {}",
            c.hosts.len() - 1
        )));
    }
    let same = u64::from_le_bytes(b[16..].try_into().expect("8 bytes")) == digest;
    stream.write_all(&[u8::from(same)]).map_err(io)?;
    if !same {
        return Err(c.fail(format!(
            "process {index} at {} runs a different job (graph, roles, sources, invitations, strategies or settings differ); start every process with the same arguments and input files",
            c.hosts[index]
        )));
    }
    stream.set_read_timeout(None).map_err(io)?;
    Ok(Some((index, stream)))
}

/// Turns timely's panic on a broken connection into a clean exit 1, so a crashed
/// peer makes this process stop instead of waiting for it forever.
fn exit_when_a_peer_is_lost(process: usize, hosts: Vec<String>) {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let msg = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied())
            .unwrap_or("");
        if msg.starts_with("timely communication error") {
            crate::output::remove_pending_files();
            // timely names its network threads `timely:send-J` and `timely:recv-J`.
            let peer = std::thread::current()
                .name()
                .and_then(|n| n.rsplit_once('-'))
                .and_then(|(_, j)| j.parse::<usize>().ok())
                .and_then(|j| hosts.get(j).map(|h| format!("process {j} at {h}")))
                .unwrap_or_else(|| "another process of the cluster".into());
            eprintln!(
                "error: process {process}: lost the connection to {peer} ({msg}); stopping, no output written"
            );
            std::process::exit(1);
        }
        previous(info);
    }));
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

/// Rounds of record exchange between the workers: records sent in a round are all
/// delivered to their owners' inboxes when the round ends.
struct Rounds<D: timely::ExchangeData + Clone> {
    input: InputHandleVec<u64, D>,
    probe: ProbeHandle<u64>,
    /// Records received, by round: a worker may receive the next round's records
    /// from a faster peer before its own probe says this round is over.
    inbox: Rc<RefCell<BTreeMap<u64, Vec<D>>>>,
    abort_at: Option<u64>,
}

impl<D: timely::ExchangeData + Clone> Rounds<D> {
    /// A channel whose records go to worker `route(record) mod peers`.
    fn new(worker: &mut Worker, route: impl Fn(&D) -> u64 + 'static) -> Self {
        let mut input = InputHandleVec::new();
        let probe = ProbeHandle::new();
        let inbox = Rc::new(RefCell::new(BTreeMap::<u64, Vec<D>>::new()));
        let sink = Rc::clone(&inbox);
        worker.dataflow::<u64, _, _>(|scope| {
            input
                .to_stream(scope)
                .unary::<CapacityContainerBuilder<Vec<()>>, _, _, _>(
                    ExchangePact::new(route),
                    "Deliver",
                    move |_, _| {
                        move |input, _output| {
                            input.for_each(|cap, data| {
                                // Every record sent by `round` carries its round.
                                let round = cap.least().copied().unwrap_or_default();
                                sink.borrow_mut().entry(round).or_default().append(data);
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
            abort_at: abort_round(),
        }
    }

    /// Sends `out` (emptied), waits for the round to end everywhere, returns what
    /// this worker received.
    fn round(&mut self, worker: &mut Worker, out: &mut Vec<D>) -> Vec<D> {
        if self.abort_at == Some(*self.input.time()) {
            std::process::abort();
        }
        self.input.send_batch(out);
        out.clear();
        let now = *self.input.time();
        self.input.advance_to(now + 1);
        while self.probe.less_than(&(now + 1)) {
            // Park until a message or progress arrives instead of spinning: on a
            // shared machine a spinning worker takes the core its peers need.
            worker.step_or_park(None);
        }
        self.inbox.borrow_mut().remove(&now).unwrap_or_default()
    }
}

/// Partial counts `(query, degree, members, recruiters, hiring managers)` sent to
/// worker 0 at the end.
type CountRecord = (u32, u8, u64, u64, u64);

/// Sums every worker's partial counts on worker 0.
fn gather(
    worker: &mut Worker,
    mut mine: Vec<CountRecord>,
    rows: usize,
    max: Degree,
) -> Option<Vec<ReachCounts>> {
    let mut rounds: Rounds<CountRecord> = Rounds::new(worker, |_| 0);
    let got = rounds.round(worker, &mut mine);
    if worker.index() != 0 {
        return None;
    }
    let mut out: Vec<ReachCounts> = (0..rows).map(|_| ReachCounts::zeros(max)).collect();
    for (q, k, nodes, recruiters, hiring_managers) in got {
        *out[q as usize].at_mut(usize::from(k)) += Counts {
            nodes,
            recruiters,
            hiring_managers,
        };
    }
    Some(out)
}

/// Exact reach for every query on the cluster, in query order; `Some` in process 0.
///
/// # Errors
/// If the cluster cannot be formed (see the module docs).
pub fn reach_many(
    c: &Cluster,
    digest: u64,
    graph: Arc<ConnectionGraph>,
    roles: Arc<RoleMap>,
    queries: Arc<Vec<OwnedQuery>>,
    max: Degree,
) -> Result<Option<Vec<ReachCounts>>> {
    execute(c, digest, move |worker| {
        exact_worker(worker, &graph, &roles, &queries, max)
    })
}

/// One worker's share of exact reach.
fn exact_worker(
    worker: &mut Worker,
    graph: &ConnectionGraph,
    roles: &RoleMap,
    queries: &[OwnedQuery],
    max: Degree,
) -> Option<Vec<ReachCounts>> {
    let (me, peers) = (worker.index(), worker.peers());
    let n = graph.node_count();
    let owns = |v: u32| v as usize % peers == me;
    let local = |v: u32| v as usize / peers;
    let owned = n.saturating_sub(me).div_ceil(peers);
    let mut rounds: Rounds<(u32, u64)> = Rounds::new(worker, |x: &(u32, u64)| u64::from(x.0));
    let (mut seen, mut visit, mut next) = (vec![0u64; owned], vec![0u64; owned], vec![0u64; owned]);
    // Outgoing records combined per target node before sending.
    let mut outgoing = vec![0u64; n];
    let mut targets: Vec<u32> = Vec::new();
    let mut records: Vec<(u32, u64)> = Vec::new();
    let (mut frontier, mut found, mut touched) = (Vec::new(), Vec::new(), Vec::new());
    let mut partial: Vec<CountRecord> = Vec::new();
    let send = |outgoing: &mut [u64], targets: &mut Vec<u32>, v: u32, m: u64| {
        let slot = &mut outgoing[v as usize];
        if *slot == 0 {
            targets.push(v);
        }
        *slot |= m;
    };
    for (b, batch) in queries.chunks(LANES).enumerate() {
        for (lane, q) in batch.iter().enumerate() {
            if owns(q.source.0) {
                let bit = 1u64 << lane;
                seen[local(q.source.0)] |= bit;
                touched.push(local(q.source.0));
                for &v in graph.neighbors(q.source).iter().chain(&q.accepted) {
                    send(&mut outgoing, &mut targets, v, bit);
                }
            }
        }
        for level in 1..=usize::from(max.0) {
            if level > 1 {
                for &l in &frontier {
                    let v = u32::try_from(l * peers + me).expect("node ids fit u32");
                    for &w in graph.neighbors(NodeId(v)) {
                        send(&mut outgoing, &mut targets, w, visit[l]);
                    }
                }
            }
            records.extend(
                targets
                    .drain(..)
                    .map(|v| (v, std::mem::take(&mut outgoing[v as usize]))),
            );
            for (v, m) in rounds.round(worker, &mut records) {
                let l = local(v);
                let new = m & !seen[l];
                if new != 0 {
                    if next[l] == 0 {
                        found.push(l);
                    }
                    seen[l] |= new;
                    next[l] |= new;
                }
            }
            let mut tally = LaneTally::ZERO;
            for &l in &found {
                let v = u32::try_from(l * peers + me).expect("node ids fit u32");
                tally.add(next[l], roles.code_of(v));
            }
            for lane in 0..batch.len() {
                let c = tally.counts(lane);
                if c != Counts::default() {
                    let q = u32::try_from(b * LANES + lane).expect("queries fit u32");
                    let k = u8::try_from(level).expect("degree fits u8");
                    partial.push((q, k, c.nodes, c.recruiters, c.hiring_managers));
                }
            }
            for &l in &frontier {
                visit[l] = 0;
            }
            for &l in &found {
                visit[l] = next[l];
                next[l] = 0;
            }
            touched.extend_from_slice(&found);
            std::mem::swap(&mut frontier, &mut found);
            found.clear();
        }
        for &l in touched.iter().chain(&frontier) {
            seen[l] = 0;
            visit[l] = 0;
        }
        touched.clear();
        frontier.clear();
    }
    gather(worker, partial, queries.len(), max)
}

/// Approximate reach of every node on the cluster, in node order; `Some` in process 0.
///
/// # Errors
/// If the cluster cannot be formed (see the module docs).
pub fn approx_reach_all(
    c: &Cluster,
    digest: u64,
    graph: Arc<ConnectionGraph>,
    roles: Arc<RoleMap>,
    max: Degree,
    precision: u8,
) -> Result<Option<Vec<ReachCounts>>> {
    execute(c, digest, move |worker| {
        approx_worker(worker, &graph, &roles, max, precision)
    })
}

/// A node's three counters, sent to a worker that reads them: (worker, node, registers).
type CounterRecord = (u32, u32, Vec<u8>);

/// One worker's share of HyperBall.
fn approx_worker(
    worker: &mut Worker,
    graph: &ConnectionGraph,
    roles: &RoleMap,
    max: Degree,
    precision: u8,
) -> Option<Vec<ReachCounts>> {
    let (me, peers) = (worker.index(), worker.peers());
    let nodes = graph.node_count();
    let registers = 1usize << precision;
    let width = 3 * registers;
    let mut rounds: Rounds<CounterRecord> = Rounds::new(worker, |x: &CounterRecord| u64::from(x.0));
    // Every node's counters, [node][class][register]; this worker keeps current
    // the ones it reads (its nodes and their neighbours).
    let mut cur = vec![0u8; nodes * width];
    for v in graph.nodes() {
        for (class, i, r) in own_registers(roles, v.0, precision) {
            cur[v.index() * width + class * registers + i] = r;
        }
    }
    let mine: Vec<u32> = (0..nodes)
        .skip(me)
        .step_by(peers)
        .map(|v| u32::try_from(v).expect("node ids fit u32"))
        .collect();
    let mut previous: Vec<[f64; 3]> = mine.iter().map(|&v| self_estimates(roles, v)).collect();
    let mut updated = vec![0u8; mine.len() * width];
    let mut partial: Vec<CountRecord> = Vec::new();
    let mut readers = vec![false; peers];
    let mut records: Vec<CounterRecord> = Vec::new();
    for level in 1..=usize::from(max.0) {
        for (slot, &v) in mine.iter().enumerate() {
            let dst = &mut updated[slot * width..(slot + 1) * width];
            dst.copy_from_slice(&cur[v as usize * width..(v as usize + 1) * width]);
            readers.fill(false);
            for &u in graph.neighbors(NodeId(v)) {
                readers[u as usize % peers] = true;
                let from = &cur[u as usize * width..(u as usize + 1) * width];
                for (a, b) in dst.iter_mut().zip(from) {
                    *a = (*a).max(*b);
                }
            }
            let estimates: [f64; 3] = std::array::from_fn(|class| {
                counter_estimate(&dst[class * registers..(class + 1) * registers])
            });
            let counts = level_counts(estimates, &mut previous[slot]);
            if counts != Counts::default() {
                let k = u8::try_from(level).expect("degree fits u8");
                partial.push((
                    v,
                    k,
                    counts.nodes,
                    counts.recruiters,
                    counts.hiring_managers,
                ));
            }
            if level < usize::from(max.0)
                && dst != &cur[v as usize * width..(v as usize + 1) * width]
            {
                for (w, _) in readers.iter().enumerate().filter(|&(w, &r)| r && w != me) {
                    records.push((u32::try_from(w).expect("workers fit u32"), v, dst.to_vec()));
                }
            }
        }
        if level == usize::from(max.0) {
            break;
        }
        let received = rounds.round(worker, &mut records);
        for (slot, &v) in mine.iter().enumerate() {
            cur[v as usize * width..(v as usize + 1) * width]
                .copy_from_slice(&updated[slot * width..(slot + 1) * width]);
        }
        for (_, v, regs) in received {
            cur[v as usize * width..(v as usize + 1) * width].copy_from_slice(&regs);
        }
    }
    drop(cur);
    gather(worker, partial, nodes, max)
}
