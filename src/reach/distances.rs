//! The distance distribution of a whole graph: for every distance t, the share of
//! reachable ordered pairs (u, v), u ≠ v, that are exactly t hops apart; the
//! method behind Facebook's average distance of 4.74 (Backstrom, Boldi, Rosa,
//! Ugander and Vigna, "Four degrees of separation", Web Science 2012). Feeds
//! `netreach stats --distances` and the calibration of the generators against
//! real networks.
//!
//! # Algorithm
//! HyperBall (Boldi and Vigna, "In-core computation of geometric centralities with
//! HyperBall", Internet Mathematics 2014): every node holds one HyperLogLog
//! counter of the nodes within t hops of it. Sweep t sets each node's counter to
//! the register-wise maximum of its own and its neighbours' counters from sweep
//! t − 1, so after sweep t it estimates |B(v, t)|, and the neighbourhood function
//! `N(t) = Σ_v |B(v, t)|` counts the ordered pairs within t hops (pairs (v, v)
//! included). Sweeps stop when no counter changes: then t is past every node's
//! eccentricity and N(t) counts every reachable pair.
//!
//! - Cardinalities use Ertl's improved estimator (2017), nearly unbiased at every
//!   size; the classic switch from linear counting to the raw formula is biased
//!   around the sizes of most short-distance balls.
//! - Registers are 5 bits, twelve to a 64-bit word, and the maximum of two counters
//!   is taken twelve registers at a time with broadword arithmetic (a guard-bit
//!   subtraction compares the fields, then a mask selects the larger ones), so a
//!   sweep reads each arc's counter once, word by word.
//! - A node is recomputed in sweep t only when some neighbour's counter changed in
//!   sweep t − 1; later sweeps, where few counters still move, cost little.
//! - Each thread writes only its own nodes (pull-style); per-node estimates are
//!   summed in fixed chunks, in order, so results are identical whatever the
//!   thread count.
//! - Every counter uses one hash, so estimation errors are correlated across
//!   nodes and do not average out: a ball that covers most of its component has
//!   nearly the registers, hence nearly the error, of the whole component. Two
//!   exact facts tame this. A node's final ball is its connected component, whose
//!   size is known (by BFS) and whose counter is the merge of its nodes' own
//!   registers (known before any sweep), so the error of that final estimate is
//!   known; a ball estimated at a share s of it is corrected by the component's
//!   factor raised to s² (the exponent fitted best, against exact BFS, on
//!   Holme–Kim, Watts–Strogatz and Chung–Lu graphs of 10^5 to 10^6 nodes; s
//!   itself under-corrects mid-sized balls). And the reachable pairs, Σ c(c − 1)
//!   over components, are exact and scale the pair counts.
//!
//! # Complexity
//! Time O(sweeps × arcs × 2^b / 12) word operations at worst (sweeps ≈ the largest
//! eccentricity), plus O(n + m) for the components; space 2 × ⌈2^b / 12⌉ × 8
//! bytes per node, plus 13 bytes per node.
//!
//! # Example
//! ```
//! # use netreach::{graph::ConnectionGraph, progress::NoProgress};
//! # use netreach::reach::distances::distance_distribution;
//! let g = ConnectionGraph::from_edges([(0, 1), (1, 2), (2, 3)])?;
//! let d = distance_distribution(&g, 8, &NoProgress);
//! // 12 ordered pairs: 6 at distance 1, 4 at 2, 2 at 3.
//! assert_eq!(d.reachable_pairs, 12);
//! assert!((d.cumulative_share(1) - 0.5).abs() < 0.1);
//! assert!((d.cumulative_share(3) - 1.0).abs() < 1e-9);
//! # Ok::<(), netreach::Error>(())
//! ```

use rayon::prelude::*;

use crate::graph::{ConnectionGraph, NodeId, VertexOrder};
use crate::progress::Progress;

/// Bits per register.
const WIDTH: u32 = 5;

/// Registers per 64-bit word.
const PER_WORD: usize = 12;

/// The largest rank a register holds (ranks above it are rare beyond 2^31 nodes).
const MAX_RANK: u64 = (1 << WIDTH) - 1;

/// The most significant bit of every register field.
const HIGH: u64 = {
    let mut m = 0u64;
    let mut i = 0;
    while i < PER_WORD {
        m |= 1 << (shift(i) + WIDTH - 1);
        i += 1;
    }
    m
};

/// The bit position of register `i` of a counter inside its word.
const fn shift(i: usize) -> u32 {
    // i % PER_WORD < 12: the cast is exact.
    #[allow(clippy::cast_possible_truncation)]
    let r = (i % PER_WORD) as u32;
    r * WIDTH
}

/// Nodes per parallel task in a sweep.
const RANGE: usize = 1024;

/// Graphs above this many nodes are renumbered breadth-first before the sweeps.
const RENUMBER_ABOVE: usize = 1 << 16;

/// Nodes whose estimates are summed together, in order, before the chunks are:
/// a fixed order of additions, so sums ignore the thread count.
const SUM_CHUNK: usize = 4096;

/// The register-wise maximum of twelve 5-bit registers in `x` and `y`.
///
/// A field of `(x | HIGH) − (y & !HIGH)` is `16 + x_low − y_low`, between 1 and
/// 31, so no borrow crosses fields, and its top bit says `x_low ≥ y_low`. With the top
/// bits of x and y that decides x ≥ y per field; the top bits are then spread
/// over their fields into a mask that picks x where it is larger.
#[inline]
fn register_max(x: u64, y: u64) -> u64 {
    let low_ge = (x | HIGH).wrapping_sub(y & !HIGH);
    let ge = ((x & !y) | (!(x ^ y) & low_ge)) & HIGH;
    let mask = ge | (ge - (ge >> (WIDTH - 1)));
    (x & mask) | (y & !mask)
}

/// One node's counter, as register index and rank, from its id.
fn own_register(v: u32, precision: u8) -> (usize, u64) {
    let h = crate::seed::splitmix(u64::from(v) ^ 0x4449_5354_414E_4345);
    #[allow(clippy::cast_possible_truncation)]
    let index = (h >> (64 - u32::from(precision))) as usize;
    let rest = (h << precision) | (1 << (u32::from(precision) - 1));
    let rank = (u64::from(rest.leading_zeros()) + 1).min(MAX_RANK);
    (index, rank)
}

/// The cardinality estimate of one packed counter of `m` registers, by Ertl's
/// improved estimator ("New cardinality estimation algorithms for HyperLogLog
/// sketches", 2017): nearly unbiased from one element to billions, with no switch
/// between linear counting and the raw HyperLogLog formula (whose bias between
/// about 2.5 m and 5 m registers would inflate the short distances, where most
/// balls are that small).
fn estimate(words: &[u64], m: usize) -> f64 {
    // Registers by value; a 5-bit register saturates at 31, the top bucket.
    let mut counts = [0u32; 32];
    for i in 0..m {
        #[allow(clippy::cast_possible_truncation)] // r ≤ 31
        let r = ((words[i / PER_WORD] >> shift(i)) & MAX_RANK) as usize;
        counts[r] += 1;
    }
    let mf = m as f64;
    let top = counts.len() - 1;
    let mut z = mf * tau(1.0 - f64::from(counts[top]) / mf);
    for &c in counts[1..top].iter().rev() {
        z = 0.5 * (z + f64::from(c));
    }
    z += mf * sigma(f64::from(counts[0]) / mf);
    mf * mf / (2.0 * std::f64::consts::LN_2 * z)
}

/// Ertl's σ(x) = x + Σ_{k ≥ 1} x^(2^k) 2^(k−1), for the registers still zero.
#[allow(clippy::float_cmp)] // the series is summed until it stops changing
fn sigma(mut x: f64) -> f64 {
    if x >= 1.0 {
        return f64::INFINITY;
    }
    let (mut y, mut z) = (1.0, x);
    loop {
        x *= x;
        let before = z;
        z += x * y;
        y += y;
        if z == before {
            return z;
        }
    }
}

/// Ertl's τ(x) = (1 − x − Σ_{k ≥ 1} (1 − x^(2^−k))² 2^−k) / 3, for the saturated
/// registers.
#[allow(clippy::float_cmp)] // the series is summed until it stops changing
fn tau(mut x: f64) -> f64 {
    if x <= 0.0 || x >= 1.0 {
        return 0.0;
    }
    let (mut y, mut z) = (1.0, 1.0 - x);
    loop {
        x = x.sqrt();
        let before = z;
        y *= 0.5;
        z -= (1.0 - x).powi(2) * y;
        if z == before {
            return z / 3.0;
        }
    }
}

/// The distance distribution of a graph.
#[derive(Debug, Clone, PartialEq)]
pub struct DistanceDistribution {
    /// Estimated ordered pairs at each distance: `pairs[t - 1]` for distance t.
    pub pairs: Vec<f64>,
    /// Ordered pairs (u, v), u ≠ v, with a path between them (exact).
    pub reachable_pairs: u64,
    /// Sweeps run (the last one changed nothing).
    pub sweeps: usize,
    /// Registers per counter, 2^precision.
    pub registers: usize,
}

impl DistanceDistribution {
    /// The largest distance with pairs: an estimate of the diameter.
    pub fn max_distance(&self) -> usize {
        self.pairs
            .iter()
            .rposition(|&p| p > 0.0)
            .map_or(0, |i| i + 1)
    }

    /// The share of reachable pairs at exactly distance `t`.
    pub fn share(&self, t: usize) -> f64 {
        if t == 0 || self.reachable_pairs == 0 {
            return 0.0;
        }
        self.pairs.get(t - 1).copied().unwrap_or(0.0) / self.reachable_pairs as f64
    }

    /// The share of reachable pairs within `t` hops.
    pub fn cumulative_share(&self, t: usize) -> f64 {
        (1..=t.min(self.pairs.len())).map(|k| self.share(k)).sum()
    }

    /// The average distance between reachable pairs.
    pub fn average_distance(&self) -> f64 {
        (1..=self.pairs.len())
            .map(|t| t as f64 * self.share(t))
            .sum()
    }
}

/// The default registers per counter for a graph of `nodes` nodes: about 2^26
/// registers in all (40 MiB of counters per sweep array), at least 2^6 and at most
/// 2^12 per counter, so small graphs are nearly exact and large ones stay fast.
pub fn default_precision(nodes: usize) -> u8 {
    let bits = usize::BITS - nodes.max(1).saturating_sub(1).leading_zeros();
    #[allow(clippy::cast_possible_truncation)] // at most 26
    let b = 26u32.saturating_sub(bits) as u8;
    b.clamp(6, 12)
}

/// Estimates the distance distribution of `graph` with `2^precision` registers per
/// counter (4 to 16); `progress` is told of every sweep.
///
/// # Panics
/// If `precision` is outside 4..=16.
pub fn distance_distribution(
    graph: &ConnectionGraph,
    precision: u8,
    progress: &dyn Progress,
) -> DistanceDistribution {
    assert!((4..=16).contains(&precision), "precision must be 4 to 16");
    // Distances do not depend on the numbering; breadth-first numbers put a node's
    // neighbours' counters near its own, which the sweeps read at random otherwise.
    let renumbered =
        (graph.node_count() > RENUMBER_ABOVE).then(|| graph.renumbered(VertexOrder::Bfs).0);
    let graph = renumbered.as_ref().unwrap_or(graph);
    let n = graph.node_count();
    let mut c = Counters::new(graph, precision);
    let mut next: Vec<u64> = crate::memory::zeroed_vec(n * c.words);
    let mut changed = vec![true; n];
    let mut estimates: Vec<f64> = (0..n)
        .into_par_iter()
        .map(|v| c.corrected(v, c.counter(v)))
        .collect();
    let mut totals = vec![ordered_sum(&estimates)];
    let mut sweeps = 0;
    loop {
        sweeps += 1;
        let moved = c.sweep(graph, &changed, &mut next, &mut estimates);
        std::mem::swap(&mut c.cur, &mut next);
        progress.inc(1);
        if !moved.iter().any(|&m| m) {
            break;
        }
        changed = moved;
        totals.push(ordered_sum(&estimates));
    }
    let reachable_pairs = graph.reachable_pairs();
    let base = totals[0];
    let span = totals.last().copied().unwrap_or(base) - base;
    let mut pairs = Vec::with_capacity(totals.len().saturating_sub(1));
    let mut before = base;
    for &now in &totals[1..] {
        let now = now.max(before);
        let share = if span > 0.0 {
            (now - before) / span
        } else {
            0.0
        };
        pairs.push(share * reachable_pairs as f64);
        before = now;
    }
    DistanceDistribution {
        pairs,
        reachable_pairs,
        sweeps,
        registers: c.m,
    }
}

/// Every node's counter, and what corrects its estimates.
struct Counters {
    /// Registers per counter.
    m: usize,
    /// Words per counter.
    words: usize,
    /// The counters of the current sweep, `words` per node.
    cur: Vec<u64>,
    /// Each node's connected component.
    component: Vec<u32>,
    /// Per component: its final counter's estimate, and its exact size over that.
    finals: Vec<(f64, f64)>,
}

impl Counters {
    /// Every node's counter holding the node itself, and the final counter of
    /// every component (the merge of its nodes' own registers).
    fn new(graph: &ConnectionGraph, precision: u8) -> Self {
        let n = graph.node_count();
        let m = 1usize << precision;
        let words = m.div_ceil(PER_WORD);
        let mut cur: Vec<u64> = crate::memory::zeroed_vec(n * words);
        for v in 0..n {
            let (i, rank) = own_register(u32::try_from(v).expect("node ids fit u32"), precision);
            cur[v * words + i / PER_WORD] |= rank << shift(i);
        }
        let (component, sizes) = graph.component_ids();
        let mut merged = vec![0u64; sizes.len() * words];
        for v in 0..n {
            let c = component[v] as usize;
            for k in 0..words {
                merged[c * words + k] = register_max(merged[c * words + k], cur[v * words + k]);
            }
        }
        let finals = sizes
            .iter()
            .enumerate()
            .map(|(c, &size)| {
                let e = estimate(&merged[c * words..(c + 1) * words], m);
                (e, size as f64 / e)
            })
            .collect();
        Counters {
            m,
            words,
            cur,
            component,
            finals,
        }
    }

    /// Node `v`'s current counter.
    fn counter(&self, v: usize) -> &[u64] {
        &self.cur[v * self.words..(v + 1) * self.words]
    }

    /// The estimate of `counter`, node `v`'s, corrected by its component's known
    /// error: a ball estimated at a share s of the component shares most of that
    /// error, so the component's factor applies raised to s² (1 for the whole
    /// component, about 0 for small balls).
    fn corrected(&self, v: usize, counter: &[u64]) -> f64 {
        let e = estimate(counter, self.m);
        let (last, factor) = self.finals[self.component[v] as usize];
        let share = (e / last).clamp(0.0, 1.0);
        e * factor.powf(share * share)
    }

    /// One sweep into `next`: every node whose neighbours `changed` takes the
    /// register-wise maximum of theirs and its own, and its estimate is updated.
    /// Returns which counters changed.
    fn sweep(
        &self,
        graph: &ConnectionGraph,
        changed: &[bool],
        next: &mut [u64],
        estimates: &mut [f64],
    ) -> Vec<bool> {
        let words = self.words;
        let mut moved = vec![false; changed.len()];
        next.par_chunks_mut(RANGE * words)
            .zip(estimates.par_chunks_mut(RANGE))
            .zip(moved.par_chunks_mut(RANGE))
            .enumerate()
            .for_each(|(r, ((dst, est), mv))| {
                let mut gathered: Vec<u64> = Vec::new();
                for (i, ((dst, est), mv)) in dst
                    .chunks_mut(words)
                    .zip(est.iter_mut())
                    .zip(mv.iter_mut())
                    .enumerate()
                {
                    let v = r * RANGE + i;
                    let own = self.counter(v);
                    dst.copy_from_slice(own);
                    // Gather the changed neighbours' counters first: a short loop of
                    // independent loads, which the processor overlaps, unlike loads
                    // interleaved with the merging.
                    gathered.clear();
                    let id = NodeId(u32::try_from(v).expect("node ids fit u32"));
                    for &u in graph.neighbors(id) {
                        if changed[u as usize] {
                            gathered.extend_from_slice(self.counter(u as usize));
                        }
                    }
                    for theirs in gathered.chunks_exact(words) {
                        for (a, &b) in dst.iter_mut().zip(theirs) {
                            *a = register_max(*a, b);
                        }
                    }
                    if dst != own {
                        *mv = true;
                        *est = self.corrected(v, dst);
                    }
                }
            });
        moved
    }
}

/// The sum of `xs` in fixed chunks, in order: the same result on any thread count.
fn ordered_sum(xs: &[f64]) -> f64 {
    let chunks: Vec<f64> = xs
        .par_chunks(SUM_CHUNK)
        .map(|c| c.iter().sum::<f64>())
        .collect();
    chunks.iter().sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generate::GraphModel;
    use crate::progress::NoProgress;

    /// Exact shares by a BFS from every node.
    fn exact(g: &ConnectionGraph) -> Vec<u64> {
        let n = g.node_count();
        let mut by = Vec::new();
        for s in 0..n {
            let mut dist = vec![usize::MAX; n];
            dist[s] = 0;
            let mut q = std::collections::VecDeque::from([s]);
            while let Some(v) = q.pop_front() {
                for &w in g.neighbors(NodeId(u32::try_from(v).unwrap())) {
                    let w = w as usize;
                    if dist[w] == usize::MAX {
                        dist[w] = dist[v] + 1;
                        if by.len() < dist[w] {
                            by.resize(dist[w], 0);
                        }
                        by[dist[w] - 1] += 1;
                        q.push_back(w);
                    }
                }
            }
        }
        by
    }

    #[test]
    fn broadword_max_is_the_register_wise_maximum() {
        let mut rng = crate::seed::task_rng(1, 2);
        for _ in 0..10_000 {
            use rand::RngExt;
            let fields = |rng: &mut rand::rngs::Xoshiro256PlusPlus| -> (u64, [u64; PER_WORD]) {
                let mut w = 0;
                let mut f = [0; PER_WORD];
                for (i, slot) in f.iter_mut().enumerate() {
                    *slot = rng.random_range(0..=MAX_RANK);
                    w |= *slot << shift(i);
                }
                (w, f)
            };
            let ((x, fx), (y, fy)) = (fields(&mut rng), fields(&mut rng));
            let z = register_max(x, y);
            for i in 0..PER_WORD {
                let got = (z >> shift(i)) & MAX_RANK;
                assert_eq!(got, fx[i].max(fy[i]), "field {i} of {x:x} and {y:x}");
            }
            assert_eq!(
                z >> (shift(PER_WORD - 1) + WIDTH),
                0,
                "spare bits stay zero"
            );
        }
    }

    #[test]
    fn cumulative_shares_are_within_three_points_of_exact_bfs() {
        let g = GraphModel::HolmeKim {
            nodes: 3_000,
            m: 3,
            triad_prob: 0.5,
        }
        .generate(4)
        .unwrap()
        .to_graph()
        .unwrap();
        let exact = exact(&g);
        let total: u64 = exact.iter().sum();
        let d = distance_distribution(&g, 7, &NoProgress);
        assert_eq!(d.reachable_pairs, total);
        let mut cum = 0;
        for (t, &p) in exact.iter().enumerate() {
            cum += p;
            let want = cum as f64 / total as f64;
            let got = d.cumulative_share(t + 1);
            assert!(
                (got - want).abs() <= 0.03,
                "within {}: {got} vs {want}",
                t + 1
            );
        }
        assert!((d.cumulative_share(d.pairs.len()) - 1.0).abs() < 1e-9);
    }

    #[test]
    fn results_ignore_the_thread_count() {
        let g = GraphModel::WattsStrogatz {
            nodes: 20_000,
            k: 6,
            rewire_prob: 0.05,
        }
        .generate(9)
        .unwrap()
        .to_graph()
        .unwrap();
        let run = |t| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(t)
                .build()
                .unwrap()
                .install(|| distance_distribution(&g, 6, &NoProgress))
        };
        assert_eq!(run(1), run(2));
    }

    #[test]
    fn pairs_in_other_components_are_not_reachable() {
        let g = ConnectionGraph::from_edges([(0, 1), (1, 2), (5, 6)]).unwrap();
        let d = distance_distribution(&g, 8, &NoProgress);
        assert_eq!(d.reachable_pairs, 6 + 2);
        assert!(d.max_distance() <= 2);
    }
}
