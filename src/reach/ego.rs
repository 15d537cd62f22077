//! Friends of friends against degree: for sampled people, how many distinct
//! people sit at exactly 2 degrees (LinkedIn's 2nd degree) and how many 2-step
//! walks lead out of their 1st degree, the curve Ugander, Karrer, Backstrom and
//! Marlow drew for Facebook ("The anatomy of the Facebook social graph", 2011).
//! Feeds `netreach stats --ego` and the calibration of the generators.
//!
//! # Definitions
//! For a person v with d(v) connections:
//! - **unique** friends of friends: nodes at exactly degree 2 from v (neither v nor
//!   one of v's connections), counted once each, by the exact kernel
//!   ([`super::exact`]);
//! - **with repetition**: Σ over v's connections u of d(u) − 1, every 2-step walk
//!   v → u → w with w ≠ v (walks back into the 1st degree included);
//! - their ratio says how much the 1st degree overlaps: Facebook's 100-friend users
//!   had about 27,500 unique of 40,300 with repetition (0.68).
//!
//! # Complexity
//! One exact depth-2 traversal per 64 people, plus O(Σ d(v)) for the walks.

use rayon::prelude::*;

use super::Degree;
use super::exact::{Query, Search};
use crate::graph::{ConnectionGraph, NodeId};
use crate::progress::Progress;
use crate::roles::RoleMap;
use crate::stats::quantile;

/// One person's friends of friends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ego {
    /// The person.
    pub node: NodeId,
    /// Their connections.
    pub neighbors: u64,
    /// Distinct people at exactly degree 2.
    pub unique: u64,
    /// 2-step walks out of the person, back-steps excluded.
    pub with_repetition: u64,
}

/// The friends of friends of every one of `people`.
pub fn egos(graph: &ConnectionGraph, people: &[NodeId], progress: &dyn Progress) -> Vec<Ego> {
    let queries: Vec<Query> = people.iter().map(|&v| Query::base(v)).collect();
    let roles = RoleMap::none(graph.node_count());
    let reach = Search::new(graph, &roles, Degree(2)).run(&queries, progress);
    people
        .par_iter()
        .zip(&reach)
        .map(|(&v, r)| Ego {
            node: v,
            neighbors: graph.neighbor_count(v) as u64,
            unique: r.at_degree(Degree(2)).nodes,
            with_repetition: graph
                .neighbors(v)
                .iter()
                .map(|&u| graph.neighbor_count(NodeId(u)) as u64 - 1)
                .sum(),
        })
        .collect()
}

/// People with a range of connection counts, and their friends of friends.
#[derive(Debug, Clone, PartialEq)]
pub struct EgoBin {
    /// Fewest connections in the bin.
    pub neighbors_min: u64,
    /// Most connections in the bin.
    pub neighbors_max: u64,
    /// People in the bin.
    pub people: usize,
    /// Mean unique friends of friends.
    pub unique_mean: f64,
    /// Median unique friends of friends.
    pub unique_median: f64,
    /// Mean friends of friends with repetition.
    pub with_repetition_mean: f64,
    /// Total unique over total with repetition.
    pub unique_share: f64,
}

/// `egos` grouped into bins of connection counts: 1, 2, 3–4, 5–8, … (powers of
/// two), empty bins left out, ascending.
pub fn by_degree(egos: &[Ego]) -> Vec<EgoBin> {
    let bin = |d: u64| 64 - d.saturating_sub(1).leading_zeros();
    let mut sorted: Vec<&Ego> = egos.iter().filter(|e| e.neighbors > 0).collect();
    sorted.sort_by_key(|e| (e.neighbors, e.node));
    sorted
        .chunk_by(|a, b| bin(a.neighbors) == bin(b.neighbors))
        .map(|group| {
            let b = bin(group[0].neighbors);
            let n = group.len() as f64;
            let mut unique: Vec<f64> = group.iter().map(|e| e.unique as f64).collect();
            let total_unique: f64 = unique.iter().sum();
            let total_walks: f64 = group.iter().map(|e| e.with_repetition as f64).sum();
            EgoBin {
                neighbors_min: if b == 0 { 1 } else { (1 << (b - 1)) + 1 },
                neighbors_max: 1 << b,
                people: group.len(),
                unique_mean: total_unique / n,
                unique_median: quantile(&mut unique, 0.5),
                with_repetition_mean: total_walks / n,
                unique_share: if total_walks > 0.0 {
                    total_unique / total_walks
                } else {
                    0.0
                },
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::progress::NoProgress;

    #[test]
    fn a_star_and_a_triangle_count_as_defined() {
        // 0 is the hub of 1..=3; 3-4 and 4-5 hang off the star; 1-2 closes a triangle.
        let g =
            ConnectionGraph::from_edges([(0, 1), (0, 2), (0, 3), (1, 2), (3, 4), (4, 5)]).unwrap();
        let e = egos(&g, &[NodeId(0), NodeId(4)], &NoProgress);
        // From 0: 1st degree {1, 2, 3}; walks 1→2, 2→1, 3→4 (3 with repetition);
        // only 4 is at degree 2.
        assert_eq!(
            (e[0].neighbors, e[0].unique, e[0].with_repetition),
            (3, 1, 3)
        );
        // From 4: 1st degree {3, 5}; walks 3→0 (5 has no other neighbour).
        assert_eq!(
            (e[1].neighbors, e[1].unique, e[1].with_repetition),
            (2, 1, 1)
        );
    }

    #[test]
    fn bins_double() {
        let ego = |d: u64, u: u64| Ego {
            node: NodeId(u32::try_from(d * 10 + u).unwrap()),
            neighbors: d,
            unique: u,
            with_repetition: 2 * u,
        };
        let bins = by_degree(&[ego(1, 1), ego(3, 4), ego(4, 6), ego(5, 10), ego(8, 10)]);
        let ranges: Vec<(u64, u64, usize)> = bins
            .iter()
            .map(|b| (b.neighbors_min, b.neighbors_max, b.people))
            .collect();
        assert_eq!(ranges, [(1, 1, 1), (3, 4, 2), (5, 8, 2)]);
        assert!((bins[1].unique_mean - 5.0).abs() < 1e-12);
        assert!((bins[1].unique_share - 0.5).abs() < 1e-12);
    }
}
