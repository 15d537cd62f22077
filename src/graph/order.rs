//! Renumbering the nodes of a [`ConnectionGraph`] for locality: hubs first, or in
//! breadth-first order, so a traversal's memory accesses stay close together.

use rayon::prelude::*;

use super::bins::split_by_arcs;
use super::{ConnectionGraph, NodeId, NodeIds};
use crate::error::{Error, Result};

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
    pub(super) fn append_component(&self, start: u32, seen: &mut [bool], out: &mut Vec<u32>) {
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
