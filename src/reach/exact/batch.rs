//! The bit-parallel kernel of [`super`]: up to 256 people share one traversal,
//! each a bit lane of the lane words per node in a [`Scratch`], with top-down
//! steps split among threads by the destination blocks they own and bottom-up
//! steps over node ranges. The algorithm and its complexity are in the module
//! documentation of [`super`].

use std::sync::atomic::AtomicU64;
use std::sync::atomic::Ordering::Relaxed;

use rayon::prelude::*;

use super::{LANES, Query, Scratch};
use crate::graph::{ConnectionGraph, NodeId};
use crate::reach::tally::LaneTally;
use crate::reach::{Degree, ReachCounts};
use crate::roles::RoleMap;

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

/// The kernel for `W` lane words per node (monomorphized, so the word loops unroll).
pub(super) struct Traversal<const W: usize>;

impl<const W: usize> Traversal<W> {
    /// Lane `lane` is bit `lane % 64` of word `lane / 64`.
    fn lane_bit(lane: usize) -> (usize, u64) {
        (lane / LANES, 1u64 << (lane % LANES))
    }

    pub(super) fn run(
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
