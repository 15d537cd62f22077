//! Summary statistics of a [`ConnectionGraph`] (`netreach stats`): neighbour
//! counts, components, clustering and the degree distribution.

use rayon::prelude::*;

use super::{BuildReport, ConnectionGraph, NodeId};

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
    /// The degree distribution of `nodes`: (connections, people), ascending by
    /// connections. O(|nodes| log d) for d distinct connection counts.
    pub fn degree_histogram(&self, nodes: impl Iterator<Item = NodeId>) -> Vec<(u64, u64)> {
        let mut h: std::collections::BTreeMap<u64, u64> = std::collections::BTreeMap::new();
        for v in nodes {
            *h.entry(self.neighbor_count(v) as u64).or_default() += 1;
        }
        h.into_iter().collect()
    }

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
        let sizes = self.component_sizes();
        (sizes.len(), sizes.iter().copied().max().unwrap_or(0))
    }

    /// The size of every connected component, in order of their smallest node, by
    /// BFS: O(n + m).
    pub fn component_sizes(&self) -> Vec<usize> {
        self.component_ids().1
    }

    /// The connected component of every node (numbered in order of their smallest
    /// node) and the size of every component, by BFS: O(n + m).
    pub fn component_ids(&self) -> (Vec<u32>, Vec<usize>) {
        let n = self.node_count();
        let mut seen = vec![false; n];
        let mut ids = vec![0u32; n];
        let mut queue = Vec::new();
        let mut sizes = Vec::new();
        for start in 0..n {
            if seen[start] {
                continue;
            }
            queue.clear();
            self.append_component(
                u32::try_from(start).expect("node ids fit u32"),
                &mut seen,
                &mut queue,
            );
            let id = u32::try_from(sizes.len()).expect("components fit u32");
            for &v in &queue {
                ids[v as usize] = id;
            }
            sizes.push(queue.len());
        }
        (ids, sizes)
    }

    /// Ordered pairs (u, v), u ≠ v, joined by a path: Σ c(c − 1) over components.
    pub fn reachable_pairs(&self) -> u64 {
        self.component_sizes()
            .iter()
            .map(|&c| c as u64 * (c as u64).saturating_sub(1))
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
