//! Building a [`ConnectionGraph`] in parallel from edges: numbering external ids,
//! placing both arcs of every edge, sorting and deduplicating every neighbour
//! list (see the module doc of [`crate::graph`] for the algorithm).

use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::AtomicU32;

use rayon::prelude::*;

use super::bins::{SortedArcs, bin_arcs, fill_ranges, range_arcs, range_shift, split_by_arcs};
use super::external::{IdBins, IdCounter, IdMap, TABLE_LIMIT, TABLE_SLACK, number_table};
use super::{BuildReport, ConnectionGraph, NodeId, NodeIds};
use crate::error::{Error, Result};
use crate::memory::available_memory;

impl ConnectionGraph {
    /// Builds a graph from edges between integer external ids; handy in tests and docs.
    pub fn from_edges(edges: impl IntoIterator<Item = (u64, u64)>) -> Result<Self> {
        let edges: Vec<(u64, u64)> = edges.into_iter().collect();
        Self::from_u64_edges(&edges, Path::new("<edges>"))
    }

    /// Builds a graph from edges between integer external ids read from `path`
    /// (named in errors). Ids are numbered in ascending order.
    pub fn from_u64_edges(edges: &[(u64, u64)], path: &Path) -> Result<Self> {
        Self::from_edge_blocks(&edges, path)
    }

    /// Builds a graph from integer-id edges delivered in blocks. While ids fit the
    /// direct table and the arcs take at most a quarter of the available memory,
    /// one pass bins both arcs of every edge by the range of its tail's id (a
    /// counting sort per piece of a block, 16 bytes per edge); then every range
    /// counts its ids' arcs, the ids are numbered, and every range fills its own
    /// slice of the targets, in cache, without atomics. Otherwise the first pass
    /// counts neighbours by external id and the second reads `source` again and
    /// scatters every edge into place, one block held at a time. Peak memory is
    /// the CSR plus the binned arcs or one block, plus the id table (4 bytes per
    /// possible id when ids are below 2^27, else a hash map).
    pub fn from_edge_blocks(source: &dyn EdgeBlocks, path: &Path) -> Result<Self> {
        let budget = available_memory().map_or(1 << 30, |a| a / 4);
        Self::from_edge_blocks_keeping(source, path, budget)
    }

    /// [`Self::from_edge_blocks`], binning the arcs of pass 1 while they take at
    /// most `budget` bytes.
    fn from_edge_blocks_keeping(source: &dyn EdgeBlocks, path: &Path, budget: u64) -> Result<Self> {
        // Pass 1: the arcs binned by the id range of their tail, or (once ids
        // outgrow the table or the arcs the budget) neighbour counts by id.
        let mut counter = IdCounter::Table(Vec::new());
        let mut binned = Some(IdBins::default());
        let mut edges_read = 0u64;
        let mut self_loops = 0u64;
        let bound = source.edges_upper_bound().unwrap_or(0);
        source.for_each_block(&mut |block| {
            edges_read += block.len() as u64;
            let edges = edges_read.max(bound);
            if let Some(bins) = &mut binned {
                let max = block.par_iter().map(|&(a, b)| a.max(b)).max().unwrap_or(0);
                if max < TABLE_LIMIT && max < 2 * edges + TABLE_SLACK && edges_read * 16 <= budget {
                    self_loops += bins.add(block, max);
                    return Ok(());
                }
                counter = IdCounter::Table(bins.table().into_iter().map(AtomicU32::new).collect());
                binned = None;
            }
            self_loops += counter.count(block, edges);
            Ok(())
        })?;
        // Number the nodes, lay out the offsets, turn counts into dense ids.
        let (ids, map, offsets) = match &binned {
            Some(bins) => number_table(bins.table(), path)?,
            None => counter.number(path)?,
        };
        let n = ids.len();
        let total = offsets[n];
        if total == 0 {
            return Err(Error::EmptyGraph {
                path: path.to_path_buf(),
            });
        }
        // Before the big allocations: the arcs (4 bytes each), fill counters and
        // range tags (6 bytes per node).
        let needed = total * 4 + n as u64 * 6;
        if let Some(available) = available_memory()
            && needed > available
        {
            return Err(Error::OutOfMemory {
                path: path.to_path_buf(),
                needed_mib: needed.div_ceil(1 << 20),
                available_mib: available >> 20,
            });
        }
        let arcs = usize::try_from(total).expect("arcs fit in memory");
        // Huge pages: traversals read the lists at random (crate::memory).
        let mut targets: Vec<u32> = crate::memory::zeroed_vec(arcs);
        match (binned, &map) {
            (Some(bins), IdMap::Table(table)) => bins.fill(table, &offsets, &mut targets),
            _ => place_arcs(source, &map, &offsets, &mut targets, path)?,
        }
        drop(map);
        Ok(Self::finish(
            NodeIds::Int(ids),
            offsets,
            targets,
            edges_read,
            self_loops,
        ))
    }

    /// Builds a graph from edges between string external ids read from `path`.
    /// Ids are numbered in byte order.
    pub fn from_string_edges(edges: &[(String, String)], path: &Path) -> Result<Self> {
        let mut names: Vec<&str> = edges
            .iter()
            .flat_map(|(a, b)| [a.as_str(), b.as_str()])
            .collect();
        names.par_sort_unstable();
        names.dedup();
        if u32::try_from(names.len()).is_err() {
            return Err(Error::TooManyNodes {
                path: path.to_path_buf(),
            });
        }
        let index: HashMap<&str, u32> = names
            .iter()
            .enumerate()
            .map(|(i, s)| (*s, u32::try_from(i).expect("checked above")))
            .collect();
        let internal: Vec<(u32, u32)> = edges
            .par_iter()
            .map(|(a, b)| (index[a.as_str()], index[b.as_str()]))
            .collect();
        let ids = NodeIds::Str(names.into_iter().map(str::to_owned).collect());
        Self::from_internal_edges(ids, &internal, edges.len() as u64, path)
    }

    /// Builds the CSR from edges between internal ids `0..ids.len()`.
    ///
    /// Both arcs of every edge are binned by the node range of their tail (a
    /// counting sort per chunk of edges); then every range counts
    /// its nodes' arcs and fills its own slice of the targets, in cache. No
    /// atomics and no random access outside a range: 16 bytes per edge of bins
    /// while it runs.
    ///
    /// # Panics
    /// If an edge names an id `>= ids.len()` (an internal invariant).
    pub fn from_internal_edges(
        ids: NodeIds,
        edges: &[(u32, u32)],
        edges_read: u64,
        path: &Path,
    ) -> Result<Self> {
        let n = ids.len();
        let self_loops = edges.par_iter().filter(|(u, v)| u == v).count() as u64;
        let shift = range_shift(n, 2 * edges.len());
        let bins = n.div_ceil(1 << shift);
        let binned: Vec<SortedArcs> = edges
            .par_chunks(1 << 20)
            .map(|chunk| bin_arcs(chunk.iter().copied(), bins, shift))
            .collect();
        // Every node's arc count, range by range (each range's counts stay in cache).
        let counts: Vec<Vec<u64>> = (0..bins)
            .into_par_iter()
            .map(|r| {
                let lo = r << shift;
                let mut count = vec![0u64; ((r + 1) << shift).min(n) - lo];
                for &(u, _) in range_arcs(&binned, r) {
                    count[u as usize - lo] += 1;
                }
                count
            })
            .collect();
        let mut offsets = Vec::with_capacity(n + 1);
        let mut total = 0u64;
        offsets.push(0);
        for c in counts.iter().flatten() {
            total += c;
            offsets.push(total);
        }
        drop(counts);
        if total == 0 {
            return Err(Error::EmptyGraph {
                path: path.to_path_buf(),
            });
        }
        // Huge pages: traversals read the lists at random (crate::memory).
        let mut targets: Vec<u32> =
            crate::memory::zeroed_vec(usize::try_from(total).expect("arcs fit in memory"));
        let bounds: Vec<usize> = (0..=bins).map(|r| (r << shift).min(n)).collect();
        fill_ranges(&binned, &bounds, &offsets, &mut targets, |u| u, |v| v);
        drop(binned);
        Ok(Self::finish(ids, offsets, targets, edges_read, self_loops))
    }

    /// A graph from its CSR parts as [`Self::csr`] gives them (read back from a
    /// graph file), after checking them: offsets ascending from 0 to the arc count,
    /// one per node plus one, and every neighbour list strictly ascending, inside
    /// the graph and without self-loops. The error says what is wrong.
    pub(crate) fn from_csr(
        offsets: Vec<u64>,
        targets: Vec<u32>,
        ids: NodeIds,
        report: BuildReport,
    ) -> std::result::Result<Self, String> {
        let n = ids.len();
        if offsets.len() != n + 1 || offsets[0] != 0 || offsets[n] != targets.len() as u64 {
            return Err("its offsets do not match its node and arc counts".into());
        }
        if offsets.par_windows(2).any(|w| w[0] > w[1]) {
            return Err("its offsets are not in ascending order".into());
        }
        let bad_list = (0..n).into_par_iter().with_min_len(4096).find_any(|&v| {
            #[allow(clippy::cast_possible_truncation)] // offsets are checked above
            let list = &targets[offsets[v] as usize..offsets[v + 1] as usize];
            list.last().is_some_and(|&t| t as usize >= n)
                || list.windows(2).any(|w| w[0] >= w[1])
                || list
                    .binary_search(&u32::try_from(v).unwrap_or(u32::MAX))
                    .is_ok()
        });
        if let Some(v) = bad_list {
            return Err(format!(
                "the neighbour list of node {} is not strictly ascending inside the graph",
                ids.display(NodeId(u32::try_from(v).unwrap_or(u32::MAX)))
            ));
        }
        Ok(Self {
            offsets,
            targets,
            ids,
            report,
        })
    }

    /// The CSR arrays: `offsets` (one per node plus one) and `targets`; node v's
    /// neighbours are `targets[offsets[v]..offsets[v + 1]]`.
    pub(crate) fn csr(&self) -> (&[u64], &[u32]) {
        (&self.offsets, &self.targets)
    }

    /// Sorts and deduplicates every neighbour list, then compacts the lists in place.
    fn finish(
        ids: NodeIds,
        mut offsets: Vec<u64>,
        mut targets: Vec<u32>,
        edges_read: u64,
        self_loops: u64,
    ) -> Self {
        let n = ids.len();
        let total = targets.len() as u64;
        let kept = sort_and_dedup_lists(&offsets, &mut targets);
        // Compact, unless no list shrank: move each list to its final place.
        // offsets[v] is read before it is overwritten, and the write position
        // never passes the read position.
        let mut write = targets.len();
        if kept.par_iter().map(|&k| u64::from(k)).sum::<u64>() < total {
            write = 0;
            for v in 0..n {
                let start = usize::try_from(offsets[v]).expect("offset");
                let len = kept[v] as usize;
                targets.copy_within(start..start + len, write);
                offsets[v] = write as u64;
                write += len;
            }
            offsets[n] = write as u64;
        }
        drop(kept);
        if write < targets.len() {
            targets.truncate(write);
            targets.shrink_to_fit();
        }
        let duplicates = (total - write as u64) / 2;
        Self {
            offsets,
            targets,
            ids,
            report: BuildReport {
                edges_read,
                self_loops_dropped: self_loops,
                duplicates_merged: duplicates,
            },
        }
    }
}

/// Edges between integer ids that can be delivered, block by block, more than once
/// (a file is simply read again).
pub trait EdgeBlocks: Sync {
    /// Calls `visit` with every block of edges, in order.
    fn for_each_block(&self, visit: &mut BlockVisitor<'_>) -> Result<()>;

    /// About the most edges the source can hold (from its size), if known: lets
    /// the loader keep a direct id table when the first blocks alone would look
    /// sparse (files whose ids are not in ascending order).
    fn edges_upper_bound(&self) -> Option<u64> {
        None
    }
}

/// What [`EdgeBlocks::for_each_block`] calls with each block.
pub type BlockVisitor<'a> = dyn FnMut(&[(u64, u64)]) -> Result<()> + 'a;

impl EdgeBlocks for &[(u64, u64)] {
    fn for_each_block(&self, f: &mut BlockVisitor<'_>) -> Result<()> {
        f(self)
    }

    fn edges_upper_bound(&self) -> Option<u64> {
        Some(self.len() as u64)
    }
}

/// The arcs of a piece of a block, by the node range of their tail.
type ArcsByRange = Vec<Vec<(u32, u32)>>;

/// Pass 2 of [`ConnectionGraph::from_edge_blocks`]: places both arcs of every
/// edge into `targets` laid out by `offsets`.
fn place_arcs(
    source: &dyn EdgeBlocks,
    map: &IdMap,
    offsets: &[u64],
    targets: &mut [u32],
    path: &Path,
) -> Result<()> {
    // Pass 2: place both arcs of every edge, without atomics: each block's arcs
    // are binned by the node range of their tail, then every range is filled
    // by one task, writing only its own slice of the arcs.
    let changed = || {
        Error::format(
            path,
            "the file changed while it was being read; expected the same edges on the second pass",
        )
    };
    let ranges = split_by_arcs(offsets, targets, rayon::current_num_threads() * 8);
    let mut range_of = vec![0u16; offsets.len() - 1];
    for (r, (lo, hi, _)) in ranges.iter().enumerate() {
        range_of[*lo..*hi].fill(u16::try_from(r).expect("few ranges"));
    }
    let mut parts: Vec<(usize, Vec<u32>, &mut [u32])> = ranges
        .into_iter()
        .map(|(lo, hi, slice)| (lo, vec![0u32; hi - lo], slice))
        .collect();
    let bins = parts.len();
    source.for_each_block(&mut |block| {
        let binned: Option<Vec<ArcsByRange>> = block
            .par_chunks(1 << 14)
            .map(|edges| {
                let mut out = vec![Vec::new(); bins];
                for &(a, b) in edges {
                    if a != b {
                        let (u, v) = (map.get(a)?, map.get(b)?);
                        out[usize::from(range_of[u as usize])].push((u, v));
                        out[usize::from(range_of[v as usize])].push((v, u));
                    }
                }
                Some(out)
            })
            .collect();
        let binned = binned.ok_or_else(changed)?;
        let ok = parts
            .par_iter_mut()
            .enumerate()
            .all(|(r, (lo, fill, slice))| {
                let base = offsets[*lo];
                binned.iter().flat_map(|b| &b[r]).all(|&(u, v)| {
                    let (u, i) = (u as usize, u as usize - *lo);
                    let pos = offsets[u] + u64::from(fill[i]);
                    if pos >= offsets[u + 1] {
                        return false;
                    }
                    slice[usize::try_from(pos - base).expect("arc index")] = v;
                    fill[i] += 1;
                    true
                })
            });
        if ok { Ok(()) } else { Err(changed()) }
    })?;
    // Every list must be full, or the file shrank between the passes.
    let full = parts.par_iter().all(|(lo, fill, _)| {
        fill.iter()
            .enumerate()
            .all(|(i, &f)| u64::from(f) == offsets[lo + i + 1] - offsets[lo + i])
    });
    if !full {
        return Err(changed());
    }
    Ok(())
}

/// Sorts and deduplicates every neighbour list in place, in parallel over
/// balanced node ranges; returns the kept length of every list.
fn sort_and_dedup_lists(offsets: &[u64], targets: &mut [u32]) -> Vec<u32> {
    let chunks = split_by_arcs(offsets, targets, rayon::current_num_threads() * 8);
    let kept: Vec<Vec<u32>> = chunks
        .into_par_iter()
        .map(|(lo, hi, chunk)| {
            let base = usize::try_from(offsets[lo]).expect("offset");
            let mut out = Vec::with_capacity(hi - lo);
            for v in lo..hi {
                let a = usize::try_from(offsets[v]).expect("offset") - base;
                let b = usize::try_from(offsets[v + 1]).expect("offset") - base;
                let list = &mut chunk[a..b];
                list.sort_unstable();
                let mut w = 0;
                for r in 0..list.len() {
                    if r == 0 || list[r] != list[w - 1] {
                        list[w] = list[r];
                        w += 1;
                    }
                }
                out.push(u32::try_from(w).expect("degree fits u32"));
            }
            out
        })
        .collect();
    kept.into_iter().flatten().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sparse_large_ids_are_numbered_in_order() {
        let g = ConnectionGraph::from_edges([(u64::MAX, 5), (5, 1 << 40)]).unwrap();
        assert_eq!(g.ids(), &NodeIds::Int(vec![5, 1 << 40, u64::MAX]));
        assert_eq!(g.neighbors(NodeId(0)), &[1, 2]);
        assert_eq!(g.ids().lookup("1099511627776"), Some(NodeId(1)));
        assert_eq!(g.ids().lookup("6"), None);
        assert_eq!(g.ids().lookup("x"), None);
    }

    #[test]
    fn duplicates_in_both_directions_merge_and_loops_drop() {
        let g = ConnectionGraph::from_edges([(1, 2), (2, 1), (1, 2), (3, 3), (2, 3)]).unwrap();
        assert_eq!(g.edge_count(), 2);
        let r = g.build_report();
        assert_eq!(
            (r.edges_read, r.self_loops_dropped, r.duplicates_merged),
            (5, 1, 2)
        );
        assert!(g.has_edge(NodeId(0), NodeId(1)));
        assert!(!g.has_edge(NodeId(0), NodeId(2)));
    }

    #[test]
    fn only_self_loops_is_an_empty_graph() {
        let e = ConnectionGraph::from_edges([(1, 1)]).unwrap_err();
        assert!(matches!(e, Error::EmptyGraph { .. }));
    }

    #[test]
    fn kept_and_streamed_second_passes_build_the_same_graph() {
        // Blocks with loops, duplicates both ways and ids out of order; the last
        // block's large id turns the id table into a hash map.
        struct Blocks(Vec<Vec<(u64, u64)>>);
        impl EdgeBlocks for Blocks {
            fn for_each_block(&self, f: &mut BlockVisitor<'_>) -> Result<()> {
                self.0.iter().try_for_each(|b| f(b))
            }
        }
        let mut x = 99u64;
        let mut block = |len: usize, m: u64| -> Vec<(u64, u64)> {
            (0..len)
                .map(|_| {
                    x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                    ((x >> 33) % m, (x >> 13) % m)
                })
                .collect()
        };
        let dense = Blocks(vec![block(500, 300), block(700, 300), vec![(7, 7), (3, 2)]]);
        let mut sparse = Blocks(dense.0.clone());
        sparse.0.push(vec![(1 << 40, 3)]);
        for source in [&dense, &sparse] {
            let path = Path::new("<blocks>");
            let kept = ConnectionGraph::from_edge_blocks_keeping(source, path, u64::MAX).unwrap();
            let streamed = ConnectionGraph::from_edge_blocks_keeping(source, path, 0).unwrap();
            assert_eq!(kept.offsets, streamed.offsets);
            assert_eq!(kept.targets, streamed.targets);
            assert_eq!(kept.ids, streamed.ids);
            assert_eq!(kept.build_report(), streamed.build_report());
            assert!(kept.edge_count() > 900);
        }
        // Dense ids are found at their own index, others by search.
        let g = ConnectionGraph::from_edges([(0, 1), (1, 2), (2, 5), (5, 9)]).unwrap();
        for (text, want) in [("2", Some(2)), ("5", Some(3)), ("9", Some(4)), ("3", None)] {
            assert_eq!(g.ids().lookup(text), want.map(NodeId), "{text}");
        }
    }

    #[test]
    fn string_ids_sort_bytewise_and_lookup() {
        let edges = vec![
            ("bob".to_string(), "alice".to_string()),
            ("carol".into(), "bob".into()),
        ];
        let g = ConnectionGraph::from_string_edges(&edges, Path::new("t")).unwrap();
        assert_eq!(g.ids().lookup("alice"), Some(NodeId(0)));
        assert_eq!(g.ids().display(NodeId(2)).to_string(), "carol");
        assert_eq!(g.mutual_count(NodeId(0), NodeId(2)), 1);
    }

    #[test]
    fn neighbour_lists_are_sorted_on_a_larger_graph() {
        let edges: Vec<(u64, u64)> = (0..5000u64)
            .map(|i| (i * 7919 % 1000, i * 104_729 % 997))
            .collect();
        let g = ConnectionGraph::from_edges(edges.clone()).unwrap();
        for v in 0..g.node_count() {
            let l = g.neighbors(NodeId(u32::try_from(v).unwrap()));
            assert!(l.windows(2).all(|w| w[0] < w[1]));
        }
        let mut set: Vec<(u64, u64)> = edges
            .into_iter()
            .filter(|(a, b)| a != b)
            .map(|(a, b)| (a.min(b), a.max(b)))
            .collect();
        set.sort_unstable();
        set.dedup();
        assert_eq!(g.edge_count(), set.len() as u64);
    }
}
