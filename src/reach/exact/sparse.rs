//! Exact reach of one person at a time, for balls that are small against the
//! graph: the path [`super::Search::run`] tries first.
//!
//! # Why
//! The bit-parallel kernel shares one scan of an edge among up to 256 sources,
//! which pays when their balls overlap (most of a graph within 3 degrees). On a
//! large graph, small balls hardly overlap, so nothing is shared, while every
//! top-down step still reads and writes lane words of 8 to 32 bytes per node at
//! random, in arrays far larger than the caches. Here each thread walks one
//! person's ball at a time with a bitmap of one bit per node (n/8 bytes: 375 KiB
//! for 3 million nodes, within a core's L2 cache), so a step costs a bit test and
//! an append per arc, and no thread ever waits for another.
//!
//! # Algorithm
//! Breadth-first search by levels. The nodes found, in order, form one list
//! (`found`): each level is a contiguous run of it, which is the next level's
//! frontier, and the list is also what is cleared afterwards (one word store per
//! node; the bitmap holds nothing else). A level's scan appends every neighbour
//! without a branch and advances the end only for unseen ones; the role codes of
//! a level's new nodes are read in a second pass, whose loads do not depend on
//! one another. Before a level is scanned, the arcs it would read are summed; past
//! the budget (a share of all arcs, [`budget`]) the person is handed back to the
//! bit-parallel kernel, whose shared scans and bottom-up steps are the cheaper way
//! for large balls. What was read until then is counted as read.
//!
//! # Complexity
//! Per person O(arcs read in the ball) time, at most the budget per level;
//! space n/8 bytes plus 4 bytes per node found, per thread.

use std::sync::Mutex;

use rayon::prelude::*;

use super::{Query, Search};
use crate::graph::ConnectionGraph;
use crate::progress::Progress;
use crate::reach::{Degree, ReachCounts};
use crate::roles::RoleMap;

/// A ball may read at most all arcs / `BUDGET_SHARE` per level. At that size, 64
/// such balls (one bit-parallel batch) read about an eighth of all arcs per
/// level, where the bit-parallel kernel turns to bottom-up steps that read the
/// graph sequentially and serve every lane at once.
const BUDGET_SHARE: u64 = 512;

/// The most arcs one person's level may read before the person is handed to the
/// bit-parallel kernel (at least 4,096, so small graphs stay here).
pub(super) fn budget(graph: &ConnectionGraph) -> u64 {
    (graph.edge_count() * 2 / BUDGET_SHARE).max(1 << 12)
}

/// One thread's traversal state.
struct Ball {
    /// One bit per node: found in this traversal.
    bits: Vec<u64>,
    /// Nodes found, level after level; slots past `len` are scratch.
    found: Vec<u32>,
    /// The neighbour lists of the level being scanned, as ranges of arcs.
    lists: Vec<(usize, usize)>,
}

impl Ball {
    fn new(nodes: usize) -> Self {
        Self {
            bits: vec![0; nodes.div_ceil(64)],
            found: Vec::new(),
            lists: Vec::new(),
        }
    }

    /// Marks every node of `list`, appending the new ones after `len`. No
    /// branch: every node is written at the end, which advances only for new ones.
    #[inline]
    fn scan(&mut self, list: &[u32], len: &mut usize) {
        if self.found.len() < *len + list.len() {
            self.found
                .resize((*len + list.len()).next_power_of_two(), 0);
        }
        let mut end = *len;
        for &w in list {
            let (i, b) = ((w >> 6) as usize, w & 63);
            let word = self.bits[i];
            self.bits[i] = word | (1 << b);
            self.found[end] = w;
            end += usize::from((word >> b) & 1 == 0);
        }
        *len = end;
    }

    /// Clears the bits of the first `len` nodes found (their whole words: no
    /// other bit is set), or the whole bitmap when that is cheaper.
    fn clear(&mut self, len: usize) {
        if len > self.bits.len() / 8 {
            self.bits.fill(0);
        } else {
            for &v in &self.found[..len] {
                self.bits[(v >> 6) as usize] = 0;
            }
        }
    }
}

/// Reach of one person, or `None` (the ball's bits cleared) when a level would
/// read more than `budget` arcs. Adds the arcs read to `read` either way.
// Offsets are bounded by the arcs' count, a usize.
#[allow(clippy::cast_possible_truncation)]
fn reach_one(
    graph: &ConnectionGraph,
    (roles, has_role): (&RoleMap, &[u64]),
    q: &Query<'_>,
    max: Degree,
    budget: u64,
    ball: &mut Ball,
    read: &mut u64,
) -> Option<ReachCounts> {
    let (offsets, targets) = graph.csr();
    let mut out = ReachCounts::zeros(max);
    let mut len = 0;
    ball.scan(&[q.source.0], &mut len);
    let mut level = 0..len;
    for k in 1..=usize::from(max.0) {
        // The level's neighbour lists, and the arcs they hold.
        ball.lists.clear();
        ball.lists.extend(ball.found[level].iter().map(|&v| {
            let v = v as usize;
            (offsets[v] as usize, offsets[v + 1] as usize)
        }));
        let arcs = ball.lists.iter().map(|&(a, b)| (b - a) as u64).sum::<u64>()
            + if k == 1 { q.accepted.len() as u64 } else { 0 };
        if arcs > budget {
            ball.clear(len);
            return None;
        }
        *read += arcs;
        let start = len;
        for i in 0..ball.lists.len() {
            let (a, b) = ball.lists[i];
            ball.scan(&targets[a..b], &mut len);
        }
        if k == 1 {
            ball.scan(q.accepted, &mut len);
        }
        // Role codes only for nodes the bitmap of roles marks: its bits are
        // in cache where the codes, a byte per node, are not.
        let counts = out.at_mut(k);
        counts.nodes = (len - start) as u64;
        for &v in &ball.found[start..len] {
            if has_role[(v >> 6) as usize] >> (v & 63) & 1 != 0 {
                match roles.code_of(v) {
                    1 => counts.recruiters += 1,
                    _ => counts.hiring_managers += 1,
                }
            }
        }
        level = start..len;
        if level.is_empty() {
            break;
        }
    }
    ball.clear(len);
    Some(out)
}

/// Reach for every query whose levels each read at most `budget` arcs, in
/// parallel over queries (one [`Ball`] per thread); `None` for the others, whose
/// traversals stopped at the first level over the budget. Returns the arcs read.
/// `progress` is told of every query answered here.
pub(super) fn reach_each(
    search: &Search<'_>,
    queries: &[Query<'_>],
    budget: u64,
    progress: &dyn Progress,
) -> (Vec<Option<ReachCounts>>, u64) {
    let (graph, roles, max) = (search.graph, search.roles, search.max);
    let has_role = role_bits(roles, graph.node_count());
    let balls: Vec<Mutex<Option<Ball>>> = (0..rayon::current_num_threads())
        .map(|_| Mutex::new(None))
        .collect();
    let pieces: Vec<(Vec<Option<ReachCounts>>, u64)> = queries
        .par_chunks(QUERIES_PER_TASK)
        .map(|piece| {
            let slot = rayon::current_thread_index().unwrap_or(0) % balls.len();
            let mut guard = balls[slot]
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            let ball = guard.get_or_insert_with(|| Ball::new(graph.node_count()));
            let mut read = 0;
            let counts: Vec<Option<ReachCounts>> = piece
                .iter()
                .map(|q| reach_one(graph, (roles, &has_role), q, max, budget, ball, &mut read))
                .collect();
            progress.inc(counts.iter().filter(|c| c.is_some()).count() as u64);
            (counts, read)
        })
        .collect();
    let read = pieces.iter().map(|p| p.1).sum();
    (pieces.into_iter().flat_map(|p| p.0).collect(), read)
}

/// One bit per node (`nodes` of them), set for recruiters and hiring managers.
fn role_bits(roles: &RoleMap, nodes: usize) -> Vec<u64> {
    let mut bits: Vec<u64> = roles
        .codes()
        .par_chunks(64)
        .map(|c| {
            c.iter()
                .enumerate()
                .fold(0, |w, (i, &code)| w | (u64::from(code != 0) << i))
        })
        .collect();
    bits.resize(nodes.div_ceil(64), 0);
    bits
}

/// Queries one rayon task answers in a row, on one ball.
const QUERIES_PER_TASK: usize = 16;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::NodeId;
    use crate::progress::NoProgress;
    use crate::reach::exact::{Scratch, reach_batch};
    use crate::roles::Role;

    /// A ring of `n` nodes with chords from every node to the one 7 ahead.
    fn ring(n: u64) -> ConnectionGraph {
        ConnectionGraph::from_edges((0..n).flat_map(|i| [(i, (i + 1) % n), (i, (i + 7) % n)]))
            .unwrap()
    }

    #[test]
    fn one_ball_at_a_time_matches_the_bit_parallel_kernel() {
        let g = ring(500);
        let roles = RoleMap::from_roles(
            500,
            (0..500u32).filter(|v| v % 3 == 0).map(|v| {
                (
                    NodeId(v),
                    if v % 2 == 0 {
                        Role::Recruiter
                    } else {
                        Role::HiringManager
                    },
                )
            }),
        );
        let extra = [250u32, 251, 3];
        let queries: Vec<Query<'_>> = (0..40u32)
            .map(|i| Query {
                source: NodeId(i * 12),
                accepted: if i % 4 == 0 { &extra } else { &[] },
            })
            .collect();
        for max in 1..=5u8 {
            let (sparse, read) = reach_each(
                &Search::new(&g, &roles, Degree(max)),
                &queries,
                u64::MAX,
                &NoProgress,
            );
            assert!(read > 0);
            let mut s = Scratch::new(500, 1);
            let want = reach_batch(&g, &roles, &queries, Degree(max), &mut s);
            let got: Vec<ReachCounts> = sparse.into_iter().map(Option::unwrap).collect();
            assert_eq!(got, want, "max degree {max}");
        }
    }

    #[test]
    fn small_balls_alone_and_large_ones_in_batches_give_the_same_counts() {
        let g = ring(500);
        let roles = RoleMap::from_roles(
            500,
            (0..500u32).step_by(5).map(|v| (NodeId(v), Role::Recruiter)),
        );
        // Hubs: a node linked to 60 others has a larger ball than a ring node.
        let hub = ConnectionGraph::from_edges(
            (0..500u64)
                .flat_map(|i| [(i, (i + 1) % 500), (i, (i + 7) % 500)])
                .chain((1..60u64).map(|i| (0, i * 8))),
        )
        .unwrap();
        let queries: Vec<Query<'_>> = (0..100u32).map(|i| Query::base(NodeId(i * 5))).collect();
        for graph in [&g, &hub] {
            let mut s = Scratch::new(500, 2);
            let want = reach_batch(graph, &roles, &queries[..100], Degree(3), &mut s);
            for budget in [20, 64, 200] {
                let (got, _) = Search::new(graph, &roles, Degree(3))
                    .budget(budget)
                    .run_counted(&queries, &NoProgress);
                assert_eq!(got, want, "budget {budget}");
            }
        }
    }

    #[test]
    fn a_ball_over_the_budget_is_handed_back_and_leaves_the_bitmap_clean() {
        let g = ring(500);
        let roles = RoleMap::none(500);
        let queries = [Query::base(NodeId(0)), Query::base(NodeId(9))];
        // Level 1 reads 4 arcs, level 2 reads 16, level 3 at most 48.
        let (got, read) = reach_each(
            &Search::new(&g, &roles, Degree(3)),
            &queries,
            16,
            &NoProgress,
        );
        assert!(got.iter().all(Option::is_none));
        assert_eq!(read, 2 * (4 + 16));
        let (got, _) = reach_each(
            &Search::new(&g, &roles, Degree(2)),
            &queries,
            16,
            &NoProgress,
        );
        let counts = got[0].as_ref().expect("within the budget");
        assert_eq!(counts.at_degree(Degree(1)).nodes, 4);
        let mut ball = Ball::new(500);
        let mut read = 0;
        let has_role = role_bits(&roles, 500);
        assert!(
            reach_one(
                &g,
                (&roles, &has_role),
                &queries[0],
                Degree(3),
                16,
                &mut ball,
                &mut read
            )
            .is_none()
        );
        assert!(ball.bits.iter().all(|&w| w == 0));
    }
}
