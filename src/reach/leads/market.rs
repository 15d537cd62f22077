//! Seekers who compete for the same openings: expected offers beside expected
//! leads. Used by the simulation when an experiment has `[market]`
//! (docs/job-leads.md, "Offers").
//!
//! # Model
//! - A share `seekers` of the population looks for work at once; the people
//!   studied always do, the others are drawn with a fixed seed. Fake accounts
//!   never do.
//! - An opening of firm F is relevant to a seeker with the seeker's relevance
//!   for F (a coin per opening and seeker; none for F's own employees).
//! - In each world, the opening reaches the seekers that its news reaches
//!   (the same worlds, ties, forwarding and knowers as the leads) and is
//!   offered to one of those it is relevant to, each with equal chance, or
//!   to none.
//!
//! So a seeker i reached by F in a world gets its opening with probability
//! `rel_i · E[1 / (1 + X)]`, X the number of other reached seekers it is
//! relevant to: a sum of two binomials (those in F's industry and the
//! others), integrated exactly ([`Contest`]). Summed over every seeker, the
//! offers of an opening are the chance that it is relevant to someone it
//! reaches: never more than the openings (conservation, tested).
//!
//! # Algorithm
//! Per replicate and word of 64 worlds: first every studied person's searches
//! ([`LeadWorld::search_word`]); then, for each firm some search reached and
//! only in the worlds where it did, one breadth-first search backwards from
//! the firm's knowers, counting the seekers the news reaches by class
//! ([`Rivals`]); then each person's sums with every world weighted by its
//! share of the opening. Reversed, a path reads knower → … → the seeker's
//! contact → seeker: the contact forwards with `forward_near`, the ones before
//! it with `forward_far`, as in the person's own search; since both coins come
//! from one uniform draw per person and word, a node that may forward far may
//! forward near, and the two searches reach the same seekers (tested against
//! an enumeration of paths).
//!
//! # Complexity
//! Per word: the people's searches, plus per firm reached the arcs of the
//! nodes within max degree − 1 live hops of its knowers in the worlds asked;
//! memory O(nodes) per thread and the word's records of every person.

use std::collections::HashMap;
use std::sync::atomic::AtomicU64;
use std::sync::atomic::Ordering::{Acquire, Relaxed, Release};

use rayon::prelude::*;

use super::person::{PersonLeads, PersonQuestions, Sums, WordSearch, by_question};
use super::{LANES, LeadModel, LeadWorld, Scratch};
use crate::firms::NO_FIRM;
use crate::graph::NodeId;
use crate::reach::Degree;
use crate::seed::{splitmix, unit_interval};

/// The default share of the population looking for work in a given week:
/// the unemployed (about 5% of the labour force) plus the employed who
/// search for a new job (about a quarter of the employed search, some 40% of
/// them for an additional job only: about 14%), docs/job-leads.md "Offers".
pub const DEFAULT_SEEKERS: f64 = 0.2;

/// `[market]` of an experiment file: who seeks work, and in how many worlds
/// offers are counted.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MarketModel {
    /// The share of the population seeking work at once.
    pub seekers: f64,
    /// Worlds in which offers are counted: the first of the leads' worlds, a
    /// multiple of 64 (each costs a backward search per firm reached).
    pub worlds: u32,
}

impl Default for MarketModel {
    fn default() -> Self {
        Self {
            seekers: DEFAULT_SEEKERS,
            worlds: 64,
        }
    }
}

/// Who seeks work, and each firm's employees (the knowers' candidates).
#[derive(Debug, Clone)]
pub struct Market {
    share: f64,
    /// Offers are counted in the first `words` words of the leads' worlds.
    words: u32,
    seeker: Vec<u64>,
    count: usize,
    /// Firm `f`'s employees: `members[offsets[f]..offsets[f + 1]]`.
    offsets: Vec<u32>,
    members: Vec<u32>,
    /// Node `v`'s arcs to seekers, as arc numbers:
    /// `seeker_arcs[seeker_offsets[v]..seeker_offsets[v + 1]]` (the last hop
    /// of a backward search reads only these).
    seeker_offsets: Vec<u64>,
    seeker_arcs: Vec<u64>,
}

impl Market {
    /// A market over `world`'s people: everyone in `studied`, and each other
    /// real person with probability `share`, drawn from `seed`. Offers are
    /// counted in the first `worlds` of the leads' worlds (rounded up to a
    /// multiple of 64; at most all of them).
    pub fn new(
        world: &LeadWorld<'_>,
        share: f64,
        worlds: u32,
        seed: u64,
        studied: impl IntoIterator<Item = NodeId>,
    ) -> Self {
        let n = world.nodes;
        let mut seeker = vec![0u64; n.div_ceil(64)];
        for v in 0..(world.first_fake as usize).min(n) {
            if unit_interval(splitmix(seed ^ v as u64)) < share {
                seeker[v / 64] |= 1 << (v % 64);
            }
        }
        for p in studied {
            seeker[p.0 as usize / 64] |= 1 << (p.0 % 64);
        }
        let count = seeker.iter().map(|w| w.count_ones() as usize).sum();
        let (offsets, members) = world.firms.member_lists();
        let is_seeker = |v: u32| seeker[v as usize / 64] >> (v % 64) & 1 == 1;
        let mut seeker_offsets = Vec::with_capacity(n + 1);
        let mut seeker_arcs = Vec::new();
        seeker_offsets.push(0);
        for v in 0..n {
            let (from, to) = (world.offsets[v], world.offsets[v + 1]);
            #[allow(clippy::cast_possible_truncation)] // arc numbers fit usize
            seeker_arcs.extend((from..to).filter(|&a| is_seeker(world.targets[a as usize])));
            seeker_offsets.push(seeker_arcs.len() as u64);
        }
        Self {
            share,
            words: worlds.div_ceil(LANES).max(1),
            seeker,
            count,
            offsets,
            members,
            seeker_offsets,
            seeker_arcs,
        }
    }

    /// The share asked.
    pub fn share(&self) -> f64 {
        self.share
    }

    /// How many people seek work.
    pub fn seeker_count(&self) -> usize {
        self.count
    }

    /// Whether `v` seeks work.
    #[inline]
    pub fn is_seeker(&self, v: u32) -> bool {
        self.seeker[v as usize / 64] >> (v % 64) & 1 == 1
    }

    /// Node `v`'s arcs to seekers.
    #[allow(clippy::cast_possible_truncation)] // arc numbers fit usize
    fn seeker_arcs(&self, v: u32) -> &[u64] {
        &self.seeker_arcs
            [self.seeker_offsets[v as usize] as usize..self.seeker_offsets[v as usize + 1] as usize]
    }

    fn members(&self, f: u32) -> &[u32] {
        &self.members[self.offsets[f as usize] as usize..self.offsets[f as usize + 1] as usize]
    }
}

/// A person's connections (with mutual counts) and marginals by question.
type Prepared = (Vec<(u32, u32)>, Vec<Vec<usize>>);

/// Per world, the seekers a firm's news reaches: in its industry, elsewhere.
pub(crate) type Counts = [[u16; 2]; LANES as usize];

/// One word's rival counts for the firms asked.
pub(crate) struct Rivals {
    firms: Vec<u32>,
    counts: Vec<Counts>,
}

impl Rivals {
    /// The counts of `firms` (ascending), one per firm.
    pub(crate) fn new(firms: Vec<u32>, counts: Vec<Counts>) -> Self {
        Self { firms, counts }
    }

    fn of(&self, firm: u32) -> Option<&Counts> {
        self.firms
            .binary_search(&firm)
            .ok()
            .map(|i| &self.counts[i])
    }
}

/// E[1 / (1 + A + B)] with A ~ Binomial(a, `relevance_same`) and
/// B ~ Binomial(b, `relevance_other`): a seeker's chance to get an opening
/// relevant to them against a + b other seekers it reaches. Remembered per
/// (a, b).
pub(crate) struct Contest {
    same: f64,
    other: f64,
    memo: HashMap<(u16, u16), f64>,
}

impl Contest {
    pub(crate) fn new(model: &LeadModel) -> Self {
        Self {
            same: model.relevance_same,
            other: model.relevance_other,
            memo: HashMap::new(),
        }
    }

    /// The chance against `a` rivals in the firm's industry and `b` others.
    pub(crate) fn share(&mut self, a: u16, b: u16) -> f64 {
        if a == 0 && b == 0 {
            return 1.0;
        }
        let (same, other) = (self.same, self.other);
        *self.memo.entry((a, b)).or_insert_with(|| {
            let (sa, pa) = binomial(u32::from(a), same);
            let (sb, pb) = binomial(u32::from(b), other);
            let mut sum = 0.0;
            let base = f64::from(1 + sa + sb);
            for (i, &x) in pa.iter().enumerate() {
                for (j, &y) in pb.iter().enumerate() {
                    #[allow(clippy::cast_precision_loss)] // a few thousand at most
                    let k = (i + j) as f64;
                    sum += x * y / (base + k);
                }
            }
            sum
        })
    }
}

/// The probabilities of Binomial(`n`, `p`) where they exceed e⁻⁶⁰ of the
/// largest (the rest sum below 10⁻²⁴): the first value's count, and the
/// values. O(n) to find, O(√n) kept.
fn binomial(n: u32, p: f64) -> (u32, Vec<f64>) {
    if n == 0 || p <= 0.0 {
        return (0, vec![1.0]);
    }
    if p >= 1.0 {
        return (n, vec![1.0]);
    }
    let step = (p / (1.0 - p)).ln();
    let mut logs = Vec::with_capacity(n as usize + 1);
    let mut l = f64::from(n) * (1.0 - p).ln();
    logs.push(l);
    for k in 0..n {
        l += (f64::from(n - k) / f64::from(k + 1)).ln() + step;
        logs.push(l);
    }
    let top = logs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let first = logs.iter().position(|&x| x >= top - 60.0).unwrap_or(0);
    let last = logs.iter().rposition(|&x| x >= top - 60.0).unwrap_or(0);
    #[allow(clippy::cast_possible_truncation)] // at most n
    (
        first as u32,
        logs[first..=last].iter().map(|&x| x.exp()).collect(),
    )
}

impl LeadWorld<'_> {
    /// Answers each person's questions, as [`LeadWorld::person`] does, with
    /// expected offers in `market` beside the leads: each [`super::Leads`]
    /// gains `offers_at_hops` and each [`PersonLeads`] its `marginal_offers`.
    /// Persons are worked on in parallel; the answers are identical for any
    /// thread count. `done(i)` is called when person `i` is answered.
    pub fn in_market(
        &self,
        pqs: &[PersonQuestions<'_>],
        market: &Market,
        max: Degree,
        done: &(dyn Fn(usize) + Sync),
    ) -> Vec<PersonLeads> {
        let d = usize::from(max.0);
        let prep: Vec<Prepared> = pqs
            .par_iter()
            .map(|pq| (self.connections_of(pq.source.0), by_question(pq)))
            .collect();
        let mut totals: Vec<Sums> = pqs.iter().map(|pq| Sums::zero(pq, d, true)).collect();
        let mut replicates: Vec<u32> = pqs.iter().map(|pq| pq.replicate).collect();
        replicates.sort_unstable();
        replicates.dedup();
        let words = self.model.words();
        let offer_words = market.words.min(words);
        for r in replicates {
            let people: Vec<usize> = (0..pqs.len()).filter(|&i| pqs[i].replicate == r).collect();
            for w in 0..words {
                let searches: Vec<WordSearch> = people
                    .par_iter()
                    .map_init(
                        || self.scratch(),
                        |scratch, &i| self.search_word(&pqs[i], d, &prep[i].0, w, scratch),
                    )
                    .collect();
                let rivals = (w < offer_words).then(|| {
                    let asked = people.iter().map(|&i| &pqs[i]);
                    self.rivals(market, r, w, &needed(&searches, asked, d), d)
                });
                let sums: Vec<Sums> = people
                    .par_iter()
                    .zip(&searches)
                    .map_init(
                        || Contest::new(&self.model),
                        |contest, (&i, search)| match &rivals {
                            Some(rivals) => {
                                let weights =
                                    self.offer_weights(pqs[i].source.0, search, rivals, contest, d);
                                self.sum_word(&pqs[i], d, &prep[i].1, search, Some(&weights))
                            }
                            None => self.sum_word(&pqs[i], d, &prep[i].1, search, None),
                        },
                    )
                    .collect();
                for (&i, s) in people.iter().zip(&sums) {
                    totals[i].add(s);
                    if w + 1 == words {
                        done(i);
                    }
                }
            }
        }
        totals
            .into_iter()
            .map(|t| self.finish(t, offer_words))
            .collect()
    }

    /// Per holder of `search` and world where some record reaches it: the
    /// holder's rate for the person times the person's chance to get the
    /// opening against the other seekers it reaches there.
    pub(crate) fn offer_weights(
        &self,
        source: u32,
        search: &WordSearch,
        rivals: &Rivals,
        contest: &mut Contest,
        d: usize,
    ) -> Vec<[f64; LANES as usize]> {
        let who = self.seeker(source);
        let holders = search.firms.len();
        let mut base = vec![0u64; holders];
        let mut union = vec![0u64; holders];
        let lanes =
            |masks: &[u64], j: usize| masks[j * d..(j + 1) * d].iter().fold(0, |a, &x| a | x);
        for (j, &h) in search.connected.holders.iter().enumerate() {
            base[h as usize] |= lanes(&search.connected.masks, j);
        }
        union.copy_from_slice(&base);
        for fd in search.found.iter().flatten() {
            for (j, &h) in fd.holders.iter().enumerate() {
                union[h as usize] |= lanes(&fd.masks, j);
            }
        }
        let mut weights = vec![[0.0; LANES as usize]; holders];
        for (h, w) in weights.iter_mut().enumerate() {
            let firm = search.firms[h];
            let rate = self.firm_rate(who, firm);
            let Some(counts) = rivals.of(firm) else {
                continue;
            };
            let same = usize::from(self.firms.industry(firm) != who.industry);
            let mut bits = union[h];
            while bits != 0 {
                let lane = bits.trailing_zeros() as usize;
                bits &= bits - 1;
                let mut c = counts[lane];
                // The person counts among the seekers reached in the base
                // graph; the rivals are the others.
                if base[h] >> lane & 1 == 1 {
                    debug_assert!(c[same] > 0, "the backward search reaches the person");
                    c[same] = c[same].saturating_sub(1);
                }
                w[lane] = rate * contest.share(c[0], c[1]);
            }
        }
        weights
    }

    /// The rival counts of word `w` of replicate `r` for each (firm, worlds)
    /// of `needed` (sorted by firm), in parallel over firms.
    fn rivals(&self, market: &Market, r: u32, w: u32, needed: &[(u32, u64)], d: usize) -> Rivals {
        let ws = self.word_seed(r, w);
        // The word's ties, drawn once each: the firms' searches cross the
        // same neighbourhoods again and again.
        let ties = TieCache::new(self.targets.len());
        let counts = needed
            .par_iter()
            .map_init(
                || self.scratch(),
                |scratch, &(firm, lanes)| {
                    self.rivals_of(market, ws, &ties, firm, lanes, d, scratch)
                },
            )
            .collect();
        Rivals {
            firms: needed.iter().map(|&(f, _)| f).collect(),
            counts,
        }
    }

    /// The seekers that news of `firm`'s openings reaches within `d` ties in
    /// the worlds `lanes` of the word seeded `ws`, counted per world by
    /// class: a breadth-first search backwards from the firm's knowers.
    /// `scratch` is left clean.
    #[allow(clippy::too_many_lines)] // one search, then its counts
    #[allow(clippy::too_many_arguments)] // one search, its caches beside it
    fn rivals_of(
        &self,
        market: &Market,
        ws: u64,
        ties: &TieCache,
        firm: u32,
        lanes: u64,
        d: usize,
        scratch: &mut Scratch,
    ) -> Counts {
        let Scratch {
            visited,
            next,
            touched,
            frontier,
            heard,
            ..
        } = scratch;
        let mut seen: Vec<u32> = Vec::new();
        let mut heard_by: Vec<u32> = Vec::new();
        frontier.clear();
        for &u in market.members(firm) {
            let k = lanes & self.knows_word(ws, u);
            if k != 0 {
                visited[u as usize] = k;
                seen.push(u);
                frontier.push((u, k));
            }
        }
        // `t`: the frontier's distance from a knower.
        for t in 0..d {
            let spread = t + 1 < d;
            touched.clear();
            for &(v, m) in frontier.iter() {
                // To a seeker, v is their own connection (forwarding near);
                // to someone who passes it on, a stranger's (far). Knowers
                // need not forward.
                let (tell, pass) = if t == 0 {
                    (m, if spread { m } else { 0 })
                } else {
                    (
                        m & self.forward_word(ws, v, true),
                        if spread {
                            m & self.forward_word(ws, v, false)
                        } else {
                            0
                        },
                    )
                };
                if tell | pass == 0 {
                    continue;
                }
                if !spread {
                    // The last hop: only seekers matter.
                    for &arc in market.seeker_arcs(v) {
                        #[allow(clippy::cast_possible_truncation)] // arc numbers fit usize
                        let arc = arc as usize;
                        let u = self.targets[arc];
                        let want = tell & !heard[u as usize];
                        if want == 0 {
                            continue;
                        }
                        let got = want
                            & ties.get(arc, || self.tie_word(ws, v, u, self.mutual_at(arc, v, u)));
                        if got != 0 {
                            if heard[u as usize] == 0 {
                                heard_by.push(u);
                            }
                            heard[u as usize] |= got;
                        }
                    }
                    continue;
                }
                let (from, to) = self.arc_span(v);
                for (i, &u) in self.targets[from..to].iter().enumerate() {
                    let asking = if tell != 0 && market.is_seeker(u) {
                        tell & !heard[u as usize]
                    } else {
                        0
                    };
                    let want = asking | (pass & !visited[u as usize]);
                    if want == 0 {
                        continue;
                    }
                    let arc = from + i;
                    let live =
                        want & ties.get(arc, || self.tie_word(ws, v, u, self.mutual_at(arc, v, u)));
                    let got = live & asking;
                    if got != 0 {
                        if heard[u as usize] == 0 {
                            heard_by.push(u);
                        }
                        heard[u as usize] |= got;
                    }
                    let onward = live & pass;
                    if onward != 0 {
                        if next[u as usize] == 0 {
                            touched.push(u);
                        }
                        next[u as usize] |= onward;
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
            }
            if frontier.is_empty() {
                break;
            }
        }
        let industry = self.firms.industry(firm);
        let (same_q, other_q) = (self.model.relevance_same, self.model.relevance_other);
        let mut counts = [[0u16; 2]; LANES as usize];
        for &u in &heard_by {
            let mut bits = std::mem::take(&mut heard[u as usize]);
            let f = self.firm_of[u as usize];
            if f == firm {
                continue;
            }
            let same = f != NO_FIRM && self.firms.industry(f) == industry;
            if (if same { same_q } else { other_q }) <= 0.0 {
                continue;
            }
            let class = usize::from(!same);
            while bits != 0 {
                let lane = bits.trailing_zeros() as usize;
                bits &= bits - 1;
                counts[lane][class] = counts[lane][class].saturating_add(1);
            }
        }
        for v in seen {
            visited[v as usize] = 0;
        }
        counts
    }
}

/// Each arc's draw in one word, made when first asked and kept, shared by
/// the threads (a race draws the same word twice).
struct TieCache {
    words: Vec<AtomicU64>,
    /// One bit per arc: drawn.
    drawn: Vec<AtomicU64>,
}

impl TieCache {
    fn new(arcs: usize) -> Self {
        Self {
            words: crate::memory::zeroed_vec(arcs),
            drawn: crate::memory::zeroed_vec(arcs.div_ceil(64)),
        }
    }

    #[inline]
    fn get(&self, arc: usize, draw: impl FnOnce() -> u64) -> u64 {
        let bit = 1u64 << (arc % 64);
        if self.drawn[arc / 64].load(Acquire) & bit != 0 {
            return self.words[arc].load(Relaxed);
        }
        let w = draw();
        self.words[arc].store(w, Relaxed);
        self.drawn[arc / 64].fetch_or(bit, Release);
        w
    }
}

/// The (firm, worlds) that the word's searches reached and some question or
/// marginal asks about (the connections' always; a tie's when a question
/// accepts it or a marginal asks its value), sorted by firm.
pub(crate) fn needed<'q>(
    searches: &[WordSearch],
    asked: impl Iterator<Item = &'q PersonQuestions<'q>>,
    d: usize,
) -> Vec<(u32, u64)> {
    let mut all: Vec<(u32, u64)> = Vec::new();
    for (s, pq) in searches.iter().zip(asked) {
        let mut used = vec![false; s.found.len()];
        for &t in pq.sets.iter().flatten() {
            used[t] = true;
        }
        for &(_, t) in pq.marginals {
            used[t] = true;
        }
        let ties = s
            .found
            .iter()
            .zip(used)
            .filter_map(|(fd, u)| if u { fd.as_ref() } else { None });
        let records = std::iter::once(&s.connected).chain(ties);
        for fd in records {
            for (j, &h) in fd.holders.iter().enumerate() {
                let lanes = fd.masks[j * d..(j + 1) * d].iter().fold(0, |a, &x| a | x);
                all.push((s.firms[h as usize], lanes));
            }
        }
    }
    all.sort_unstable_by_key(|&(f, _)| f);
    let mut out: Vec<(u32, u64)> = Vec::new();
    for (f, lanes) in all {
        match out.last_mut() {
            Some((g, l)) if *g == f => *l |= lanes,
            _ => out.push((f, lanes)),
        }
    }
    out
}

#[cfg(test)]
mod tests;
