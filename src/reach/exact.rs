//! Exact reach: for chosen people, how many members, recruiters and hiring managers
//! sit at each connection degree up to `max_degree`, on the base graph plus the
//! invitations each person accepted. Takes a [`ConnectionGraph`] and a [`RoleMap`];
//! its [`ReachCounts`] feed [`crate::results`].
//!
//! # Algorithm
//! Bit-parallel multi-source BFS (Then et al., "The More the Merrier", VLDB 2015):
//! up to 64 sources share one traversal, each a bit lane of a `u64` per node
//! (`seen`, `visit` = this level's frontier, `next`); wider lanes (2 to 4 words
//! per node, up to 256 sources) when the lane arrays still fit in the last-level
//! cache ([`words_for`]), since bottom-up steps read them at random. A level ORs a frontier node's
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
//! Balls that are small against the graph are walked one person at a time
//! instead ([`Kernel::Auto`]; see `exact/sparse.rs`): when 64 balls hardly
//! overlap, a batch shares nothing, and a bitmap of one bit per node per thread
//! stays in cache where lane words do not. A person goes to the batches when a
//! level of their ball would read more than 1/512 of all arcs.
//!
//! Batches run one after another; inside a batch every level runs in parallel on
//! the rayon pool, and every thread writes only nodes it owns, so no write is an
//! atomic read-modify-write: top-down steps give each thread the blocks of
//! destination nodes it owns (every thread reads the whole frontier's lists) and
//! load the lanes of several destinations before writing any, so their cache
//! misses overlap; bottom-up steps split the nodes. A node joins the next frontier
//! when its first lane is set there. The last level is counted, not stored. One
//! scratch (24 bytes per node and lane word) serves all threads and all batches,
//! and only touched nodes are cleared, so a traversal costs what its balls touch,
//! not the graph's size. Each lane's counts are exact sums, so the results do not
//! depend on the thread count or on scheduling.
//!
//! # Complexity
//! One person at a time: O(arcs read in the ball), at most |E|/256 per level;
//! n/8 bytes per thread. Batches: O(edges inside the union of a batch's balls ×
//! levels) per batch, at worst O(|E| × max degree) per batch; space 24 bytes per
//! node and lane word, whatever the thread count.
//!
//! # Example
//! ```
//! # use netreach::{graph::ConnectionGraph, reach::{exact::Search, Degree}, roles::RoleMap};
//! let g = ConnectionGraph::from_edges([(0, 1), (1, 2), (2, 3)])?;
//! let roles = RoleMap::default();
//! let counts = Search::new(&g, &roles, Degree(3)).one(0.into());
//! assert_eq!(counts.at_degree(Degree(2)).nodes, 1);
//! assert_eq!(counts.up_to_degree(Degree(3)).nodes, 3);
//! # Ok::<(), netreach::Error>(())
//! ```
//! [`ReachCounts`]: super::ReachCounts

use std::sync::atomic::AtomicU64;
#[cfg(test)]
use std::sync::atomic::Ordering::Relaxed;

use super::{Degree, ReachCounts};
use crate::graph::{ConnectionGraph, NodeId};
use crate::progress::Progress;
use crate::roles::RoleMap;

mod batch;
mod sparse;

use batch::Traversal;

/// Sources per lane word: one bit lane each.
pub const LANES: usize = 64;

/// Most lane words per node: one traversal serves up to `MAX_WORDS × 64` sources.
pub const MAX_WORDS: usize = 4;

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

/// Traversal buffers, shared by all threads and reused across batches: `words`
/// lane words per node (64 sources each) in `seen`, `visit` and `next`.
#[derive(Debug)]
pub struct Scratch {
    words: usize,
    seen: Vec<AtomicU64>,
    visit: Vec<AtomicU64>,
    next: Vec<AtomicU64>,
    frontier: Vec<u32>,
    next_frontier: Vec<u32>,
    /// Nodes whose `seen` and `visit` words may be set: sources and every
    /// frontier so far.
    touched: Vec<u32>,
    /// Nodes first seen at a counted-only last level: only `seen` is set.
    counted: Vec<u32>,
    /// Neighbour-list entries read so far (for throughput reports).
    scanned: u64,
}

impl Scratch {
    /// Buffers for a graph of `n` nodes and batches of up to `words × 64` sources
    /// (`words` from 1 to [`MAX_WORDS`]).
    ///
    /// # Panics
    /// If `words` is 0 or above [`MAX_WORDS`].
    pub fn new(n: usize, words: usize) -> Self {
        assert!(
            (1..=MAX_WORDS).contains(&words),
            "1 to {MAX_WORDS} lane words"
        );
        // Zeroed by the allocator: the pages of a large graph's arrays are mapped
        // lazily, so a traversal pays only for the pages it touches, not for n;
        // huge pages spare the TLB misses of random reads.
        let zeroed = crate::memory::zeroed_vec::<AtomicU64>;
        Self {
            words,
            seen: zeroed(n * words),
            visit: zeroed(n * words),
            next: zeroed(n * words),
            frontier: Vec::new(),
            next_frontier: Vec::new(),
            touched: Vec::new(),
            counted: Vec::new(),
            scanned: 0,
        }
    }

    /// Sources one traversal on this scratch can serve.
    pub fn lanes(&self) -> usize {
        self.words * LANES
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

/// A reach search: the graph and its roles, how deep, and which traversal. One
/// value answers any number of [`Query`]s; it holds only references, so it is
/// cheap to copy and to share between threads.
///
/// ```
/// # use netreach::{graph::ConnectionGraph, progress::NoProgress, roles::RoleMap};
/// # use netreach::reach::{Degree, exact::{Kernel, Query, Search}};
/// let g = ConnectionGraph::from_edges([(0, 1), (1, 2), (2, 3)])?;
/// let roles = RoleMap::default();
/// let search = Search::new(&g, &roles, Degree(3));
/// // Person 0, once with no invitations and once having accepted node 3's.
/// let three = [3u32];
/// let queries = [Query::base(0.into()), Query { source: 0.into(), accepted: &three }];
/// let (counts, arcs_read) = search.run_counted(&queries, &NoProgress);
/// assert_eq!(counts[0].up_to_degree(Degree(3)).nodes, 3);
/// assert_eq!(counts[1].at_degree(Degree(1)).nodes, 2);
/// assert!(arcs_read > 0);
/// // Every kernel gives the same counts.
/// let one_by_one = search.kernel(Kernel::OneByOne).run(&queries, &NoProgress);
/// assert_eq!(one_by_one, counts);
/// # Ok::<(), netreach::Error>(())
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Search<'g> {
    graph: &'g ConnectionGraph,
    roles: &'g RoleMap,
    max: Degree,
    kernel: Kernel,
    budget: Option<u64>,
}

impl<'g> Search<'g> {
    /// Reach up to `max` degrees on `graph`, roles from `roles`, with
    /// [`Kernel::Auto`].
    pub fn new(graph: &'g ConnectionGraph, roles: &'g RoleMap, max: Degree) -> Self {
        Search {
            graph,
            roles,
            max,
            kernel: Kernel::Auto,
            budget: None,
        }
    }

    /// The same search with the traversal chosen by `kernel`.
    #[must_use]
    pub fn kernel(self, kernel: Kernel) -> Self {
        Search { kernel, ..self }
    }

    /// The same search walking a person alone while every level of their ball
    /// reads at most `arcs` arcs (none when 0) and in bit-parallel batches
    /// otherwise, in place of the kernel's own budget: for tests and
    /// measurements of the hand-over.
    #[must_use]
    pub fn budget(self, arcs: u64) -> Self {
        Search {
            budget: Some(arcs),
            ..self
        }
    }

    /// The graph searched.
    pub fn graph(&self) -> &'g ConnectionGraph {
        self.graph
    }

    /// The deepest degree counted.
    pub fn max_degree(&self) -> Degree {
        self.max
    }

    /// The arcs a level of a person's ball may read before the person goes to
    /// the bit-parallel batches.
    fn level_budget(&self) -> u64 {
        self.budget.unwrap_or(match self.kernel {
            Kernel::Auto => sparse::budget(self.graph),
            Kernel::BitParallel => 0,
            Kernel::OneByOne => u64::MAX,
        })
    }

    /// Reach of one person on the base graph.
    pub fn one(&self, source: NodeId) -> ReachCounts {
        self.run(&[Query::base(source)], &crate::progress::NoProgress)
            .pop()
            .expect("one query gives one result")
    }

    /// Reach for every query, in query order, using the current rayon pool.
    /// `progress` is told of every finished query.
    pub fn run(&self, queries: &[Query<'_>], progress: &dyn Progress) -> Vec<ReachCounts> {
        self.run_counted(queries, progress).0
    }

    /// [`Search::run`], also returning the number of arcs the traversals read: a
    /// measure of work for throughput reports (arcs per second).
    pub fn run_counted(
        &self,
        queries: &[Query<'_>],
        progress: &dyn Progress,
    ) -> (Vec<ReachCounts>, u64) {
        let budget = self.level_budget();
        // Small balls one person at a time; the rest bit-parallel.
        let (mut out, read) = if budget == 0 {
            (vec![None; queries.len()], 0)
        } else {
            sparse::reach_each(self, queries, budget, progress)
        };
        let rest: Vec<usize> = (0..queries.len()).filter(|&i| out[i].is_none()).collect();
        let mut batched = 0;
        if !rest.is_empty() {
            let n = self.graph.node_count();
            let mut scratch = Scratch::new(n, words_for(rest.len(), n));
            for chunk in rest.chunks(scratch.lanes()) {
                let batch: Vec<Query<'_>> = chunk.iter().map(|&i| queries[i]).collect();
                let counts = reach_batch(self.graph, self.roles, &batch, self.max, &mut scratch);
                for (&i, c) in chunk.iter().zip(counts) {
                    out[i] = Some(c);
                }
                progress.inc(chunk.len() as u64);
            }
            batched = scratch.scanned;
        }
        (
            out.into_iter()
                .map(|c| c.expect("every query is answered"))
                .collect(),
            read + batched,
        )
    }
}

/// Which traversal answers a query. Every choice gives the same counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kernel {
    /// One person at a time while a ball stays small against the graph (every
    /// level reads at most 1/512 of the arcs), bit-parallel batches for the rest.
    Auto,
    /// Bit-parallel batches for every query.
    BitParallel,
    /// One person at a time for every query, however large the ball.
    OneByOne,
}

/// Lane words per node that keep a level's lane words (`n × words × 8` bytes)
/// within this budget: wider lanes serve more sources per scan of the edges, but
/// once a lane array leaves the last-level cache, the random neighbour reads of
/// bottom-up steps cost more than the scans saved (measured on W1 and W2: 4 words
/// win 10% on 100,000 nodes and lose 2.7× on 1,000,000).
const LANE_BYTES_BUDGET: usize = 4 << 20;

/// Lane words per traversal for `queries` questions on `nodes` nodes: enough for
/// all of them in one traversal, at most [`MAX_WORDS`], and within the cache
/// budget above (at least one word).
pub fn words_for(queries: usize, nodes: usize) -> usize {
    let fit = LANE_BYTES_BUDGET / (nodes.max(1) * 8);
    queries.div_ceil(LANES).min(fit).clamp(1, MAX_WORDS)
}

/// Reach for up to [`Scratch::lanes`] queries in one bit-parallel traversal.
///
/// # Panics
/// If more queries are given than the scratch has lanes, or a query names a node
/// outside the graph.
pub fn reach_batch(
    graph: &ConnectionGraph,
    roles: &RoleMap,
    queries: &[Query<'_>],
    max: Degree,
    s: &mut Scratch,
) -> Vec<ReachCounts> {
    assert!(
        queries.len() <= s.lanes(),
        "at most {} queries per batch",
        s.lanes()
    );
    match s.words {
        1 => Traversal::<1>::run(graph, roles, queries, max, s),
        2 => Traversal::<2>::run(graph, roles, queries, max, s),
        3 => Traversal::<3>::run(graph, roles, queries, max, s),
        _ => Traversal::<4>::run(graph, roles, queries, max, s),
    }
}

#[cfg(test)]
mod tests;
