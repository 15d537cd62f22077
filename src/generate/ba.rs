//! Barabási–Albert preferential attachment: each new node links to `m` distinct
//! existing nodes chosen with probability proportional to their neighbour count.
//!
//! # Algorithm
//! Starts from a clique of `m + 1` nodes. Every edge endpoint is appended to a
//! list, so drawing a uniform entry of the list draws a node proportionally to its
//! neighbour count (Batagelj and Brandes, "Efficient generation of large random
//! networks", 2005). Sequential by nature: each step depends on the last.
//!
//! # Complexity
//! Time O(n·m) expected; space O(n·m).
//!
//! [Batagelj and Brandes 2005]: https://doi.org/10.1103/PhysRevE.71.036113

use rand::rngs::Xoshiro256PlusPlus;
use rand::{RngExt, SeedableRng};

/// Edges of a Barabási–Albert graph on `nodes` nodes with `m` links per new node,
/// as internal ids `0..nodes`. Deterministic for a seed.
pub fn barabasi_albert(nodes: u32, m: u32, seed: u64) -> Vec<(u32, u32)> {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let m = m.max(1);
    let start = (m + 1).min(nodes);
    let mut edges = Vec::with_capacity(nodes as usize * m as usize);
    let mut ends: Vec<u32> = Vec::with_capacity(2 * nodes as usize * m as usize);
    for v in 0..start {
        for u in 0..v {
            edges.push((u, v));
            ends.extend([u, v]);
        }
    }
    let mut picked: Vec<u32> = Vec::with_capacity(m as usize);
    for v in start..nodes {
        picked.clear();
        while picked.len() < m as usize {
            let t = ends[rng.random_range(0..ends.len())];
            if !picked.contains(&t) {
                picked.push(t);
            }
        }
        for &t in &picked {
            edges.push((t, v));
            ends.extend([t, v]);
        }
    }
    edges
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edge_count_and_determinism() {
        let a = barabasi_albert(1000, 3, 7);
        assert_eq!(a.len(), 6 + 996 * 3);
        assert_eq!(a, barabasi_albert(1000, 3, 7));
        assert_ne!(a, barabasi_albert(1000, 3, 8));
        assert!(a.iter().all(|&(u, v)| u < v));
    }
}
