//! Stochastic block model: nodes split into equal blocks (industries); two nodes
//! of one block link with probability `p_in`, of different blocks with `p_out`,
//! chosen so that the expected neighbour count is `avg_degree` and a fraction
//! `mixing` of it leaves the block.
//!
//! # Algorithm
//! Holland, Laskey and Leinhardt, "Stochastic blockmodels: first steps", Social
//! Networks 5 (1983). Every block pair's possible links are numbered; geometric
//! skips jump from one present link to the next (Batagelj and Brandes 2005), so
//! the time is proportional to the links made, not to n². The number line of each
//! block pair is cut into fixed pieces, each with its own random stream, and the
//! pieces run in parallel.
//!
//! # Complexity
//! Time O(n + m + blocks²); space O(n + m).

use rand::RngExt;
use rayon::prelude::*;

use super::Generated;
use crate::seed::task_rng;

/// Possible links per parallel piece.
const PIECE: u64 = 1 << 24;

/// The block of every node: `communities` blocks of (nearly) equal size, in order.
pub fn equal_blocks(nodes: u32, communities: u32) -> Vec<u32> {
    (0..nodes)
        .map(|v| {
            u32::try_from(u64::from(v) * u64::from(communities) / u64::from(nodes))
                .expect("block index fits u32")
        })
        .collect()
}

/// A stochastic block model; see the module doc.
pub fn stochastic_block_model(
    nodes: u32,
    communities: u32,
    avg_degree: f64,
    mixing: f64,
    seed: u64,
) -> Generated {
    let block = equal_blocks(nodes, communities);
    // Block b covers starts[b]..starts[b + 1].
    let mut starts = vec![0u32];
    for v in 1..nodes {
        if block[v as usize] != block[v as usize - 1] {
            starts.push(v);
        }
    }
    starts.push(nodes);
    let c = starts.len() - 1;
    let size = |b: usize| u64::from(starts[b + 1] - starts[b]);
    let mean_size = f64::from(nodes) / c as f64;
    let p_in = ((1.0 - mixing) * avg_degree / (mean_size - 1.0).max(1.0)).min(1.0);
    let p_out = if c > 1 {
        (mixing * avg_degree / (f64::from(nodes) - mean_size)).min(1.0)
    } else {
        0.0
    };
    // Tasks: (block a, block b, piece) over the numbered possible links of (a, b).
    let mut tasks = Vec::new();
    for a in 0..c {
        for b in a..c {
            let pairs = if a == b {
                size(a) * size(a).saturating_sub(1) / 2
            } else {
                size(a) * size(b)
            };
            let p = if a == b { p_in } else { p_out };
            if p > 0.0 {
                let mut lo = 0;
                while lo < pairs {
                    tasks.push((a, b, lo, (lo + PIECE).min(pairs), p));
                    lo += PIECE;
                }
            }
        }
    }
    let edges = tasks
        .par_iter()
        .enumerate()
        .flat_map_iter(|(t, &(a, b, lo, hi, p))| {
            let mut rng = task_rng(seed, t as u64);
            let mut out = Vec::new();
            let (sa, sb) = (starts[a], starts[b]);
            let width = size(b);
            let mut k = lo;
            loop {
                k += skip(&mut rng, p);
                if k >= hi {
                    break;
                }
                let (x, y) = if a == b {
                    triangle_pair(k)
                } else {
                    (k / width, k % width)
                };
                let at = |s: u32, off: u64| s + u32::try_from(off).expect("offset within a block");
                out.push((at(sa, x), at(sb, y)));
                k += 1;
            }
            out
        })
        .collect();
    Generated {
        nodes,
        edges,
        communities: Some(block),
        firms: None,
    }
}

/// Failures before the next success of a Bernoulli(p) sequence.
fn skip(rng: &mut impl rand::Rng, p: f64) -> u64 {
    if p >= 1.0 {
        return 0;
    }
    let u: f64 = 1.0 - rng.random::<f64>(); // in (0, 1]
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let k = (u.ln() / (1.0 - p).ln()).floor().min(1e18) as u64;
    k
}

/// The k-th pair (row, col) with col < row, rows in order: (1,0), (2,0), (2,1), ...
fn triangle_pair(k: u64) -> (u64, u64) {
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        clippy::cast_precision_loss
    )]
    let mut row = f64::midpoint(1.0, (1.0 + 8.0 * k as f64).sqrt()).floor() as u64;
    while row * (row - 1) / 2 > k {
        row -= 1;
    }
    while (row + 1) * row / 2 <= k {
        row += 1;
    }
    (row, k - row * (row - 1) / 2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn triangle_numbering_visits_every_pair_once() {
        let pairs: Vec<(u64, u64)> = (0..45).map(triangle_pair).collect();
        let mut want = Vec::new();
        for r in 1..10 {
            for c in 0..r {
                want.push((r, c));
            }
        }
        assert_eq!(pairs, want);
        let (r, c) = triangle_pair(4_999_950_000);
        assert!(c < r && r * (r - 1) / 2 + c == 4_999_950_000);
    }

    #[test]
    fn complete_blocks_with_probability_one() {
        let g = stochastic_block_model(20, 2, 9.0, 0.0, 1);
        assert_eq!(g.edges.len(), 2 * 45);
        assert!(g.edges.iter().all(|&(a, b)| (a < 10) == (b < 10)));
    }
}
