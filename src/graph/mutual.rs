//! Mutual connections of every connection: for each arc `u → v` of the CSR, the
//! number of common neighbours of `u` and `v` (triangles through the edge),
//! saturating at `u16::MAX`, stored as one `u16` per arc beside the targets.
//! What a tie's strength is measured by (the weak-ties strategies, job leads).
//!
//! # Algorithm
//! Two parallel passes over balanced node ranges, without atomics. Pass 1: for
//! every arc `u → v` with `u < v`, intersect the two sorted lists. On graphs of
//! up to 1.5M nodes `u`'s neighbours are marked once in a per-task stamp array
//! (6 MiB, cache-resident) and `v`'s list is scanned against the marks (no
//! data-dependent branches); larger graphs merge the two lists, since random
//! reads of a stamp array beyond the cache cost more than the merge. Either way,
//! when `v`'s list is more than 16 times longer, `u`'s ids are binary-searched in
//! it (a hub's list is not walked whole for each of its small neighbours). Pass 2: every arc `u → v` with
//! `u > v` copies the count of `v → u`, found by a binary search in `v`'s list.
//!
//! # Complexity
//! Time `O(Σ over edges of min(d(u) + d(v), d_small · log d_large))` for pass 1 plus
//! O(m log d) for pass 2; memory 2 bytes per arc (4 bytes per edge), and a
//! copy of them during pass 2.

use rayon::prelude::*;

use super::ConnectionGraph;
use super::bins::split_by_arcs;

/// The mutual-connection bins netreach reports in (`stats --mutual`, the
/// tie-value chart): (lowest, highest, label).
pub const MUTUAL_BINS: [(u32, u32, &str); 8] = [
    (0, 0, "0"),
    (1, 1, "1"),
    (2, 2, "2"),
    (3, 4, "3-4"),
    (5, 7, "5-7"),
    (8, 12, "8-12"),
    (13, 20, "13-20"),
    (21, u32::MAX, "21+"),
];

/// Largest graph (nodes) whose tails' neighbours are marked in a stamp array:
/// 6 MiB per task, within a typical last-level cache.
const STAMP_NODES: usize = 1 << 20 | 1 << 19;

/// Common elements of two ascending lists.
pub(crate) fn shared(a: &[u32], b: &[u32]) -> usize {
    let (small, large) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if small.len() * 16 < large.len() {
        // Binary searches, each starting where the last ended.
        let mut rest = large;
        let mut count = 0;
        for x in small {
            match rest.binary_search(x) {
                Ok(i) => {
                    count += 1;
                    rest = &rest[i + 1..];
                }
                Err(i) => rest = &rest[i..],
            }
            if rest.is_empty() {
                break;
            }
        }
        return count;
    }
    // A merge without data-dependent branches: each step advances the
    // smaller side (both when equal), so the loop mispredicts once, at its end.
    let (mut i, mut j, mut count) = (0, 0, 0);
    while i < small.len() && j < large.len() {
        let (left, right) = (small[i], large[j]);
        count += usize::from(left == right);
        i += usize::from(left <= right);
        j += usize::from(right <= left);
    }
    count
}

impl ConnectionGraph {
    /// The mutual connections of every arc, aligned with the CSR targets: entry
    /// `i` counts the common neighbours of arc `i`'s tail and head, saturating at
    /// `u16::MAX` (see the module doc of [`crate::graph`]'s `mutual.rs`).
    pub fn mutual_counts(&self) -> Vec<u16> {
        self.mutual_counts_by(self.node_count() <= STAMP_NODES)
    }

    /// [`Self::mutual_counts`], marking tails in stamp arrays or merging lists.
    fn mutual_counts_by(&self, stamps: bool) -> Vec<u16> {
        let (offsets, targets) = self.csr();
        let span = |v: usize| arc_span(offsets, v);
        let saturate = |c: usize| u16::try_from(c).unwrap_or(u16::MAX);
        let mut counts = vec![0u16; targets.len()];
        // Pass 1: arcs to a larger id. Each task marks its tail's neighbours in
        // a stamp array, then scans each head's list against the marks, or
        // searches a much longer head list for the tail's neighbours.
        let n = self.node_count();
        // The stamps pay while they stay in cache (4 bytes per node): on a
        // 10M-node graph their random reads made pass 1 twice as slow as merging.
        split_by_arcs(offsets, &mut counts, rayon::current_num_threads() * 8)
            .into_par_iter()
            .for_each(|(lo, hi, slice)| {
                let base = arc_span(offsets, lo).start;
                let mut stamp = vec![0u32; if stamps { n } else { 0 }];
                for u in lo..hi {
                    let arcs = arc_span(offsets, u);
                    let list = &targets[arcs.clone()];
                    let tag = u32::try_from(u + 1).expect("node ids fit u32");
                    let tail = tag - 1;
                    let mut marked = false;
                    for (i, &v) in arcs.zip(list) {
                        if v <= tail {
                            continue;
                        }
                        let other = &targets[span(v as usize)];
                        let count = if !stamps || list.len() * 16 < other.len() {
                            shared(list, other)
                        } else {
                            if !marked {
                                for &w in list {
                                    stamp[w as usize] = tag;
                                }
                                marked = true;
                            }
                            other.iter().filter(|&&w| stamp[w as usize] == tag).count()
                        };
                        slice[i - base] = saturate(count);
                    }
                }
            });
        // Pass 2: arcs to a smaller id copy the count of the reverse arc.
        let first = counts.clone();
        for_each_arc(offsets, targets, &mut counts, |u, v, slot| {
            if v < u {
                let back = span(v as usize);
                let i = targets[back.clone()]
                    .binary_search(&u)
                    .expect("every edge is listed at both ends");
                *slot = first[back.start + i];
            }
        });
        counts
    }
}

/// Where node `v`'s list starts and ends in the arcs.
fn arc_span(offsets: &[u64], v: usize) -> std::ops::Range<usize> {
    let at = |i: usize| usize::try_from(offsets[i]).expect("arc index fits usize");
    at(v)..at(v + 1)
}

/// Calls `f(tail, head, slot)` for every arc, in parallel over balanced node
/// ranges, `slot` being the arc's entry of `values` (each range writes only its
/// own entries).
fn for_each_arc<T: Send>(
    offsets: &[u64],
    targets: &[u32],
    values: &mut [T],
    f: impl Fn(u32, u32, &mut T) + Sync,
) {
    split_by_arcs(offsets, values, rayon::current_num_threads() * 8)
        .into_par_iter()
        .for_each(|(lo, hi, slice)| {
            let base = arc_span(offsets, lo).start;
            for u in lo..hi {
                let arcs = arc_span(offsets, u);
                let tail = u32::try_from(u).expect("node ids fit u32");
                for (i, &v) in arcs.clone().zip(&targets[arcs]) {
                    f(tail, v, &mut slice[i - base]);
                }
            }
        });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::NodeId;

    #[test]
    fn every_arc_counts_the_common_neighbours_of_its_ends() {
        // A clustered random graph with a hub, so both intersection methods run.
        let mut state = 12345u64;
        let mut next = |m: u64| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 33) % m
        };
        let mut edges: Vec<(u64, u64)> = (0..3000).map(|_| (next(300), next(300))).collect();
        edges.extend((1..300).map(|v| (0, v)));
        let g = ConnectionGraph::from_edges(edges).unwrap();
        let counts = g.mutual_counts();
        assert_eq!(
            counts,
            g.mutual_counts_by(false),
            "merging agrees with stamps"
        );
        let (offsets, targets) = g.csr();
        assert_eq!(counts.len(), targets.len());
        for u in g.nodes() {
            let a = usize::try_from(offsets[u.0 as usize]).unwrap();
            for (k, &v) in g.neighbors(u).iter().enumerate() {
                // The naive oracle: a set of one list, probed with the other.
                let of_u: std::collections::HashSet<u32> = g.neighbors(u).iter().copied().collect();
                let want = g
                    .neighbors(NodeId(v))
                    .iter()
                    .filter(|w| of_u.contains(w))
                    .count();
                assert_eq!(usize::from(counts[a + k]), want, "{u:?} -> {v}");
            }
        }
        assert!(counts.iter().any(|&c| c > 20), "the hub's arcs share many");
    }

    #[test]
    fn lists_of_very_different_lengths_intersect_by_search() {
        let large: Vec<u32> = (0..1000).map(|x| x * 3).collect();
        assert_eq!(shared(&[0, 3, 4, 2997, 3000], &large), 3);
        assert_eq!(shared(&large, &[1, 2]), 0);
        assert_eq!(shared(&[], &large), 0);
    }
}
