//! Exact reach: for chosen people, how many members, recruiters and hiring managers
//! sit at each connection degree up to `max_degree`, on the base graph plus the
//! invitations each person accepted. Takes a [`ConnectionGraph`] and a [`RoleMap`];
//! its [`ReachCounts`] feed [`crate::results`].
//!
//! # Algorithm
//! Bit-parallel multi-source BFS (Then et al., "The More the Merrier", VLDB 2015):
//! up to 64 sources share one traversal, each a bit lane of a `u64` per node
//! (`seen`, `visit` = this level's frontier, `next`). A level ORs a frontier node's
//! lanes into each neighbour's `next`, so one scan of an edge serves every source
//! that reaches it at that level. Large frontiers switch to bottom-up steps
//! (Beamer et al., "Direction-Optimizing Breadth-First Search", SC 2012): every
//! node not yet seen in all lanes ORs its neighbours' frontier lanes, stopping
//! early once all its missing lanes are found. Per-lane counts are accumulated in
//! bit-sliced counters (one word of 64 one-bit adders per bit of the count).
//!
//! A person's accepted inviters are extra neighbours of that person only: in a BFS
//! from s, edges at s matter only on the first step, so lane s starts its 1st degree
//! from `N(s) ∪ accepted(s)` and the graph is never copied.
//!
//! Batches of sources run in parallel on the rayon pool; each worker reuses one
//! scratch for all its batches and clears only the nodes it touched, so nothing
//! n-sized is allocated or cleared per source. Each lane's counts are exact, so
//! results do not depend on batching or thread count.
//!
//! # Complexity
//! Time O(edges inside the union of a batch's balls × levels) per batch, at worst
//! O(|E|·max_degree) per 64 sources; space 24 bytes per node per worker thread.
//!
//! # Example
//! ```
//! # use netreach::{graph::ConnectionGraph, reach::{exact::reach_from, Degree}, roles::RoleMap};
//! let g = ConnectionGraph::from_edges([(0, 1), (1, 2), (2, 3)])?;
//! let counts = reach_from(&g, &RoleMap::default(), 0.into(), Degree(3));
//! assert_eq!(counts.at_degree(Degree(2)).nodes, 1);
//! assert_eq!(counts.up_to_degree(Degree(3)).nodes, 3);
//! # Ok::<(), netreach::Error>(())
//! ```
//! [`ReachCounts`]: super::ReachCounts

use rayon::prelude::*;

use super::{Counts, Degree, ReachCounts};
use crate::graph::{ConnectionGraph, NodeId};
use crate::progress::Progress;
use crate::roles::RoleMap;

/// Sources per traversal: one bit lane each.
pub const LANES: usize = 64;

/// One reach question: a person and the inviters they accepted (internal ids).
#[derive(Debug, Clone, Copy)]
pub struct Query<'a> {
    /// The person.
    pub source: NodeId,
    /// Extra 1st-degree connections of this person only.
    pub accepted: &'a [u32],
}

impl Query<'_> {
    /// A question on the base graph, with no accepted invitations.
    pub fn base(source: NodeId) -> Query<'static> {
        Query { source, accepted: &[] }
    }
}

/// Per-worker buffers, reused across batches.
#[derive(Debug)]
pub struct Scratch {
    seen: Vec<u64>,
    visit: Vec<u64>,
    next: Vec<u64>,
    frontier: Vec<u32>,
    next_frontier: Vec<u32>,
    touched: Vec<u32>,
}

impl Scratch {
    /// Buffers for a graph of `n` nodes.
    pub fn new(n: usize) -> Self {
        Self {
            seen: vec![0; n],
            visit: vec![0; n],
            next: vec![0; n],
            frontier: Vec::new(),
            next_frontier: Vec::new(),
            touched: Vec::new(),
        }
    }
}

/// 64 lane counters stored bit-sliced: `planes[p]` holds bit p of every lane's count.
#[derive(Clone, Copy)]
struct Sliced {
    planes: [u64; 33],
}

impl Sliced {
    const ZERO: Sliced = Sliced { planes: [0; 33] };

    /// Adds 1 to every lane set in `mask` (ripple carry; amortized O(1)).
    #[inline]
    fn add(&mut self, mask: u64) {
        let mut carry = mask;
        for p in &mut self.planes {
            let c = *p & carry;
            *p ^= carry;
            carry = c;
            if carry == 0 {
                break;
            }
        }
    }

    fn lane(&self, lane: usize) -> u64 {
        self.planes
            .iter()
            .enumerate()
            .map(|(p, w)| ((w >> lane) & 1) << p)
            .sum()
    }
}

/// Reach of one person on the base graph. Allocates a scratch; for many people use
/// [`reach_many`].
pub fn reach_from(graph: &ConnectionGraph, roles: &RoleMap, source: NodeId, max: Degree) -> ReachCounts {
    let mut scratch = Scratch::new(graph.node_count());
    reach_batch(graph, roles, &[Query::base(source)], max, &mut scratch)
        .pop()
        .expect("one query gives one result")
}

/// Reach for every query, in query order, in parallel on the current rayon pool.
/// `progress` is told of every finished query.
pub fn reach_many(
    graph: &ConnectionGraph,
    roles: &RoleMap,
    queries: &[Query<'_>],
    max: Degree,
    progress: &dyn Progress,
) -> Vec<ReachCounts> {
    let threads = rayon::current_num_threads().max(1);
    let lanes = queries.len().div_ceil(threads).clamp(1, LANES);
    let n = graph.node_count();
    let parts: Vec<Vec<ReachCounts>> = queries
        .par_chunks(lanes)
        .map_init(
            || Scratch::new(n),
            |scratch, chunk| {
                let r = reach_batch(graph, roles, chunk, max, scratch);
                progress.inc(chunk.len() as u64);
                r
            },
        )
        .collect();
    parts.into_iter().flatten().collect()
}

/// Reach for up to [`LANES`] queries in one bit-parallel traversal.
///
/// # Panics
/// If more than [`LANES`] queries are given, or a query names a node outside the graph.
pub fn reach_batch(
    graph: &ConnectionGraph,
    roles: &RoleMap,
    queries: &[Query<'_>],
    max: Degree,
    s: &mut Scratch,
) -> Vec<ReachCounts> {
    assert!(queries.len() <= LANES, "at most {LANES} queries per batch");
    let mut out: Vec<ReachCounts> = queries.iter().map(|_| ReachCounts::zeros(max)).collect();
    if queries.is_empty() || max.0 == 0 {
        return out;
    }
    let full: u64 = if queries.len() == LANES { !0 } else { (1u64 << queries.len()) - 1 };
    let total_arcs = graph.edge_count() * 2;

    // Level 0 and 1: per lane, from N(s) plus the accepted inviters.
    for (lane, q) in queries.iter().enumerate() {
        let bit = 1u64 << lane;
        s.seen[q.source.index()] |= bit;
        s.touched.push(q.source.0);
    }
    for (lane, q) in queries.iter().enumerate() {
        let bit = 1u64 << lane;
        for &v in graph.neighbors(q.source).iter().chain(q.accepted) {
            let i = v as usize;
            if s.seen[i] & bit == 0 {
                s.seen[i] |= bit;
                if s.next[i] == 0 {
                    s.next_frontier.push(v);
                }
                s.next[i] |= bit;
            }
        }
    }
    for level in 1..=usize::from(max.0) {
        if level > 1 {
            let frontier_arcs: u64 = s.frontier.iter().map(|&v| graph.neighbor_count(NodeId(v)) as u64).sum();
            if frontier_arcs * 8 > total_arcs {
                bottom_up_step(graph, s, full);
            } else {
                top_down_step(graph, s);
            }
        }
        count_level(roles, s, queries.len(), level, &mut out);
        // Advance: the new level becomes the frontier.
        for &v in &s.frontier {
            s.visit[v as usize] = 0;
        }
        for &v in &s.next_frontier {
            let i = v as usize;
            s.visit[i] = s.next[i];
            s.next[i] = 0;
        }
        s.touched.extend_from_slice(&s.next_frontier);
        std::mem::swap(&mut s.frontier, &mut s.next_frontier);
        s.next_frontier.clear();
        if s.frontier.is_empty() {
            break;
        }
    }
    for &v in &s.touched {
        let i = v as usize;
        s.seen[i] = 0;
        s.visit[i] = 0;
    }
    for &v in &s.frontier {
        s.visit[v as usize] = 0;
    }
    s.touched.clear();
    s.frontier.clear();
    out
}

/// Push: every frontier node ORs its lanes into its neighbours.
fn top_down_step(graph: &ConnectionGraph, s: &mut Scratch) {
    for &v in &s.frontier {
        let m = s.visit[v as usize];
        for &n in graph.neighbors(NodeId(v)) {
            let i = n as usize;
            let d = m & !s.seen[i];
            if d != 0 {
                if s.next[i] == 0 {
                    s.next_frontier.push(n);
                }
                s.next[i] |= d;
                s.seen[i] |= d;
            }
        }
    }
}

/// Pull: every node missing some lane ORs its neighbours' frontier lanes.
fn bottom_up_step(graph: &ConnectionGraph, s: &mut Scratch, full: u64) {
    for (i, seen) in s.seen.iter_mut().enumerate() {
        let missing = full & !*seen;
        if missing == 0 {
            continue;
        }
        let v = u32::try_from(i).expect("node ids fit u32");
        let mut found = 0u64;
        for &n in graph.neighbors(NodeId(v)) {
            found |= s.visit[n as usize];
            if found & missing == missing {
                break;
            }
        }
        let d = found & missing;
        if d != 0 {
            s.next[i] = d;
            *seen |= d;
            s.next_frontier.push(v);
        }
    }
}

/// Adds the nodes found at `level` to every lane's counts.
fn count_level(roles: &RoleMap, s: &Scratch, lanes: usize, level: usize, out: &mut [ReachCounts]) {
    let mut all = Sliced::ZERO;
    let mut rec = Sliced::ZERO;
    let mut hm = Sliced::ZERO;
    for &v in &s.next_frontier {
        let m = s.next[v as usize];
        all.add(m);
        match roles.code_of(v) {
            1 => rec.add(m),
            2 => hm.add(m),
            _ => {}
        }
    }
    for (lane, counts) in out.iter_mut().enumerate().take(lanes) {
        *counts.at_mut(level) = Counts {
            nodes: all.lane(lane),
            recruiters: rec.lane(lane),
            hiring_managers: hm.lane(lane),
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::progress::NoProgress;
    use crate::roles::Role;

    fn path_graph(n: u64) -> ConnectionGraph {
        ConnectionGraph::from_edges((0..n - 1).map(|i| (i, i + 1))).unwrap()
    }

    #[test]
    fn path_counts_one_node_per_degree() {
        let g = path_graph(10);
        let roles = RoleMap::from_roles(10, [(NodeId(2), Role::Recruiter), (NodeId(3), Role::HiringManager)]);
        let r = reach_from(&g, &roles, NodeId(0), Degree(3));
        for k in 1..=3u8 {
            assert_eq!(r.at_degree(Degree(k)).nodes, 1);
        }
        assert_eq!(r.at_degree(Degree(2)).recruiters, 1);
        assert_eq!(r.at_degree(Degree(3)).hiring_managers, 1);
        assert_eq!(r.up_to_degree(Degree(3)).nodes, 3);
    }

    #[test]
    fn accepted_inviters_are_first_degree_for_their_person_only() {
        let g = path_graph(10);
        let roles = RoleMap::none(10);
        let extra = [9u32];
        let qs = [Query { source: NodeId(0), accepted: &extra }, Query::base(NodeId(1))];
        let mut s = Scratch::new(10);
        let r = reach_batch(&g, &roles, &qs, Degree(2), &mut s);
        assert_eq!(r[0].at_degree(Degree(1)).nodes, 2); // 1 and 9
        assert_eq!(r[0].at_degree(Degree(2)).nodes, 2); // 2 and 8
        assert_eq!(r[1].at_degree(Degree(1)).nodes, 2); // 0 and 2, not 9
        assert_eq!(r[1].at_degree(Degree(2)).nodes, 1); // 3 only
        // The scratch is clean for the next batch.
        assert!(s.seen.iter().chain(&s.visit).chain(&s.next).all(|&w| w == 0));
    }

    #[test]
    fn many_sources_match_one_at_a_time_and_bottom_up_is_used() {
        // A star of stars: the hub's frontier is large enough to go bottom-up.
        let mut edges = Vec::new();
        for i in 1..200u64 {
            edges.push((0, i));
            edges.push((i, 1000 + i));
        }
        let g = ConnectionGraph::from_edges(edges).unwrap();
        let roles = RoleMap::none(g.node_count());
        let qs: Vec<Query> = (0..g.node_count() as u32).step_by(3).map(|v| Query::base(NodeId(v))).collect();
        let batch = reach_many(&g, &roles, &qs, Degree(4), &NoProgress);
        for (q, got) in qs.iter().zip(&batch) {
            assert_eq!(got, &reach_from(&g, &roles, q.source, Degree(4)));
        }
    }
}
