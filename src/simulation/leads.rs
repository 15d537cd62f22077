//! The job-leads step of a simulation (an experiment with `[leads]`): expected
//! leads of every observation, and the marginal leads of every tie accepted by
//! the last week, in the same worlds ([`crate::reach::leads`]).
//!
//! Each observation's question is (replicate, person, accepted ties); identical
//! questions are computed once, in parallel, one person per traversal and 64
//! worlds per word. A tie's marginal value compares its question with and
//! without it, only in the worlds where the tie could matter
//! ([`LeadWorld::marginal`]).

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};

use super::{Observation, PersonRun};
use crate::config::Experiment;
use crate::graph::{ConnectionGraph, NodeId};
use crate::progress::Progress;
use rayon::prelude::*;

use crate::reach::leads::{LeadModel, LeadQuery, LeadWorld, Leads, Scratch};
use crate::roles::RoleMap;
use crate::seed::splitmix;

/// The leads stream, apart from every other seeded draw.
const LEADS_STREAM: u64 = 0x1EAD << 48;

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
}

/// Progress in observation units while counting lead questions.
struct Scaled<'a> {
    inner: &'a dyn Progress,
    units: u64,
    questions: u64,
    done: AtomicU64,
}

impl Progress for Scaled<'_> {
    fn inc(&self, n: u64) {
        let before = self.done.fetch_add(n, Ordering::Relaxed);
        let q = self.questions.max(1);
        let step = (before + n) * self.units / q - before * self.units / q;
        self.inner.inc(step);
    }
}

/// Expected leads per observation (in [`super::simulate`]'s order) and the
/// marginal value of every tie accepted by the last week. `progress` receives
/// `observations` units in all.
#[allow(clippy::too_many_arguments)] // the simulation's state, passed once
pub(super) fn measure(
    exp: &Experiment,
    graph: &ConnectionGraph,
    roles: &RoleMap,
    first_fake: u32,
    model: LeadModel,
    runs: &[PersonRun],
    weeks: &[u32],
    progress: &dyn Progress,
) -> (Vec<Leads>, Vec<TieValue>) {
    let mutual = graph.mutual_counts();
    let world = LeadWorld::new(
        graph,
        &mutual,
        roles,
        first_fake,
        model,
        splitmix(exp.seed ^ LEADS_STREAM),
    );
    let last = *weeks.last().expect("at least one week");
    // Questions: (replicate, person, sorted ties) -> index.
    let mut index: HashMap<(u32, u32, Vec<(u32, u32)>), usize> = HashMap::new();
    let mut questions: Vec<(u32, NodeId, Vec<(u32, u32)>)> = Vec::new();
    let mut ask = |r: u32, person: NodeId, mut ties: Vec<(u32, u32)>| -> usize {
        ties.sort_unstable();
        *index.entry((r, person.0, ties.clone())).or_insert_with(|| {
            questions.push((r, person, ties));
            questions.len() - 1
        })
    };
    let mut slots = Vec::new();
    // Per tie row: (run, strategy, arrival, question with all the last week's ties).
    let mut tie_rows = Vec::new();
    for (ri, run) in runs.iter().enumerate() {
        for (s, acc) in run.accepted.iter().enumerate() {
            for &w in weeks {
                let ties = acc
                    .iter()
                    .take_while(|&&k| run.weeks[k] <= w)
                    .map(|&k| (run.inviters[k], run.mutuals[k]))
                    .collect();
                slots.push(ask(run.replicate, run.person, ties));
            }
            let upto: Vec<(u32, u32)> = acc
                .iter()
                .take_while(|&&k| run.weeks[k] <= last)
                .map(|&k| (run.inviters[k], run.mutuals[k]))
                .collect();
            let with_all = ask(run.replicate, run.person, upto);
            for &k in acc.iter().take_while(|&&k| run.weeks[k] <= last) {
                tie_rows.push((ri, s, k, with_all));
            }
        }
    }
    let queries: Vec<LeadQuery<'_>> = questions
        .iter()
        .map(|(r, person, ties)| LeadQuery {
            source: *person,
            accepted: ties,
            replicate: *r,
        })
        .collect();
    // Progress: half the units for the questions, half for the ties.
    let units = slots.len() as u64;
    let scaled = Scaled {
        inner: progress,
        units: units / 2,
        questions: queries.len() as u64,
        done: AtomicU64::new(0),
    };
    let answers = world.leads_many(&queries, exp.max_degree, &scaled);
    let per_observation = slots.iter().map(|&q| answers[q].clone()).collect();
    let scaled = Scaled {
        inner: progress,
        units: units - units / 2,
        questions: tie_rows.len() as u64,
        done: AtomicU64::new(0),
    };
    let n = graph.node_count();
    let ties = tie_rows
        .par_iter()
        .with_min_len(8)
        .map_init(
            || Scratch::new(n),
            |scratch, &(ri, s, k, with_all)| {
                let run = &runs[ri];
                let inviter = NodeId(run.inviters[k]);
                let q = &queries[with_all];
                // The question's ties are sorted: find this one.
                let tie = (run.inviters[k], run.mutuals[k]);
                let removed = q
                    .accepted
                    .iter()
                    .position(|&t| t == tie)
                    .expect("the tie is among the accepted");
                let marginal_leads = world.marginal(q, removed, exp.max_degree, scratch);
                scaled.inc(1);
                TieValue {
                    replicate: run.replicate,
                    person: run.person,
                    strategy: s,
                    inviter,
                    mutual: run.mutuals[k],
                    fake: run.fake[k],
                    inviter_connections: u32::try_from(graph.neighbor_count(inviter))
                        .unwrap_or(u32::MAX),
                    // Rounding of the two sums aside, never negative.
                    marginal_leads: marginal_leads.max(0.0),
                }
            },
        )
        .collect();
    (per_observation, ties)
}

/// The observations' leads attached in order.
pub(super) fn attach(observations: &mut [Observation], leads: Vec<Leads>) {
    for (o, l) in observations.iter_mut().zip(leads) {
        o.leads = Some(l);
    }
}
