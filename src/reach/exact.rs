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
//! Batches of up to 64 sources run one after another; inside a batch every level
//! runs in parallel on the rayon pool: top-down steps split the frontier and mark
//! discoveries with atomic ORs (a node joins the next frontier exactly once, by the
//! thread whose OR found its word empty); bottom-up steps split the nodes, each
//! thread writing only its own nodes. One scratch (24 bytes per node) serves all
//! threads and all batches, and only touched nodes are cleared, so nothing n-sized
//! is allocated or cleared per source. Each lane's counts are exact sums, so the
//! results do not depend on the thread count or on scheduling.
//!
//! # Complexity
//! Time O(edges inside the union of a batch's balls × levels) per batch, at worst
//! O(|E| × max degree) per 64 sources; space 24 bytes per node, whatever the
//! thread count.
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

use std::sync::atomic::AtomicU64;
use std::sync::atomic::Ordering::Relaxed;

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
        Query {
            source,
            accepted: &[],
        }
    }
}

/// Traversal buffers, shared by all threads and reused across batches.
#[derive(Debug)]
pub struct Scratch {
    seen: Vec<AtomicU64>,
    visit: Vec<AtomicU64>,
    next: Vec<AtomicU64>,
    frontier: Vec<u32>,
    next_frontier: Vec<u32>,
    touched: Vec<u32>,
    /// Neighbour-list entries read so far (for throughput reports).
    scanned: u64,
}

impl Scratch {
    /// Buffers for a graph of `n` nodes.
    pub fn new(n: usize) -> Self {
        let words = || (0..n).map(|_| AtomicU64::new(0)).collect::<Vec<_>>();
        Self {
            seen: words(),
            visit: words(),
            next: words(),
            frontier: Vec::new(),
            next_frontier: Vec::new(),
            touched: Vec::new(),
            scanned: 0,
        }
    }

    /// Arcs (neighbour-list entries) read by every traversal run on this scratch.
    pub fn arcs_scanned(&self) -> u64 {
        self.scanned
    }

    #[cfg(test)]
    fn is_clean(&self) -> bool {
        self.seen
            .iter()
            .chain(&self.visit)
            .chain(&self.next)
            .all(|w| w.load(Relaxed) == 0)
    }
}

/// Smallest piece of a frontier or node range handed to one rayon task.
const MIN_PIECE: usize = 512;

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

    /// Lane-wise sum of two counters (a bit-sliced full adder).
    fn merge(mut self, other: &Sliced) -> Sliced {
        let mut carry = 0u64;
        for (a, &b) in self.planes.iter_mut().zip(&other.planes) {
            let sum = *a ^ b ^ carry;
            carry = (*a & b) | (carry & (*a ^ b));
            *a = sum;
        }
        self
    }

    fn lane(&self, lane: usize) -> u64 {
        self.planes
            .iter()
            .enumerate()
            .map(|(p, w)| ((w >> lane) & 1) << p)
            .sum()
    }
}

/// Per-lane counts of members, recruiters and hiring managers reached, bit-sliced.
#[derive(Clone, Copy)]
pub(crate) struct LaneTally([Sliced; 3]);

impl LaneTally {
    pub(crate) const ZERO: LaneTally = LaneTally([Sliced::ZERO; 3]);

    /// Counts a node with role `code` for every lane set in `mask`.
    #[inline]
    pub(crate) fn add(&mut self, mask: u64, code: u8) {
        self.0[0].add(mask);
        match code {
            1 => self.0[1].add(mask),
            2 => self.0[2].add(mask),
            _ => {}
        }
    }

    fn merge(self, other: &LaneTally) -> LaneTally {
        LaneTally([
            self.0[0].merge(&other.0[0]),
            self.0[1].merge(&other.0[1]),
            self.0[2].merge(&other.0[2]),
        ])
    }

    /// The counts of one lane.
    pub(crate) fn counts(&self, lane: usize) -> Counts {
        Counts {
            nodes: self.0[0].lane(lane),
            recruiters: self.0[1].lane(lane),
            hiring_managers: self.0[2].lane(lane),
        }
    }
}

/// Reach of one person on the base graph. Allocates a scratch; for many people use
/// [`reach_many`].
pub fn reach_from(
    graph: &ConnectionGraph,
    roles: &RoleMap,
    source: NodeId,
    max: Degree,
) -> ReachCounts {
    let mut scratch = Scratch::new(graph.node_count());
    reach_batch(graph, roles, &[Query::base(source)], max, &mut scratch)
        .pop()
        .expect("one query gives one result")
}

/// Reach for every query, in query order, using the current rayon pool.
/// `progress` is told of every finished query.
pub fn reach_many(
    graph: &ConnectionGraph,
    roles: &RoleMap,
    queries: &[Query<'_>],
    max: Degree,
    progress: &dyn Progress,
) -> Vec<ReachCounts> {
    reach_many_counted(graph, roles, queries, max, progress).0
}

/// [`reach_many`], also returning the number of arcs the traversals read: a
/// measure of work for throughput reports (arcs per second).
pub fn reach_many_counted(
    graph: &ConnectionGraph,
    roles: &RoleMap,
    queries: &[Query<'_>],
    max: Degree,
    progress: &dyn Progress,
) -> (Vec<ReachCounts>, u64) {
    let mut scratch = Scratch::new(graph.node_count());
    let mut out = Vec::with_capacity(queries.len());
    for chunk in queries.chunks(LANES) {
        out.extend(reach_batch(graph, roles, chunk, max, &mut scratch));
        progress.inc(chunk.len() as u64);
    }
    (out, scratch.scanned)
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
    let full: u64 = if queries.len() == LANES {
        !0
    } else {
        (1u64 << queries.len()) - 1
    };
    let total_arcs = graph.edge_count() * 2;

    // Level 0 and 1: per lane, from N(s) plus the accepted inviters.
    for (lane, q) in queries.iter().enumerate() {
        s.seen[q.source.index()].fetch_or(1u64 << lane, Relaxed);
        s.touched.push(q.source.0);
    }
    for (lane, q) in queries.iter().enumerate() {
        let bit = 1u64 << lane;
        s.scanned += (graph.neighbor_count(q.source) + q.accepted.len()) as u64;
        for &v in graph.neighbors(q.source).iter().chain(q.accepted) {
            let i = v as usize;
            if s.seen[i].fetch_or(bit, Relaxed) & bit == 0 && s.next[i].fetch_or(bit, Relaxed) == 0
            {
                s.next_frontier.push(v);
            }
        }
    }
    for level in 1..=usize::from(max.0) {
        if level > 1 {
            let frontier_arcs: u64 = s
                .frontier
                .par_iter()
                .with_min_len(MIN_PIECE)
                .map(|&v| graph.neighbor_count(NodeId(v)) as u64)
                .sum();
            let found = if frontier_arcs * 8 > total_arcs {
                let (found, scanned) = bottom_up_step(graph, s, full);
                s.scanned += scanned;
                found
            } else {
                s.scanned += frontier_arcs;
                top_down_step(graph, s)
            };
            s.next_frontier.clear();
            s.next_frontier.extend(found.into_iter().flatten());
        }
        count_level(roles, s, queries.len(), level, &mut out);
        if level == usize::from(max.0) {
            break;
        }
        // Advance: the new level becomes the frontier.
        let Scratch {
            visit,
            next,
            frontier,
            next_frontier,
            touched,
            ..
        } = s;
        frontier
            .par_iter()
            .with_min_len(MIN_PIECE)
            .for_each(|&v| visit[v as usize].store(0, Relaxed));
        next_frontier
            .par_iter()
            .with_min_len(MIN_PIECE)
            .for_each(|&v| {
                let i = v as usize;
                // Each node is handled by one thread: plain loads and stores, no locked ops.
                visit[i].store(next[i].load(Relaxed), Relaxed);
                next[i].store(0, Relaxed);
            });
        touched.extend_from_slice(next_frontier);
        std::mem::swap(frontier, next_frontier);
        next_frontier.clear();
        if frontier.is_empty() {
            break;
        }
    }
    clean(s);
    out
}

/// Clears only what a traversal touched, for the next batch.
fn clean(s: &mut Scratch) {
    let Scratch {
        seen,
        visit,
        next,
        frontier,
        next_frontier,
        touched,
        ..
    } = s;
    touched.par_iter().with_min_len(MIN_PIECE).for_each(|&v| {
        let i = v as usize;
        seen[i].store(0, Relaxed);
        visit[i].store(0, Relaxed);
    });
    next_frontier
        .par_iter()
        .with_min_len(MIN_PIECE)
        .for_each(|&v| {
            let i = v as usize;
            seen[i].store(0, Relaxed);
            next[i].store(0, Relaxed);
        });
    touched.clear();
    frontier.clear();
    next_frontier.clear();
}

/// Push: every frontier node ORs its lanes into its neighbours. Returns the new
/// frontier in pieces.
fn top_down_step(graph: &ConnectionGraph, s: &Scratch) -> Vec<Vec<u32>> {
    s.frontier
        .par_chunks(MIN_PIECE)
        .map(|piece| {
            let mut found = Vec::new();
            for &v in piece {
                let m = s.visit[v as usize].load(Relaxed);
                for &n in graph.neighbors(NodeId(v)) {
                    let i = n as usize;
                    let d = m & !s.seen[i].load(Relaxed);
                    if d != 0 {
                        // Only bits this thread sets first are its discoveries.
                        let mine = d & !s.seen[i].fetch_or(d, Relaxed);
                        if mine != 0 && s.next[i].fetch_or(mine, Relaxed) == 0 {
                            found.push(n);
                        }
                    }
                }
            }
            found
        })
        .collect()
}

/// Pull: every node missing some lane ORs its neighbours' frontier lanes; each
/// thread writes only the nodes of its own range. Returns the new frontier in
/// pieces, and the number of arcs read.
fn bottom_up_step(graph: &ConnectionGraph, s: &Scratch, full: u64) -> (Vec<Vec<u32>>, u64) {
    const RANGE: usize = MIN_PIECE * 8;
    let n = graph.node_count();
    let pieces: Vec<(Vec<u32>, u64)> = (0..n.div_ceil(RANGE))
        .into_par_iter()
        .map(|r| {
            let mut found = Vec::new();
            let mut read = 0u64;
            for i in r * RANGE..((r + 1) * RANGE).min(n) {
                let seen = s.seen[i].load(Relaxed);
                let missing = full & !seen;
                if missing == 0 {
                    continue;
                }
                let v = u32::try_from(i).expect("node ids fit u32");
                let mut got = 0u64;
                for &w in graph.neighbors(NodeId(v)) {
                    read += 1;
                    got |= s.visit[w as usize].load(Relaxed);
                    if got & missing == missing {
                        break;
                    }
                }
                let d = got & missing;
                if d != 0 {
                    s.next[i].store(d, Relaxed);
                    s.seen[i].store(seen | d, Relaxed);
                    found.push(v);
                }
            }
            (found, read)
        })
        .collect();
    let read = pieces.iter().map(|p| p.1).sum();
    (pieces.into_iter().map(|p| p.0).collect(), read)
}

/// Adds the nodes found at `level` to every lane's counts.
fn count_level(roles: &RoleMap, s: &Scratch, lanes: usize, level: usize, out: &mut [ReachCounts]) {
    let tally = s
        .next_frontier
        .par_chunks(MIN_PIECE * 4)
        .map(|piece| {
            let mut acc = LaneTally::ZERO;
            for &v in piece {
                acc.add(s.next[v as usize].load(Relaxed), roles.code_of(v));
            }
            acc
        })
        .reduce(|| LaneTally::ZERO, |a, b| a.merge(&b));
    for (lane, counts) in out.iter_mut().enumerate().take(lanes) {
        *counts.at_mut(level) = tally.counts(lane);
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
        let roles = RoleMap::from_roles(
            10,
            [
                (NodeId(2), Role::Recruiter),
                (NodeId(3), Role::HiringManager),
            ],
        );
        let r = reach_from(&g, &roles, NodeId(0), Degree(3));
        for k in 1..=3u8 {
            assert_eq!(r.at_degree(Degree(k)).nodes, 1);
        }
        assert_eq!(r.at_degree(Degree(2)).recruiters, 1);
        assert_eq!(r.at_degree(Degree(3)).hiring_managers, 1);
        assert_eq!(r.up_to_degree(Degree(3)).nodes, 3);
    }

    #[test]
    fn arcs_scanned_count_the_neighbour_lists_read() {
        let g = path_graph(10);
        let roles = RoleMap::none(10);
        // From node 0 to depth 3: N(0) = 1 arc, then N(1) and N(2), 2 arcs each.
        let (_, arcs) = reach_many_counted(
            &g,
            &roles,
            &[Query::base(NodeId(0))],
            Degree(3),
            &NoProgress,
        );
        assert_eq!(arcs, 5);
        // Level 1 reads each source's own list: 1 + 2 arcs.
        let qs = [Query::base(NodeId(0)), Query::base(NodeId(2))];
        let (_, arcs) = reach_many_counted(&g, &roles, &qs, Degree(1), &NoProgress);
        assert_eq!(arcs, 3);
    }

    #[test]
    fn accepted_inviters_are_first_degree_for_their_person_only() {
        let g = path_graph(10);
        let roles = RoleMap::none(10);
        let extra = [9u32];
        let qs = [
            Query {
                source: NodeId(0),
                accepted: &extra,
            },
            Query::base(NodeId(1)),
        ];
        let mut s = Scratch::new(10);
        let r = reach_batch(&g, &roles, &qs, Degree(2), &mut s);
        assert_eq!(r[0].at_degree(Degree(1)).nodes, 2); // 1 and 9
        assert_eq!(r[0].at_degree(Degree(2)).nodes, 2); // 2 and 8
        assert_eq!(r[1].at_degree(Degree(1)).nodes, 2); // 0 and 2, not 9
        assert_eq!(r[1].at_degree(Degree(2)).nodes, 1); // 3 only
        // The scratch is clean for the next batch.
        assert!(s.is_clean());
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
        let qs: Vec<Query> = g.nodes().step_by(3).map(Query::base).collect();
        let batch = reach_many(&g, &roles, &qs, Degree(4), &NoProgress);
        for (q, got) in qs.iter().zip(&batch) {
            assert_eq!(got, &reach_from(&g, &roles, q.source, Degree(4)));
        }
        // Star of stars from the hub: 199 at degree 1, 199 at degree 2.
        let hub = reach_from(&g, &roles, g.ids().lookup("0").unwrap(), Degree(3));
        assert_eq!(
            (
                hub.at_degree(Degree(1)).nodes,
                hub.at_degree(Degree(2)).nodes
            ),
            (199, 199)
        );
    }

    #[test]
    fn bit_sliced_counters_add_and_merge() {
        let (mut a, mut b) = (Sliced::ZERO, Sliced::ZERO);
        for i in 0..1000u64 {
            a.add(i | 1);
            b.add(!i);
        }
        let m = a.merge(&b);
        for lane in 0..64 {
            let want_a = (0..1000u64).filter(|i| (i | 1) >> lane & 1 == 1).count() as u64;
            let want_b = (0..1000u64).filter(|i| (!i) >> lane & 1 == 1).count() as u64;
            assert_eq!(a.lane(lane), want_a);
            assert_eq!(m.lane(lane), want_a + want_b);
        }
    }
}
