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
//! [`ConnectionGraph::from_edge_blocks`] and
//! [`ConnectionGraph::from_internal_edges`] bin both arcs of every edge by the
//! node range of their tail (a counting sort per piece of input), count and fill
//! every range's lists in parallel, each range in cache and without atomics,
//! then sort and deduplicate every neighbour list in parallel, so the result
//! does not depend on the thread count. External ids are numbered in ascending
//! order through a direct table or, for large or sparse ids, a hash map. Self-loops are dropped and duplicate edges merged; both
//! are counted in [`BuildReport`].
//!
//! # Complexity
//! Time O(m + n) plus the per-list sorts (O(m log d), d the largest neighbour count); space O(n + m).
//!
//! # Files
//! `build.rs` (the parallel builder), `external.rs` (numbering external ids),
//! `mutual.rs` (mutual connections of every arc), `part.rs` (one process's
//! share for a cluster), renumbering for locality
//! ([`VertexOrder`]) and summary statistics ([`GraphStats`]).
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

use std::fmt;
use std::path::Path;

use crate::error::Result;

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

mod bins;
mod build;
mod external;
pub(crate) mod mutual;
mod order;
mod part;
mod stats;

pub use build::{BlockVisitor, EdgeBlocks};
pub use mutual::MUTUAL_BINS;
pub use order::VertexOrder;
pub use part::{GraphPart, NamedNode, balanced_bounds, node_weight};
pub use stats::GraphStats;

impl ConnectionGraph {
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

    /// Number of common neighbours of `u` and `v` (mutual connections): the two
    /// sorted lists merged, O(deg u + deg v), or the shorter one's ids searched
    /// in the longer when it is 16 times shorter.
    pub fn mutual_count(&self, u: NodeId, v: NodeId) -> usize {
        mutual::shared(self.neighbors(u), self.neighbors(v))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn petgraph_copy_has_the_same_edges() {
        let g = ConnectionGraph::from_edges([(1, 2), (2, 3), (3, 1), (3, 4)]).unwrap();
        let p = g.to_petgraph();
        assert_eq!(p.node_count(), 4);
        assert_eq!(p.edge_count(), 4);
    }
}
