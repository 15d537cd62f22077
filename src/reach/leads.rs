//! Expected job leads: how many job openings reach a person through live ties,
//! and how likely at least one does. Where reach counts the recruiters within k
//! hops, leads follow the openings: they belong to firms, travel through the
//! people who know of them, and count once however many ways they arrive. Used
//! by [`crate::simulation`] when an experiment has a `[leads]` section, and by
//! `netreach advise --leads`.
//!
//! # Model (docs/job-leads.md)
//! - Every firm opens `openings_per_employee` × its size positions a week,
//!   Poisson ([`crate::firms`]).
//! - Its recruiters and hiring managers know every one of its openings; each
//!   other employee knows each with probability `insider_knows`.
//! - An opening is relevant to a seeker with `relevance_same` in the seeker's
//!   industry and `relevance_other` elsewhere; the seeker's own firm's openings
//!   are not leads.
//! - A tie passes a lead with p(m) = `pass_weak` + (`pass_strong` − `pass_weak`) ·
//!   m / (m + `half_mutual`), m the mutual connections of its two ends in the base
//!   graph (an accepted invitation: its count at acceptance). A tie to a fake
//!   account passes with `fake_pass`.
//! - An intermediary forwards at all with `forward_near` when it is the seeker's
//!   own connection, and with `forward_far` further away.
//! - An opening is a lead when, in a world, news of it travels from at least one
//!   of its knowers to the seeker over at most max-degree ties, every tie passing
//!   and every intermediary forwarding: a union over knowers, so a second tie
//!   into a firm already reached in a world adds nothing there.
//!
//! # Algorithm
//! Monte Carlo over `worlds` draws of which ties pass, which people forward and
//! which employees know, 64 worlds to a machine word: one breadth-first search
//! per person and word, a node's entry the set of worlds in which it is reached,
//! a firm's the worlds in which one of its knowers is. A tie's word is drawn
//! from a hash of (seed, replicate, word, tie), a person's forwarding and
//! knowing words from (seed, replicate, word, person), so every strategy and
//! every person of a replicate faces the same worlds (common random numbers) and
//! nothing depends on the thread count. 64 Bernoulli(p) bits cost one hash per
//! bit of p's 12-bit binary expansion (AND/OR of uniform words, lowest bit
//! first). A tie's word is the AND of a draw at `pass_strong`, the ceiling of
//! p(m), and one at p(m) / `pass_strong`, so its mutual connections (a list
//! intersection, the costliest part of a draw) are counted only when the
//! ceiling passes in a world the search needs. A tie is only drawn when it
//! could reach a world not yet reached, and at the last hop only towards
//! someone who knows of a relevant firm's openings in a world where that firm
//! is not yet reached (knowing is drawn first: a hash is cheaper than the
//! cache miss of reading the node's firm). Openings are Poisson,
//! so the openings reached in a world are a sum of firms' rates: expected leads
//! are their mean over worlds, and P(at least one) is 1 − the mean of
//! exp(−rate).
//!
//! [`LeadWorld::leads`] answers one question with one search per word (the
//! plain form, `leads/plain.rs`, and the tests' reference); [`LeadWorld::person`] answers all of
//! one person's questions and their ties' marginal values at once, split by
//! first tie (`leads/person.rs`), which the simulation and `advise` use;
//! [`LeadWorld::in_market`] adds expected offers among seekers who compete
//! for the same openings (`leads/market.rs`).
//!
//! # Complexity
//! Per person and 64 worlds: O(arcs of the nodes that forward in some world
//! within max degree − 1 hops × hashes per draw), with scratch reset only where
//! touched, so the cost follows the live ball, not the graph.

use std::sync::atomic::AtomicU16;
use std::sync::atomic::Ordering::Relaxed;

use crate::firms::{Firms, NO_FIRM};
use crate::graph::{ConnectionGraph, NodeId};
use crate::roles::RoleMap;
use crate::seed::splitmix;

/// Bits of precision of a drawn probability: p is rounded to a multiple of 2⁻¹².
pub const PROBABILITY_BITS: u32 = 12;
const ONE: u32 = 1 << PROBABILITY_BITS;
/// Worlds per machine word.
pub const LANES: u32 = 64;

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
    /// With a market ([`Market`]): per hops, expected offers a week from
    /// openings whose shortest carrying path has exactly that many ties;
    /// empty without one.
    pub offers_at_hops: Vec<f64>,
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

    /// Expected offers within `hops` ties (1-based), when a market was asked.
    pub fn offers_up_to(&self, hops: usize) -> Option<f64> {
        (!self.offers_at_hops.is_empty()).then(|| {
            self.offers_at_hops[..hops.min(self.offers_at_hops.len())]
                .iter()
                .sum()
        })
    }
}

/// Each arc's mutual connections: counted ahead, or when first drawn.
enum Mutual<'g> {
    Counted(&'g [u16]),
    /// Count plus one per arc, 0 for not yet counted.
    OnDemand(Vec<AtomicU16>),
}

/// Who is asking: a seeker's firm and industry ([`NO_FIRM`] and `u32::MAX`
/// for someone who works nowhere).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Seeker {
    firm: u32,
    industry: u32,
}

/// What the kernel reads: the graph, each arc's mutual count, who works where
/// and who always knows of openings, and the model, with probabilities
/// rounded once.
pub struct LeadWorld<'g> {
    /// The graph searched; `None` for a cluster's draws ([`LeadWorld::draws`]),
    /// whose searches run on the parts (`cluster/leads.rs`).
    graph: Option<&'g ConnectionGraph>,
    nodes: usize,
    offsets: &'g [u64],
    targets: &'g [u32],
    mutual: Mutual<'g>,
    /// Who works where, and each node's firm ([`NO_FIRM`] for none).
    firms: &'g Firms,
    firm_of: &'g [u32],
    /// Openings a week of all firms, and of each industry's.
    all_openings: f64,
    industry_openings: Vec<f64>,
    /// Recruiters and hiring managers: they know all their firm's openings.
    always_knows: Vec<u64>,
    first_fake: u32,
    model: LeadModel,
    seed: u64,
    /// q(m) / q(∞) for m below its length, and q(∞) (`pass_strong`).
    ratio_q: Vec<u32>,
    strong_q: u32,
    fake_q: u32,
    near_q: u32,
    far_q: u32,
    insider_q: u32,
    /// Every firm's openings are a lead for everyone outside it (positive
    /// rates and relevances; a firm has at least the one member who holds it).
    all_relevant: bool,
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
    /// `mutual` aligned with its arcs ([`ConnectionGraph::mutual_counts`]),
    /// `firms` covering every node.
    ///
    /// # Panics
    /// If `mutual` or `firms` do not match the graph.
    pub fn new(
        graph: &'g ConnectionGraph,
        mutual: &'g [u16],
        roles: &RoleMap,
        firms: &'g Firms,
        first_fake: u32,
        model: LeadModel,
        seed: u64,
    ) -> Self {
        assert_eq!(
            mutual.len(),
            graph.csr().1.len(),
            "one mutual count per arc"
        );
        Self::with(
            Some(graph),
            Mutual::Counted(mutual),
            roles,
            firms,
            first_fake,
            model,
            seed,
        )
    }

    /// [`LeadWorld::new`] counting each tie's mutual connections only when a
    /// search first draws it (then kept for every later draw): the cost follows
    /// the ties near the people asked about, not the graph. The same answers as
    /// with every tie counted ahead.
    pub fn counting_on_demand(
        graph: &'g ConnectionGraph,
        roles: &RoleMap,
        firms: &'g Firms,
        first_fake: u32,
        model: LeadModel,
        seed: u64,
    ) -> Self {
        let cache = crate::memory::zeroed_vec::<AtomicU16>(graph.csr().1.len());
        Self::with(
            Some(graph),
            Mutual::OnDemand(cache),
            roles,
            firms,
            first_fake,
            model,
            seed,
        )
    }

    /// The worlds' draws of a graph of `roles.len()` nodes without the graph
    /// (a cluster's searches run on its parts, `cluster/leads.rs`): who
    /// forwards, knows and passes, each firm's rate, and the sums of a word's
    /// searches, exactly as [`LeadWorld::new`] draws them. Searching it here
    /// is a bug.
    ///
    /// # Panics
    /// If `firms` does not cover the `roles`' nodes.
    pub fn draws(
        roles: &RoleMap,
        firms: &'g Firms,
        first_fake: u32,
        model: LeadModel,
        seed: u64,
    ) -> Self {
        Self::with(
            None,
            Mutual::Counted(&[]),
            roles,
            firms,
            first_fake,
            model,
            seed,
        )
    }

    #[allow(clippy::too_many_arguments)]
    fn with(
        graph: Option<&'g ConnectionGraph>,
        mutual: Mutual<'g>,
        roles: &RoleMap,
        firms: &'g Firms,
        first_fake: u32,
        model: LeadModel,
        seed: u64,
    ) -> Self {
        let (offsets, targets): (&[u64], &[u32]) = graph.map_or((&[], &[]), ConnectionGraph::csr);
        let n = graph.map_or(roles.codes().len(), ConnectionGraph::node_count);
        assert_eq!(firms.node_count(), n, "a firm entry per node");
        let mut always_knows = vec![0u64; n.div_ceil(64)];
        for v in 0..n {
            #[allow(clippy::cast_possible_truncation)] // node ids fit u32
            if roles.role_of(NodeId(v as u32)).is_some() {
                always_knows[v / 64] |= 1 << (v % 64);
            }
        }
        let ratio_q = (0..1024)
            .map(|m| {
                if model.pass_strong > 0.0 {
                    quantize(model.pass(m) / model.pass_strong)
                } else {
                    0
                }
            })
            .collect();
        let mut industry_openings = vec![0.0; firms.industry_count() as usize];
        let mut all_openings = 0.0;
        for f in 0..firms.firm_count() {
            let o = f64::from(firms.size(f)) * model.openings_per_employee;
            industry_openings[firms.industry(f) as usize] += o;
            all_openings += o;
        }
        Self {
            graph,
            nodes: n,
            offsets,
            targets,
            mutual,
            firms,
            firm_of: firms.firms_of_nodes(),
            all_openings,
            industry_openings,
            always_knows,
            first_fake,
            model,
            seed,
            ratio_q,
            strong_q: quantize(model.pass_strong),
            fake_q: quantize(model.fake_pass),
            near_q: quantize(model.forward_near),
            far_q: quantize(model.forward_far),
            insider_q: quantize(model.insider_knows),
            all_relevant: model.openings_per_employee > 0.0
                && model.relevance_same > 0.0
                && model.relevance_other > 0.0,
        }
    }

    /// The model.
    pub fn model(&self) -> &LeadModel {
        &self.model
    }

    /// A scratch for this world's searches.
    pub fn scratch(&self) -> Scratch {
        Scratch::new(self.nodes, self.firms.firm_count() as usize)
    }

    pub(crate) fn seeker(&self, s: u32) -> Seeker {
        let firm = self.firm_of[s as usize];
        Seeker {
            firm,
            industry: if firm == NO_FIRM {
                u32::MAX
            } else {
                self.firms.industry(firm)
            },
        }
    }

    /// Openings a week of firm `f` that are leads for `who`: its rate times
    /// their relevance; none for the seeker's own firm or for no firm.
    pub(crate) fn firm_rate(&self, who: Seeker, f: u32) -> f64 {
        if f == NO_FIRM || f == who.firm {
            return 0.0;
        }
        let relevance = if self.firms.industry(f) == who.industry {
            self.model.relevance_same
        } else {
            self.model.relevance_other
        };
        self.openings_of(f) * relevance
    }

    /// Positions firm `f` opens a week.
    fn openings_of(&self, f: u32) -> f64 {
        f64::from(self.firms.size(f)) * self.model.openings_per_employee
    }

    /// The firm whose openings node `u` may know of and that firm's rate for
    /// `who`, if both exist.
    #[inline]
    fn holds(&self, who: Seeker, u: u32) -> Option<(u32, f64)> {
        let f = self.firm_of[u as usize];
        let rate = self.firm_rate(who, f);
        (rate > 0.0).then_some((f, rate))
    }

    /// [`Self::holds`] without the rate: when every firm's openings are
    /// relevant to everyone, only the node's firm is read (the search's
    /// innermost test, where each read is a cache miss).
    #[inline]
    pub(crate) fn holds_firm(&self, who: Seeker, u: u32) -> Option<u32> {
        let f = self.firm_of[u as usize];
        if f == NO_FIRM || f == who.firm {
            return None;
        }
        if self.all_relevant || self.firm_rate(who, f) > 0.0 {
            Some(f)
        } else {
            None
        }
    }

    /// The mutual connections of arc `arc`, from `v` to `u`.
    #[inline]
    fn mutual_at(&self, arc: usize, v: u32, u: u32) -> u32 {
        match &self.mutual {
            Mutual::Counted(m) => u32::from(m[arc]),
            Mutual::OnDemand(cache) => {
                // Stored plus one, so 0 (zeroed memory) is "not yet counted".
                let known = cache[arc].load(Relaxed);
                if known != 0 {
                    return u32::from(known - 1);
                }
                let k = self
                    .graph
                    .expect("a world that counts mutual connections has its graph")
                    .mutual_count(NodeId(v), NodeId(u))
                    .min(usize::from(u16::MAX - 1));
                let k = u16::try_from(k).expect("saturated above");
                // Any thread computes the same count: a race stores it twice.
                cache[arc].store(k + 1, Relaxed);
                u32::from(k)
            }
        }
    }

    /// q(m) / q(∞): a tie's chance to pass given that its ceiling draw passed.
    fn ratio_q(&self, mutual: u32) -> u32 {
        self.ratio_q
            .get(mutual as usize)
            .copied()
            .unwrap_or_else(|| quantize(self.model.pass(mutual) / self.model.pass_strong))
    }

    /// The stream of replicate `r`'s word `w`.
    pub(crate) fn word_seed(&self, replicate: u32, word: u32) -> u64 {
        splitmix(self.seed ^ splitmix((u64::from(replicate) << 32) | u64::from(word)))
    }

    /// The worlds of `carry` in which the tie a–b passes. A real tie's word
    /// is the AND of a draw at `pass_strong`, p's ceiling, and an independent
    /// one at p(m) / `pass_strong`, so `mutual` (its mutual connections, which
    /// may cost a list intersection) is asked only when the first draw passes
    /// in a world of `carry`. Either way the word depends on the tie and the
    /// word's seed only, whichever search draws it.
    #[inline]
    pub(crate) fn tie_live(
        &self,
        word_seed: u64,
        a: u32,
        b: u32,
        carry: u64,
        mutual: impl FnOnce() -> u32,
    ) -> u64 {
        let (lo, hi) = if a < b { (a, b) } else { (b, a) };
        let key = (u64::from(lo) << 32) | u64::from(hi);
        let state = splitmix(word_seed ^ key);
        if hi >= self.first_fake {
            return carry & bernoulli_word(self.fake_q, state);
        }
        let ceiling = carry & bernoulli_word(self.strong_q, state);
        if ceiling == 0 {
            return 0;
        }
        ceiling & bernoulli_word(self.ratio_q(mutual()), splitmix(state ^ 0x5041_5353))
    }

    /// Every world's draw of the tie a–b with `mutual` mutual connections.
    pub(crate) fn tie_word(&self, word_seed: u64, a: u32, b: u32, mutual: u32) -> u64 {
        self.tie_live(word_seed, a, b, !0, || mutual)
    }

    /// The worlds in which intermediary `v` forwards: `near` when `v` is the
    /// seeker's own connection.
    pub(crate) fn forward_word(&self, word_seed: u64, v: u32, near: bool) -> u64 {
        // A different key space from ties: a tie's key has lo < hi.
        let key = (u64::from(v) << 32) | u64::from(v);
        let q = if near { self.near_q } else { self.far_q };
        bernoulli_word(q, splitmix(!word_seed ^ key))
    }

    /// The worlds in which `v` knows of its firm's openings.
    #[inline]
    pub(crate) fn knows_word(&self, word_seed: u64, v: u32) -> u64 {
        if self.always_knows[v as usize / 64] >> (v % 64) & 1 == 1 {
            return !0;
        }
        let key = (u64::from(v) << 32) | u64::from(v);
        bernoulli_word(
            self.insider_q,
            splitmix(word_seed.rotate_left(17) ^ key ^ 0x4B4E_4F57),
        )
    }

    /// The share of openings a week (weighted by rate and relevance) whose
    /// firm has one of `first` among its employees: what a seeker with these
    /// 1st-degree connections is already connected to. `None` when no opening
    /// is relevant to the seeker.
    pub fn connected_share(&self, source: NodeId, first: impl Iterator<Item = u32>) -> Option<f64> {
        let who = self.seeker(source.0);
        // Every firm's rate weighted by relevance, less the seeker's own firm.
        let (m, same) = (
            &self.model,
            self.industry_openings.get(who.industry as usize),
        );
        let total = m.relevance_other * self.all_openings
            + (m.relevance_same - m.relevance_other) * same.copied().unwrap_or(0.0)
            - if who.firm == NO_FIRM {
                0.0
            } else {
                m.relevance_same * self.openings_of(who.firm)
            };
        let mut firms: Vec<u32> = first
            .map(|u| self.firm_of[u as usize])
            .filter(|&f| f != NO_FIRM)
            .collect();
        firms.sort_unstable();
        firms.dedup();
        let connected: f64 = firms.iter().map(|&f| self.firm_rate(who, f)).sum();
        (total > 0.0).then(|| connected / total)
    }

    fn arc_span(&self, v: u32) -> (usize, usize) {
        #[allow(clippy::cast_possible_truncation)] // arc indices fit usize
        (
            self.offsets[v as usize] as usize,
            self.offsets[v as usize + 1] as usize,
        )
    }
}

/// Per-thread scratch of the kernel: reset only where a search touched it.
/// Make it with [`LeadWorld::scratch`].
#[derive(Debug)]
pub struct Scratch {
    visited: Vec<u64>,
    next: Vec<u64>,
    touched: Vec<u32>,
    frontier: Vec<(u32, u64)>,
    /// A firm's number among those one word's searches met, plus one (0: none).
    slot: Vec<u32>,
    /// Per firm, the worlds in which a search already reached it.
    firm_seen: Vec<u64>,
    /// A market's backward search: per node, the worlds in which news
    /// reached it as a seeker.
    heard: Vec<u64>,
}

impl Scratch {
    /// Scratch for `nodes` nodes and `firms` firms.
    fn new(nodes: usize, firms: usize) -> Self {
        Self {
            visited: vec![0; nodes],
            next: vec![0; nodes],
            touched: Vec::new(),
            frontier: Vec::new(),
            slot: vec![0; firms],
            firm_seen: vec![0; firms],
            heard: vec![0; nodes],
        }
    }
}

mod market;
mod model;
mod person;
mod plain;

pub use market::{DEFAULT_SEEKERS, Market, MarketModel};
pub use model::LeadModel;

pub(crate) use market::{Contest, Counts, Rivals, needed};
pub(crate) use person::{Found, Sums, WordSearch, by_question};
pub use person::{PersonLeads, PersonQuestions};

#[cfg(test)]
mod tests;
