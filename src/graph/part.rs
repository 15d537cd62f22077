//! One process's share of a graph, for reach on a cluster ([`crate::cluster`]):
//! a contiguous range of internal ids with their neighbour lists and role codes.
//! A process holds only its part, so memory per process is about 1/P of the CSR.
//!
//! # Partition
//! Internal ids are the ranks of the external ids in ascending order, so a range
//! of internal ids is also a range of external ids: the owner of any node, and of
//! any external id, follows from the P + 1 range bounds alone, without a table.
//! [`balanced_bounds`] cuts the ids where the running memory of the parts
//! passes k/P of the whole: 4 bytes per arc and, per node, what the kernel
//! keeps ([`node_weight`]: an offset and three traversal words for exact reach,
//! two sets of counters for HyperBall), so each process holds about the same
//! number of bytes; parts may be empty (more processes than nodes).
//!
//! # Complexity
//! Building a part from a whole graph copies its range: O(range + its arcs).
//! Space: 8 bytes per owned node and 4 per owned arc, plus one role byte per
//! owned node.

use std::ops::Range;

use super::{ConnectionGraph, NodeId};

/// What a node weighs against an arc (4 bytes) when parts are cut, for exact
/// reach (`None`: an 8-byte offset and three 8-byte traversal words) or
/// HyperBall with 2^`b` registers (the offset and two sets of three counters).
pub fn node_weight(approx: Option<u8>) -> u64 {
    match approx {
        None => 8,
        Some(b) => (8 + 2 * 3 * (1u64 << b)) / 4,
    }
}

/// The P + 1 bounds of P contiguous ranges of `0..n`, balanced by memory
/// (a node weighs `node_weight` arcs, see [`node_weight`]); `offset(v)` is the
/// CSR offset of node `v` (`offset(n)` = all arcs).
/// Streaming callers pass the offsets in order: `offset` is called with `v`
/// ascending, once each.
pub fn balanced_bounds(
    n: u32,
    arcs: u64,
    parts: usize,
    node_weight: u64,
    mut offset: impl FnMut(u32) -> u64,
) -> Vec<u32> {
    let count = parts.max(1);
    let parts = count as u64;
    let total = arcs + node_weight * u64::from(n);
    let mut bounds = Vec::with_capacity(count + 1);
    bounds.push(0);
    let mut k = 1;
    for v in 0..=n {
        // The first node at which the running weight reaches k/P of the total.
        let weight = offset(v) + node_weight * u64::from(v);
        while k < parts && weight * parts >= k * total && v > *bounds.last().expect("bound 0") {
            bounds.push(v);
            k += 1;
        }
        if k >= parts {
            break;
        }
    }
    while bounds.len() < count {
        bounds.push(n);
    }
    bounds.push(n);
    bounds
}

/// The part of a graph one process holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GraphPart {
    /// Nodes in the whole graph.
    nodes: u32,
    /// Where every process's range starts, and `nodes` at the end.
    bounds: Vec<u32>,
    /// Which range this is.
    process: usize,
    /// Offsets of the owned lists into `targets`, from 0.
    offsets: Vec<u64>,
    /// The owned neighbour lists, as global internal ids.
    targets: Vec<u32>,
    /// Role codes of the owned nodes (0 none, 1 recruiter, 2 hiring manager).
    roles: Vec<u8>,
}

impl GraphPart {
    /// Assembles a part; `offsets` start at 0 and index `targets`.
    ///
    /// # Panics
    /// If the pieces disagree in length.
    pub fn from_parts(
        nodes: u32,
        bounds: Vec<u32>,
        process: usize,
        offsets: Vec<u64>,
        targets: Vec<u32>,
        roles: Vec<u8>,
    ) -> Self {
        let owned = (bounds[process + 1] - bounds[process]) as usize;
        assert_eq!(
            offsets.len(),
            owned + 1,
            "one offset per owned node, plus one"
        );
        assert_eq!(
            offsets[owned],
            targets.len() as u64,
            "offsets end at the arc count"
        );
        assert_eq!(roles.len(), owned, "one role per owned node");
        GraphPart {
            nodes,
            bounds,
            process,
            offsets,
            targets,
            roles,
        }
    }

    /// Process `process`'s part of `graph` among `processes`, balanced by
    /// [`balanced_bounds`] with `node_weight`; `roles` holds every node's role
    /// code (0 none, 1 recruiter, 2 hiring manager; empty: no roles).
    pub fn of(
        graph: &ConnectionGraph,
        roles: &[u8],
        processes: usize,
        process: usize,
        node_weight: u64,
    ) -> Self {
        let (offsets, targets) = graph.csr();
        let n = u32::try_from(graph.node_count()).expect("node ids fit u32");
        let bounds = balanced_bounds(n, targets.len() as u64, processes, node_weight, |v| {
            offsets[v as usize]
        });
        let r = bounds[process] as usize..bounds[process + 1] as usize;
        let base = offsets[r.start];
        let own_offsets: Vec<u64> = offsets[r.start..=r.end].iter().map(|&o| o - base).collect();
        #[allow(clippy::cast_possible_truncation)] // offsets index a slice in memory
        let own_targets = targets[base as usize..offsets[r.end] as usize].to_vec();
        let own_roles = r
            .clone()
            .map(|v| roles.get(v).copied().unwrap_or(0))
            .collect();
        Self::from_parts(n, bounds, process, own_offsets, own_targets, own_roles)
    }

    /// This part of the graph with `added` nodes appended (ids `n..n + added`,
    /// held by the last process) and the undirected `edges` between any nodes
    /// added (pairs repeated or already present merged): the lists each owned
    /// node has in the graph with them. Merged in place, from the last list to
    /// the first: time O(own part + edges log edges), extra space O(edges).
    ///
    /// # Panics
    /// If an edge names a node beyond the new count.
    #[must_use]
    pub fn with_added_nodes(mut self, added: u32, edges: &[(u32, u32)]) -> Self {
        let nodes = self.nodes + added;
        let old = self.range();
        *self.bounds.last_mut().expect("P + 1 bounds") = nodes;
        self.nodes = nodes;
        let own = self.range();
        let mut extra: Vec<(u32, u32)> = edges
            .iter()
            .flat_map(|&(a, b)| [(a, b), (b, a)])
            .filter(|(a, b)| {
                assert!(
                    *a < nodes && *b < nodes,
                    "an added edge names a missing node"
                );
                own.contains(a) && a != b
            })
            .collect();
        extra.sort_unstable();
        extra.dedup();
        let old_list = |part: &Self, v: u32| -> std::ops::Range<usize> {
            if old.contains(&v) {
                let i = (v - old.start) as usize;
                #[allow(clippy::cast_possible_truncation)] // offsets index a slice in memory
                let r = part.offsets[i] as usize..part.offsets[i + 1] as usize;
                r
            } else {
                0..0
            }
        };
        // Pairs already present are merged.
        extra.retain(|&(a, b)| self.targets[old_list(&self, a)].binary_search(&b).is_err());
        // New offsets, then each list moved and merged, from the last.
        let mut offsets = Vec::with_capacity(own.len() + 1);
        offsets.push(0u64);
        let mut cursor = 0;
        for v in own.clone() {
            let from = cursor;
            while cursor < extra.len() && extra[cursor].0 == v {
                cursor += 1;
            }
            let len = old_list(&self, v).len() + (cursor - from);
            offsets.push(offsets.last().expect("starts at 0") + len as u64);
        }
        #[allow(clippy::cast_possible_truncation)] // offsets index a slice in memory
        let total = *offsets.last().expect("one per node") as usize;
        self.targets.resize(total, 0);
        let mut cursor = extra.len();
        for v in own.clone().rev() {
            let from = extra[..cursor].partition_point(|&(a, _)| a < v);
            let adds = &extra[from..cursor];
            cursor = from;
            let old_span = old_list(&self, v);
            let at = (v - own.start) as usize;
            #[allow(clippy::cast_possible_truncation)] // offsets index a slice in memory
            let new_start = offsets[at] as usize;
            // Merged from the back: the list's new place starts at or after
            // its old one, so nothing is overwritten before it is moved.
            #[allow(clippy::cast_possible_truncation)] // offsets index a slice in memory
            let mut put = offsets[at + 1] as usize;
            let (mut old_left, mut adds_left) = (old_span.end, adds.len());
            while adds_left > 0 {
                put -= 1;
                if old_left > old_span.start && self.targets[old_left - 1] > adds[adds_left - 1].1 {
                    self.targets[put] = self.targets[old_left - 1];
                    old_left -= 1;
                } else {
                    self.targets[put] = adds[adds_left - 1].1;
                    adds_left -= 1;
                }
            }
            self.targets
                .copy_within(old_span.start..old_left, new_start);
        }
        self.offsets = offsets;
        self.roles.resize(own.len(), 0);
        self
    }

    /// Nodes in the whole graph.
    pub fn node_count(&self) -> u32 {
        self.nodes
    }

    /// Every process's range start, then the node count.
    pub fn bounds(&self) -> &[u32] {
        &self.bounds
    }

    /// The internal ids this part owns.
    pub fn range(&self) -> Range<u32> {
        self.bounds[self.process]..self.bounds[self.process + 1]
    }

    /// The process owning node `v`.
    pub fn process_of(&self, v: u32) -> usize {
        self.bounds.partition_point(|&b| b <= v) - 1
    }

    /// The neighbours of an owned node.
    ///
    /// # Panics
    /// If `v` is not owned.
    #[inline]
    pub fn neighbors(&self, v: u32) -> &[u32] {
        let i = (v - self.bounds[self.process]) as usize;
        #[allow(clippy::cast_possible_truncation)] // offsets index a slice in memory
        &self.targets[self.offsets[i] as usize..self.offsets[i + 1] as usize]
    }

    /// The role code of an owned node.
    #[inline]
    pub fn role_code(&self, v: u32) -> u8 {
        self.roles[(v - self.bounds[self.process]) as usize]
    }

    /// Arcs this part holds.
    pub fn owned_arcs(&self) -> u64 {
        self.targets.len() as u64
    }
}

/// A node named by the queries, as the planner sees it: its neighbours and role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamedNode {
    /// The node.
    pub id: NodeId,
    /// Its sorted neighbours.
    pub neighbors: Vec<u32>,
    /// Its role code.
    pub role: u8,
}

impl NamedNode {
    /// Mutual connections with `other`.
    pub fn mutual_with(&self, other: &NamedNode) -> usize {
        super::mutual::shared(&self.neighbors, &other.neighbors)
    }

    /// True when `v` is a neighbour.
    pub fn is_connected_to(&self, v: NodeId) -> bool {
        self.neighbors.binary_search(&v.0).is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_cover_every_node_once_and_balance_memory() {
        // Skewed degrees: node i links to i * i mod 2000 and (i * 7 + 3) mod 97.
        let g = ConnectionGraph::from_edges(
            (0..2000u64).flat_map(|i| [(i, i * i % 2000), (i, (i * 7 + 3) % 97)]),
        )
        .unwrap();
        for p in 1..=5 {
            let parts: Vec<GraphPart> = (0..p).map(|i| GraphPart::of(&g, &[], p, i, 8)).collect();
            let b = parts[0].bounds().to_vec();
            assert_eq!((b.len(), b[0], b[p]), (p + 1, 0, 2000));
            assert!(b.windows(2).all(|w| w[0] <= w[1]));
            let arcs: usize = parts.iter().map(|x| x.targets.len()).sum();
            assert_eq!(arcs as u64, g.edge_count() * 2);
            let weights: Vec<u64> = parts
                .iter()
                .map(|x| x.owned_arcs() + 8 * x.range().len() as u64)
                .collect();
            let total: u64 = weights.iter().sum();
            let heaviest = g.nodes().map(|v| g.neighbor_count(v) as u64).max().unwrap() + 8;
            let most = *weights.iter().max().unwrap();
            assert!(most <= total / p as u64 + heaviest, "{weights:?}");
            for (i, part) in parts.iter().enumerate() {
                for v in part.range() {
                    assert_eq!(part.process_of(v), i);
                    assert_eq!(part.neighbors(v), g.neighbors(NodeId(v)));
                }
            }
        }
    }

    #[test]
    fn added_nodes_and_edges_merge_into_each_part_as_into_the_whole_graph() {
        let g = ConnectionGraph::from_edges(
            (0..600u64).flat_map(|i| [(i, i * i % 600), (i, (i * 7 + 3) % 97)]),
        )
        .unwrap();
        let n = u32::try_from(g.node_count()).unwrap();
        let added = 25;
        let present = g.neighbors(NodeId(3))[0];
        let edges: Vec<(u32, u32)> = (0..added)
            .flat_map(|f| (0..4).map(move |k| (n + f, (f * 37 + k * 101) % n)))
            .chain([
                (n, n + 1),
                (3, present),
                (present, 3),
                (n + 2, 7),
                (7, n + 2),
            ])
            .collect();
        let merged = g.with_added_nodes(added, &edges).unwrap();
        let roles: Vec<u8> = (0..n).map(|v| (v % 3) as u8).collect();
        for p in 1..=4 {
            let mut covered = 0;
            for i in 0..p {
                let part = GraphPart::of(&g, &roles, p, i, 8).with_added_nodes(added, &edges);
                assert_eq!(part.node_count(), n + added);
                assert_eq!(part.bounds()[p], n + added);
                for v in part.range() {
                    assert_eq!(part.neighbors(v), merged.neighbors(NodeId(v)), "node {v}");
                    let want = if v < n { roles[v as usize] } else { 0 };
                    assert_eq!(part.role_code(v), want);
                    assert_eq!(part.process_of(v), i);
                }
                covered += part.range().len();
            }
            assert_eq!(covered, merged.node_count());
        }
    }

    #[test]
    fn more_parts_than_nodes_leaves_some_empty() {
        let g = ConnectionGraph::from_edges([(0, 1), (1, 2)]).unwrap();
        let parts: Vec<GraphPart> = (0..5).map(|i| GraphPart::of(&g, &[], 5, i, 8)).collect();
        let total: usize = parts.iter().map(|p| p.range().len()).sum();
        assert_eq!(total, 3);
        assert!(parts.iter().any(|p| p.range().is_empty()));
        for v in 0..3 {
            let owner = parts[0].process_of(v);
            assert!(parts[owner].range().contains(&v));
        }
    }
}
