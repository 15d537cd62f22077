//! Simulation: plays out an [`Experiment`]: replicates × people × strategies (×
//! sweep values), each person receiving weeks of seeded invitations and accepting
//! some under each strategy; then measures everyone's reach with the exact kernel.
//! Sits between [`crate::config`] and [`crate::results`].
//!
//! # Algorithm
//! 1. Set-up, once: generate or load the network, place roles, add the fake-account
//!    pool (the only copy of the graph), choose the people.
//! 2. Per (replicate, person), one random stream draws the invitations
//!    ([`crate::invitations::arrivals`]); every strategy sees the same ones (common
//!    random numbers), so differences between strategies come from the strategy
//!    alone. `random:P` decides with a hash of `(seed, replicate, person, inviter)`,
//!    so raising P only adds acceptances.
//! 3. Each (replicate, person, strategy, week) becomes a reach query whose extra
//!    neighbours are the inviters accepted so far (a prefix of the accepted list).
//!    Identical queries (same person, same accepted set: a strategy that accepted
//!    nothing new that week, or two strategies that agree) are computed once. Queries
//!    are ordered by person, so the 64 lanes of a traversal mostly share a source.
//! 4. With `[leads]`: expected job leads of every observation and the marginal
//!    value of every tie accepted by the last week, per (replicate, person) in
//!    parallel (`simulation/leads.rs`, [`crate::reach::leads`]); with
//!    `[market]`, expected offers beside them ([`crate::reach::leads::Market`]).
//! 5. With `[adoption]`: per share of the population following each main
//!    strategy, the network with the adopters' ties, and the people studied
//!    in it following the strategy and refusing (`simulation/adoption.rs`).
//!
//! Every task's randomness derives from `(seed, task)`, and reach counts are exact,
//! so the tables are identical whatever the thread count.
//!
//! On a cluster ([`crate::jobs::experiment::cluster`]) every process plans
//! steps 1 and 2 ([`Planned`]) alike, from the whole network or from its part
//! of a graph file ([`PartSetup`], `simulation/part.rs`), the cluster counts
//! the queries, and process 0 finishes steps 3 to 5.
//!
//! # Complexity
//! Reach dominates: O(distinct queries / 64 × edges within the balls × max degree).
//! Leads add, per (replicate, person) and 64 worlds, one search per first tie
//! over the worlds where it passes; a tie's mutual connections are counted when
//! a search first draws it.

use std::collections::HashMap;

use rayon::prelude::*;

use crate::cluster::OwnedQuery;
use crate::config::{Experiment, GraphSource, StrategyRun};
use crate::error::{Error, Result};
use crate::firms::Firms;
use crate::graph::mutual::shared;
use crate::graph::{ConnectionGraph, NodeId};
use crate::invitations::{ArrivalContext, Source, arrivals};
use crate::progress::Progress;
use crate::reach::ReachCounts;
use crate::reach::exact::{Query, Search};
use crate::reach::leads::Leads;
use crate::roles::{Role, RoleMap, place_roles};
use crate::seed::{splitmix, task_rng};

/// Random-stream families, so set-up and invitations never share a stream.
const FAKE_STREAM: u64 = 0xFA4E << 48;
const PEOPLE_STREAM: u64 = 0x9E09 << 48;
const ARRIVAL_STREAM: u64 = 0xA441 << 48;

/// The network an experiment runs on, after set-up.
#[derive(Debug)]
pub struct Setup {
    /// The network with the fake-account pool.
    pub graph: ConnectionGraph,
    /// Roles (fake accounts have none).
    pub roles: RoleMap,
    /// Nodes from this id on are fake accounts.
    pub first_fake: u32,
    /// The people studied, ascending.
    pub people: Vec<NodeId>,
    /// Who works where (fake accounts nowhere; for a network from files, the
    /// nodes table's or graph file's firms, else every node its own firm).
    pub firms: Firms,
}

impl Setup {
    /// Generates or loads the network, adds the fake pool and picks the people.
    /// Paths in the experiment are already resolved against its file.
    pub fn new(exp: &Experiment) -> Result<Self> {
        let (graph, roles, firms) = match &exp.graph {
            GraphSource::Generated(model, plan) => {
                let mut net = model.generate(exp.seed)?;
                let graph = net.to_graph()?;
                let roles = place_roles(&graph, net.communities.as_deref(), plan, exp.seed)?;
                let firms = net.take_firms(&graph, exp.seed);
                (graph, roles, firms)
            }
            GraphSource::Files {
                edges,
                roles,
                nodes,
            } => {
                let (graph, stored) = crate::ingest::load_graph_stored(edges)?;
                if let Some(nodes) = nodes {
                    let (roles, _, firms) = crate::ingest::load_nodes(&graph, nodes)?;
                    (graph, roles, firms)
                } else {
                    let (roles, _) =
                        crate::ingest::choose_roles(&graph, roles.as_deref(), stored.roles)?;
                    // Firms a graph file stores, else every person their own.
                    let firms = stored.firms.unwrap_or_else(|| {
                        Firms::singletons(u32::try_from(graph.node_count()).unwrap_or(u32::MAX))
                    });
                    (graph, roles, firms)
                }
            }
        };
        let real = u32::try_from(graph.node_count()).map_err(|_| Error::TooManyNodes {
            path: "<experiment>".into(),
        })?;
        let fakes = exp.arrivals.fake_count(graph.node_count());
        let graph = if fakes > 0 {
            graph.with_added_nodes(fakes, &fake_edges(exp, real, fakes))?
        } else {
            graph
        };
        let people = choose_people(exp, &graph, &roles, real)?;
        let firms = firms.with_added_nodes(fakes);
        Ok(Self {
            graph,
            roles,
            firms,
            first_fake: real,
            people,
        })
    }
}

fn choose_people(
    exp: &Experiment,
    graph: &ConnectionGraph,
    roles: &RoleMap,
    real: u32,
) -> Result<Vec<NodeId>> {
    let p = &exp.people;
    let fits = |v: NodeId| {
        let c = graph.neighbor_count(v);
        c >= p.connections.0 && c <= p.connections.1 && p.role.is_none_or(|r| roles.role_of(v) == r)
    };
    if let Some(ids) = &p.ids {
        return people_named(ids, real, |id| Ok(graph.ids().lookup(id)));
    }
    let candidates: Vec<NodeId> = (0..real).map(NodeId).filter(|&v| fits(v)).collect();
    sample_people(exp, &candidates)
}

/// The fake pool's connections: each of the `fakes` accounts (ids from
/// `real` on) to `fake_connections` random people, repeats included.
fn fake_edges(exp: &Experiment, real: u32, fakes: u32) -> Vec<(u32, u32)> {
    use rand::RngExt;
    let mut rng = task_rng(exp.seed, FAKE_STREAM);
    (0..fakes)
        .flat_map(|f| (0..exp.arrivals.fake_connections).map(move |_| f))
        .map(|f| (real + f, rng.random_range(0..real)))
        .collect()
}

/// The people `[people] ids` names, ascending, each found by `lookup` and
/// below `real` (not a fake account).
fn people_named(
    ids: &[String],
    real: u32,
    lookup: impl Fn(&str) -> Result<Option<NodeId>>,
) -> Result<Vec<NodeId>> {
    let mut out = Vec::new();
    for id in ids {
        match lookup(id)? {
            Some(v) if v.0 < real => out.push(v),
            _ => {
                return Err(Error::Invalid(format!(
                    "people.ids: {id:?} is not a person of the network"
                )));
            }
        }
    }
    out.sort_unstable();
    out.dedup();
    Ok(out)
}

/// `[people]`'s sample among the `candidates` (ascending) that pass its filters.
fn sample_people(exp: &Experiment, candidates: &[NodeId]) -> Result<Vec<NodeId>> {
    Ok(sample_positions(exp, candidates.len())?
        .into_iter()
        .map(|i| candidates[i])
        .collect())
}

/// Which of `count` candidates (ascending) `[people]`'s sample picks: their
/// positions, ascending (all of them when it asks for as many or more).
fn sample_positions(exp: &Experiment, count: usize) -> Result<Vec<usize>> {
    let k = exp.people.sample.expect("validated: sample or ids");
    if count == 0 {
        return Err(Error::Invalid(
            "no person passes the [people] filters (connection range and role); widen them".into(),
        ));
    }
    let mut rng = task_rng(exp.seed, PEOPLE_STREAM);
    let mut picked: Vec<usize> = if k >= count {
        (0..count).collect()
    } else {
        rand::seq::index::sample(&mut rng, count, k).into_vec()
    };
    picked.sort_unstable();
    Ok(picked)
}

/// One observation: a (replicate, person, strategy, week).
#[derive(Debug, Clone, PartialEq)]
pub struct Observation {
    /// Replicate, from 0.
    pub replicate: u32,
    /// The person.
    pub person: NodeId,
    /// Index into [`Experiment::strategies`].
    pub strategy: usize,
    /// Week (the horizon unless weekly output is on).
    pub week: u32,
    /// The person's connections before the first week (fake accounts
    /// included, as the network shows them).
    pub connections: u32,
    /// Invitations received up to this week.
    pub received: u32,
    /// Invitations accepted up to this week.
    pub accepted: u32,
    /// Fake accounts accepted up to this week.
    pub fake_accepted: u32,
    /// Mutual connections (base graph) of each accepted inviter.
    pub accepted_mutuals: Vec<u32>,
    /// Reach at every degree.
    pub reach: ReachCounts,
    /// Expected job leads, when the experiment has `[leads]`.
    pub leads: Option<Leads>,
    /// With `[leads]`: the share of the openings a week relevant to the person
    /// (weighted by rate and relevance) whose firm the person already has a
    /// 1st-degree connection at, accepted invitations included.
    pub hiring_firm_connected: Option<f64>,
}

/// Everything an experiment measured.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// One per (replicate, person, strategy, week), in that order.
    pub observations: Vec<Observation>,
    /// Reach queries computed (after removing repeats).
    pub distinct_queries: usize,
    /// People in the network, fake accounts excluded: the denominator of the
    /// share of the network a person reaches.
    pub network_people: u64,
    /// Every tie accepted by the last week with its marginal leads, when the
    /// experiment has `[leads]`; in (replicate, person, strategy, arrival) order.
    pub ties: Vec<TieValue>,
    /// With `[adoption]`: each person studied at each share of adopters of
    /// each main strategy (`simulation/adoption.rs`).
    pub adoption: Vec<AdoptionRow>,
}

/// Per (replicate, person): the arrivals and, per strategy, which were accepted.
struct PersonRun {
    replicate: u32,
    person: NodeId,
    /// Week of each arrival.
    weeks: Vec<u32>,
    /// Per strategy: indices into the arrivals, in arrival order.
    accepted: Vec<Vec<usize>>,
    inviters: Vec<u32>,
    fake: Vec<bool>,
    /// Mutual connections (base graph) with each inviter, computed once.
    mutuals: Vec<u32>,
}

/// The observations [`simulate`] makes (replicates × people × strategies ×
/// weeks): the length of its progress.
pub fn planned_observations(exp: &Experiment, setup: &Setup) -> u64 {
    let weeks = if exp.weekly {
        exp.arrivals.weeks as usize
    } else {
        1
    };
    let reach =
        (exp.replicates as usize * setup.people.len() * exp.strategies.len() * weeks) as u64;
    // The leads step reports as many units again; adoption one per person
    // studied, share and main strategy.
    let leads = if exp.leads.is_some() { reach } else { 0 };
    let adoption = exp.adoption.as_ref().map_or(0, |shares| {
        let main = exp
            .strategies
            .iter()
            .filter(|s| s.sweep_value.is_none())
            .count()
            .min(64);
        (exp.replicates as usize * setup.people.len() * shares.len() * main) as u64
    });
    reach + leads + adoption
}

/// Steps 1 and 2 of the module doc: every (replicate, person)'s invitations
/// and decisions, and the distinct reach queries they ask, sorted by person.
pub struct Planned {
    runs: Vec<PersonRun>,
    weeks: Vec<u32>,
    /// The distinct queries, sorted by source.
    pub queries: Vec<OwnedQuery>,
    /// Per observation, in (replicate, person, strategy, week) order: its query.
    slots: Vec<usize>,
}

impl Planned {
    /// Plans `exp` for `people`, drawing invitations from `ctx`; `role_of`
    /// gives an inviter's role. Mutual connections are counted on `ctx`'s lists.
    pub(crate) fn new(
        exp: &Experiment,
        people: &[NodeId],
        ctx: &ArrivalContext<'_>,
        role_of: &(dyn Fn(NodeId) -> Option<Role> + Sync),
    ) -> Self {
        let runs = draw_runs(exp, people, ctx, role_of);
        let weeks: Vec<u32> = if exp.weekly {
            (1..=exp.arrivals.weeks).collect()
        } else {
            vec![exp.arrivals.weeks]
        };
        // Accepted prefixes per week; identical ones computed once.
        let mut index: HashMap<(u32, Vec<u32>), usize> = HashMap::new();
        let mut queries: Vec<OwnedQuery> = Vec::new();
        let mut slots = Vec::new();
        for run in &runs {
            for acc in &run.accepted {
                let list: Vec<u32> = acc.iter().map(|&k| run.inviters[k]).collect();
                for &w in &weeks {
                    let cut = acc.iter().take_while(|&&k| run.weeks[k] <= w).count();
                    let mut key: Vec<u32> = list[..cut].to_vec();
                    key.sort_unstable();
                    let q = *index.entry((run.person.0, key)).or_insert_with(|| {
                        queries.push(OwnedQuery {
                            source: run.person,
                            accepted: list[..cut].to_vec(),
                        });
                        queries.len() - 1
                    });
                    slots.push(q);
                }
            }
        }
        // Sorted by person for lane sharing (first asked first), with each
        // observation's slot moved along.
        let mut sorted: Vec<(usize, OwnedQuery)> = queries.into_iter().enumerate().collect();
        sorted.sort_by_key(|(q, query)| (query.source, *q));
        let mut at = vec![0; sorted.len()];
        for (pos, &(q, _)) in sorted.iter().enumerate() {
            at[q] = pos;
        }
        let queries = sorted.into_iter().map(|(_, query)| query).collect();
        let slots = slots.into_iter().map(|q| at[q]).collect();
        Planned {
            runs,
            weeks,
            queries,
            slots,
        }
    }

    /// Observations made (replicates × people × strategies × weeks).
    pub fn observation_count(&self) -> usize {
        self.slots.len()
    }

    /// Step 3: the observations, from `counts` (one per query, in order);
    /// `connections` gives a person's connection count.
    pub(crate) fn observations(
        &self,
        counts: &[ReachCounts],
        connections: impl Fn(NodeId) -> usize,
    ) -> Vec<Observation> {
        let mut observations = Vec::with_capacity(self.slots.len());
        let mut slot = self.slots.iter();
        for run in &self.runs {
            let connected = count_u32(connections(run.person));
            for (s, acc) in run.accepted.iter().enumerate() {
                for &w in &self.weeks {
                    let q = *slot.next().expect("one slot per observation");
                    let upto: Vec<usize> = acc
                        .iter()
                        .copied()
                        .take_while(|&k| run.weeks[k] <= w)
                        .collect();
                    observations.push(Observation {
                        replicate: run.replicate,
                        person: run.person,
                        strategy: s,
                        week: w,
                        connections: connected,
                        received: count_u32(run.weeks.iter().filter(|&&x| x <= w).count()),
                        accepted: count_u32(upto.len()),
                        fake_accepted: count_u32(upto.iter().filter(|&&k| run.fake[k]).count()),
                        accepted_mutuals: upto.iter().map(|&k| run.mutuals[k]).collect(),
                        reach: counts[q].clone(),
                        leads: None,
                        hiring_firm_connected: None,
                    });
                }
            }
        }
        observations
    }
}

/// Step 1: invitations and decisions, in parallel per (replicate, person).
fn draw_runs(
    exp: &Experiment,
    people: &[NodeId],
    ctx: &ArrivalContext<'_>,
    role_of: &(dyn Fn(NodeId) -> Option<Role> + Sync),
) -> Vec<PersonRun> {
    let n_people = people.len() as u64;
    let tasks: Vec<(u32, usize)> = (0..exp.replicates)
        .flat_map(|r| (0..people.len()).map(move |i| (r, i)))
        .collect();
    tasks
        .par_iter()
        .map(|&(r, i)| {
            let person = people[i];
            let mut rng = task_rng(
                exp.seed,
                ARRIVAL_STREAM | (u64::from(r) * n_people + i as u64),
            );
            let arrived = arrivals(ctx, &exp.arrivals, person, &mut rng);
            let mine = ctx.graph.neighbors_of(person);
            let mutuals: Vec<u32> = arrived
                .iter()
                .map(|a| count_u32(shared(&mine, &ctx.graph.neighbors_of(a.from))))
                .collect();
            let decision_seed = splitmix(exp.seed ^ splitmix(u64::from(r)));
            let accepted = exp
                .strategies
                .iter()
                .map(|StrategyRun { strategy, .. }| {
                    (0..arrived.len())
                        .filter(|&k| {
                            let from = arrived[k].from;
                            strategy.accepts_by(
                                || mutuals[k] as usize,
                                role_of(from),
                                person,
                                from,
                                decision_seed,
                            )
                        })
                        .collect()
                })
                .collect();
            PersonRun {
                replicate: r,
                person,
                weeks: arrived.iter().map(|a| a.week).collect(),
                inviters: arrived.iter().map(|a| a.from.0).collect(),
                fake: arrived.iter().map(|a| a.source == Source::Fake).collect(),
                mutuals,
                accepted,
            }
        })
        .collect()
}

/// Runs the experiment on a set-up; `progress` counts reach queries.
pub fn simulate(exp: &Experiment, setup: &Setup, progress: &dyn Progress) -> Outcome {
    let planned = setup.plan(exp);
    let queries: Vec<Query<'_>> = planned
        .queries
        .iter()
        .map(|q| Query {
            source: q.source,
            accepted: &q.accepted,
        })
        .collect();
    let counts = Search::new(&setup.graph, &setup.roles, exp.max_degree).run(&queries, progress);
    // The search reported each distinct query; the plan counts observations.
    progress.inc((planned.observation_count() - queries.len()) as u64);
    setup.finish(exp, &planned, &counts, progress)
}

impl Setup {
    /// Steps 1 and 2 on this network.
    pub(crate) fn plan(&self, exp: &Experiment) -> Planned {
        let ctx = ArrivalContext::new(&self.graph, &self.roles, self.first_fake);
        // Firms' member lists only when colleagues invite (O(nodes) to build).
        let ctx = if exp.arrivals.colleagues > 0.0 {
            ctx.with_firms(&self.firms)
        } else {
            ctx
        };
        Planned::new(exp, &self.people, &ctx, &|v| self.roles.role_of(v))
    }

    /// Steps 3 to 5 on this network, from the reach `counts` of `planned`'s
    /// queries.
    pub(crate) fn finish(
        &self,
        exp: &Experiment,
        planned: &Planned,
        counts: &[ReachCounts],
        progress: &dyn Progress,
    ) -> Outcome {
        let g = &self.graph;
        let mut observations = planned.observations(counts, |v| g.neighbor_count(v));
        // 4. Job leads, in the same order.
        let mut ties = Vec::new();
        if let Some(model) = exp.leads {
            let (leads, values) =
                leads::measure(exp, self, model, &planned.runs, &planned.weeks, progress);
            leads::attach(&mut observations, leads);
            ties = values;
        }
        // 5. Adoption: the advice followed by a share of everyone.
        let adoption = adoption::adopt(exp, self, &planned.runs, progress);
        Outcome {
            observations,
            distinct_queries: planned.queries.len(),
            network_people: u64::from(self.first_fake),
            ties,
            adoption,
        }
    }
}

fn count_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

mod adoption;
mod leads;
mod part;

pub use adoption::{AdoptionRow, adopts};
pub use leads::TieValue;
pub use part::PartSetup;

#[cfg(test)]
mod tests;
