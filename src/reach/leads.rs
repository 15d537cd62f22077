//! Expected job leads: how many job openings reach a person through live ties,
//! and how likely at least one does. Where reach counts the recruiters within k
//! hops, leads weigh each one by the chance that an opening it holds travels the
//! ties between them. Used by [`crate::simulation`] when an experiment has a
//! `[leads]` section, and by `netreach advise --leads`.
//!
//! # Model (docs/job-leads.md)
//! - Every recruiter holds `recruiter_openings` openings a week and every hiring
//!   manager `hiring_manager_openings`, Poisson.
//! - A tie passes a lead with p(m) = `pass_weak` + (`pass_strong` − `pass_weak`) ·
//!   m / (m + `half_mutual`), m the mutual connections of its two ends in the base
//!   graph (an accepted invitation: its count at acceptance). A tie to a fake
//!   account passes with `fake_pass`.
//! - Every intermediary (neither the holder nor the person) forwards at all with
//!   probability `forward`.
//! - A lead arrives when some path of at most max-degree ties carries it: every
//!   tie on it passes and every intermediary forwards.
//!
//! # Algorithm
//! Monte Carlo over `worlds` draws of which ties pass and which people forward,
//! 64 worlds to a machine word: one breadth-first search per person and word, a
//! node's entry the set of worlds in which it is reached. A tie's word is drawn
//! from a hash of (seed, replicate, word, tie), a person's forwarding word from
//! (seed, replicate, word, person), so every strategy and every person of a
//! replicate faces the same worlds (common random numbers) and nothing depends
//! on the thread count. 64 Bernoulli(p) bits cost one hash per bit of p's
//! 12-bit binary expansion (AND/OR of uniform words, lowest bit first), and a
//! tie is only drawn when it could reach a world not yet reached, and at the
//! last hop only towards someone who holds openings. Openings are
//! Poisson, so the openings reached in a world are a sum of rates: expected
//! leads are their mean over worlds, and P(at least one) is 1 − the mean of
//! exp(−rate).
//!
//! [`LeadWorld::leads`] answers one question with one search per word (the
//! plain form, and the tests' reference); [`LeadWorld::person`] answers all of
//! one person's questions and their ties' marginal values at once, split by
//! first tie (`leads/person.rs`), which the simulation and `advise` use.
//!
//! # Complexity
//! Per person and 64 worlds: O(arcs of the nodes that forward in some world
//! within max degree − 1 hops × hashes per draw), with scratch reset only where
//! touched, so the cost follows the live ball, not the graph.

use crate::graph::{ConnectionGraph, NodeId};
use crate::roles::{Role, RoleMap};
use crate::seed::splitmix;

use super::Degree;

/// Bits of precision of a drawn probability: p is rounded to a multiple of 2⁻¹².
pub const PROBABILITY_BITS: u32 = 12;
const ONE: u32 = 1 << PROBABILITY_BITS;
/// Worlds per machine word.
pub const LANES: u32 = 64;

/// The job-leads model's parameters (`[leads]` in an experiment file).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LeadModel {
    /// Monte Carlo worlds, a multiple of 64.
    pub worlds: u32,
    /// Openings a recruiter holds per week.
    pub recruiter_openings: f64,
    /// Openings a hiring manager holds per week.
    pub hiring_manager_openings: f64,
    /// Pass probability of a tie with no mutual connection.
    pub pass_weak: f64,
    /// Pass probability approached by a tie with many mutual connections.
    pub pass_strong: f64,
    /// Mutual connections at which a tie is halfway from weak to strong.
    pub half_mutual: f64,
    /// Probability that an intermediary forwards a lead at all.
    pub forward: f64,
    /// Pass probability of a tie to a fake account.
    pub fake_pass: f64,
}

impl Default for LeadModel {
    /// The calibrated defaults (docs/job-leads.md): `forward` is the chance to
    /// pass a message on implied by small-world chain experiments (about 0.35);
    /// the pass probabilities put the split of leads by hops on the LinkedIn-like
    /// example (`job-leads.toml`) at 51/30/18 under refuse-all and 58/26/16 under
    /// accept-all, against Granovetter's 39/45/16.
    fn default() -> Self {
        Self {
            worlds: 256,
            recruiter_openings: 0.5,
            hiring_manager_openings: 0.1,
            pass_weak: 0.012,
            pass_strong: 0.12,
            half_mutual: 5.0,
            forward: 0.35,
            fake_pass: 0.0,
        }
    }
}

impl LeadModel {
    /// Checks every value's range: `Err((key, message))` names the first bad key.
    pub fn validate(&self) -> std::result::Result<(), (&'static str, String)> {
        if self.worlds == 0 || !self.worlds.is_multiple_of(LANES) || self.worlds > 1 << 20 {
            return Err((
                "worlds",
                format!(
                    "{}; expected a multiple of 64 from 64 to 1048576",
                    self.worlds
                ),
            ));
        }
        let rates = [
            ("recruiter_openings", self.recruiter_openings),
            ("hiring_manager_openings", self.hiring_manager_openings),
        ];
        for (key, v) in rates {
            if !(v.is_finite() && (0.0..=1000.0).contains(&v)) {
                return Err((
                    key,
                    format!("{v}; expected openings per week from 0 to 1000"),
                ));
            }
        }
        let shares = [
            ("pass_weak", self.pass_weak),
            ("pass_strong", self.pass_strong),
            ("forward", self.forward),
            ("fake_pass", self.fake_pass),
        ];
        for (key, v) in shares {
            if !(0.0..=1.0).contains(&v) {
                return Err((key, format!("{v}; expected a probability from 0 to 1")));
            }
        }
        if self.pass_strong < self.pass_weak {
            return Err((
                "pass_strong",
                format!(
                    "{} is below pass_weak {}; a tie with more mutual connections passes at least as often",
                    self.pass_strong, self.pass_weak
                ),
            ));
        }
        if !(self.half_mutual.is_finite() && self.half_mutual > 0.0) {
            return Err((
                "half_mutual",
                format!(
                    "{}; expected a positive number of mutual connections",
                    self.half_mutual
                ),
            ));
        }
        Ok(())
    }

    /// The probability that a tie with `mutual` mutual connections passes a lead.
    pub fn pass(&self, mutual: u32) -> f64 {
        let m = f64::from(mutual);
        self.pass_weak + (self.pass_strong - self.pass_weak) * m / (m + self.half_mutual)
    }

    /// Words of 64 worlds.
    pub fn words(&self) -> u32 {
        self.worlds.div_ceil(LANES)
    }

    /// Openings per week held by a person of `role`.
    pub fn openings(&self, role: Option<Role>) -> f64 {
        match role {
            Some(Role::Recruiter) => self.recruiter_openings,
            Some(Role::HiringManager) => self.hiring_manager_openings,
            None => 0.0,
        }
    }
}

/// `p` rounded to a multiple of 2⁻¹² ([`PROBABILITY_BITS`]).
fn quantize(p: f64) -> u32 {
    // p is checked to lie in [0, 1]; the product fits u32.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let q = (p.clamp(0.0, 1.0) * f64::from(ONE)).round() as u32;
    q
}

/// 64 independent bits, each 1 with probability `q` / 2¹², from the stream
/// seeded by `state`: the binary expansion of q read from its lowest set bit,
/// OR-ing a uniform word for a 1 and AND-ing one for a 0.
#[inline]
fn bernoulli_word(q: u32, state: u64) -> u64 {
    if q == 0 {
        return 0;
    }
    if q >= ONE {
        return !0;
    }
    let mut mask = 0u64;
    for i in q.trailing_zeros()..PROBABILITY_BITS {
        let r = splitmix(state ^ u64::from(i).wrapping_mul(0xD1B5_4A32_D192_ED03));
        mask = if (q >> i) & 1 == 1 {
            mask | r
        } else {
            mask & r
        };
    }
    mask
}

/// One person's question: the person and the invitations they accepted, each as
/// (inviter, mutual connections at acceptance).
#[derive(Debug, Clone, Copy)]
pub struct LeadQuery<'a> {
    /// The person.
    pub source: NodeId,
    /// Extra ties of this person only.
    pub accepted: &'a [(u32, u32)],
    /// Which replicate's worlds.
    pub replicate: u32,
}

/// Expected leads of one person.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Leads {
    /// Per hops 1..=max degree: expected leads a week whose shortest carrying
    /// path has exactly that many ties.
    pub at_hops: Vec<f64>,
    /// Per hops: the probability of at least one lead a week within that many.
    pub p_any_up_to: Vec<f64>,
}

impl Leads {
    /// Expected leads within `hops` ties (1-based).
    pub fn up_to(&self, hops: usize) -> f64 {
        self.at_hops[..hops.min(self.at_hops.len())].iter().sum()
    }

    /// Expected leads within the max degree.
    pub fn total(&self) -> f64 {
        self.at_hops.iter().sum()
    }
}

/// What the kernel reads: the graph, each arc's mutual count, roles and the
/// model, with probabilities rounded once.
pub struct LeadWorld<'g> {
    graph: &'g ConnectionGraph,
    offsets: &'g [u64],
    targets: &'g [u32],
    mutual: &'g [u16],
    openings: Vec<f32>,
    first_fake: u32,
    model: LeadModel,
    seed: u64,
    /// q(m) for m below its length.
    pass_q: Vec<u32>,
    fake_q: u32,
    forward_q: u32,
}

impl std::fmt::Debug for LeadWorld<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LeadWorld")
            .field("model", &self.model)
            .field("seed", &self.seed)
            .finish_non_exhaustive()
    }
}

impl<'g> LeadWorld<'g> {
    /// The worlds of `graph` (nodes from `first_fake` on are fake accounts),
    /// `mutual` aligned with its arcs ([`ConnectionGraph::mutual_counts`]).
    pub fn new(
        graph: &'g ConnectionGraph,
        mutual: &'g [u16],
        roles: &RoleMap,
        first_fake: u32,
        model: LeadModel,
        seed: u64,
    ) -> Self {
        let (offsets, targets) = graph.csr();
        assert_eq!(mutual.len(), targets.len(), "one mutual count per arc");
        #[allow(clippy::cast_possible_truncation)] // rates are small
        let openings = (0..graph.node_count())
            .map(|v| model.openings(roles.role_of(NodeId(v as u32))) as f32)
            .collect();
        let pass_q = (0..1024).map(|m| quantize(model.pass(m))).collect();
        Self {
            graph,
            offsets,
            targets,
            mutual,
            openings,
            first_fake,
            model,
            seed,
            pass_q,
            fake_q: quantize(model.fake_pass),
            forward_q: quantize(model.forward),
        }
    }

    /// The model.
    pub fn model(&self) -> &LeadModel {
        &self.model
    }

    fn tie_q(&self, a: u32, b: u32, mutual: u32) -> u32 {
        if a >= self.first_fake || b >= self.first_fake {
            self.fake_q
        } else {
            self.pass_q
                .get(mutual as usize)
                .copied()
                .unwrap_or_else(|| quantize(self.model.pass(mutual)))
        }
    }

    /// The stream of replicate `r`'s word `w`.
    fn word_seed(&self, replicate: u32, word: u32) -> u64 {
        splitmix(self.seed ^ splitmix((u64::from(replicate) << 32) | u64::from(word)))
    }

    fn tie_word(&self, word_seed: u64, a: u32, b: u32, mutual: u32) -> u64 {
        let (lo, hi) = if a < b { (a, b) } else { (b, a) };
        let key = (u64::from(lo) << 32) | u64::from(hi);
        bernoulli_word(self.tie_q(a, b, mutual), splitmix(word_seed ^ key))
    }

    fn forward_word(&self, word_seed: u64, v: u32) -> u64 {
        // A different key space from ties: a tie's key has lo < hi.
        let key = (u64::from(v) << 32) | u64::from(v);
        bernoulli_word(self.forward_q, splitmix(!word_seed ^ key))
    }

    /// Openings reached per world of one word, per hops: `out[k][lane]`, the
    /// rate reached at exactly k + 1 hops in world `lane`.
    fn word_rates(
        &self,
        q: &LeadQuery<'_>,
        word: u32,
        lanes: u64,
        max: Degree,
        scratch: &mut Scratch,
        out: &mut [[f64; LANES as usize]],
    ) {
        let ws = self.word_seed(q.replicate, word);
        let s = q.source.0;
        let Scratch {
            visited,
            next,
            touched,
            frontier,
            ..
        } = scratch;
        let mut seen: Vec<u32> = vec![s];
        visited[s as usize] = !0;
        frontier.clear();
        frontier.push((s, lanes));
        let levels = usize::from(max.0);
        for (level, rates) in out.iter_mut().take(levels).enumerate() {
            // At the last level only holders matter: nobody forwards from there.
            let last = level + 1 == levels;
            touched.clear();
            let mut offer = |u: u32, live: u64, touched: &mut Vec<u32>| {
                if live != 0 {
                    let slot = &mut next[u as usize];
                    if *slot == 0 {
                        touched.push(u);
                    }
                    *slot |= live;
                }
            };
            for &(v, reached) in frontier.iter() {
                let carry = if v == s {
                    reached
                } else {
                    reached & self.forward_word(ws, v)
                };
                if carry == 0 {
                    continue;
                }
                #[allow(clippy::cast_possible_truncation)] // arc indices fit usize
                let (a, b) = (
                    self.offsets[v as usize] as usize,
                    self.offsets[v as usize + 1] as usize,
                );
                for (&u, &m) in self.targets[a..b].iter().zip(&self.mutual[a..b]) {
                    if carry & !visited[u as usize] == 0
                        || (last && self.openings[u as usize] == 0.0)
                    {
                        continue;
                    }
                    let live = carry & self.tie_word(ws, v, u, u32::from(m));
                    offer(u, live, touched);
                }
                if v == s {
                    for &(u, m) in q.accepted {
                        if carry & !visited[u as usize] != 0
                            && !(last && self.openings[u as usize] == 0.0)
                        {
                            offer(u, carry & self.tie_word(ws, v, u, m), touched);
                        }
                    }
                }
            }
            frontier.clear();
            for &u in touched.iter() {
                let new = next[u as usize] & !visited[u as usize];
                next[u as usize] = 0;
                if new == 0 {
                    continue;
                }
                if visited[u as usize] == 0 {
                    seen.push(u);
                }
                visited[u as usize] |= new;
                frontier.push((u, new));
                let rate = f64::from(self.openings[u as usize]);
                if rate > 0.0 {
                    let mut bits = new;
                    while bits != 0 {
                        rates[bits.trailing_zeros() as usize] += rate;
                        bits &= bits - 1;
                    }
                }
            }
            if frontier.is_empty() {
                break;
            }
        }
        for v in seen {
            visited[v as usize] = 0;
        }
    }

    /// Per world, the openings reached within each hop count (cumulative):
    /// `worlds × max` rates, world-major. For tests and error estimates.
    #[allow(clippy::needless_range_loop)] // lanes index the rows of every hop
    pub fn world_rates(&self, q: &LeadQuery<'_>, max: Degree) -> Vec<Vec<f64>> {
        let mut scratch = Scratch::new(self.graph.node_count());
        let d = usize::from(max.0);
        let mut out = Vec::new();
        for w in 0..self.model.words() {
            let mut rates = vec![[0.0; LANES as usize]; d];
            self.word_rates(q, w, !0, max, &mut scratch, &mut rates);
            for lane in 0..LANES as usize {
                let mut acc = 0.0;
                out.push(
                    (0..d)
                        .map(|k| {
                            acc += rates[k][lane];
                            acc
                        })
                        .collect(),
                );
            }
        }
        out
    }

    /// Expected leads of one query.
    #[allow(clippy::needless_range_loop)] // lanes index the rows of every hop
    pub fn leads(&self, q: &LeadQuery<'_>, max: Degree, scratch: &mut Scratch) -> Leads {
        let d = usize::from(max.0);
        let mut at = vec![0.0; d];
        let mut no_lead = vec![0.0; d];
        let mut rates = vec![[0.0; LANES as usize]; d];
        for w in 0..self.model.words() {
            for r in &mut rates {
                r.fill(0.0);
            }
            self.word_rates(q, w, !0, max, scratch, &mut rates);
            for lane in 0..LANES as usize {
                let mut acc = 0.0;
                for k in 0..d {
                    at[k] += rates[k][lane];
                    acc += rates[k][lane];
                    no_lead[k] += (-acc).exp();
                }
            }
        }
        let n = f64::from(self.model.words() * LANES);
        Leads {
            at_hops: at.into_iter().map(|x| x / n).collect(),
            p_any_up_to: no_lead.into_iter().map(|x| 1.0 - x / n).collect(),
        }
    }
}

/// Per-thread scratch of the kernel: reset only where a search touched it.
#[derive(Debug)]
pub struct Scratch {
    visited: Vec<u64>,
    next: Vec<u64>,
    touched: Vec<u32>,
    frontier: Vec<(u32, u64)>,
    /// A holder's number among those one word's searches met, plus one (0: none).
    slot: Vec<u32>,
}

impl Scratch {
    /// Scratch for a graph of `nodes` nodes.
    pub fn new(nodes: usize) -> Self {
        Self {
            visited: vec![0; nodes],
            next: vec![0; nodes],
            touched: Vec::new(),
            frontier: Vec::new(),
            slot: vec![0; nodes],
        }
    }
}

mod person;

pub use person::{PersonLeads, PersonQuestions};

#[cfg(test)]
mod tests;
