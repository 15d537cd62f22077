//! Adoption (`[adoption] shares`): the advice tested when many people follow
//! it. For each share and strategy, that share of the whole population
//! follows the strategy for the experiment's weeks: their accepted
//! invitations join the network. Each person studied is then measured twice
//! in that network, once following the strategy (`adopter`) and once
//! refusing every invitation, so the same people answer "does it still pay
//! when others do it too?" and "what does it cost those who do not?".
//!
//! # Algorithm
//! 1. Who adopts: person v follows at share σ when a hash of (seed, v) is
//!    below σ, so a larger share adds adopters and never removes one.
//! 2. Per replicate, every potential adopter (below the largest share, the
//!    people studied left out) draws their invitations from their own
//!    stream, in parallel, and each strategy's decisions by the last week.
//! 3. Per share and strategy, the network is the base graph plus the
//!    adopters' accepted ties (one copy; share 0 reads the base graph). The
//!    people studied are measured in it as the main simulation measures them
//!    (their own accepted ties as extra ties of theirs only): reach by
//!    degree and, with `[leads]`, expected leads and offers, asked with the
//!    same list of ties as the main simulation, so that at share 0 every
//!    adopter row is the per-person counterfactual, byte for byte (tested).
//!
//! The people studied are left out of the population's adopters, so each
//! is measured against the others' choices and their own; at 200 people in
//! a million this changes nobody's network measurably.
//!
//! # Complexity
//! Per replicate: the population's invitations (O(people × invitations)).
//! Per (replicate, share, strategy): one copy of the graph with the added
//! ties (O(edges)), then the main simulation's reach and leads for two
//! questions per person studied.

use rayon::prelude::*;

use super::leads::{accepted_ties, answer, lead_world};
use super::{ARRIVAL_STREAM, PersonRun, Setup};
use crate::config::Experiment;
use crate::graph::{ConnectionGraph, NodeId};
use crate::invitations::{ArrivalContext, arrivals};
use crate::progress::{NoProgress, Progress};
use crate::reach::ReachCounts;
use crate::reach::exact::{Query, Search};
use crate::reach::leads::{Leads, PersonLeads, PersonQuestions};
use crate::seed::{splitmix, task_rng, unit_interval};

/// Who adopts, apart from every other seeded draw.
const ADOPTER_STREAM: u64 = 0xAD07 << 48;

/// One person studied at one share of adopters of one strategy.
#[derive(Debug, Clone, PartialEq)]
pub struct AdoptionRow {
    /// Replicate, from 0.
    pub replicate: u32,
    /// The person.
    pub person: NodeId,
    /// Index into [`Experiment::strategies`].
    pub strategy: usize,
    /// The share of the population following the strategy.
    pub share: f64,
    /// Whether the person follows it too (else they refuse every invitation).
    pub adopter: bool,
    /// The last week.
    pub week: u32,
    /// Reach at every degree.
    pub reach: ReachCounts,
    /// With `[leads]`: expected leads (and offers, with `[market]`).
    pub leads: Option<Leads>,
}

/// A person's ties (the main simulation's list) and two questions: the
/// strategy's accepted set by the last week, and none.
type TwoQuestions = (Vec<(u32, u32)>, [Vec<usize>; 2]);

/// Whether person `v` follows the advice at `share`.
pub fn adopts(seed: u64, v: u32, share: f64) -> bool {
    unit_interval(splitmix(seed ^ ADOPTER_STREAM ^ u64::from(v))) < share
}

/// The adoption rows of an experiment with `[adoption]`, in (replicate,
/// share, strategy, person, adopter-first) order; the first 64 main
/// strategies (a sweep's values are left out). `progress` receives one unit
/// per person studied, share and strategy.
pub(super) fn adopt(
    exp: &Experiment,
    setup: &Setup,
    runs: &[PersonRun],
    progress: &dyn Progress,
) -> Vec<AdoptionRow> {
    let Some(shares) = &exp.adoption else {
        return Vec::new();
    };
    let g = &setup.graph;
    let last = exp.arrivals.weeks;
    let main: Vec<usize> = (0..exp.strategies.len())
        .filter(|&s| exp.strategies[s].sweep_value.is_none())
        .take(64)
        .collect();
    let top = shares.last().copied().unwrap_or(0.0);
    let ctx = ArrivalContext::new(g, &setup.roles, setup.first_fake);
    let ctx = if exp.arrivals.colleagues > 0.0 {
        ctx.with_firms(&setup.firms)
    } else {
        ctx
    };
    let studied = |v: u32| setup.people.binary_search(&NodeId(v)).is_ok();
    let mut rows = Vec::new();
    for r in 0..exp.replicates {
        // The population's accepted invitations by the last week: (person,
        // inviter, one bit per main strategy accepting it).
        let decision_seed = splitmix(exp.seed ^ splitmix(u64::from(r)));
        let population: Vec<(u32, u32, u64)> = (0..setup.first_fake)
            .into_par_iter()
            .filter(|&v| top > 0.0 && !studied(v) && adopts(exp.seed, v, top))
            .flat_map_iter(|v| {
                let mut rng = task_rng(
                    exp.seed,
                    ARRIVAL_STREAM ^ ADOPTER_STREAM ^ splitmix((u64::from(r) << 32) | u64::from(v)),
                );
                let person = NodeId(v);
                arrivals(&ctx, &exp.arrivals, person, &mut rng)
                    .into_iter()
                    .filter(|a| a.week <= last)
                    .filter_map(|a| {
                        // Counted once for every strategy that asks.
                        let mutual = std::cell::OnceCell::new();
                        let role = setup.roles.role_of(a.from);
                        let mask = main.iter().enumerate().fold(0u64, |m, (bit, &s)| {
                            let yes = exp.strategies[s].strategy.accepts_by(
                                || *mutual.get_or_init(|| g.mutual_count(person, a.from)),
                                role,
                                person,
                                a.from,
                                decision_seed,
                            );
                            m | (u64::from(yes) << bit)
                        });
                        (mask != 0).then_some((v, a.from.0, mask))
                    })
                    .collect::<Vec<_>>()
            })
            .collect();
        let mine: Vec<&PersonRun> = runs.iter().filter(|run| run.replicate == r).collect();
        // Per strategy, its rows in the base network, once measured: a share
        // whose adopters add no tie (a strategy refusing everything, or no
        // adopter yet) is the same network.
        let mut in_base: Vec<Option<Vec<AdoptionRow>>> = vec![None; main.len()];
        for &share in shares {
            for (bit, &s) in main.iter().enumerate() {
                let added: Vec<(u32, u32)> = population
                    .iter()
                    .filter(|&&(v, _, mask)| mask >> bit & 1 == 1 && adopts(exp.seed, v, share))
                    .map(|&(v, u, _)| (v, u))
                    .collect();
                if added.is_empty() {
                    let base = in_base[bit]
                        .get_or_insert_with(|| measure(exp, setup, g, &mine, s, share, last));
                    rows.extend(base.iter().map(|row| AdoptionRow {
                        share,
                        ..row.clone()
                    }));
                } else {
                    let copy = g
                        .with_added_nodes(0, &added)
                        .expect("ids and ties of the network");
                    rows.extend(measure(exp, setup, &copy, &mine, s, share, last));
                }
                progress.inc(mine.len() as u64);
            }
        }
    }
    rows
}

/// The people of `runs` in `graph`: each following strategy `s` and
/// refusing all, at `share`.
fn measure(
    exp: &Experiment,
    setup: &Setup,
    graph: &ConnectionGraph,
    runs: &[&PersonRun],
    s: usize,
    share: f64,
    last: u32,
) -> Vec<AdoptionRow> {
    // Reach: the accepted inviters by the last week, and none.
    let lists: Vec<Vec<u32>> = runs
        .iter()
        .map(|run| {
            run.accepted[s]
                .iter()
                .take_while(|&&k| run.weeks[k] <= last)
                .map(|&k| run.inviters[k])
                .collect()
        })
        .collect();
    let queries: Vec<Query<'_>> = runs
        .iter()
        .zip(&lists)
        .flat_map(|(run, list)| {
            [
                Query {
                    source: run.person,
                    accepted: list,
                },
                Query {
                    source: run.person,
                    accepted: &[],
                },
            ]
        })
        .collect();
    let counts = Search::new(graph, &setup.roles, exp.max_degree).run(&queries, &NoProgress);
    // Leads: the main simulation's list of ties, two questions.
    let leads: Option<Vec<PersonLeads>> = exp.leads.map(|model| {
        let world = lead_world(exp, setup, graph, model);
        let asked: Vec<TwoQuestions> = runs
            .iter()
            .map(|run| {
                let (arrivals, ties) = accepted_ties(run, last);
                let set = run.accepted[s]
                    .iter()
                    .take_while(|&&k| run.weeks[k] <= last)
                    .map(|k| {
                        arrivals
                            .binary_search(k)
                            .expect("accepted by the last week")
                    })
                    .collect();
                (ties, [set, Vec::new()])
            })
            .collect();
        let pqs: Vec<PersonQuestions<'_>> = runs
            .iter()
            .zip(&asked)
            .map(|(run, (ties, sets))| PersonQuestions {
                source: run.person,
                replicate: run.replicate,
                ties,
                sets,
                marginals: &[],
            })
            .collect();
        answer(exp, setup, &world, &pqs, &|_| {})
    });
    let mut rows = Vec::with_capacity(2 * runs.len());
    for (i, run) in runs.iter().enumerate() {
        for (j, adopter) in [true, false].into_iter().enumerate() {
            rows.push(AdoptionRow {
                replicate: run.replicate,
                person: run.person,
                strategy: s,
                share,
                adopter,
                week: last,
                reach: counts[2 * i + j].clone(),
                leads: leads.as_ref().map(|l| l[i].leads[j].clone()),
            });
        }
    }
    rows
}
