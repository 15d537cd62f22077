//! The connection graph: undirected, simple, in compressed sparse rows (CSR) with
//! dense `u32` node ids, built in parallel from an edge list. Every later stage
//! (roles, invitations, reach, simulation) reads it; nothing copies it.
//!
//! # Layout
//! `offsets[v]..offsets[v + 1]` indexes `targets`, the sorted neighbours of `v`.
//! Each undirected edge is stored twice (once per endpoint), so the graph costs
//! 8 bytes per edge plus 8 bytes per node, plus the external id of every node
//! ([`NodeIds`]: 8 bytes per node for integer ids, the strings otherwise).
//!
//! # Algorithm
//! [`ConnectionGraph::from_internal_edges`] counts neighbours with atomic counters,
//! scatters both arcs of every edge into place in parallel, then sorts and
//! deduplicates every neighbour list in parallel, so the result does not depend
//! on the thread count. Self-loops are dropped and duplicate edges merged; both
//! are counted in [`BuildReport`].
//!
//! # Complexity
//! Time O(m + n) plus the per-list sorts (O(m log d), d the largest neighbour count); space O(n + m).
//!
//! # Example
//! ```
//! # use netreach::graph::ConnectionGraph;
//! let g = ConnectionGraph::from_edges([(10, 20), (20, 30), (20, 10), (30, 30)])?;
//! assert_eq!(g.node_count(), 3);
//! assert_eq!(g.edge_count(), 2);
//! assert_eq!(g.build_report().duplicates_merged, 1);
//! assert_eq!(g.build_report().self_loops_dropped, 1);
//! # Ok::<(), netreach::Error>(())
//! ```

use std::collections::HashMap;
use std::fmt;
use std::path::Path;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};

use rayon::prelude::*;

use crate::error::{Error, Result};

/// A dense internal node id, `0..node_count`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NodeId(pub u32);

impl NodeId {
    /// The id as an index into per-node arrays.
    #[inline]
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

impl From<u32> for NodeId {
    fn from(v: u32) -> Self {
        NodeId(v)
    }
}

/// The external ids of the nodes, sorted ascending; the internal id of a node is
/// its position here, so numbering is deterministic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NodeIds {
    /// Integer ids (SNAP, KONECT, integer CSV/Parquet columns).
    Int(Vec<u64>),
    /// String ids (CSV/Parquet text columns), sorted by byte order.
    Str(Vec<String>),
}

impl NodeIds {
    /// Number of nodes.
    pub fn len(&self) -> usize {
        match self {
            NodeIds::Int(v) => v.len(),
            NodeIds::Str(v) => v.len(),
        }
    }

    /// True when there is no node.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The internal id of an external id written as text, if that node exists.
    /// For integer graphs the text must be a decimal `u64` (surrounding spaces allowed).
    pub fn lookup(&self, external: &str) -> Option<NodeId> {
        let external = external.trim();
        let pos = match self {
            NodeIds::Int(v) => {
                let id = external.parse::<u64>().ok()?;
                // Ids 0..n (generated graphs, most SNAP files) sit at their own
                // index: no search.
                match usize::try_from(id).ok().filter(|&i| v.get(i) == Some(&id)) {
                    Some(i) => i,
                    None => v.binary_search(&id).ok()?,
                }
            }
            NodeIds::Str(v) => v.binary_search_by(|s| s.as_str().cmp(external)).ok()?,
        };
        Some(NodeId(u32::try_from(pos).ok()?))
    }

    /// The external id of `node`, for output.
    pub fn display(&self, node: NodeId) -> ExternalId<'_> {
        match self {
            NodeIds::Int(v) => ExternalId::Int(v[node.index()]),
            NodeIds::Str(v) => ExternalId::Str(&v[node.index()]),
        }
    }

    fn heap_bytes(&self) -> usize {
        match self {
            NodeIds::Int(v) => v.capacity() * 8,
            NodeIds::Str(v) => {
                v.capacity() * std::mem::size_of::<String>()
                    + v.iter().map(String::capacity).sum::<usize>()
            }
        }
    }
}

/// An external node id, borrowed from [`NodeIds`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExternalId<'a> {
    /// An integer id.
    Int(u64),
    /// A string id.
    Str(&'a str),
}

impl fmt::Display for ExternalId<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExternalId::Int(v) => write!(f, "{v}"),
            ExternalId::Str(s) => f.write_str(s),
        }
    }
}

/// What building the graph dropped or merged.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BuildReport {
    /// Edge records read, self-loops and duplicates included.
    pub edges_read: u64,
    /// Edges from a node to itself, dropped.
    pub self_loops_dropped: u64,
    /// Repeated edges (in either direction) merged into one.
    pub duplicates_merged: u64,
}

/// An undirected simple graph in compressed sparse rows with `u32` node ids.
#[derive(Debug, Clone)]
pub struct ConnectionGraph {
    offsets: Vec<u64>,
    targets: Vec<u32>,
    ids: NodeIds,
    report: BuildReport,
}

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

    /// Builds a graph from integer-id edges delivered in blocks: the first pass
    /// finds the nodes and counts their neighbours, the second scatters every edge
    /// into place. While ids fit the direct table and the edges take at most a
    /// quarter of the available memory, the first pass keeps them (8 bytes per
    /// edge) and the second works from memory; otherwise the second pass reads
    /// `source` again, and only one block is held at a time. Peak memory is the
    /// CSR plus the kept edges or one block, plus the id table (4 bytes per
    /// possible id when ids are below 2^27, else a hash map).
    pub fn from_edge_blocks(source: &dyn EdgeBlocks, path: &Path) -> Result<Self> {
        let budget = available_memory().map_or(1 << 30, |a| a / 4);
        Self::from_edge_blocks_keeping(source, path, budget)
    }

    /// [`Self::from_edge_blocks`], keeping the edges of pass 1 while they take at
    /// most `budget` bytes.
    fn from_edge_blocks_keeping(source: &dyn EdgeBlocks, path: &Path, budget: u64) -> Result<Self> {
        // Pass 1: presence and neighbour counts by external id.
        let mut ids = IdCounter::Table(Vec::new());
        let mut edges_read = 0u64;
        let mut self_loops = 0u64;
        let bound = source.edges_upper_bound().unwrap_or(0);
        let mut kept: Option<Vec<Vec<(u32, u32)>>> = Some(Vec::new());
        source.for_each_block(&mut |block| {
            edges_read += block.len() as u64;
            self_loops += ids.count(block, edges_read.max(bound));
            if let Some(blocks) = &mut kept {
                if matches!(ids, IdCounter::Table(_)) && edges_read * 8 <= budget {
                    // The table holds every id so far, so they are below 2^27.
                    #[allow(clippy::cast_possible_truncation)]
                    blocks.push(
                        block
                            .par_iter()
                            .map(|&(a, b)| (a as u32, b as u32))
                            .collect(),
                    );
                } else {
                    kept = None;
                }
            }
            Ok(())
        })?;
        // Number the nodes, lay out the offsets, turn counts into dense ids.
        let (ids, map, offsets) = ids.number(path)?;
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
        let mut targets = vec![0u32; arcs];
        match (kept, &map) {
            (Some(blocks), IdMap::Table(table)) => {
                place_kept_arcs(blocks, table, &offsets, &mut targets);
            }
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
    /// # Panics
    /// If an edge names an id `>= ids.len()` (an internal invariant).
    pub fn from_internal_edges(
        ids: NodeIds,
        edges: &[(u32, u32)],
        edges_read: u64,
        path: &Path,
    ) -> Result<Self> {
        let n = ids.len();
        let counts: Vec<AtomicU32> = (0..n).map(|_| AtomicU32::new(0)).collect();
        let self_loops = edges
            .par_iter()
            .map(|&(u, v)| {
                if u == v {
                    1u64
                } else {
                    counts[u as usize].fetch_add(1, Ordering::Relaxed);
                    counts[v as usize].fetch_add(1, Ordering::Relaxed);
                    0
                }
            })
            .sum::<u64>();
        let mut offsets = Vec::with_capacity(n + 1);
        let mut total = 0u64;
        offsets.push(0);
        for c in &counts {
            total += u64::from(c.load(Ordering::Relaxed));
            offsets.push(total);
        }
        drop(counts);
        if total == 0 {
            return Err(Error::EmptyGraph {
                path: path.to_path_buf(),
            });
        }
        let arcs = usize::try_from(total).expect("arcs fit in memory");
        let cursor: Vec<AtomicU64> = offsets[..n].iter().map(|&o| AtomicU64::new(o)).collect();
        let slots: Vec<AtomicU32> = (0..arcs).map(|_| AtomicU32::new(0)).collect();
        edges.par_iter().for_each(|&(u, v)| {
            if u != v {
                let a = cursor[u as usize].fetch_add(1, Ordering::Relaxed);
                slots[usize::try_from(a).expect("arc index")].store(v, Ordering::Relaxed);
                let b = cursor[v as usize].fetch_add(1, Ordering::Relaxed);
                slots[usize::try_from(b).expect("arc index")].store(u, Ordering::Relaxed);
            }
        });
        drop(cursor);
        let targets: Vec<u32> = slots.into_iter().map(AtomicU32::into_inner).collect();
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
        // Compact: move each list to its final place. offsets[v] is read before it
        // is overwritten, and the write position never passes the read position.
        let mut write = 0usize;
        for v in 0..n {
            let start = usize::try_from(offsets[v]).expect("offset");
            let len = kept[v] as usize;
            targets.copy_within(start..start + len, write);
            offsets[v] = write as u64;
            write += len;
        }
        offsets[n] = write as u64;
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

    /// Number of nodes.
    #[inline]
    pub fn node_count(&self) -> usize {
        self.offsets.len() - 1
    }

    /// Number of undirected edges.
    #[inline]
    pub fn edge_count(&self) -> u64 {
        self.targets.len() as u64 / 2
    }

    /// The sorted neighbours of `v`.
    #[inline]
    pub fn neighbors(&self, v: NodeId) -> &[u32] {
        let i = v.index();
        // Offsets are bounded by targets.len(), which is a usize.
        #[allow(clippy::cast_possible_truncation)]
        let (a, b) = (self.offsets[i] as usize, self.offsets[i + 1] as usize);
        &self.targets[a..b]
    }

    /// How many neighbours `v` has (graph-theory degree; "degree" in netreach
    /// means connection degree, see [`crate::reach::Degree`]).
    #[inline]
    pub fn neighbor_count(&self, v: NodeId) -> usize {
        let i = v.index();
        usize::try_from(self.offsets[i + 1] - self.offsets[i]).expect("degree fits usize")
    }

    /// True when `u` and `v` are connected.
    pub fn has_edge(&self, u: NodeId, v: NodeId) -> bool {
        let (a, b) = if self.neighbor_count(u) <= self.neighbor_count(v) {
            (u, v)
        } else {
            (v, u)
        };
        self.neighbors(a).binary_search(&b.0).is_ok()
    }

    /// Number of common neighbours of `u` and `v` (mutual connections), by merging
    /// the two sorted lists: O(deg u + deg v).
    pub fn mutual_count(&self, u: NodeId, v: NodeId) -> usize {
        let (a, b) = (self.neighbors(u), self.neighbors(v));
        let (mut ia, mut ib, mut shared) = (0, 0, 0);
        while ia < a.len() && ib < b.len() {
            match a[ia].cmp(&b[ib]) {
                std::cmp::Ordering::Less => ia += 1,
                std::cmp::Ordering::Greater => ib += 1,
                std::cmp::Ordering::Equal => {
                    shared += 1;
                    ia += 1;
                    ib += 1;
                }
            }
        }
        shared
    }

    /// Every node id, ascending.
    pub fn nodes(&self) -> impl ExactSizeIterator<Item = NodeId> + use<> {
        let n = u32::try_from(self.node_count()).expect("node ids fit u32");
        (0..n).map(NodeId)
    }

    /// The target of arc `i` of the CSR (`i < 2 × edges`): a uniform `i` gives a node
    /// chosen in proportion to its neighbour count.
    #[inline]
    pub fn arc_target(&self, i: usize) -> u32 {
        self.targets[i]
    }

    /// A copy with `count` new nodes (internal ids `node_count..node_count + count`)
    /// and `edges` added (internal ids). New nodes get integer external ids after the
    /// largest one, or, for string ids, `<largest>~added-<i>` (zero-padded, so the ids
    /// stay sorted). For experiment set-up (fake accounts), once; never per person.
    pub fn with_added_nodes(&self, count: u32, edges: &[(u32, u32)]) -> Result<Self> {
        let ids = match &self.ids {
            NodeIds::Int(v) => {
                let next = v.last().map_or(0, |x| x + 1);
                NodeIds::Int(
                    v.iter()
                        .copied()
                        .chain((0..u64::from(count)).map(|i| next + i))
                        .collect(),
                )
            }
            NodeIds::Str(v) => {
                let last = v.last().cloned().unwrap_or_default();
                NodeIds::Str(
                    v.iter()
                        .cloned()
                        .chain((0..count).map(|i| format!("{last}~added-{i:010}")))
                        .collect(),
                )
            }
        };
        let mut all: Vec<(u32, u32)> = self.edges().map(|(u, v)| (u.0, v.0)).collect();
        all.extend_from_slice(edges);
        let mut g =
            Self::from_internal_edges(ids, &all, all.len() as u64, Path::new("<added nodes>"))?;
        g.report = self.report;
        Ok(g)
    }

    /// The external ids of the nodes.
    pub fn ids(&self) -> &NodeIds {
        &self.ids
    }

    /// What building dropped and merged.
    pub fn build_report(&self) -> BuildReport {
        self.report
    }

    /// Bytes held by the CSR arrays and the id map.
    pub fn memory_bytes(&self) -> usize {
        self.offsets.capacity() * 8 + self.targets.capacity() * 4 + self.ids.heap_bytes()
    }

    /// Every edge once, as `(u, v)` with `u < v`.
    pub fn edges(&self) -> impl Iterator<Item = (NodeId, NodeId)> + '_ {
        (0..self.node_count()).flat_map(move |u| {
            let u = NodeId(u32::try_from(u).expect("node ids fit u32"));
            self.neighbors(u)
                .iter()
                .filter(move |&&v| v > u.0)
                .map(move |&v| (u, NodeId(v)))
        })
    }

    /// A petgraph copy for interoperability (DOT export, petgraph's algorithms,
    /// test oracles). Node weights are the internal ids. Not for the hot path.
    pub fn to_petgraph(&self) -> petgraph::graph::UnGraph<u32, ()> {
        let mut g = petgraph::graph::UnGraph::with_capacity(
            self.node_count(),
            usize::try_from(self.edge_count()).unwrap_or(usize::MAX),
        );
        for v in 0..self.node_count() {
            g.add_node(u32::try_from(v).expect("node ids fit u32"));
        }
        for (u, v) in self.edges() {
            g.add_edge(u.0.into(), v.0.into(), ());
        }
        g
    }
}

/// A numbering of the nodes for locality of the traversal's memory accesses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum VertexOrder {
    /// The load order (external ids ascending).
    #[default]
    Given,
    /// Most neighbours first: hubs, which every traversal touches, share cache lines.
    Degree,
    /// Breadth-first from the node with the most neighbours (then from the next
    /// unvisited one, per component): neighbours get nearby numbers.
    Bfs,
}

impl std::str::FromStr for VertexOrder {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "given" | "none" => Ok(Self::Given),
            "degree" => Ok(Self::Degree),
            "bfs" => Ok(Self::Bfs),
            _ => Err(Error::Invalid(format!(
                "unknown vertex order {s:?}; expected given, degree or bfs"
            ))),
        }
    }
}

impl ConnectionGraph {
    /// A copy with nodes renumbered in `order`, and `new_id[old]` for every node.
    /// External ids are not carried over (the copy's are `0..n`): keep the original
    /// for output and map queries through `new_id`. Time O(n log n + arcs log d)
    /// for degree order, O(n + arcs log d) for BFS order; memory a second CSR.
    pub fn renumbered(&self, order: VertexOrder) -> (ConnectionGraph, Vec<u32>) {
        let n = self.node_count();
        let old_of_new: Vec<u32> = match order {
            VertexOrder::Given => (0..n)
                .map(|v| u32::try_from(v).expect("fits u32"))
                .collect(),
            VertexOrder::Degree => self.by_degree(),
            VertexOrder::Bfs => self.bfs_order(),
        };
        let mut new_id = vec![0u32; n];
        for (new, &old) in old_of_new.iter().enumerate() {
            new_id[old as usize] = u32::try_from(new).expect("fits u32");
        }
        let mut offsets = Vec::with_capacity(n + 1);
        offsets.push(0u64);
        let mut total = 0u64;
        for &old in &old_of_new {
            total += self.neighbor_count(NodeId(old)) as u64;
            offsets.push(total);
        }
        let mut targets = vec![0u32; self.targets.len()];
        // Fill and sort the lists in parallel, a balanced range of nodes per task.
        let ranges = split_by_arcs(&offsets, &mut targets, rayon::current_num_threads() * 8);
        ranges.into_par_iter().for_each(|(lo, hi, piece)| {
            let mut at = 0;
            for &old in &old_of_new[lo..hi] {
                let list = self.neighbors(NodeId(old));
                let dst = &mut piece[at..at + list.len()];
                for (d, &w) in dst.iter_mut().zip(list) {
                    *d = new_id[w as usize];
                }
                dst.sort_unstable();
                at += list.len();
            }
        });
        let graph = ConnectionGraph {
            offsets,
            targets,
            ids: NodeIds::Int((0..n as u64).collect()),
            report: self.report,
        };
        (graph, new_id)
    }

    /// Every node, most neighbours first (ties by id).
    fn by_degree(&self) -> Vec<u32> {
        let mut v: Vec<u32> = self.nodes().map(|x| x.0).collect();
        v.par_sort_by_key(|&x| (std::cmp::Reverse(self.neighbor_count(NodeId(x))), x));
        v
    }

    /// Nodes in breadth-first order from the node with the most neighbours, then
    /// from the unvisited node with the most neighbours, and so on.
    fn bfs_order(&self) -> Vec<u32> {
        let n = self.node_count();
        let mut seen = vec![false; n];
        let mut order = Vec::with_capacity(n);
        for root in self.by_degree() {
            if !seen[root as usize] {
                self.append_component(root, &mut seen, &mut order);
            }
        }
        order
    }

    /// Appends the unseen nodes of `start`'s component to `out` in breadth-first
    /// order, marking them seen.
    fn append_component(&self, start: u32, seen: &mut [bool], out: &mut Vec<u32>) {
        seen[start as usize] = true;
        let mut head = out.len();
        out.push(start);
        while head < out.len() {
            let v = out[head];
            head += 1;
            for &w in self.neighbors(NodeId(v)) {
                if !seen[w as usize] {
                    seen[w as usize] = true;
                    out.push(w);
                }
            }
        }
    }
}

/// Summary statistics of a graph, for `netreach stats`.
#[derive(Debug, Clone, PartialEq)]
pub struct GraphStats {
    /// Nodes.
    pub nodes: usize,
    /// Undirected edges.
    pub edges: u64,
    /// What building dropped and merged.
    pub build: BuildReport,
    /// Smallest number of neighbours.
    pub min_neighbors: usize,
    /// Median number of neighbours (lower median).
    pub median_neighbors: usize,
    /// Mean number of neighbours.
    pub mean_neighbors: f64,
    /// Largest number of neighbours.
    pub max_neighbors: usize,
    /// Connected components.
    pub components: usize,
    /// Nodes in the largest connected component.
    pub largest_component: usize,
    /// Bytes held by the graph.
    pub memory_bytes: usize,
}

impl ConnectionGraph {
    /// Computes [`GraphStats`]: O(n + m) time, O(n) extra space.
    pub fn stats(&self) -> GraphStats {
        let n = self.node_count();
        let mut counts: Vec<usize> = self.nodes().map(|v| self.neighbor_count(v)).collect();
        counts.sort_unstable();
        let (components, largest_component) = self.components();
        GraphStats {
            nodes: n,
            edges: self.edge_count(),
            build: self.report,
            min_neighbors: counts.first().copied().unwrap_or(0),
            median_neighbors: counts.get(n.saturating_sub(1) / 2).copied().unwrap_or(0),
            mean_neighbors: if n == 0 {
                0.0
            } else {
                2.0 * self.edge_count() as f64 / n as f64
            },
            max_neighbors: counts.last().copied().unwrap_or(0),
            components,
            largest_component,
            memory_bytes: self.memory_bytes(),
        }
    }

    /// Local clustering coefficient of `v`: the fraction of pairs of its neighbours
    /// that are linked (0 below two neighbours). O(Σ over neighbours u of deg v + deg u).
    pub fn local_clustering(&self, v: NodeId) -> f64 {
        let d = self.neighbor_count(v);
        if d < 2 {
            return 0.0;
        }
        let links: usize = self
            .neighbors(v)
            .iter()
            .map(|&u| self.mutual_count(v, NodeId(u)))
            .sum();
        links as f64 / (d * (d - 1)) as f64
    }

    /// Mean local clustering over `nodes` (Watts–Strogatz's C), in parallel.
    pub fn average_clustering(&self, nodes: &[NodeId]) -> f64 {
        if nodes.is_empty() {
            return 0.0;
        }
        nodes
            .par_iter()
            .map(|&v| self.local_clustering(v))
            .sum::<f64>()
            / nodes.len() as f64
    }

    /// Number of connected components and the size of the largest, by BFS.
    pub fn components(&self) -> (usize, usize) {
        let n = self.node_count();
        let mut seen = vec![false; n];
        let mut queue = Vec::new();
        let (mut count, mut largest) = (0, 0);
        for start in 0..n {
            if seen[start] {
                continue;
            }
            count += 1;
            queue.clear();
            self.append_component(
                u32::try_from(start).expect("node ids fit u32"),
                &mut seen,
                &mut queue,
            );
            largest = largest.max(queue.len());
        }
        (count, largest)
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

/// Bytes the process may still allocate: Linux's `MemAvailable`, lowered by the
/// `NETREACH_MEMORY_LIMIT` environment variable (bytes) when set; `None` when
/// neither is known.
pub fn available_memory() -> Option<u64> {
    let limit = std::env::var("NETREACH_MEMORY_LIMIT")
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok());
    let meminfo = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|text| {
            let line = text.lines().find(|l| l.starts_with("MemAvailable:"))?;
            let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
            Some(kib * 1024)
        });
    match (limit, meminfo) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// Ids below this use a direct table (4 bytes per possible id); above it, a hash map.
const TABLE_LIMIT: u64 = 1 << 27;
/// The table is also abandoned when ids are sparse: more possible ids than
/// `2 × edges + TABLE_SLACK`, where `edges` is the larger of the edges read so far
/// and what the file's size allows ([`EdgeBlocks::edges_upper_bound`]), so it
/// costs at most about 8 bytes per edge the file could hold (and never over 512 MiB).
const TABLE_SLACK: u64 = 1 << 20;
/// Marks an id seen only in self-loops as present; the low bits count neighbours
/// (a count above zero marks the id present by itself).
const PRESENT: u32 = 1 << 31;

/// Pass-1 state: which external ids occur and how many neighbours each has.
enum IdCounter {
    Table(Vec<AtomicU32>),
    Hash(HashMap<u64, u32>),
}

impl IdCounter {
    /// Counts one block, the file holding at least (or, from its size, at most)
    /// `edges` edges; returns the block's self-loops.
    fn count(&mut self, block: &[(u64, u64)], edges: u64) -> u64 {
        let max = block.par_iter().map(|&(a, b)| a.max(b)).max().unwrap_or(0);
        if let IdCounter::Table(t) = self
            && (max >= TABLE_LIMIT || max >= 2 * edges + TABLE_SLACK)
        {
            let map = t
                .iter()
                .enumerate()
                .filter_map(|(id, c)| {
                    let c = c.load(Ordering::Relaxed);
                    (c != 0).then_some((id as u64, c & !PRESENT))
                })
                .collect();
            *self = IdCounter::Hash(map);
        }
        match self {
            IdCounter::Table(t) => {
                let need = usize::try_from(max + 1).expect("below TABLE_LIMIT");
                if t.len() < need {
                    t.resize_with(need, || AtomicU32::new(0));
                }
                let t = &*t;
                block
                    .par_iter()
                    .map(|&(a, b)| {
                        #[allow(clippy::cast_possible_truncation)] // both < TABLE_LIMIT
                        let (a, b) = (a as usize, b as usize);
                        if a == b {
                            t[a].fetch_or(PRESENT, Ordering::Relaxed);
                            1u64
                        } else {
                            // A count above zero marks the id present too.
                            t[a].fetch_add(1, Ordering::Relaxed);
                            t[b].fetch_add(1, Ordering::Relaxed);
                            0
                        }
                    })
                    .sum()
            }
            IdCounter::Hash(h) => {
                let mut loops = 0;
                for &(a, b) in block {
                    if a == b {
                        h.entry(a).or_insert(0);
                        loops += 1;
                    } else {
                        *h.entry(a).or_insert(0) += 1;
                        *h.entry(b).or_insert(0) += 1;
                    }
                }
                loops
            }
        }
    }

    /// Numbers the present ids in ascending order; returns the ids, the map from
    /// external to dense id, and the CSR offsets.
    fn number(self, path: &Path) -> Result<(Vec<u64>, IdMap, Vec<u64>)> {
        let too_many = || Error::TooManyNodes {
            path: path.to_path_buf(),
        };
        match self {
            IdCounter::Table(t) => {
                let mut table: Vec<u32> = t.into_iter().map(AtomicU32::into_inner).collect();
                let mut ids = Vec::new();
                let mut offsets = vec![0u64];
                let mut total = 0u64;
                for (id, slot) in table.iter_mut().enumerate() {
                    if *slot != 0 {
                        total += u64::from(*slot & !PRESENT);
                        offsets.push(total);
                        *slot = u32::try_from(ids.len()).map_err(|_| too_many())?;
                        ids.push(id as u64);
                    } else {
                        *slot = u32::MAX;
                    }
                }
                Ok((ids, IdMap::Table(table), offsets))
            }
            IdCounter::Hash(h) => {
                let mut ids: Vec<u64> = h.keys().copied().collect();
                ids.par_sort_unstable();
                if u32::try_from(ids.len()).is_err() {
                    return Err(too_many());
                }
                let mut offsets = Vec::with_capacity(ids.len() + 1);
                offsets.push(0u64);
                let mut total = 0u64;
                let mut map = HashMap::with_capacity(ids.len());
                for (i, id) in ids.iter().enumerate() {
                    total += u64::from(h[id]);
                    offsets.push(total);
                    map.insert(*id, u32::try_from(i).expect("checked above"));
                }
                Ok((ids, IdMap::Hash(map), offsets))
            }
        }
    }
}

/// Pass-2 lookup from external to dense id.
enum IdMap {
    Table(Vec<u32>),
    Hash(HashMap<u64, u32>),
}

impl IdMap {
    #[inline]
    fn get(&self, id: u64) -> Option<u32> {
        match self {
            IdMap::Table(t) => usize::try_from(id)
                .ok()
                .and_then(|i| t.get(i))
                .copied()
                .filter(|&v| v != u32::MAX),
            IdMap::Hash(h) => h.get(&id).copied(),
        }
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

/// Pass 2 from the edges kept by pass 1 (external ids, all in `table`): maps them
/// to dense ids, then every thread takes a node range with about the same number
/// of arcs, scans all edges and writes the arcs whose tail is in its range. The
/// scan is sequential and repeated once per thread; the writes, the costly part,
/// are split without atomics or binning.
fn place_kept_arcs(
    mut blocks: Vec<Vec<(u32, u32)>>,
    table: &[u32],
    offsets: &[u64],
    targets: &mut [u32],
) {
    blocks.par_iter_mut().for_each(|block| {
        block.par_iter_mut().for_each(|(a, b)| {
            *a = table[*a as usize];
            *b = table[*b as usize];
        });
    });
    let ranges = split_by_arcs(offsets, targets, rayon::current_num_threads());
    ranges.into_par_iter().for_each(|(lo, hi, slice)| {
        let base = offsets[lo];
        let mut cursor: Vec<u64> = offsets[lo..hi].iter().map(|&o| o - base).collect();
        let mut put = |tail: u32, head: u32| {
            let i = tail as usize;
            if (lo..hi).contains(&i) {
                let at = &mut cursor[i - lo];
                slice[usize::try_from(*at).expect("arc index")] = head;
                *at += 1;
            }
        };
        for &(u, v) in blocks.iter().flatten() {
            if u != v {
                put(u, v);
                put(v, u);
            }
        }
    });
}

/// Splits the nodes into about `pieces` consecutive ranges holding similar numbers
/// of arcs, each with its slice of `targets`: `(first node, end node, arcs)`.
fn split_by_arcs<'a>(
    offsets: &[u64],
    targets: &'a mut [u32],
    pieces: usize,
) -> Vec<(usize, usize, &'a mut [u32])> {
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
    let mut chunks: Vec<(usize, usize, &mut [u32])> = Vec::with_capacity(bounds.len());
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

    #[test]
    fn stats_count_components_and_neighbours() {
        let g = ConnectionGraph::from_edges([(1, 2), (2, 3), (7, 8)]).unwrap();
        let s = g.stats();
        assert_eq!(
            (s.nodes, s.edges, s.components, s.largest_component),
            (5, 3, 2, 3)
        );
        assert_eq!(
            (s.min_neighbors, s.median_neighbors, s.max_neighbors),
            (1, 1, 2)
        );
    }

    #[test]
    fn petgraph_copy_has_the_same_edges() {
        let g = ConnectionGraph::from_edges([(1, 2), (2, 3), (3, 1), (3, 4)]).unwrap();
        let p = g.to_petgraph();
        assert_eq!(p.node_count(), 4);
        assert_eq!(p.edge_count(), 4);
    }
}
