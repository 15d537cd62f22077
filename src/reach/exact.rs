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

use super::tally::LaneTally;
use super::{Degree, ReachCounts};
use crate::graph::{ConnectionGraph, NodeId};
use crate::progress::Progress;
use crate::roles::RoleMap;

mod sparse;

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

/// A level runs bottom-up once its frontier's arcs exceed 1/`BOTTOM_UP_RATIO` of
/// all arcs (Beamer et al. use 1/14 of the unexplored arcs). Measured on W1 and
/// W2: 16 is 10% faster than 8 on W1 (256 lanes, where top-down steps pay an
/// atomic OR per lane word) and the same on W2.
const BOTTOM_UP_RATIO: u64 = 16;

/// True when some lane is set (an OR of the words: cheaper than comparing arrays).
#[inline]
fn any_lane<const W: usize>(words: &[u64; W]) -> bool {
    words.iter().fold(0, |a, &b| a | b) != 0
}

/// In a top-down step, destination nodes come in blocks of `1 << OWNER_SHIFT`
/// (4 KiB of one lane word), and part `p` of `parts` alone writes the nodes of
/// the blocks `b` with `b % parts == p`: no atomic read-modify-write, and no two
/// threads on one cache line.
const OWNER_SHIFT: u32 = 9;

/// Most parts of a top-down step: every part reads the whole frontier's
/// neighbour lists (sequential reads) and does its share of the random ones.
const MAX_PARTS: usize = 8;

/// Frontiers with fewer arcs than this step as one part, on the calling thread
/// (the unit tests split every frontier of two arcs or more, so their small
/// graphs test the parts).
const ONE_PART_ARCS: u64 = if cfg!(test) { 2 } else { 1 << 12 };

/// Arcs whose destinations are loaded together before any is written: their
/// cache misses overlap instead of following one another.
const GATHER: usize = 32;

/// Parts of a top-down step over a frontier with `frontier_arcs` arcs: a power of
/// two (so the owner test is a mask), at most the pool's threads and [`MAX_PARTS`].
fn parts_for(frontier_arcs: u64) -> usize {
    if frontier_arcs < ONE_PART_ARCS {
        return 1;
    }
    let threads = rayon::current_num_threads().clamp(1, MAX_PARTS);
    1 << threads.ilog2()
}

/// `part(p)` for every part `p` of `parts`: in parallel, or on the calling
/// thread when there is one part.
fn in_parts<T: Send>(parts: usize, part: impl Fn(usize) -> T + Sync) -> Vec<T> {
    if parts == 1 {
        vec![part(0)]
    } else {
        (0..parts).into_par_iter().map(&part).collect()
    }
}

/// Smallest piece of a frontier or node range handed to one rayon task.
const MIN_PIECE: usize = 512;

/// Nodes per task in bottom-up steps.
const PULL_RANGE: usize = MIN_PIECE * 8;

/// Reach of one person on the base graph. Allocates a scratch; for many people use
/// [`reach_many`].
pub fn reach_from(
    graph: &ConnectionGraph,
    roles: &RoleMap,
    source: NodeId,
    max: Degree,
) -> ReachCounts {
    let mut scratch = Scratch::new(graph.node_count(), 1);
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

/// [`reach_many`], also returning the number of arcs the traversals read: a
/// measure of work for throughput reports (arcs per second).
pub fn reach_many_counted(
    graph: &ConnectionGraph,
    roles: &RoleMap,
    queries: &[Query<'_>],
    max: Degree,
    progress: &dyn Progress,
) -> (Vec<ReachCounts>, u64) {
    reach_many_with(graph, roles, queries, max, Kernel::Auto, progress)
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

/// [`reach_many_counted`] with the traversal chosen by `kernel`.
pub fn reach_many_with(
    graph: &ConnectionGraph,
    roles: &RoleMap,
    queries: &[Query<'_>],
    max: Degree,
    kernel: Kernel,
    progress: &dyn Progress,
) -> (Vec<ReachCounts>, u64) {
    let budget = match kernel {
        Kernel::Auto => sparse::budget(graph),
        Kernel::BitParallel => 0,
        Kernel::OneByOne => u64::MAX,
    };
    reach_many_budgeted(graph, roles, queries, max, budget, progress)
}

/// One person at a time while every level reads at most `budget` arcs (none when
/// 0), bit-parallel batches for the other queries.
fn reach_many_budgeted(
    graph: &ConnectionGraph,
    roles: &RoleMap,
    queries: &[Query<'_>],
    max: Degree,
    budget: u64,
    progress: &dyn Progress,
) -> (Vec<ReachCounts>, u64) {
    // Small balls one person at a time; the rest bit-parallel.
    let (mut out, read) = if budget == 0 {
        (vec![None; queries.len()], 0)
    } else {
        sparse::reach_each(graph, roles, queries, max, budget, progress)
    };
    let rest: Vec<usize> = (0..queries.len()).filter(|&i| out[i].is_none()).collect();
    let mut batched = 0;
    if !rest.is_empty() {
        let mut scratch = Scratch::new(
            graph.node_count(),
            words_for(rest.len(), graph.node_count()),
        );
        for chunk in rest.chunks(scratch.lanes()) {
            let batch: Vec<Query<'_>> = chunk.iter().map(|&i| queries[i]).collect();
            let counts = reach_batch(graph, roles, &batch, max, &mut scratch);
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

/// The kernel for `W` lane words per node (monomorphized, so the word loops unroll).
struct Traversal<const W: usize>;

impl<const W: usize> Traversal<W> {
    /// Lane `lane` is bit `lane % 64` of word `lane / 64`.
    fn lane_bit(lane: usize) -> (usize, u64) {
        (lane / LANES, 1u64 << (lane % LANES))
    }

    fn run(
        graph: &ConnectionGraph,
        roles: &RoleMap,
        queries: &[Query<'_>],
        max: Degree,
        s: &mut Scratch,
    ) -> Vec<ReachCounts> {
        debug_assert_eq!(s.words, W);
        let mut out: Vec<ReachCounts> = queries.iter().map(|_| ReachCounts::zeros(max)).collect();
        if queries.is_empty() || max.0 == 0 {
            return out;
        }
        let mut full = [0u64; W];
        for lane in 0..queries.len() {
            let (k, bit) = Self::lane_bit(lane);
            full[k] |= bit;
        }
        let total_arcs = graph.edge_count() * 2;

        // Level 0 and 1: per lane, from N(s) plus the accepted inviters.
        for (lane, q) in queries.iter().enumerate() {
            let (k, bit) = Self::lane_bit(lane);
            s.seen[q.source.index() * W + k].fetch_or(bit, Relaxed);
            s.touched.push(q.source.0);
        }
        for (lane, q) in queries.iter().enumerate() {
            let (k, bit) = Self::lane_bit(lane);
            s.scanned += (graph.neighbor_count(q.source) + q.accepted.len()) as u64;
            for &v in graph.neighbors(q.source).iter().chain(q.accepted) {
                let i = v as usize * W + k;
                if s.seen[i].fetch_or(bit, Relaxed) & bit == 0 {
                    // v joins the next frontier when its first lane is set there.
                    let queued = s.next[v as usize * W..][..W]
                        .iter()
                        .any(|w| w.load(Relaxed) != 0);
                    s.next[i].fetch_or(bit, Relaxed);
                    if !queued {
                        s.next_frontier.push(v);
                    }
                }
            }
        }
        let last = usize::from(max.0);
        for level in 1..=last {
            if level > 1 {
                let frontier_arcs: u64 = s
                    .frontier
                    .par_iter()
                    .with_min_len(MIN_PIECE)
                    .map(|&v| graph.neighbor_count(NodeId(v)) as u64)
                    .sum();
                let pull = frontier_arcs * BOTTOM_UP_RATIO > total_arcs;
                if level == last {
                    // The last level is only counted: no frontier to build or clear.
                    let tally = if pull {
                        let (tally, scanned) = Self::bottom_up_last(graph, roles, s, &full);
                        s.scanned += scanned;
                        tally
                    } else {
                        s.scanned += frontier_arcs;
                        Self::top_down_last(graph, roles, s, parts_for(frontier_arcs))
                    };
                    Self::store_counts(&tally, level, &mut out);
                    break;
                }
                let found = if pull {
                    let (found, scanned) = Self::bottom_up(graph, s, &full);
                    s.scanned += scanned;
                    found
                } else {
                    s.scanned += frontier_arcs;
                    Self::top_down(graph, s, parts_for(frontier_arcs))
                };
                s.next_frontier.clear();
                s.next_frontier.extend(found.into_iter().flatten());
            }
            let tally = Self::tally_next(roles, s);
            Self::store_counts(&tally, level, &mut out);
            if level == last {
                break;
            }
            Self::advance(s);
            if s.frontier.is_empty() {
                break;
            }
        }
        Self::clean(s);
        out
    }

    /// The new level becomes the frontier: the old frontier's lanes are cleared
    /// and `visit` and `next` trade places, so nothing is copied.
    fn advance(s: &mut Scratch) {
        Self::clear_lanes(&s.frontier, [&s.visit]);
        std::mem::swap(&mut s.visit, &mut s.next);
        s.touched.extend_from_slice(&s.next_frontier);
        std::mem::swap(&mut s.frontier, &mut s.next_frontier);
        s.next_frontier.clear();
    }

    /// Clears only what a traversal touched, for the next batch.
    fn clean(s: &mut Scratch) {
        Self::clear_lanes(&s.touched, [&s.seen, &s.visit]);
        Self::clear_lanes(&s.counted, [&s.seen]);
        Self::clear_lanes(&s.next_frontier, [&s.seen, &s.next]);
        s.touched.clear();
        s.counted.clear();
        s.frontier.clear();
        s.next_frontier.clear();
    }

    /// Zeroes the lane words of `nodes` in every one of `arrays`, in parallel.
    fn clear_lanes<const A: usize>(nodes: &[u32], arrays: [&[AtomicU64]; A]) {
        nodes.par_iter().with_min_len(MIN_PIECE).for_each(|&v| {
            for a in arrays {
                for w in &a[v as usize * W..][..W] {
                    w.store(0, Relaxed);
                }
            }
        });
    }

    /// Push: every frontier node ORs its lanes into its neighbours, in `parts`
    /// parts that each own their blocks of destinations ([`OWNER_SHIFT`]). Returns
    /// the new frontier in pieces.
    fn top_down(graph: &ConnectionGraph, s: &Scratch, parts: usize) -> Vec<Vec<u32>> {
        let part = |p: usize| {
            let mut found = Vec::new();
            Self::push_part(graph, s, p, parts, (&s.next, &[]), |n, new| {
                let at = n as usize * W;
                let mut queued = 0;
                for (k, &d) in new.iter().enumerate() {
                    let was = s.next[at + k].load(Relaxed);
                    queued |= was;
                    s.next[at + k].store(was | d, Relaxed);
                }
                // n joins the next frontier when its first lane is set there.
                if queued == 0 {
                    found.push(n);
                }
            });
            found
        };
        in_parts(parts, part)
    }

    /// The last level, top-down and counted only: like [`Self::top_down`], but a
    /// newly reached node is added to the counts of its new lanes instead of to a
    /// frontier. Nodes seen for the first time go to `s.counted` for cleaning.
    fn top_down_last(
        graph: &ConnectionGraph,
        roles: &RoleMap,
        s: &mut Scratch,
        parts: usize,
    ) -> [LaneTally; W] {
        let part = |p: usize| {
            let mut acc = [LaneTally::ZERO; W];
            let mut first = Vec::new();
            Self::push_part(graph, s, p, parts, (&s.seen, roles.codes()), |n, new| {
                let at = n as usize * W;
                let code = roles.code_of(n);
                let mut before = 0;
                for (k, (t, &d)) in acc.iter_mut().zip(&new).enumerate() {
                    t.add(d, code);
                    before |= s.seen[at + k].load(Relaxed) & !d;
                }
                if before == 0 {
                    first.push(n);
                }
            });
            (acc, first)
        };
        let pieces = in_parts(parts, part);
        let mut tally = [LaneTally::ZERO; W];
        for (acc, first) in pieces {
            tally = Self::merge(tally, acc);
            s.counted.extend(first);
        }
        tally
    }

    /// Part `part` of `parts` of a top-down step: for every neighbour n of a
    /// frontier node, in this part's blocks, that the node's frontier lanes reach
    /// in lanes n has not seen, marks those lanes seen and calls `found(n, new)`.
    ///
    /// The part's arcs are gathered into a window of [`GATHER`] (destination,
    /// lanes) pairs without branches; then everything the window's destinations
    /// need (their words in `seen` and in `also.0`, the array `found` writes, and
    /// their byte in `also.1`, the role codes `found` reads) is loaded at once, so
    /// the cache misses overlap; only then is the window processed. A top-down step
    /// reads its destinations at random, and one miss after another would set its
    /// speed.
    #[inline]
    fn push_part(
        graph: &ConnectionGraph,
        s: &Scratch,
        part: usize,
        parts: usize,
        also: (&[AtomicU64], &[u8]),
        mut found: impl FnMut(u32, [u64; W]),
    ) {
        let mask = parts - 1;
        let mut dest = [0u32; GATHER];
        let mut from = [[0u64; W]; GATHER];
        let mut len = 0;
        let mut flush = |dest: &[u32], from: &[[u64; W]]| {
            let mut touch = 0u64;
            for &n in dest {
                let at = n as usize * W;
                touch ^= s.seen[at].load(Relaxed) ^ also.0[at].load(Relaxed);
                touch ^= u64::from(also.1.get(n as usize).copied().unwrap_or(0));
            }
            std::hint::black_box(touch);
            for (&n, lanes) in dest.iter().zip(from) {
                let at = n as usize * W;
                let mut new = [0u64; W];
                for (k, d) in new.iter_mut().enumerate() {
                    let seen = s.seen[at + k].load(Relaxed);
                    *d = lanes[k] & !seen;
                    if *d != 0 {
                        s.seen[at + k].store(seen | *d, Relaxed);
                    }
                }
                if any_lane(&new) {
                    found(n, new);
                }
            }
        };
        for &v in &s.frontier {
            let mut lanes = [0u64; W];
            for (k, l) in lanes.iter_mut().enumerate() {
                *l = s.visit[v as usize * W + k].load(Relaxed);
            }
            for &n in graph.neighbors(NodeId(v)) {
                // Appended always, kept when this part owns n: no branch to mispredict.
                dest[len] = n;
                from[len] = lanes;
                len += usize::from((n >> OWNER_SHIFT) as usize & mask == part);
                if len == GATHER {
                    flush(&dest, &from);
                    len = 0;
                }
            }
        }
        flush(&dest[..len], &from[..len]);
    }

    /// Pull: every node missing some lane ORs its neighbours' frontier lanes; each
    /// thread writes only the nodes of its own range. Returns the new frontier in
    /// pieces, and the number of arcs read.
    fn bottom_up(graph: &ConnectionGraph, s: &Scratch, full: &[u64; W]) -> (Vec<Vec<u32>>, u64) {
        let pieces: Vec<(Vec<u32>, u64)> = (0..graph.node_count().div_ceil(PULL_RANGE))
            .into_par_iter()
            .map(|r| {
                let mut found = Vec::new();
                let read = Self::pull_range(graph, s, full, r, |v, missing, got| {
                    let i = v as usize * W;
                    for k in 0..W {
                        if got[k] != 0 {
                            s.next[i + k].store(got[k], Relaxed);
                            s.seen[i + k].store((full[k] & !missing[k]) | got[k], Relaxed);
                        }
                    }
                    found.push(v);
                });
                (found, read)
            })
            .collect();
        let read = pieces.iter().map(|p| p.1).sum();
        (pieces.into_iter().map(|p| p.0).collect(), read)
    }

    /// The last level, bottom-up and counted only: every node missing some lane
    /// ORs its neighbours' frontier lanes and adds itself to the counts of the
    /// lanes it was missing, writing nothing. Returns the counts and the arcs read.
    fn bottom_up_last(
        graph: &ConnectionGraph,
        roles: &RoleMap,
        s: &Scratch,
        full: &[u64; W],
    ) -> ([LaneTally; W], u64) {
        (0..graph.node_count().div_ceil(PULL_RANGE))
            .into_par_iter()
            .map(|r| {
                let mut acc = [LaneTally::ZERO; W];
                let read = Self::pull_range(graph, s, full, r, |v, _, got| {
                    let code = roles.code_of(v);
                    for (t, d) in acc.iter_mut().zip(got) {
                        t.add(d, code);
                    }
                });
                (acc, read)
            })
            .reduce(
                || ([LaneTally::ZERO; W], 0),
                |a, b| (Self::merge(a.0, b.0), a.1 + b.1),
            )
    }

    /// Node range `r` (of [`PULL_RANGE`] nodes) of a bottom-up step: calls
    /// `found(v, missing, got)` for every node that some neighbour's frontier lanes
    /// reach in lanes it was missing (`got`). Returns the arcs read.
    #[inline]
    fn pull_range(
        graph: &ConnectionGraph,
        s: &Scratch,
        full: &[u64; W],
        r: usize,
        mut found: impl FnMut(u32, &[u64; W], [u64; W]),
    ) -> u64 {
        let mut read = 0u64;
        for i in r * PULL_RANGE..((r + 1) * PULL_RANGE).min(graph.node_count()) {
            let mut missing = [0u64; W];
            for k in 0..W {
                missing[k] = full[k] & !s.seen[i * W + k].load(Relaxed);
            }
            if !any_lane(&missing) {
                continue;
            }
            let v = u32::try_from(i).expect("node ids fit u32");
            let got = Self::gather(graph, s, v, &missing, &mut read);
            if any_lane(&got) {
                found(v, &missing, got);
            }
        }
        read
    }

    /// The `missing` lanes of `v` that some neighbour has in its frontier lanes;
    /// stops reading neighbours once all are found. Adds the arcs read to `read`.
    #[inline]
    fn gather(
        graph: &ConnectionGraph,
        s: &Scratch,
        v: u32,
        missing: &[u64; W],
        read: &mut u64,
    ) -> [u64; W] {
        let mut got = [0u64; W];
        for &w in graph.neighbors(NodeId(v)) {
            *read += 1;
            let mut done = true;
            for k in 0..W {
                got[k] |= s.visit[w as usize * W + k].load(Relaxed);
                done &= got[k] & missing[k] == missing[k];
            }
            if done {
                break;
            }
        }
        for (g, m) in got.iter_mut().zip(missing) {
            *g &= m;
        }
        got
    }

    /// Per-lane counts of the nodes in the next frontier.
    fn tally_next(roles: &RoleMap, s: &Scratch) -> [LaneTally; W] {
        s.next_frontier
            .par_chunks(MIN_PIECE * 4)
            .map(|piece| {
                let mut acc = [LaneTally::ZERO; W];
                for &v in piece {
                    let code = roles.code_of(v);
                    for (k, t) in acc.iter_mut().enumerate() {
                        t.add(s.next[v as usize * W + k].load(Relaxed), code);
                    }
                }
                acc
            })
            .reduce(|| [LaneTally::ZERO; W], Self::merge)
    }

    fn merge(mut a: [LaneTally; W], b: [LaneTally; W]) -> [LaneTally; W] {
        for (x, y) in a.iter_mut().zip(&b) {
            *x = x.merge(y);
        }
        a
    }

    /// Writes every lane's counts at `level`.
    fn store_counts(tally: &[LaneTally; W], level: usize, out: &mut [ReachCounts]) {
        for (lane, counts) in out.iter_mut().enumerate() {
            *counts.at_mut(level) = tally[lane / LANES].counts(lane % LANES);
        }
    }
}

#[cfg(test)]
mod tests;
