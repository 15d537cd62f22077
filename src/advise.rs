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
use crate::reach::exact::{Query, reach_many};
use crate::reach::{Degree, ReachCounts};
use crate::roles::{Role, RolePlan, place_roles};
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
        let counts = reach_many(&graph, &roles, &queries, Degree(3), &NoProgress);
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
mod tests {
    use super::*;

    #[test]
    fn accepting_never_lowers_reach_and_recruiters_add_recruiters() {
        let mut connections = vec![(None, None); 30];
        connections.extend(vec![(Some(Role::Recruiter), Some("c-1".to_string())); 4]);
        connections.extend(vec![
            (Some(Role::HiringManager), Some("c-2".to_string()));
            6
        ]);
        let ego = EgoFacts {
            connections,
            pending_incoming: 5,
        };
        let model = AdviceModel {
            population: LinkedInParams {
                nodes: 3_000,
                avg_degree: 20.0,
                ..LinkedInParams::default()
            },
            replicates: 4,
            seed: 1,
        };
        let advice = advise(&ego, &model).unwrap();
        assert_eq!(advice.curve.len(), 6, "now and after each of 5 pending");
        assert!(
            advice
                .curve
                .windows(2)
                .all(|w| w[1].mean[2] >= w[0].mean[2] - 1e-9
                    && w.iter()
                        .all(|p| p.p10[2] <= p.mean[2] && p.mean[2] <= p.p90[2])),
            "best-k reach never drops"
        );
        let rows = advice.rows.clone();
        let four = rows.iter().find(|r| {
            r.scenario.starts_with("no change") && r.measure == "recruiters" && r.within == 2
        });
        assert!(
            four.unwrap().p10 >= 4.0,
            "the four recruiters are 1st degree"
        );
        let get = |s: &str, m: &str, k: u8| {
            rows.iter()
                .find(|r| r.scenario.starts_with(s) && r.measure == m && r.within == k)
                .unwrap()
        };
        assert!(get("no change", "people", 2).mean > 40.0);
        assert!(
            get("no change", "recruiters", 2).p10 >= 4.0,
            "the four recruiters are 1st degree"
        );
        for k in [2, 3] {
            assert!(
                get("accept all", "people", k).p10 >= 0.0,
                "cumulative reach never drops"
            );
        }
        for scenario in ["one friend of a friend", "one stranger", "one recruiter"] {
            assert!(get(scenario, "people", 3).p10 >= 0.0, "{scenario}");
        }
        // Accepting a recruiter brings at least one recruiter closer.
        assert!(get("one recruiter", "recruiters", 2).mean > 0.0);
        assert_eq!(
            advice,
            advise(&ego, &model).unwrap(),
            "one seed, one answer"
        );
    }
}

/// One pick of the greedy ranking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pick {
    /// The inviter.
    pub inviter: NodeId,
    /// Mutual connections with the person (before any acceptance).
    pub mutual: usize,
    /// The inviter's role.
    pub role: Option<Role>,
    /// Added by this pick, given the earlier picks: recruiters and hiring managers
    /// within 2, then within 3 degrees.
    pub added: [u64; 4],
    /// After this pick: recruiters and hiring managers within 2, then within 3.
    pub cumulative: [u64; 4],
}

fn within_2_3(c: &ReachCounts) -> [u64; 4] {
    let (two, three) = (c.up_to_degree(Degree(2)), c.up_to_degree(Degree(3)));
    [
        two.recruiters,
        two.hiring_managers,
        three.recruiters,
        three.hiring_managers,
    ]
}

/// Ranks `inviters` of `person` greedily: each round accepts the invitation that
/// adds the most recruiters plus hiring managers within 3 degrees given the
/// invitations already picked (ties: more within 2, then the lower id), so each
/// pick counts only what the earlier ones did not already add. Exact reach on the
/// whole graph; returns the base reach and at most `top` picks.
///
/// # Complexity
/// `top` rounds of one reach query per remaining inviter (64 per traversal).
pub fn rank_invitations(
    graph: &crate::graph::ConnectionGraph,
    roles: &crate::roles::RoleMap,
    person: NodeId,
    inviters: &[NodeId],
    top: usize,
) -> ([u64; 4], Vec<Pick>) {
    let base =
        within_2_3(&reach_many(graph, roles, &[Query::base(person)], Degree(3), &NoProgress)[0]);
    let mut accepted: Vec<u32> = Vec::new();
    let mut left: Vec<NodeId> = inviters.to_vec();
    let mut current = base;
    let mut picks = Vec::new();
    while picks.len() < top && !left.is_empty() {
        let sets: Vec<Vec<u32>> = left
            .iter()
            .map(|f| {
                accepted
                    .iter()
                    .copied()
                    .chain(std::iter::once(f.0))
                    .collect()
            })
            .collect();
        let queries: Vec<Query<'_>> = sets
            .iter()
            .map(|s| Query {
                source: person,
                accepted: s,
            })
            .collect();
        let counts = reach_many(graph, roles, &queries, Degree(3), &NoProgress);
        let best = (0..left.len())
            .max_by_key(|&i| {
                let c = within_2_3(&counts[i]);
                (c[2] + c[3], c[0] + c[1], std::cmp::Reverse(left[i]))
            })
            .expect("candidates left");
        let after = within_2_3(&counts[best]);
        let f = left.remove(best);
        picks.push(Pick {
            inviter: f,
            mutual: graph.mutual_count(person, f),
            role: roles.role_of(f),
            added: [0, 1, 2, 3].map(|k| after[k].saturating_sub(current[k])),
            cumulative: after,
        });
        accepted.push(f.0);
        current = after;
    }
    (base, picks)
}

#[cfg(test)]
mod greedy_tests {
    use super::*;
    use crate::graph::ConnectionGraph;
    use crate::roles::RoleMap;

    #[test]
    fn greedy_counts_only_what_earlier_picks_did_not_add() {
        // Person 0 - 1. Inviters 10 and 11 both lead to the same two recruiters
        // (20, 21); inviter 12 leads to one other recruiter (22).
        let g = ConnectionGraph::from_edges([
            (0, 1),
            (10, 20),
            (10, 21),
            (11, 20),
            (11, 21),
            (12, 22),
            (30, 31),
        ])
        .unwrap();
        let id = |x: &str| g.ids().lookup(x).unwrap();
        let roles = RoleMap::from_roles(
            g.node_count(),
            ["20", "21", "22"].map(|x| (id(x), Role::Recruiter)),
        );
        let (base, picks) =
            rank_invitations(&g, &roles, id("0"), &[id("12"), id("11"), id("10")], 10);
        assert_eq!(base, [0, 0, 0, 0]);
        let order: Vec<NodeId> = picks.iter().map(|p| p.inviter).collect();
        assert_eq!(order, [id("10"), id("12"), id("11")]);
        assert_eq!(picks[0].added, [2, 0, 2, 0]);
        assert_eq!(picks[1].added, [1, 0, 1, 0]);
        assert_eq!(
            picks[2].added,
            [0, 0, 0, 0],
            "11 adds nothing once 10 is in"
        );
        assert_eq!(picks[2].cumulative, [3, 0, 3, 0]);
    }
}

/// One pending invitation ranked by job leads.
#[derive(Debug, Clone, PartialEq)]
pub struct LeadPick {
    /// The inviter.
    pub inviter: NodeId,
    /// Mutual connections with the person.
    pub mutual: usize,
    /// The inviter's role.
    pub role: Option<Role>,
    /// The inviter's connections.
    pub connections: usize,
    /// Expected leads a week within 3 ties that accepting this invitation
    /// alone adds.
    pub marginal_leads: f64,
}

/// Pending invitations ranked by expected job leads.
#[derive(Debug, Clone, PartialEq)]
pub struct LeadAdvice {
    /// Leads now (no invitation accepted).
    pub now: crate::reach::leads::Leads,
    /// Leads with every pending invitation accepted.
    pub all: crate::reach::leads::Leads,
    /// Every invitation, most leads first (ties: more mutual connections, then
    /// the lower id).
    pub picks: Vec<LeadPick>,
}

/// Ranks `inviters` of `person` by the expected job leads a week (within 3
/// ties) each adds when accepted alone, in the same Monte Carlo worlds, under
/// `model` ([`crate::reach::leads`]). Exact graph, modelled leads.
///
/// # Complexity
/// One search per first tie of the person and word of 64 worlds
/// ([`crate::reach::leads::LeadWorld::person`]).
pub fn rank_by_leads(
    graph: &crate::graph::ConnectionGraph,
    roles: &crate::roles::RoleMap,
    person: NodeId,
    inviters: &[NodeId],
    model: crate::reach::leads::LeadModel,
    seed: u64,
) -> LeadAdvice {
    use crate::reach::leads::{LeadWorld, PersonQuestions, Scratch};
    // The searches read the arcs of nodes within 2 hops of the person (through
    // a connection or an inviter): count mutual connections there only.
    let mut near: Vec<NodeId> = vec![person];
    let firsts = graph
        .neighbors(person)
        .iter()
        .map(|&v| NodeId(v))
        .chain(inviters.iter().copied());
    for f in firsts {
        near.push(f);
        near.extend(graph.neighbors(f).iter().map(|&v| NodeId(v)));
    }
    let mutual = graph.mutual_counts_of(&near);
    let world = LeadWorld::new(graph, &mutual, roles, u32::MAX, model, seed);
    let counts: Vec<usize> = inviters
        .iter()
        .map(|&f| graph.mutual_count(person, f))
        .collect();
    let ties: Vec<(u32, u32)> = inviters
        .iter()
        .zip(&counts)
        .map(|(f, &m)| (f.0, u32::try_from(m).unwrap_or(u32::MAX)))
        .collect();
    let sets = vec![Vec::new(), (0..ties.len()).collect()];
    let marginals: Vec<(usize, usize)> = (0..ties.len()).map(|t| (0, t)).collect();
    let answer = world.person(
        &PersonQuestions {
            source: person,
            replicate: 0,
            ties: &ties,
            sets: &sets,
            marginals: &marginals,
        },
        Degree(3),
        &mut Scratch::new(graph.node_count()),
    );
    let mut picks: Vec<LeadPick> = inviters
        .iter()
        .zip(&counts)
        .zip(&answer.marginals)
        .map(|((&f, &m), &v)| LeadPick {
            inviter: f,
            mutual: m,
            role: roles.role_of(f),
            connections: graph.neighbor_count(f),
            marginal_leads: v,
        })
        .collect();
    picks.sort_by(|a, b| {
        b.marginal_leads
            .total_cmp(&a.marginal_leads)
            .then(b.mutual.cmp(&a.mutual))
            .then(a.inviter.cmp(&b.inviter))
    });
    let mut leads = answer.leads.into_iter();
    LeadAdvice {
        now: leads.next().expect("asked"),
        all: leads.next().expect("asked"),
        picks,
    }
}

#[cfg(test)]
mod lead_tests {
    use super::*;
    use crate::graph::ConnectionGraph;
    use crate::reach::leads::LeadModel;
    use crate::roles::RoleMap;

    #[test]
    fn the_invitation_towards_more_openings_ranks_first() {
        // Person 0 - 1. Inviter 10 knows three recruiters, 11 one, 12 none.
        let g =
            ConnectionGraph::from_edges([(0, 1), (10, 20), (10, 21), (10, 22), (11, 23), (12, 30)])
                .unwrap();
        let id = |x: &str| g.ids().lookup(x).unwrap();
        let roles = RoleMap::from_roles(
            g.node_count(),
            ["20", "21", "22", "23"].map(|x| (id(x), Role::Recruiter)),
        );
        let model = LeadModel {
            pass_weak: 0.5,
            pass_strong: 0.5,
            forward: 0.5,
            worlds: 1024,
            ..LeadModel::default()
        };
        let advice = rank_by_leads(
            &g,
            &roles,
            id("0"),
            &[id("12"), id("11"), id("10")],
            model,
            1,
        );
        let order: Vec<NodeId> = advice.picks.iter().map(|p| p.inviter).collect();
        assert_eq!(order, [id("10"), id("11"), id("12")]);
        // Three recruiters at 2 ties: 0.5 (tie) × 0.5 (forward) × 0.5 (tie) ×
        // 0.5 openings each, within Monte Carlo error.
        let want = 3.0 * 0.5 * 0.5 * 0.5 * model.recruiter_openings;
        assert!(
            (advice.picks[0].marginal_leads - want).abs() < 0.03,
            "{advice:?}"
        );
        assert!(advice.picks[2].marginal_leads.abs() < 1e-12);
        assert!(
            advice.now.total().abs() < 1e-12,
            "nobody holds openings near 0 now"
        );
        let sum: f64 = advice.picks.iter().map(|p| p.marginal_leads).sum();
        assert!(
            (advice.all.total() - sum).abs() < 1e-9,
            "disjoint inviters add up"
        );
    }

    #[test]
    fn counting_mutual_connections_near_the_person_changes_nothing() {
        use crate::reach::leads::{LeadQuery, LeadWorld, Scratch};
        // A clustered ring: every node knows the next three.
        let edges: Vec<(u64, u64)> = (0..300u64)
            .flat_map(|i| (1..4).map(move |k| (i, (i + k) % 300)))
            .chain([(0, 150), (10, 200)])
            .collect();
        let g = ConnectionGraph::from_edges(edges).unwrap();
        let roles = RoleMap::from_roles(
            g.node_count(),
            g.nodes()
                .filter(|v| v.0 % 5 == 0)
                .map(|v| (v, Role::Recruiter)),
        );
        let model = LeadModel {
            pass_weak: 0.3,
            pass_strong: 0.9,
            forward: 0.6,
            ..LeadModel::default()
        };
        let person = g.ids().lookup("0").unwrap();
        let inviters = [
            g.ids().lookup("100").unwrap(),
            g.ids().lookup("250").unwrap(),
        ];
        let advice = rank_by_leads(&g, &roles, person, &inviters, model, 4);
        // The same with every tie counted, one search per question.
        let all = g.mutual_counts();
        let world = LeadWorld::new(&g, &all, &roles, u32::MAX, model, 4);
        let ties: Vec<(u32, u32)> = inviters
            .iter()
            .map(|&f| (f.0, u32::try_from(g.mutual_count(person, f)).unwrap()))
            .collect();
        let mut scratch = Scratch::new(g.node_count());
        let ask = |accepted: &[(u32, u32)], scratch: &mut Scratch| {
            let q = LeadQuery {
                source: person,
                accepted,
                replicate: 0,
            };
            world.leads(&q, Degree(3), scratch)
        };
        let now = ask(&[], &mut scratch);
        assert!((advice.now.total() - now.total()).abs() < 1e-9);
        assert!((advice.all.total() - ask(&ties, &mut scratch).total()).abs() < 1e-9);
        for p in &advice.picks {
            let i = inviters.iter().position(|&f| f == p.inviter).unwrap();
            let alone = ask(&ties[i..=i], &mut scratch).total() - now.total();
            assert!((p.marginal_leads - alone).abs() < 1e-9);
        }
        assert!(advice.now.total() > 0.0);
    }
}
