//! Advice for one person from their imported LinkedIn export: what accepting their
//! pending invitations would do to their reach. An export holds only the owner's
//! 1st degree, so 2nd- and 3rd-degree reach is a **model estimate**: the ego
//! network is embedded in synthetic LinkedIn-like populations (the generators'
//! `linkedin` preset) and measured over replicates. Sits beside
//! [`crate::simulation`], on the same kernel.
//!
//! # Algorithm
//! For an export, per replicate (its own seed):
//! 1. Generate the preset population (industries, heavy-tailed degrees, triadic
//!    closure) and place roles.
//! 2. Add the owner and one new node per connection, with the connection's role
//!    from its title. Each connection gets a connection count drawn from the
//!    preset's log-normal distribution; colleagues (one company group) know each
//!    other with probability 1/2; the rest of its links go into its company's
//!    industry (all of a company's people share one), closing triangles with the
//!    preset's probability and leaving the industry with its mixing rate.
//! 3. Draw one inviter per pending incoming invitation from the invitation
//!    sources (friends of friends, strangers, recruiter outreach: the export says
//!    nothing about inviters beyond their name), plus one inviter of each kind.
//! 4. Measure exact reach with none accepted, all accepted, and each kind alone.
//!
//! On a whole graph ([`rank_invitations`]) nothing is modelled: the person's
//! pending invitations are ranked greedily by exact reach.
//!
//! Reported: mean and 10th–90th percentile band over replicates. Because the
//! export gives no title or connections for inviters, individual invitations are
//! not ranked: the advice says what an inviter of each kind is worth, so a person
//! can place each invitation once they look at the profile.
//!
//! # Complexity
//! Per replicate: generation O(n + m) and (2 + pending + kinds) reach queries.

use crate::error::{Error, Result};
use crate::generate::GraphModel;
use crate::generate::linkedin::LinkedInParams;
use crate::graph::NodeId;
use crate::invitations::{ArrivalContext, Source, draw_inviter};
use crate::progress::NoProgress;
use crate::reach::exact::{Query, Search};
use crate::reach::{Degree, ReachCounts};
use crate::roles::{Role, RolePlan, place_roles};

mod greedy;
mod leads;

pub use greedy::{Pick, rank_invitations};
pub use leads::{LeadAdvice, LeadPick, rank_by_leads};

use crate::seed::task_rng;

/// What advice needs from an import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EgoFacts {
    /// Each connection's role (from its title) and company group (colleagues share one).
    pub connections: Vec<(Option<Role>, Option<String>)>,
    /// Pending incoming invitations (distinct people).
    pub pending_incoming: u32,
}

/// Settings of the model.
#[derive(Debug, Clone, PartialEq)]
pub struct AdviceModel {
    /// The population (LinkedIn preset parameters).
    pub population: LinkedInParams,
    /// Replicates.
    pub replicates: u32,
    /// Seed.
    pub seed: u64,
}

/// One line of advice: a scenario's reach gain (or reach), mean and 80% band.
#[derive(Debug, Clone, PartialEq)]
pub struct AdviceRow {
    /// `no change`, `accept all pending`, `one friend of a friend`, ...
    pub scenario: String,
    /// `recruiters` or `hiring_managers` or `people`.
    pub measure: &'static str,
    /// Degree: reach within this many degrees.
    pub within: u8,
    /// Mean over replicates.
    pub mean: f64,
    /// 10th percentile.
    pub p10: f64,
    /// 90th percentile.
    pub p90: f64,
    /// Replicates with a value.
    pub replicates: usize,
}

const KINDS: [(Source, &str); 3] = [
    (Source::FriendOfFriend, "one friend of a friend"),
    (Source::Stranger, "one stranger"),
    (Source::Recruiter, "one recruiter"),
];

/// Runs the model; returns the rows (reach with nothing accepted, then gains).
#[allow(clippy::too_many_lines)] // the four steps of the module doc, then aggregation
pub fn advise(ego: &EgoFacts, model: &AdviceModel) -> Result<Advice> {
    if ego.connections.is_empty() {
        return Err(Error::Invalid(
            "the export has no connections to build on".into(),
        ));
    }
    // scenario index -> per replicate -> (measure, within) -> value
    let mut scenarios: Vec<(String, Vec<Vec<f64>>)> = vec![
        ("no change (reach now)".into(), Vec::new()),
        (
            format!("accept all {} pending", ego.pending_incoming),
            Vec::new(),
        ),
    ];
    for (_, name) in KINDS {
        scenarios.push(((*name).to_string(), Vec::new()));
    }
    let mut curves: Vec<Vec<[u64; 4]>> = Vec::new();
    for r in 0..model.replicates {
        let seed = crate::seed::splitmix(model.seed ^ u64::from(r));
        let (graph, roles, owner) = embed(ego, &model.population, seed)?;
        let mut rng = task_rng(seed, 0x00AD_71CE);
        let ctx = ArrivalContext::new(
            &graph,
            &roles,
            u32::try_from(graph.node_count()).expect("fits u32"),
        );
        // Pending inviters: sources in the proportions of the quick experiment.
        let mut pending = Vec::new();
        for _ in 0..ego.pending_incoming {
            let u: f64 = rand::RngExt::random(&mut rng);
            let source = if u < 0.55 {
                Source::FriendOfFriend
            } else if u < 0.85 {
                Source::Stranger
            } else {
                Source::Recruiter
            };
            if let Some(f) = draw_inviter(&ctx, source, owner, &pending, &mut rng) {
                pending.push(f);
            }
        }
        let kinds: Vec<Option<NodeId>> = KINDS
            .iter()
            .map(|(s, _)| draw_inviter(&ctx, *s, owner, &[], &mut rng))
            .collect();
        // The modelled pending inviters ranked greedily: reach after the best k.
        let (now, picks) = rank_invitations(&graph, &roles, owner, &pending, pending.len());
        curves.push(
            std::iter::once(now)
                .chain(picks.iter().map(|p| p.cumulative))
                .collect(),
        );
        let all: Vec<u32> = pending.iter().map(|v| v.0).collect();
        let singles: Vec<[u32; 1]> = kinds.iter().map(|k| [k.map_or(owner.0, |v| v.0)]).collect();
        let mut queries = vec![
            Query::base(owner),
            Query {
                source: owner,
                accepted: &all,
            },
        ];
        queries.extend(singles.iter().map(|s| Query {
            source: owner,
            accepted: s,
        }));
        let counts = Search::new(&graph, &roles, Degree(3)).run(&queries, &NoProgress);
        let base = &counts[0];
        let measures = |c: &ReachCounts| -> Vec<f64> {
            let mut v = Vec::new();
            for k in [2u8, 3] {
                let u = c.up_to_degree(Degree(k));
                v.extend([
                    u.recruiters as f64,
                    u.hiring_managers as f64,
                    u.nodes as f64,
                ]);
            }
            v
        };
        let b = measures(base);
        scenarios[0].1.push(b.clone());
        for (i, c) in counts.iter().enumerate().skip(1) {
            if i >= 2 && kinds[i - 2].is_none() {
                continue; // no inviter of that kind could be drawn
            }
            let m = measures(c);
            scenarios[i]
                .1
                .push(m.iter().zip(&b).map(|(x, y)| x - y).collect());
        }
    }
    let labels: [(&'static str, u8); 6] = [
        ("recruiters", 2),
        ("hiring_managers", 2),
        ("people", 2),
        ("recruiters", 3),
        ("hiring_managers", 3),
        ("people", 3),
    ];
    let mut rows = Vec::new();
    for (scenario, per_rep) in scenarios {
        for (j, (measure, within)) in labels.iter().enumerate() {
            let mut xs: Vec<f64> = per_rep.iter().map(|v| v[j]).collect();
            if xs.is_empty() {
                continue;
            }
            let mean = xs.iter().sum::<f64>() / xs.len() as f64;
            rows.push(AdviceRow {
                scenario: scenario.clone(),
                measure,
                within: *within,
                mean,
                p10: crate::stats::quantile(&mut xs, 0.1),
                p90: crate::stats::quantile(&mut xs, 0.9),
                replicates: xs.len(),
            });
        }
    }
    // Reach after the best k, over the replicates that drew at least k inviters:
    // the mean and the 10th to 90th percentile.
    let longest = curves.iter().map(Vec::len).max().unwrap_or(0);
    let curve = (0..longest)
        .map(|k| {
            let have: Vec<&[u64; 4]> = curves.iter().filter_map(|c| c.get(k)).collect();
            let of = |i: usize| have.iter().map(|c| c[i] as f64).collect::<Vec<f64>>();
            let mean = |i: usize| of(i).iter().sum::<f64>() / have.len() as f64;
            let q = |i: usize, p: f64| crate::stats::quantile(&mut of(i), p);
            CurvePoint {
                accepted: k,
                mean: [mean(0), mean(1), mean(2), mean(3)],
                p10: [q(0, 0.1), q(1, 0.1), q(2, 0.1), q(3, 0.1)],
                p90: [q(0, 0.9), q(1, 0.9), q(2, 0.9), q(3, 0.9)],
            }
        })
        .collect();
    Ok(Advice { rows, curve })
}

/// Reach after accepting the best `accepted` pending invitations: recruiters and
/// hiring managers within 2, then within 3 degrees (the mean, and the 10th and
/// 90th percentiles over populations; all three equal when exact).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CurvePoint {
    /// Invitations accepted, best first (0 = now).
    pub accepted: usize,
    /// The mean.
    pub mean: [f64; 4],
    /// The 10th percentile.
    pub p10: [f64; 4],
    /// The 90th percentile.
    pub p90: [f64; 4],
}

impl CurvePoint {
    /// An exact point: no spread.
    pub fn exact(accepted: usize, counts: [u64; 4]) -> Self {
        let v = counts.map(|c| c as f64);
        Self {
            accepted,
            mean: v,
            p10: v,
            p90: v,
        }
    }
}

/// What [`advise`] estimates.
#[derive(Debug, Clone, PartialEq)]
pub struct Advice {
    /// Reach now and the gain of each scenario.
    pub rows: Vec<AdviceRow>,
    /// Recruiters and hiring managers within 2, then 3 degrees after accepting
    /// the best k modelled pending invitations (k = 0 is now).
    pub curve: Vec<CurvePoint>,
}

/// Builds one population with the owner and their connections added (see the
/// module doc); returns the graph, its roles and the owner's id.
#[allow(clippy::many_single_char_names, clippy::too_many_lines)] // steps 1-2 of the module doc
fn embed(
    ego: &EgoFacts,
    population: &LinkedInParams,
    seed: u64,
) -> Result<(crate::graph::ConnectionGraph, crate::roles::RoleMap, NodeId)> {
    use rand::RngExt;
    let net = GraphModel::LinkedIn(population.clone()).generate(seed)?;
    let graph = net.to_graph()?;
    let roles = place_roles(
        &graph,
        net.communities.as_deref(),
        &RolePlan::default(),
        seed,
    )?;
    let n = u32::try_from(graph.node_count()).expect("fits u32");
    let industries = net.communities.unwrap_or_else(|| vec![0; n as usize]);
    let blocks = industries.iter().copied().max().unwrap_or(0) + 1;
    let mut members: Vec<Vec<u32>> = vec![Vec::new(); blocks as usize];
    for (v, &c) in industries.iter().enumerate() {
        members[c as usize].push(u32::try_from(v).expect("fits u32"));
    }
    let mut rng = task_rng(seed, 0x0000_E6B0);
    let owner = n;
    let k = u32::try_from(ego.connections.len()).expect("fits u32");
    let id = |i: usize| n + 1 + u32::try_from(i).expect("fits u32");
    let mut edges: Vec<(u32, u32)> = (0..k as usize).map(|i| (owner, id(i))).collect();
    // Colleagues (one company group) know each other with probability 1/2.
    let mut colleagues = vec![0u32; k as usize];
    for i in 0..k as usize {
        for j in i + 1..k as usize {
            let same =
                ego.connections[i].1.is_some() && ego.connections[i].1 == ego.connections[j].1;
            if same && rng.random_bool(0.5) {
                edges.push((id(i), id(j)));
                colleagues[i] += 1;
                colleagues[j] += 1;
            }
        }
    }
    let sigma = match population.distribution {
        crate::generate::DegreeDistribution::LogNormal { sigma } => sigma,
        crate::generate::DegreeDistribution::PowerLaw { .. } => 1.0,
    };
    let median = population.avg_degree / (sigma * sigma / 2.0).exp();
    for (i, (_, company)) in ego.connections.iter().enumerate() {
        // A company sits in one industry (by its group); a connection without one anywhere.
        let industry = match company {
            Some(g) => {
                let h = g
                    .bytes()
                    .fold(seed, |h, b| crate::seed::splitmix(h ^ u64::from(b)));
                u32::try_from(h % u64::from(blocks)).expect("below the block count")
            }
            None => rng.random_range(0..blocks),
        };
        let pool = &members[industry as usize];
        let z: f64 = rng.sample(rand_distr::StandardNormal);
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let d = (median * (sigma * z).exp())
            .round()
            .clamp(1.0, f64::from(population.cap)) as u32;
        let wanted = d.saturating_sub(1 + colleagues[i]);
        let mut attached: Vec<u32> = Vec::new();
        for _ in 0..wanted {
            let closure = !attached.is_empty() && rng.random_bool(population.triad_fraction);
            let t = if closure {
                let x = attached[rng.random_range(0..attached.len())];
                let nb = graph.neighbors(NodeId(x));
                if nb.is_empty() {
                    x
                } else {
                    nb[rng.random_range(0..nb.len())]
                }
            } else if !pool.is_empty() && !rng.random_bool(population.mixing) {
                pool[rng.random_range(0..pool.len())]
            } else {
                rng.random_range(0..n)
            };
            if !attached.contains(&t) {
                attached.push(t);
                edges.push((id(i), t));
            }
        }
    }
    let graph = graph.with_added_nodes(k + 1, &edges)?;
    let mut roles = roles;
    roles.set(NodeId(owner), None);
    for (i, (role, _)) in ego.connections.iter().enumerate() {
        roles.set(NodeId(id(i)), *role);
    }
    Ok((graph, roles, NodeId(owner)))
}

#[cfg(test)]
mod tests;
