//! The plain form of [`LeadWorld`]'s search: one question (a person and the
//! invitations they accepted), one breadth-first search per word of 64 worlds
//! from the person, counting each firm the first time a knower of its openings
//! is reached in a world. The tests' reference: [`LeadWorld::person`], which
//! the simulation and `advise` use, answers the same questions in bulk and is
//! checked against it. O(arcs of the nodes that forward in some world within max degree − 1
//! hops) per word.

use super::{LANES, LeadQuery, LeadWorld, Leads, Scratch};
use crate::reach::Degree;

impl LeadWorld<'_> {
    /// Openings reached per world of one word, per hops: `out[k][lane]`, the
    /// rate reached at exactly k + 1 hops in world `lane`.
    #[allow(clippy::too_many_arguments)]
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
        let who = self.seeker(s);
        let Scratch {
            visited,
            next,
            touched,
            frontier,
            firm_seen,
            ..
        } = scratch;
        let mut seen: Vec<u32> = vec![s];
        let mut firms_met: Vec<u32> = Vec::new();
        visited[s as usize] = !0;
        frontier.clear();
        frontier.push((s, lanes));
        let levels = usize::from(max.0);
        for (level, rates) in out.iter_mut().take(levels).enumerate() {
            // At the last level only knowers of firms not yet reached matter:
            // nobody forwards from there.
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
            let useful = |u: u32, carry: u64, firm_seen: &[u64]| {
                self.holds(who, u).is_some_and(|(f, _)| {
                    carry & !firm_seen[f as usize] & self.knows_word(ws, u) != 0
                })
            };
            for &(v, reached) in frontier.iter() {
                let carry = if v == s {
                    reached
                } else {
                    reached & self.forward_word(ws, v, level == 1)
                };
                if carry == 0 {
                    continue;
                }
                let (a, b) = self.arc_span(v);
                for (i, &u) in self.targets[a..b].iter().enumerate() {
                    if carry & !visited[u as usize] == 0 || (last && !useful(u, carry, firm_seen)) {
                        continue;
                    }
                    let live = self.tie_live(ws, v, u, carry, || self.mutual_at(a + i, v, u));
                    offer(u, live, touched);
                }
                if v == s {
                    for &(u, m) in q.accepted {
                        if carry & !visited[u as usize] != 0
                            && (!last || useful(u, carry, firm_seen))
                        {
                            offer(u, self.tie_live(ws, v, u, carry, || m), touched);
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
                if let Some((f, rate)) = self.holds(who, u) {
                    let known = new & self.knows_word(ws, u);
                    let fresh = known & !firm_seen[f as usize];
                    if fresh != 0 {
                        if firm_seen[f as usize] == 0 {
                            firms_met.push(f);
                        }
                        firm_seen[f as usize] |= fresh;
                        let mut bits = fresh;
                        while bits != 0 {
                            rates[bits.trailing_zeros() as usize] += rate;
                            bits &= bits - 1;
                        }
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
        for f in firms_met {
            firm_seen[f as usize] = 0;
        }
    }

    /// Per world, the openings reached within each hop count (cumulative):
    /// `worlds × max` rates, world-major. For tests and error estimates.
    #[allow(clippy::needless_range_loop)] // lanes index the rows of every hop
    pub fn world_rates(&self, q: &LeadQuery<'_>, max: Degree) -> Vec<Vec<f64>> {
        let mut scratch = self.scratch();
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
            offers_at_hops: Vec::new(),
        }
    }
}
