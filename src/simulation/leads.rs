//! The job-leads step of a simulation (an experiment with `[leads]`): expected
//! leads of every observation, and the marginal leads of every tie accepted by
//! the last week, in the same worlds ([`crate::reach::leads`]).
//!
//! Each observation's question is (replicate, person, accepted ties). A
//! (replicate, person)'s questions, identical ones once, and its ties' marginal
//! values are answered together by [`LeadWorld::person`], in parallel over
//! people; with `[market]`, by [`LeadWorld::in_market`], which adds expected
//! offers against the seekers each opening reaches.

use std::collections::HashMap;

use rayon::prelude::*;

use super::{Observation, PersonRun, Setup};
use crate::config::Experiment;
use crate::graph::{ConnectionGraph, NodeId};
use crate::progress::Progress;
use crate::reach::leads::{LeadModel, LeadWorld, Leads, Market, PersonLeads, PersonQuestions};
use crate::seed::splitmix;

/// The leads stream, apart from every other seeded draw.
const LEADS_STREAM: u64 = 0x1EAD << 48;
/// The market's draw of who seeks work.
const MARKET_STREAM: u64 = 0x5EE4 << 48;

/// One accepted invitation and what it adds to expected leads.
#[derive(Debug, Clone, PartialEq)]
pub struct TieValue {
    /// Replicate, from 0.
    pub replicate: u32,
    /// The person.
    pub person: NodeId,
    /// Index into [`Experiment::strategies`].
    pub strategy: usize,
    /// Who sent the invitation.
    pub inviter: NodeId,
    /// Mutual connections at acceptance (base graph).
    pub mutual: u32,
    /// Whether the inviter is a fake account.
    pub fake: bool,
    /// The inviter's connections in the base graph.
    pub inviter_connections: u32,
    /// Expected leads within the max degree with all the strategy's accepted
    /// ties, minus the same without this one, in the same worlds.
    pub marginal_leads: f64,
    /// Expected leads within the max degree with this tie alone, minus none.
    pub standalone_leads: f64,
    /// With a market: `marginal_leads` in expected offers.
    pub marginal_offers: Option<f64>,
    /// With a market: expected offers with this tie alone, minus none.
    pub standalone_offers: Option<f64>,
}

/// Expected leads per observation (in [`super::simulate`]'s order) and the
/// marginal value of every tie accepted by the last week. `progress` receives
/// one unit per observation.
pub(super) fn measure(
    exp: &Experiment,
    setup: &Setup,
    model: LeadModel,
    runs: &[PersonRun],
    weeks: &[u32],
    progress: &dyn Progress,
) -> (Vec<Answer>, Vec<TieValue>) {
    let graph = &setup.graph;
    let world = lead_world(exp, setup, graph, model);
    let last = *weeks.last().expect("at least one week");
    let asked: Vec<Asked> = runs
        .par_iter()
        .map(|run| ask(&world, graph.neighbors(run.person), run, weeks, last))
        .collect();
    let questions: Vec<PersonQuestions<'_>> = runs
        .iter()
        .zip(&asked)
        .map(|(run, a)| PersonQuestions {
            source: run.person,
            replicate: run.replicate,
            ties: &a.ties,
            sets: &a.sets,
            marginals: &a.marginals,
        })
        .collect();
    let units = |i: usize| (runs[i].accepted.len() * weeks.len()) as u64;
    let answers = answer(exp, setup, &world, &questions, &|i| progress.inc(units(i)));
    let mut leads = Vec::new();
    let mut ties = Vec::new();
    let connections = |v: NodeId| graph.neighbor_count(v);
    for ((run, a), answer) in runs.iter().zip(asked).zip(answers) {
        let (l, t) = read_answer(&connections, run, a, &answer);
        leads.extend(l);
        ties.extend(t);
    }
    (leads, ties)
}

/// The seed of `exp`'s draw of who seeks work.
pub(super) fn market_seed(exp: &Experiment) -> u64 {
    splitmix(exp.seed ^ MARKET_STREAM)
}

/// The seed of `exp`'s leads' worlds.
pub(super) fn leads_seed(exp: &Experiment) -> u64 {
    splitmix(exp.seed ^ LEADS_STREAM)
}

/// The leads' worlds of `graph` (the experiment's network, or one with
/// adopters' ties) for `exp`. Mutual connections are counted for the ties
/// the searches draw, when they first draw them: the cost follows the
/// people studied.
pub(super) fn lead_world<'g>(
    exp: &Experiment,
    setup: &'g Setup,
    graph: &'g ConnectionGraph,
    model: LeadModel,
) -> LeadWorld<'g> {
    LeadWorld::counting_on_demand(
        graph,
        &setup.roles,
        &setup.firms,
        setup.first_fake,
        model,
        leads_seed(exp),
    )
}

/// Each person's questions answered in `world`, with offers among the
/// experiment's seekers when it has a `[market]`, in parallel over people;
/// `done(i)` when question `i` is answered.
pub(super) fn answer(
    exp: &Experiment,
    setup: &Setup,
    world: &LeadWorld<'_>,
    questions: &[PersonQuestions<'_>],
    done: &(dyn Fn(usize) + Sync),
) -> Vec<PersonLeads> {
    if let Some(m) = exp.market {
        let market = Market::new(
            world,
            m.seekers,
            m.worlds,
            market_seed(exp),
            setup.people.iter().copied(),
        );
        world.in_market(questions, &market, exp.max_degree, done)
    } else {
        (0..questions.len())
            .into_par_iter()
            .map_init(
                || world.scratch(),
                |scratch, i| {
                    let out = world.person(&questions[i], exp.max_degree, scratch);
                    done(i);
                    out
                },
            )
            .collect()
    }
}

/// An observation's job-leads answer: its expected leads, and the share of
/// openings at firms the person is already connected to.
pub(super) type Answer = (Leads, Option<f64>);

/// One (replicate, person)'s questions: every invitation some strategy
/// accepted by the last week, each (strategy, week)'s accepted set (identical
/// ones once), and the marginal values asked of the ties accepted by the
/// last week.
#[derive(Debug)]
pub(super) struct Asked {
    pub(super) ties: Vec<(u32, u32)>,
    pub(super) sets: Vec<Vec<usize>>,
    pub(super) marginals: Vec<(usize, usize)>,
    /// Per observation (strategy by strategy, week by week): its question
    /// and its connected share.
    slots: Vec<usize>,
    connected: Vec<Option<f64>>,
    /// Per marginal pair (with the others, alone): (strategy, arrival).
    rows: Vec<(usize, usize)>,
}

/// Every invitation some strategy accepted by the last week, in arrival
/// order: their arrival numbers, and each as (inviter, mutual connections at
/// acceptance). The searches run in this order, so any answer asked of the
/// same list is computed alike.
pub(super) fn accepted_ties(run: &PersonRun, last: u32) -> (Vec<usize>, Vec<(u32, u32)>) {
    let mut arrivals: Vec<usize> = run
        .accepted
        .iter()
        .flat_map(|acc| acc.iter().copied().take_while(|&k| run.weeks[k] <= last))
        .collect();
    arrivals.sort_unstable();
    arrivals.dedup();
    let ties = arrivals
        .iter()
        .map(|&k| (run.inviters[k], run.mutuals[k]))
        .collect();
    (arrivals, ties)
}

/// One (replicate, person)'s questions, strategy by strategy and week by
/// week, and its ties' marginal values; `own` is the person's connections.
pub(super) fn ask(
    world: &LeadWorld<'_>,
    own: &[u32],
    run: &PersonRun,
    weeks: &[u32],
    last: u32,
) -> Asked {
    let (arrivals, ties) = accepted_ties(run, last);
    let tie_of = |k: usize| arrivals.binary_search(&k).expect("numbered above");
    // Questions: each (strategy, week)'s accepted set, identical ones once.
    let mut index: HashMap<Vec<usize>, usize> = HashMap::new();
    let mut sets: Vec<Vec<usize>> = Vec::new();
    let mut ask = |set: Vec<usize>| -> usize {
        *index.entry(set.clone()).or_insert_with(|| {
            sets.push(set);
            sets.len() - 1
        })
    };
    let mut slots = Vec::new();
    let mut connected = Vec::new();
    let mut marginals = Vec::new();
    let mut rows = Vec::new();
    for (s, acc) in run.accepted.iter().enumerate() {
        for &w in weeks {
            let upto = acc.iter().take_while(|&&k| run.weeks[k] <= w);
            let first = own
                .iter()
                .copied()
                .chain(upto.clone().map(|&k| run.inviters[k]));
            connected.push(world.connected_share(run.person, first));
            slots.push(ask(upto.map(|&k| tie_of(k)).collect()));
        }
        let upto: Vec<usize> = acc
            .iter()
            .copied()
            .take_while(|&k| run.weeks[k] <= last)
            .collect();
        let q = ask(upto.iter().map(|&k| tie_of(k)).collect());
        let alone = ask(Vec::new());
        for k in upto {
            marginals.push((q, tie_of(k)));
            marginals.push((alone, tie_of(k)));
            rows.push((s, k));
        }
    }
    Asked {
        ties,
        sets,
        marginals,
        slots,
        connected,
        rows,
    }
}

/// A (replicate, person)'s observations' leads and its ties' values, from
/// the answers to its questions; `connections` counts a node's connections.
pub(super) fn read_answer(
    connections: &dyn Fn(NodeId) -> usize,
    run: &PersonRun,
    asked: Asked,
    answer: &PersonLeads,
) -> (Vec<Answer>, Vec<TieValue>) {
    let Asked {
        slots,
        connected,
        rows,
        ..
    } = asked;
    let offers = |i: usize| answer.marginal_offers.get(i).copied();
    let leads = slots
        .iter()
        .zip(connected)
        .map(|(&q, c)| (answer.leads[q].clone(), c))
        .collect();
    let values = rows
        .into_iter()
        .zip(answer.marginals.chunks_exact(2))
        .enumerate()
        .map(|(i, ((s, k), pair))| {
            let (marginal, standalone) = (pair[0], pair[1]);
            let inviter = NodeId(run.inviters[k]);
            TieValue {
                replicate: run.replicate,
                person: run.person,
                strategy: s,
                inviter,
                mutual: run.mutuals[k],
                fake: run.fake[k],
                inviter_connections: u32::try_from(connections(inviter)).unwrap_or(u32::MAX),
                marginal_leads: marginal,
                standalone_leads: standalone,
                marginal_offers: offers(2 * i),
                standalone_offers: offers(2 * i + 1),
            }
        })
        .collect();
    (leads, values)
}

/// The observations' leads attached in order.
pub(super) fn attach(observations: &mut [Observation], leads: Vec<Answer>) {
    for (o, (l, c)) in observations.iter_mut().zip(leads) {
        o.leads = Some(l);
        o.hiring_firm_connected = c;
    }
}
