//! Binning arcs by node range, shared by the graph builders ([`super::build`]
//! from internal ids, [`super::external`] from ids seen in files) and the passes
//! over neighbour lists (mutual connections, reordering): arcs are sorted by the
//! range of their tail with a counting sort, and every range is then filled by
//! one task writing only its own slice of the targets, in cache, without atomics.
//!
//! # Complexity
//! O(arcs) time for binning and filling; ranges hold about a million arcs each
//! (4 MiB of targets), with at least 8 ranges per thread.

use rayon::prelude::*;

/// A block's arcs sorted by the node range of their tail, and where each range
/// starts in them (one more entry than ranges).
pub(super) type SortedArcs = (Vec<(u32, u32)>, Vec<usize>);

/// Arcs per node range, on average, when binning edges between internal ids:
/// 4 MiB of a range's targets, so the writes of one range stay in cache.
const RANGE_ARCS: usize = 1 << 20;

/// Fills `targets`, laid out by `offsets`, from arcs binned by range, range `r`
/// holding the arcs whose tail maps to the nodes `bounds[r]..bounds[r + 1]`:
/// every range is filled by one task from its bins, mapping ids to nodes by
/// `tail` and `head`, writing only its own slice of the arcs, in cache.
pub(super) fn fill_ranges(
    binned: &[SortedArcs],
    bounds: &[usize],
    offsets: &[u64],
    targets: &mut [u32],
    tail: impl Fn(u32) -> u32 + Sync,
    head: impl Fn(u32) -> u32 + Sync,
) {
    let mut slices = Vec::with_capacity(bounds.len());
    let mut rest = targets;
    for w in bounds.windows(2) {
        let (lo, hi) = (w[0], w[1]);
        let len = usize::try_from(offsets[hi] - offsets[lo]).expect("arcs fit usize");
        let (head, tail) = rest.split_at_mut(len);
        slices.push((lo, hi, head));
        rest = tail;
    }
    slices
        .into_par_iter()
        .enumerate()
        .for_each(|(r, (lo, hi, slice))| {
            let base = offsets[lo];
            let mut cursor: Vec<u64> = offsets[lo..hi].iter().map(|&o| o - base).collect();
            for &(u, v) in range_arcs(binned, r) {
                let at = &mut cursor[tail(u) as usize - lo];
                slice[usize::try_from(*at).expect("arc index")] = head(v);
                *at += 1;
            }
        });
}

/// The arcs of range `r` in every bin. A piece binned before larger ids came has fewer ranges: none of its arcs
/// lie in the later ones.
pub(super) fn range_arcs(binned: &[SortedArcs], r: usize) -> impl Iterator<Item = &(u32, u32)> {
    binned.iter().flat_map(move |(arcs, start)| {
        let at = |i: usize| start.get(i).copied().unwrap_or(arcs.len());
        &arcs[at(r)..at(r + 1)]
    })
}

/// The shift `k` of node ranges of 2^k consecutive nodes (a node's range is a
/// shift) for `n` nodes and `arcs` arcs: about [`RANGE_ARCS`] arcs per range on
/// average, and at least 8 ranges per thread.
pub(super) fn range_shift(n: usize, arcs: usize) -> u32 {
    let pieces = (arcs / RANGE_ARCS).max(rayon::current_num_threads() * 8);
    n.div_ceil(pieces)
        .max(1)
        .next_power_of_two()
        .trailing_zeros()
}

/// Both arcs of every edge but self-loops, sorted by the range of their tail
/// (ranges of `1 << shift` nodes; a counting sort: one pass to count, one to
/// place), and where each of the `bins` ranges starts.
pub(super) fn bin_arcs(
    edges: impl Iterator<Item = (u32, u32)> + Clone,
    bins: usize,
    shift: u32,
) -> SortedArcs {
    let mut start = vec![0usize; bins + 1];
    for (u, v) in edges.clone() {
        if u != v {
            start[(u >> shift) as usize + 1] += 1;
            start[(v >> shift) as usize + 1] += 1;
        }
    }
    for r in 0..bins {
        start[r + 1] += start[r];
    }
    let mut arcs = vec![(0u32, 0u32); start[bins]];
    let mut at = start.clone();
    for (u, v) in edges {
        if u != v {
            for (t, h) in [(u, v), (v, u)] {
                let slot = &mut at[(t >> shift) as usize];
                arcs[*slot] = (t, h);
                *slot += 1;
            }
        }
    }
    (arcs, start)
}

/// Splits the nodes into about `pieces` consecutive ranges holding similar numbers
/// of arcs, each with its slice of `targets`: `(first node, end node, arcs)`.
pub(super) fn split_by_arcs<'a, T>(
    offsets: &[u64],
    targets: &'a mut [T],
    pieces: usize,
) -> Vec<(usize, usize, &'a mut [T])> {
    let n = offsets.len() - 1;
    let total = targets.len();
    let pieces = pieces.max(1);
    let mut bounds = vec![0usize];
    let step = (total / pieces).max(1);
    let mut next = step;
    for v in 0..n {
        let end = usize::try_from(offsets[v + 1]).expect("offset fits usize");
        if end >= next && v + 1 < n {
            bounds.push(v + 1);
            next = end + step;
        }
    }
    bounds.push(n);
    let mut chunks: Vec<(usize, usize, &mut [T])> = Vec::with_capacity(bounds.len());
    let mut rest = targets;
    let mut consumed = 0usize;
    for w in bounds.windows(2) {
        let (lo, hi) = (w[0], w[1]);
        let end = usize::try_from(offsets[hi]).expect("offset");
        let (head, tail) = rest.split_at_mut(end - consumed);
        chunks.push((lo, hi, head));
        rest = tail;
        consumed = end;
    }
    chunks
}
