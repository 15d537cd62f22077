//! Watts–Strogatz: a ring where every node links to its `k/2` successors, each link
//! rewired to a uniform random node with probability `rewire_prob`. Low rewiring
//! keeps the ring's high clustering and long paths; a little rewiring shortens
//! paths fast ("small world"). No hubs.
//!
//! # Algorithm
//! Watts and Strogatz, "Collective dynamics of small-world networks", Nature 393
//! (1998). Each node's links are drawn independently from that node's own random
//! stream, in parallel; a rewired link avoids self-loops and the node's own ring
//! links, and the rare duplicate between two rewired links is merged when the
//! graph is built.
//!
//! # Complexity
//! Time O(n·k); space O(n·k).

use rand::RngExt;
use rayon::prelude::*;

use crate::seed::task_rng;

/// Edges of a Watts–Strogatz graph: `nodes` nodes, `k` (even) ring neighbours each.
pub fn watts_strogatz(nodes: u32, k: u32, rewire_prob: f64, seed: u64) -> Vec<(u32, u32)> {
    let half = k / 2;
    (0..nodes)
        .into_par_iter()
        .flat_map_iter(|u| {
            let mut rng = task_rng(seed, u64::from(u));
            (1..=half).map(move |j| {
                let on_ring = (u + j) % nodes;
                if rng.random_bool(rewire_prob) {
                    loop {
                        let v = rng.random_range(0..nodes);
                        let dist = v.abs_diff(u).min(nodes - v.abs_diff(u));
                        if v != u && dist > half {
                            return (u, v);
                        }
                    }
                } else {
                    (u, on_ring)
                }
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_rewiring_is_the_ring_lattice() {
        let e = watts_strogatz(10, 4, 0.0, 1);
        assert_eq!(e.len(), 20);
        assert!(e.contains(&(9, 1)) && e.contains(&(0, 2)));
    }

    #[test]
    fn same_seed_same_edges_whatever_the_threads() {
        let one = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap();
        let two = rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .build()
            .unwrap();
        let a = one.install(|| watts_strogatz(5000, 6, 0.3, 9));
        let b = two.install(|| watts_strogatz(5000, 6, 0.3, 9));
        assert_eq!(a, b);
        assert_ne!(a, watts_strogatz(5000, 6, 0.3, 10));
    }
}
