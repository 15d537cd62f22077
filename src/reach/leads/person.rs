//! All of one person's lead questions at once: every week and strategy of a
//! replicate differs only in which invitations the person accepted, and every
//! accepted tie starts at the person. So each world's search is split by first
//! tie: one search of depth max − 1 in the graph without the person, from all
//! the person's connections at once (every question has them), and one from
//! each inviter any question accepts. Each records, per world, at which depth a
//! knower of each firm's openings is first reached (a firm's records merge
//! over its knowers). A question is then the union of the connections' record
//! and its accepted ties' records (hop = 1 + the smallest depth), and a tie's
//! marginal value the firms only it reaches, without searching again: a tie
//! into a firm that another tie already reaches in a world adds nothing there.
//!
//! Each first tie's own draw starts its search, so a search runs on the
//! worlds where its ties pass (for an inviter, often a small share) and costs
//! what those worlds touch; the connections' joint search visits each node
//! once per world however many connections lead to it (a hub's thousands of
//! connections cost one search, not thousands). The worlds are those of
//! [`LeadWorld::leads`], so the answers agree with it to rounding (tested).

use rayon::prelude::*;

use super::{LANES, LeadWorld, Leads, Scratch, Seeker};
use crate::graph::NodeId;
use crate::reach::Degree;

/// One person's questions in one replicate.
#[derive(Debug, Clone, Copy)]
pub struct PersonQuestions<'a> {
    /// The person.
    pub source: NodeId,
    /// Which replicate's worlds.
    pub replicate: u32,
    /// Every invitation any question accepts: (inviter, mutual at acceptance).
    pub ties: &'a [(u32, u32)],
    /// Each question: indices into `ties` of the accepted invitations.
    pub sets: &'a [Vec<usize>],
    /// Marginal values asked: (question, tie). The leads within the max degree
    /// of the question with the tie, minus those without it.
    pub marginals: &'a [(usize, usize)],
}

/// The answers, in the order asked.
#[derive(Debug, Clone, PartialEq)]
pub struct PersonLeads {
    /// Per question.
    pub leads: Vec<Leads>,
    /// Per marginal asked.
    pub marginals: Vec<f64>,
    /// Per marginal asked, in expected offers (empty without a market).
    pub marginal_offers: Vec<f64>,
}

/// Per-world sums of one person's answers, before dividing by the worlds.
pub(crate) struct Sums {
    /// Per question and hop: the rates reached.
    at: Vec<Vec<f64>>,
    /// Per question and hop: e^(−rate within the hop).
    no_lead: Vec<Vec<f64>>,
    /// Per marginal asked.
    gained: Vec<f64>,
    /// With a market: per question and hop, the offers; per marginal, the
    /// offers gained.
    offers_at: Vec<Vec<f64>>,
    offers_gained: Vec<f64>,
}

impl Sums {
    pub(crate) fn zero(pq: &PersonQuestions<'_>, d: usize, market: bool) -> Self {
        let (q, m) = (pq.sets.len(), pq.marginals.len());
        Sums {
            at: vec![vec![0.0; d]; q],
            no_lead: vec![vec![0.0; d]; q],
            gained: vec![0.0; m],
            offers_at: if market {
                vec![vec![0.0; d]; q]
            } else {
                Vec::new()
            },
            offers_gained: if market { vec![0.0; m] } else { Vec::new() },
        }
    }

    pub(crate) fn add(&mut self, other: &Sums) {
        let pairs = [
            (&mut self.at, &other.at),
            (&mut self.no_lead, &other.no_lead),
            (&mut self.offers_at, &other.offers_at),
        ];
        for (mine, theirs) in pairs {
            for (a, b) in mine.iter_mut().flatten().zip(theirs.iter().flatten()) {
                *a += b;
            }
        }
        for (a, b) in self.gained.iter_mut().zip(&other.gained) {
            *a += b;
        }
        for (a, b) in self.offers_gained.iter_mut().zip(&other.offers_gained) {
            *a += b;
        }
    }
}

/// One word's searches of one person: the firms met (numbered locally), each
/// one's rate for the person, the connections' joint record and each tie's.
pub(crate) struct WordSearch {
    pub(super) firms: Vec<u32>,
    rate: Vec<f64>,
    pub(super) connected: Found,
    pub(super) found: Vec<Option<Found>>,
}

impl WordSearch {
    /// The word's searches with their holders numbered by firm (`firms[h]`
    /// ascending), whatever order the searches met them in, so the sums over
    /// holders run in one order for a search here and on a cluster
    /// (`cluster/leads.rs`); `firms` is the firm of each current number.
    pub(crate) fn new(
        world: &LeadWorld<'_>,
        who: Seeker,
        firms: &[u32],
        mut connected: Found,
        mut found: Vec<Option<Found>>,
        d: usize,
    ) -> Self {
        let mut order: Vec<u32> = (0..u32::try_from(firms.len()).expect("firms fit u32")).collect();
        order.sort_unstable_by_key(|&h| firms[h as usize]);
        let mut number = vec![0u32; firms.len()];
        for (new, &old) in order.iter().enumerate() {
            number[old as usize] = u32::try_from(new).expect("firms fit u32");
        }
        for fd in std::iter::once(&mut connected).chain(found.iter_mut().flatten()) {
            for h in &mut fd.holders {
                *h = number[*h as usize];
            }
            merge_records(fd, d);
        }
        let firms: Vec<u32> = order.iter().map(|&h| firms[h as usize]).collect();
        let rate = firms.iter().map(|&f| world.firm_rate(who, f)).collect();
        WordSearch {
            firms,
            rate,
            connected,
            found,
        }
    }
}

/// What one first tie's search found: per holder reached, a local holder
/// index and the worlds where it is first reached at each depth.
pub(crate) struct Found {
    pub(crate) holders: Vec<u32>,
    /// `holders.len() × depth` masks, holder-major.
    pub(crate) masks: Vec<u64>,
}

impl LeadWorld<'_> {
    /// Answers one person's questions; `scratch` must be clean and is left clean.
    pub fn person(
        &self,
        pq: &PersonQuestions<'_>,
        max: Degree,
        scratch: &mut Scratch,
    ) -> PersonLeads {
        let d = usize::from(max.0);
        let connections = self.connections_of(pq.source.0);
        let asked = by_question(pq);
        let mut total = Sums::zero(pq, d, false);
        for w in 0..self.model.words() {
            let search = self.search_word(pq, d, &connections, w, scratch);
            total.add(&self.sum_word(pq, d, &asked, &search, None));
        }
        self.finish(total, 0)
    }

    /// [`Self::person`] with the worlds' words spread over the thread pool
    /// (one person asking many worlds, as `advise` does): each word is summed
    /// alone and the sums are added in word order, as [`Self::person`] adds
    /// them, so the answers are identical for any thread count.
    pub fn person_parallel(&self, pq: &PersonQuestions<'_>, max: Degree) -> PersonLeads {
        let d = usize::from(max.0);
        let connections = self.connections_of(pq.source.0);
        let asked = by_question(pq);
        let parts: Vec<Sums> = (0..self.model.words())
            .into_par_iter()
            .map_init(
                || self.scratch(),
                |scratch, w| {
                    let search = self.search_word(pq, d, &connections, w, scratch);
                    self.sum_word(pq, d, &asked, &search, None)
                },
            )
            .collect();
        let mut total = Sums::zero(pq, d, false);
        for part in &parts {
            total.add(part);
        }
        self.finish(total, 0)
    }

    /// The person's connections with their mutual connections: the first
    /// ties every question has.
    pub(super) fn connections_of(&self, s: u32) -> Vec<(u32, u32)> {
        let (from, to) = self.arc_span(s);
        self.targets[from..to]
            .iter()
            .enumerate()
            .map(|(i, &u)| (u, self.mutual_at(from + i, s, u)))
            .collect()
    }

    /// Means over the worlds of the sums; offers were summed over the
    /// first `offer_words` words.
    pub(crate) fn finish(&self, total: Sums, offer_words: u32) -> PersonLeads {
        let n = f64::from(self.model.words() * LANES);
        let mean = |v: Vec<f64>| -> Vec<f64> { v.into_iter().map(|x| x / n).collect() };
        let on = f64::from(offer_words * LANES);
        let offers_mean = |v: Vec<f64>| -> Vec<f64> { v.into_iter().map(|x| x / on).collect() };
        let mut offers = total.offers_at.into_iter();
        PersonLeads {
            leads: total
                .at
                .into_iter()
                .zip(total.no_lead)
                .map(|(at, none)| Leads {
                    at_hops: mean(at),
                    p_any_up_to: none.into_iter().map(|x| 1.0 - x / n).collect(),
                    offers_at_hops: offers.next().map(offers_mean).unwrap_or_default(),
                })
                .collect(),
            marginals: mean(total.gained),
            marginal_offers: offers_mean(total.offers_gained),
        }
    }

    /// One word's searches of one person (the connections together, each
    /// inviter alone); `scratch` is left clean.
    pub(super) fn search_word(
        &self,
        pq: &PersonQuestions<'_>,
        d: usize,
        connections: &[(u32, u32)],
        w: u32,
        scratch: &mut Scratch,
    ) -> WordSearch {
        let s = pq.source.0;
        let who = self.seeker(s);
        // Local holder numbering, shared by the word's searches.
        let mut local: Vec<u32> = Vec::new();
        let mut found: Vec<Option<Found>> = Vec::with_capacity(pq.ties.len());
        let mut starts: Vec<(u32, u64)> = Vec::with_capacity(connections.len());
        let ws = self.word_seed(pq.replicate, w);
        for &(f, m) in connections {
            let lanes = self.tie_word(ws, s, f, m);
            if lanes != 0 {
                starts.push((f, lanes));
            }
        }
        let connected = self.search_from(ws, who, s, &starts, d, scratch, &mut local);
        for &(f, m) in pq.ties {
            let lanes = self.tie_word(ws, s, f, m);
            found.push(
                (lanes != 0)
                    .then(|| self.search_from(ws, who, s, &[(f, lanes)], d, scratch, &mut local)),
            );
        }
        for &h in &local {
            scratch.slot[h as usize] = 0;
        }
        WordSearch::new(self, who, &local, connected, found, d)
    }

    /// One word's 64 worlds of one person's questions and marginals, from
    /// the word's searches. With `offers` (per holder and world, the offers
    /// an opening reaching the person there is worth: the holder's rate
    /// times the person's chance to get it against the rivals it reaches),
    /// the same sums in offers.
    #[allow(
        clippy::too_many_lines,
        clippy::needless_range_loop,
        clippy::unused_self
    )] // every question from the records; lanes index every hop's rows
    pub(crate) fn sum_word(
        &self,
        pq: &PersonQuestions<'_>,
        d: usize,
        by_question: &[Vec<usize>],
        search: &WordSearch,
        offers: Option<&[[f64; LANES as usize]]>,
    ) -> Sums {
        let mut sums = Sums::zero(pq, d, offers.is_some());
        let WordSearch {
            firms,
            rate,
            connected,
            found,
        } = search;
        let holders = firms.len();
        // The person's own connections are in every question: their union
        // once (one search), then each question adds its accepted ties'
        // records to it. Whether two connections reach a firm in a world
        // never matters: a marginal asks whether anything besides its own
        // tie does, and the union answers that.
        // One search, so one record per holder: copied, not merged.
        let mut base_first = vec![0u64; holders * d];
        let mut base_once = vec![0u64; holders];
        for (j, &h) in connected.holders.iter().enumerate() {
            let (h, masks) = (h as usize, &connected.masks[j * d..(j + 1) * d]);
            base_first[h * d..(h + 1) * d].copy_from_slice(masks);
            base_once[h] = masks.iter().fold(0, |acc, &x| acc | x);
        }
        let mut base_rates = vec![[0.0f64; LANES as usize]; d];
        let mut base_offers = vec![[0.0f64; LANES as usize]; if offers.is_some() { d } else { 0 }];
        for h in 0..holders {
            let first = &base_first[h * d..(h + 1) * d];
            add_rates(first, rate[h], 1.0, &mut base_rates);
            if let Some(o) = offers {
                add_weighted(first, &o[h], 1.0, &mut base_offers);
            }
        }
        // A question's changes: holders its ties reach, numbered by `mark`.
        let mut mark = vec![usize::MAX; holders];
        let mut changed: Vec<usize> = Vec::new();
        let mut q_first: Vec<u64> = Vec::new();
        let mut q_once: Vec<u64> = Vec::new();
        let mut q_twice: Vec<u64> = Vec::new();
        let mut rates = vec![[0.0f64; LANES as usize]; d];
        let mut offer_rates = base_offers.clone();
        for (qi, set) in pq.sets.iter().enumerate() {
            for &h in &changed {
                mark[h] = usize::MAX;
            }
            changed.clear();
            q_first.clear();
            q_once.clear();
            q_twice.clear();
            let records = || set.iter().filter_map(|&t| found[t].as_ref());
            for fd in records() {
                for &h in &fd.holders {
                    let h = h as usize;
                    if mark[h] == usize::MAX {
                        mark[h] = changed.len();
                        changed.push(h);
                        q_first.extend_from_slice(&base_first[h * d..(h + 1) * d]);
                        q_once.push(base_once[h]);
                        q_twice.push(0);
                    }
                }
            }
            for fd in records() {
                merge_into(fd, d, |h| mark[h], &mut q_first, &mut q_once, &mut q_twice);
            }
            rates.clone_from(&base_rates);
            offer_rates.clone_from(&base_offers);
            for (at, &h) in changed.iter().enumerate() {
                let (before, after) = (
                    &base_first[h * d..(h + 1) * d],
                    &q_first[at * d..(at + 1) * d],
                );
                add_rates(before, rate[h], -1.0, &mut rates);
                add_rates(after, rate[h], 1.0, &mut rates);
                if let Some(o) = offers {
                    add_weighted(before, &o[h], -1.0, &mut offer_rates);
                    add_weighted(after, &o[h], 1.0, &mut offer_rates);
                }
            }
            for lane in 0..LANES as usize {
                let mut acc = 0.0;
                for k in 0..d {
                    sums.at[qi][k] += rates[k][lane];
                    acc += rates[k][lane];
                    sums.no_lead[qi][k] += (-acc).exp();
                }
            }
            if offers.is_some() {
                for k in 0..d {
                    sums.offers_at[qi][k] += offer_rates[k].iter().sum::<f64>();
                }
            }
            // Marginals of this question: holders only the tie reaches.
            for &mi in &by_question[qi] {
                let tie = pq.marginals[mi].1;
                let Some(fd) = &found[tie] else {
                    continue;
                };
                let inside = set.contains(&tie);
                for (j, &h) in fd.holders.iter().enumerate() {
                    let h = h as usize;
                    let (once, twice) = match mark[h] {
                        usize::MAX => (base_once[h], 0),
                        at => (q_once[at], q_twice[at]),
                    };
                    let any = (0..d).fold(0, |acc, k| acc | fd.masks[j * d + k]);
                    let others = if inside { twice } else { once };
                    let only = any & !others;
                    sums.gained[mi] += rate[h] * f64::from(only.count_ones());
                    if let Some(o) = offers {
                        sums.offers_gained[mi] += lanes_sum(only, &o[h]);
                    }
                }
            }
        }
        sums
    }

    /// The search from first contacts `starts` of person `s` (`who`), each in
    /// the worlds where its tie to `s` passes: the firms whose knowers it
    /// reaches within `d` − 1 more ties, in the graph without `s`, numbered
    /// through `scratch.slot` into `local`. The contacts forward as the
    /// seeker's own connections, everyone after them as strangers; a firm's
    /// record is its first arrival over all of them (the union).
    #[allow(clippy::too_many_arguments, clippy::too_many_lines)] // one search, its caches beside it
    fn search_from(
        &self,
        ws: u64,
        who: Seeker,
        s: u32,
        starts: &[(u32, u64)],
        d: usize,
        scratch: &mut Scratch,
        local: &mut Vec<u32>,
    ) -> Found {
        let Scratch {
            visited,
            next,
            touched,
            frontier,
            slot,
            firm_seen,
            ..
        } = scratch;
        let mut found = Found {
            holders: Vec::new(),
            masks: Vec::new(),
        };
        // Who knows in which worlds: a draw each time (cheaper than reading
        // a cache, whose every read is a miss).
        let knows_of = |u: u32| -> u64 { self.knows_word(ws, u) };
        // This search's firms and the worlds it reaches each in (first met
        // is all that counts), reset when it ends.
        let mut firms_met: Vec<u32> = Vec::new();
        let mut record = |u: u32,
                          depth: usize,
                          known: u64,
                          found: &mut Found,
                          firm_seen: &mut [u64],
                          firms_met: &mut Vec<u32>| {
            let Some(firm) = self.holds_firm(who, u) else {
                return;
            };
            let fresh = known & !firm_seen[firm as usize];
            if fresh == 0 {
                return;
            }
            if firm_seen[firm as usize] == 0 {
                firms_met.push(firm);
            }
            firm_seen[firm as usize] |= fresh;
            // Slots hold the number plus one: 0 is "not met", so a fresh
            // scratch is zeroed memory the system hands out lazily.
            let sl = &mut slot[firm as usize];
            if *sl == 0 {
                local.push(firm);
                *sl = u32::try_from(local.len()).expect("firms fit u32");
            }
            found.holders.push(*sl - 1);
            let at = found.masks.len();
            found.masks.resize(at + d, 0);
            found.masks[at + depth] = fresh;
        };
        // The person is never an intermediary; the contacts are reached at
        // depth 0.
        let mut seen: Vec<u32> = vec![s];
        visited[s as usize] = !0;
        frontier.clear();
        for &(f, lanes) in starts {
            if visited[f as usize] == 0 {
                seen.push(f);
            }
            visited[f as usize] |= lanes;
            if self.holds_firm(who, f).is_some() {
                let known = lanes & knows_of(f);
                record(f, 0, known, &mut found, firm_seen, &mut firms_met);
            }
            frontier.push((f, lanes));
        }
        for depth in 1..d {
            let last = depth + 1 == d;
            touched.clear();
            for &(v, reached) in frontier.iter() {
                let carry = reached & self.forward_word(ws, v, depth == 1);
                if carry == 0 {
                    continue;
                }
                let (from, to) = self.arc_span(v);
                for (i, &u) in self.targets[from..to].iter().enumerate() {
                    // At the last hop only a knower of a firm this search has
                    // not yet reached in those worlds matters. A node already
                    // reached there is such a knower only if its firm is seen,
                    // so the firm test covers the visited one. Knowing is a
                    // draw, computed without a memory read, so it goes first.
                    if last {
                        let knows = carry & knows_of(u);
                        if knows == 0 {
                            continue;
                        }
                        let Some(firm) = self.holds_firm(who, u) else {
                            continue;
                        };
                        if knows & !firm_seen[firm as usize] == 0 {
                            continue;
                        }
                    } else if carry & !visited[u as usize] == 0 {
                        continue;
                    }
                    let live = self.tie_live(ws, v, u, carry, || self.mutual_at(from + i, v, u));
                    if live != 0 {
                        let sl = &mut next[u as usize];
                        if *sl == 0 {
                            touched.push(u);
                        }
                        *sl |= live;
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
                if !last {
                    frontier.push((u, new));
                }
                if self.holds_firm(who, u).is_some() {
                    let known = new & knows_of(u);
                    record(u, depth, known, &mut found, firm_seen, &mut firms_met);
                }
            }
            if frontier.is_empty() {
                break;
            }
        }
        for firm in firms_met {
            firm_seen[firm as usize] = 0;
        }
        for v in seen {
            visited[v as usize] = 0;
        }
        // One record per holder: a holder met at several depths merges.
        merge_records(&mut found, d);
        found
    }
}

/// Per question, the indices of the marginals asked of it.
pub(crate) fn by_question(pq: &PersonQuestions<'_>) -> Vec<Vec<usize>> {
    let mut asked: Vec<Vec<usize>> = vec![Vec::new(); pq.sets.len()];
    for (mi, &(q, _)) in pq.marginals.iter().enumerate() {
        asked[q].push(mi);
    }
    asked
}

/// ORs one first tie's records into per-holder first-arrival masks, and counts
/// per holder the worlds reached by at least one and by two or more first ties;
/// `at` gives a holder's row in the three arrays.
fn merge_into(
    fd: &Found,
    d: usize,
    at: impl Fn(usize) -> usize,
    first: &mut [u64],
    once: &mut [u64],
    twice: &mut [u64],
) {
    for (j, &h) in fd.holders.iter().enumerate() {
        let h = at(h as usize);
        let mut any = 0;
        for k in 0..d {
            let x = fd.masks[j * d + k];
            first[h * d + k] |= x;
            any |= x;
        }
        twice[h] |= once[h] & any;
        once[h] |= any;
    }
}

/// Adds `sign × rate` to every world's hop at which a holder with these
/// first-arrival masks (per depth) is first reached.
fn add_rates(first: &[u64], rate: f64, sign: f64, rates: &mut [[f64; LANES as usize]]) {
    let mut before = 0u64;
    for (k, &x) in first.iter().enumerate() {
        let mut bits = x & !before;
        before |= x;
        while bits != 0 {
            rates[k][bits.trailing_zeros() as usize] += sign * rate;
            bits &= bits - 1;
        }
    }
}

/// Adds `sign × weight` of each world to the hop at which a holder with
/// these first-arrival masks is first reached there.
fn add_weighted(
    first: &[u64],
    weights: &[f64; LANES as usize],
    sign: f64,
    out: &mut [[f64; LANES as usize]],
) {
    let mut before = 0u64;
    for (k, &x) in first.iter().enumerate() {
        let mut bits = x & !before;
        before |= x;
        while bits != 0 {
            let lane = bits.trailing_zeros() as usize;
            out[k][lane] += sign * weights[lane];
            bits &= bits - 1;
        }
    }
}

/// The weights of the worlds in `lanes`.
fn lanes_sum(lanes: u64, weights: &[f64; LANES as usize]) -> f64 {
    let mut bits = lanes;
    let mut sum = 0.0;
    while bits != 0 {
        sum += weights[bits.trailing_zeros() as usize];
        bits &= bits - 1;
    }
    sum
}

/// Merges the records of a holder found at several depths into one.
fn merge_records(found: &mut Found, d: usize) {
    if found.holders.len() < 2 {
        return;
    }
    let mut order: Vec<usize> = (0..found.holders.len()).collect();
    order.sort_by_key(|&j| found.holders[j]);
    let mut holders = Vec::with_capacity(order.len());
    let mut masks: Vec<u64> = Vec::with_capacity(order.len() * d);
    for j in order {
        let h = found.holders[j];
        if holders.last() != Some(&h) {
            holders.push(h);
            masks.resize(masks.len() + d, 0);
        }
        let at = masks.len() - d;
        for k in 0..d {
            masks[at + k] |= found.masks[j * d + k];
        }
    }
    found.holders = holders;
    found.masks = masks;
}
