//! Exact reach on the cluster: the bit-parallel multi-source BFS of
//! [`crate::reach::exact`], level-synchronous across the workers, each worker
//! scanning only the lists of the nodes it owns in its process's
//! [`GraphPart`].
//!
//! # Algorithm
//! Per batch of 64 queries the frontier travels as `(node, 64-bit set of
//! sources)` records. A worker combines what it sends to one node with OR before
//! sending, and ORs what it receives into the node's `seen` word, so a node
//! enters the next frontier once per level whatever the number of sources
//! reaching it. Accepted invitations are extra first-step neighbours of their
//! person only, sent by the person's owner. Counts per query, degree and role
//! are summed on worker 0.
//!
//! # Complexity
//! Time per batch: O(arcs scanned / workers) per worker plus one record per
//! (frontier node, neighbour) pair after combining; `max_degree` rounds. Space
//! per worker: 24 bytes per owned node (seen, frontier, next) and an 8-byte
//! combining slot per node of the graph (the one per-node cost that does not
//! shrink with more processes; see docs/cluster.md).

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::{Arc, Mutex};

use timely::worker::Worker;

use super::{Cluster, CountRecord, OwnedQuery, Owners, Rounds, Traffic, execute, gather};
use crate::error::Result;
use crate::graph::GraphPart;
use crate::reach::exact::LANES;
use crate::reach::tally::LaneTally;
use crate::reach::{Counts, Degree, ReachCounts};

/// Sources reaching each owned node so far (`seen`), new at this level
/// (`next`), and the owned nodes reached for the first time at this level.
struct Arrivals {
    seen: Vec<u64>,
    next: Vec<u64>,
    found: Vec<u32>,
}

impl Arrivals {
    /// Sources `m` reached owned node `l`.
    fn arrive(&mut self, l: usize, m: u64) {
        let new = m & !self.seen[l];
        if new != 0 {
            if self.next[l] == 0 {
                self.found.push(index(l));
            }
            self.seen[l] |= new;
            self.next[l] |= new;
        }
    }
}

/// Appends the non-zero counts of `lanes` queries from `first` at degree `k`.
fn add_counts(tally: &LaneTally, first: usize, lanes: usize, k: u8, out: &mut Vec<CountRecord>) {
    for lane in 0..lanes {
        let c = tally.counts(lane);
        if c != Counts::default() {
            let q = u32::try_from(first + lane).expect("queries fit u32");
            out.push((q, k, c.nodes, c.recruiters, c.hiring_managers));
        }
    }
}

/// An index into a worker's arrays as u32: 4 bytes per node visited.
fn index(l: usize) -> u32 {
    u32::try_from(l).expect("a worker owns fewer than 2^32 nodes")
}

/// Records sent at a time.
const SEND_PIECE: usize = 1 << 16;

/// Exact reach for every query on the cluster, in query order (`Some` in
/// process 0), and what this process sent to the others.
///
/// # Errors
/// If the cluster cannot be formed (see the module docs of [`super`]).
pub fn reach_many(
    c: &Cluster,
    digest: u64,
    part: Arc<GraphPart>,
    queries: Arc<Vec<OwnedQuery>>,
    max: Degree,
) -> Result<(Option<Vec<ReachCounts>>, Traffic)> {
    let traffic = Arc::new(Mutex::new(Traffic::default()));
    let total = Arc::clone(&traffic);
    let counts = execute(c, digest, move |worker| {
        exact_worker(worker, &part, &queries, max, &total)
    })?;
    let t = *traffic.lock().expect("the workers are done");
    Ok((counts, t))
}

/// One worker's share of exact reach.
fn exact_worker(
    worker: &mut Worker,
    part: &GraphPart,
    queries: &[OwnedQuery],
    max: Degree,
    total: &Mutex<Traffic>,
) -> Option<Vec<ReachCounts>> {
    let own = Owners::new(part, worker.index(), worker.peers());
    let owned = own.owned_count();
    // What arrives is folded in as it arrives: no round's records are kept.
    let arrivals = Rc::new(RefCell::new(Arrivals {
        seen: vec![0u64; owned],
        next: vec![0u64; owned],
        found: Vec::new(),
    }));
    let (owners, into, at) = (own.clone(), Rc::clone(&arrivals), own.clone());
    let mut rounds: Rounds<(u32, u64)> = Rounds::new(
        worker,
        own.workers,
        move |x: &(u32, u64)| owners.worker_of(x.0) as u64,
        move |(v, m)| into.borrow_mut().arrive(at.local(v), m),
    );
    let mut visit = vec![0u64; owned];
    // Outgoing records combined per target node before sending.
    let mut outgoing = vec![0u64; part.node_count() as usize];
    let mut targets: Vec<u32> = Vec::new();
    let mut records: Vec<(u32, u64)> = Vec::new();
    // Indices into this worker's arrays, as u32: 4 bytes per node visited.
    let (mut frontier, mut touched): (Vec<u32>, Vec<u32>) = (Vec::new(), Vec::new());
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
            if own.owns(q.source.0) {
                let bit = 1u64 << lane;
                let l = own.local(q.source.0);
                arrivals.borrow_mut().seen[l] |= bit;
                touched.push(index(l));
                for &v in part.neighbors(q.source.0).iter().chain(&q.accepted) {
                    send(&mut outgoing, &mut targets, v, bit);
                }
            }
        }
        for level in 1..=usize::from(max.0) {
            if level > 1 {
                for &l in &frontier {
                    let l = l as usize;
                    for &w in part.neighbors(own.node(l)) {
                        send(&mut outgoing, &mut targets, w, visit[l]);
                    }
                }
            }
            // In pieces, so the records of a large level are never all in memory.
            for piece in targets.chunks(SEND_PIECE) {
                records.extend(
                    piece
                        .iter()
                        .map(|&v| (v, std::mem::take(&mut outgoing[v as usize]))),
                );
                rounds.send(&mut records);
            }
            targets.clear();
            rounds.end_round(worker);
            let mut arrived = arrivals.borrow_mut();
            let Arrivals { next, found, .. } = &mut *arrived;
            let mut tally = LaneTally::ZERO;
            for &l in found.iter() {
                let l = l as usize;
                tally.add(next[l], part.role_code(own.node(l)));
            }
            let k = u8::try_from(level).expect("degree fits u8");
            add_counts(&tally, b * LANES, batch.len(), k, &mut partial);
            for &l in &frontier {
                visit[l as usize] = 0;
            }
            for &l in found.iter() {
                visit[l as usize] = next[l as usize];
                next[l as usize] = 0;
            }
            touched.extend_from_slice(found);
            std::mem::swap(&mut frontier, found);
            found.clear();
        }
        let seen = &mut arrivals.borrow_mut().seen;
        for &l in touched.iter().chain(&frontier) {
            seen[l as usize] = 0;
            visit[l as usize] = 0;
        }
        touched.clear();
        frontier.clear();
    }
    gather(
        worker,
        own.workers,
        partial,
        queries.len(),
        max,
        &rounds.traffic,
        total,
    )
}
