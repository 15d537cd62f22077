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

use std::sync::Arc;

use timely::worker::Worker;

use super::{Cluster, CountRecord, OwnedQuery, Owners, Rounds, execute, gather};
use crate::error::Result;
use crate::graph::GraphPart;
use crate::reach::exact::LANES;
use crate::reach::tally::LaneTally;
use crate::reach::{Counts, Degree, ReachCounts};

/// Exact reach for every query on the cluster, in query order; `Some` in process 0.
///
/// # Errors
/// If the cluster cannot be formed (see the module docs of [`super`]).
pub fn reach_many(
    c: &Cluster,
    digest: u64,
    part: Arc<GraphPart>,
    queries: Arc<Vec<OwnedQuery>>,
    max: Degree,
) -> Result<Option<Vec<ReachCounts>>> {
    execute(c, digest, move |worker| {
        exact_worker(worker, &part, &queries, max)
    })
}

/// One worker's share of exact reach.
fn exact_worker(
    worker: &mut Worker,
    part: &GraphPart,
    queries: &[OwnedQuery],
    max: Degree,
) -> Option<Vec<ReachCounts>> {
    let own = Owners::new(part, worker.index(), worker.peers());
    let n = part.node_count() as usize;
    let owners = own.clone();
    let mut rounds: Rounds<(u32, u64)> =
        Rounds::new(worker, move |x: &(u32, u64)| owners.worker_of(x.0) as u64);
    let owned = own.owned_count();
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
            if own.owns(q.source.0) {
                let bit = 1u64 << lane;
                let l = own.local(q.source.0);
                seen[l] |= bit;
                touched.push(l);
                for &v in part.neighbors(q.source.0).iter().chain(&q.accepted) {
                    send(&mut outgoing, &mut targets, v, bit);
                }
            }
        }
        for level in 1..=usize::from(max.0) {
            if level > 1 {
                for &l in &frontier {
                    for &w in part.neighbors(own.node(l)) {
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
                let l = own.local(v);
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
                tally.add(next[l], part.role_code(own.node(l)));
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
