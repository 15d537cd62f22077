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
//! per worker: 24 bytes per owned node (seen, visit, next) and a combiner
//! of the smaller of 8 bytes per node of the graph and 24 bytes per node
//! divided by the workers of the cluster ([`Combine`]), so beyond three
//! workers a process holds about 1/P of everything.

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
/// (`next`), and the owned nodes some source reached first at this level.
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

/// Outgoing `(node, sources)` records, OR-combined per node before sending.
/// Two layouts, the smaller one chosen ([`exact_worker`]): a dense word per
/// node of the graph ([`Dense`], 8 bytes per node: few workers), or an
/// open-addressing table sized to this worker's share of the graph
/// ([`Table`], 24 bytes per node of the graph divided by the workers of the
/// cluster: many workers). The worker is compiled for each, so the hot loop
/// does not branch on which.
trait Combine {
    /// ORs `m` into `v`'s record; true when the combiner is full and must be
    /// flushed.
    fn add(&mut self, v: u32, m: u64) -> bool;

    /// Every record held, handed out and removed.
    fn drain(&mut self, put: impl FnMut((u32, u64)));

    /// Hands every record held to `send`, in pieces of [`SEND_PIECE`] (each
    /// piece in `records`, which `send` empties), and empties the combiner.
    fn flush(&mut self, records: &mut Vec<(u32, u64)>, mut send: impl FnMut(&mut Vec<(u32, u64)>)) {
        self.drain(|record| {
            records.push(record);
            if records.len() == SEND_PIECE {
                send(records);
            }
        });
        send(records);
    }
}

/// A word per node of the graph, and the nodes with a record.
struct Dense {
    masks: Vec<u64>,
    targets: Vec<u32>,
}

impl Dense {
    fn new(nodes: usize) -> Self {
        Dense {
            masks: vec![0; nodes],
            targets: Vec::new(),
        }
    }
}

impl Combine for Dense {
    #[inline]
    fn add(&mut self, v: u32, m: u64) -> bool {
        let slot = &mut self.masks[v as usize];
        if *slot == 0 {
            self.targets.push(v);
        }
        *slot |= m;
        false
    }

    fn drain(&mut self, mut put: impl FnMut((u32, u64))) {
        for v in self.targets.drain(..) {
            put((v, std::mem::take(&mut self.masks[v as usize])));
        }
    }
}

/// An open-addressing table holding at most half its slots: when it fills,
/// every record is sent and combining starts over, so a node may then get two
/// records in one round (its owner ORs them anyway).
struct Table {
    keys: Vec<u32>,
    masks: Vec<u64>,
    /// Slots in use, in the order they were taken.
    used: Vec<u32>,
    /// Bits of a slot index.
    bits: u32,
}

impl Table {
    /// No node id is this (ids are below `u32::MAX`).
    const EMPTY: u32 = u32::MAX;

    /// Slots for a graph of `nodes` shared by `peers` workers: twice a
    /// worker's share, a power of two, at least 64.
    fn slots(nodes: usize, peers: usize) -> usize {
        (2 * nodes / peers.max(1)).next_power_of_two().max(1 << 6)
    }

    /// A table of `slots` (a power of two).
    fn new(slots: usize) -> Self {
        Table {
            keys: vec![Self::EMPTY; slots],
            masks: vec![0; slots],
            used: Vec::new(),
            bits: slots.trailing_zeros(),
        }
    }
}

impl Combine for Table {
    #[inline]
    fn add(&mut self, v: u32, m: u64) -> bool {
        let mask = self.keys.len() - 1;
        // Fibonacci hashing: the top bits of v × 2^64/φ.
        #[allow(clippy::cast_possible_truncation)] // fewer than 64 bits kept
        let mut h = (u64::from(v).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - self.bits)) as usize;
        loop {
            let k = self.keys[h];
            if k == v {
                self.masks[h] |= m;
                return false;
            }
            if k == Self::EMPTY {
                self.keys[h] = v;
                self.masks[h] = m;
                self.used.push(u32::try_from(h).expect("slots fit u32"));
                return 2 * self.used.len() >= self.keys.len();
            }
            h = (h + 1) & mask;
        }
    }

    fn drain(&mut self, mut put: impl FnMut((u32, u64))) {
        for h in self.used.drain(..) {
            let h = h as usize;
            put((self.keys[h], self.masks[h]));
            self.keys[h] = Self::EMPTY;
        }
    }
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

/// One worker's share of exact reach, with the smaller combiner.
pub(super) fn exact_worker(
    worker: &mut Worker,
    part: &GraphPart,
    queries: &[OwnedQuery],
    max: Degree,
    total: &Mutex<Traffic>,
) -> Option<Vec<ReachCounts>> {
    let nodes = part.node_count() as usize;
    let slots = Table::slots(nodes, worker.peers());
    if 8 * nodes <= 12 * slots {
        traverse(worker, part, queries, max, total, Dense::new(nodes))
    } else {
        traverse(worker, part, queries, max, total, Table::new(slots))
    }
}

/// One worker's share of exact reach, combining its records in `outgoing`.
fn traverse<C: Combine>(
    worker: &mut Worker,
    part: &GraphPart,
    queries: &[OwnedQuery],
    max: Degree,
    total: &Mutex<Traffic>,
    mut outgoing: C,
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
    let mut records: Vec<(u32, u64)> = Vec::new();
    // Indices into this worker's arrays, as u32: 4 bytes per node visited.
    let (mut frontier, mut touched): (Vec<u32>, Vec<u32>) = (Vec::new(), Vec::new());
    let mut partial: Vec<CountRecord> = Vec::new();
    // Combines `m` into `v`'s record; sends every record when the table fills.
    let send = |outgoing: &mut C,
                records: &mut Vec<(u32, u64)>,
                rounds: &mut Rounds<(u32, u64)>,
                v: u32,
                m: u64| {
        if outgoing.add(v, m) {
            outgoing.flush(records, |r| rounds.send(r));
        }
    };
    for (b, batch) in queries.chunks(LANES).enumerate() {
        for (lane, q) in batch.iter().enumerate() {
            if own.owns(q.source.0) {
                let bit = 1u64 << lane;
                let l = own.local(q.source.0);
                arrivals.borrow_mut().seen[l] |= bit;
                touched.push(index(l));
                for &v in part.neighbors(q.source.0).iter().chain(&q.accepted) {
                    send(&mut outgoing, &mut records, &mut rounds, v, bit);
                }
            }
        }
        for level in 1..=usize::from(max.0) {
            if level > 1 {
                for &l in &frontier {
                    let l = l as usize;
                    for &w in part.neighbors(own.node(l)) {
                        send(&mut outgoing, &mut records, &mut rounds, w, visit[l]);
                    }
                }
            }
            outgoing.flush(&mut records, |r| rounds.send(r));
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Adds 200 (node, bit) pairs over 50 nodes; the bits sent per node, or-combined,
    /// and how often the combiner filled.
    fn combine(mut c: impl Combine) -> (std::collections::BTreeMap<u32, u64>, usize) {
        let (mut records, mut sent) = (Vec::new(), Vec::new());
        let mut flushes = 0;
        for i in 0..200u32 {
            if c.add(i * 7919 % 50, 1u64 << (i % 64)) {
                flushes += 1;
                c.flush(&mut records, |r| sent.append(r));
            }
        }
        c.flush(&mut records, |r| sent.append(r));
        assert!(records.is_empty());
        let mut left = 0;
        c.drain(|_| left += 1);
        assert_eq!(left, 0, "a flush empties the combiner");
        let mut got = std::collections::BTreeMap::new();
        for (v, m) in sent {
            *got.entry(v).or_insert(0u64) |= m;
        }
        (got, flushes)
    }

    #[test]
    fn both_combiners_or_per_node_and_the_table_flushes_when_half_full() {
        let mut want = std::collections::BTreeMap::new();
        for i in 0..200u32 {
            *want.entry(i * 7919 % 50).or_insert(0u64) |= 1u64 << (i % 64);
        }
        let (dense, never) = combine(Dense::new(50));
        assert_eq!((dense, never), (want.clone(), 0));
        let (table, flushes) = combine(Table::new(64)); // full at 32 nodes
        assert_eq!(table, want);
        assert!(flushes > 0, "the table never filled");
        assert_eq!(Table::slots(1000, 3), 1024);
        assert_eq!(Table::slots(1000, 8), 256);
    }
}
