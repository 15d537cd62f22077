//! Property tests: exact reach against naive oracles (a plain BFS over a
//! `HashMap` adjacency, and petgraph's Dijkstra) on random small graphs, with and
//! without accepted invitations, on 1 and 2 threads; and the invariants of
//! netreach's guarantees (adding edges never shrinks cumulative reach);
//! renumbering the nodes for locality changes no count; and expected job leads
//! on random graphs with firms: accepting never lowers them, a fake account's
//! tie adds nothing, the thread count changes nothing, and with every
//! probability 1 a tie adds exactly the openings of the firms only it brings
//! within reach (nothing for a firm already reached).
#![allow(
    clippy::unwrap_used,
    clippy::cast_possible_truncation,
    clippy::wildcard_enum_match_arm,
    clippy::match_wildcard_for_single_variants
)]

use std::collections::{HashMap, HashSet, VecDeque};

use netreach::graph::{ConnectionGraph, NodeId, VertexOrder};
use netreach::invitations::{Invitation, PendingInvitations};
use netreach::progress::NoProgress;
use netreach::reach::exact::{Kernel, Query, Search};
use netreach::reach::{Counts, Degree, ReachCounts};
use netreach::roles::{Role, RoleMap};
use netreach::strategy::Strategy;
use proptest::prelude::*;

/// A small random case: edges between external ids, a role per node, invitations.
#[derive(Debug, Clone)]
struct Case {
    edges: Vec<(u64, u64)>,
    roles: Vec<u8>,
    invitations: Vec<(u64, u64)>,
}

/// External ids are sparse and large, as in SNAP files.
fn ext(i: u64) -> u64 {
    i * 1_000_003 + 17
}

fn case() -> impl Strategy2<Value = Case> {
    (2u64..40).prop_flat_map(|n| {
        (
            prop::collection::vec((0..n, 0..n), 1..120),
            prop::collection::vec(0u8..3, n as usize),
            prop::collection::vec((0..n, 0..n), 0..60),
        )
            .prop_map(|(e, r, i)| Case {
                edges: e.into_iter().map(|(a, b)| (ext(a), ext(b))).collect(),
                roles: r,
                invitations: i.into_iter().map(|(a, b)| (ext(a), ext(b))).collect(),
            })
    })
}
use proptest::strategy::Strategy as Strategy2;

type Adj = HashMap<u64, HashSet<u64>>;

fn adjacency(edges: &[(u64, u64)]) -> Adj {
    let mut adj: Adj = HashMap::new();
    for &(a, b) in edges {
        if a != b {
            adj.entry(a).or_default().insert(b);
            adj.entry(b).or_default().insert(a);
        }
    }
    adj
}

/// Plain BFS from `s` up to `max` hops, counting by degree and role.
fn oracle_reach(adj: &Adj, role: &HashMap<u64, u8>, s: u64, max: u8) -> ReachCounts {
    let mut dist: HashMap<u64, u8> = HashMap::from([(s, 0)]);
    let mut q = VecDeque::from([s]);
    let mut by = vec![Counts::default(); max as usize];
    while let Some(v) = q.pop_front() {
        let d = dist[&v];
        if d == max {
            continue;
        }
        for &w in adj.get(&v).into_iter().flatten() {
            if let std::collections::hash_map::Entry::Vacant(e) = dist.entry(w) {
                e.insert(d + 1);
                q.push_back(w);
                let c = &mut by[d as usize];
                c.nodes += 1;
                match role.get(&w) {
                    Some(1) => c.recruiters += 1,
                    Some(2) => c.hiring_managers += 1,
                    _ => {}
                }
            }
        }
    }
    ReachCounts::from_vec(by)
}

/// The oracle's view of a strategy: which of `s`'s pending inviters it accepts.
fn oracle_accepts(st: &Strategy, adj: &Adj, role: &HashMap<u64, u8>, s: u64, f: u64) -> bool {
    let empty = HashSet::new();
    let mutual = adj
        .get(&s)
        .unwrap_or(&empty)
        .intersection(adj.get(&f).unwrap_or(&empty))
        .count();
    match st {
        Strategy::AcceptAll => true,
        Strategy::RefuseAll => false,
        Strategy::MinMutual(k) => mutual >= *k as usize,
        Strategy::MutualRange(a, b) => mutual >= *a as usize && mutual <= *b as usize,
        Strategy::Roles(rs) => match role.get(&f) {
            Some(1) => rs.contains(&Role::Recruiter),
            Some(2) => rs.contains(&Role::HiringManager),
            _ => false,
        },
        _ => unreachable!("not used with the oracle"),
    }
}

struct Built {
    graph: ConnectionGraph,
    roles: RoleMap,
    role_by_ext: HashMap<u64, u8>,
    pending: PendingInvitations,
}

fn build(c: &Case) -> Option<Built> {
    let graph = ConnectionGraph::from_edges(c.edges.clone()).ok()?;
    let mut role_by_ext = HashMap::new();
    let mut roles = RoleMap::none(graph.node_count());
    for (i, &r) in c.roles.iter().enumerate() {
        let e = ext(i as u64);
        if let Some(v) = graph.ids().lookup(&e.to_string()) {
            role_by_ext.insert(e, r);
            roles.set(
                v,
                match r {
                    1 => Some(Role::Recruiter),
                    2 => Some(Role::HiringManager),
                    _ => None,
                },
            );
        }
    }
    let invs = c.invitations.iter().filter_map(|&(t, f)| {
        Some(Invitation {
            to: graph.ids().lookup(&t.to_string())?,
            from: graph.ids().lookup(&f.to_string())?,
        })
    });
    let (pending, _) = PendingInvitations::new(&graph, invs);
    Some(Built {
        graph,
        roles,
        role_by_ext,
        pending,
    })
}

fn ext_of(g: &ConnectionGraph, v: NodeId) -> u64 {
    g.ids().display(v).to_string().parse().unwrap()
}

fn run_on(threads: usize, b: &Built, queries: &[Query<'_>], max: Degree) -> Vec<ReachCounts> {
    run_kernel(threads, Kernel::Auto, b, queries, max)
}

fn run_kernel(
    threads: usize,
    kernel: Kernel,
    b: &Built,
    queries: &[Query<'_>],
    max: Degree,
) -> Vec<ReachCounts> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap()
        .install(|| {
            Search::new(&b.graph, &b.roles, max)
                .kernel(kernel)
                .run_counted(queries, &NoProgress)
                .0
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn exact_reach_equals_plain_bfs_with_and_without_invitations(c in case(), max in 1u8..5) {
        let Some(b) = build(&c) else { return Ok(()) };
        let adj = adjacency(&c.edges);
        let strategies = [Strategy::RefuseAll, Strategy::AcceptAll, Strategy::MinMutual(1), Strategy::MutualRange(0, 1),
            Strategy::Roles(vec![Role::Recruiter])];
        let mut plan = Vec::new();
        for v in 0..b.graph.node_count() as u32 {
            for st in &strategies {
                let acc = st.accepted(&b.graph, &b.roles, NodeId(v), b.pending.inviters_of(NodeId(v)), 0);
                plan.push((NodeId(v), st, acc));
            }
        }
        let queries: Vec<Query> = plan.iter().map(|(s, _, acc)| Query { source: *s, accepted: acc }).collect();
        // Both kernels (one person at a time, bit-parallel batches) and the
        // automatic choice agree, on one thread and on two.
        let one = run_on(1, &b, &queries, Degree(max));
        let two = run_on(2, &b, &queries, Degree(max));
        prop_assert_eq!(&one, &two);
        prop_assert_eq!(&one, &run_kernel(1, Kernel::BitParallel, &b, &queries, Degree(max)));
        prop_assert_eq!(&one, &run_kernel(2, Kernel::BitParallel, &b, &queries, Degree(max)));
        prop_assert_eq!(&one, &run_kernel(2, Kernel::OneByOne, &b, &queries, Degree(max)));
        for ((s, st, acc), got) in plan.iter().zip(&one) {
            let se = ext_of(&b.graph, *s);
            // The oracle decides acceptance itself and adds the edges to a copy.
            let mut adj2 = adj.clone();
            let mut n_acc = 0;
            for f in b.pending.inviters_of(*s) {
                let fe = ext_of(&b.graph, f);
                if oracle_accepts(st, &adj, &b.role_by_ext, se, fe) {
                    adj2.entry(se).or_default().insert(fe);
                    adj2.entry(fe).or_default().insert(se);
                    n_acc += 1;
                }
            }
            prop_assert_eq!(n_acc, acc.len(), "strategy {} at {}", st, se);
            let want = oracle_reach(&adj2, &b.role_by_ext, se, max);
            prop_assert_eq!(got, &want, "source {} strategy {}", se, st);
        }
    }

    #[test]
    fn base_reach_matches_petgraph_distances(c in case()) {
        let Some(b) = build(&c) else { return Ok(()) };
        let pg = b.graph.to_petgraph();
        let queries: Vec<Query> = (0..b.graph.node_count() as u32).map(|v| Query::base(NodeId(v))).collect();
        let got = run_on(2, &b, &queries, Degree(6));
        prop_assert_eq!(&got, &run_kernel(2, Kernel::BitParallel, &b, &queries, Degree(6)));
        for (q, r) in queries.iter().zip(&got) {
            let d = petgraph::algo::dijkstra(&pg, q.source.0.into(), None, |_| 1u32);
            for k in 1..=6u32 {
                let want = d.values().filter(|&&x| x == k).count() as u64;
                prop_assert_eq!(r.at_degree(Degree(k as u8)).nodes, want);
            }
        }
    }

    #[test]
    fn accepting_never_shrinks_cumulative_reach(c in case()) {
        let Some(b) = build(&c) else { return Ok(()) };
        let mut plan = Vec::new();
        for v in 0..b.graph.node_count() as u32 {
            let all: Vec<u32> = b.pending.inviters_of(NodeId(v)).map(|f| f.0).collect();
            plan.push((NodeId(v), Vec::new()));
            plan.push((NodeId(v), all));
        }
        let queries: Vec<Query> = plan.iter().map(|(s, a)| Query { source: *s, accepted: a }).collect();
        let r = run_on(2, &b, &queries, Degree(3));
        for pair in r.chunks(2) {
            for k in 1..=3u8 {
                let (refuse, accept) = (pair[0].up_to_degree(Degree(k)), pair[1].up_to_degree(Degree(k)));
                prop_assert!(accept.nodes >= refuse.nodes);
                prop_assert!(accept.recruiters >= refuse.recruiters);
                prop_assert!(accept.hiring_managers >= refuse.hiring_managers);
            }
        }
    }

    #[test]
    fn renumbering_for_locality_changes_no_count(c in case()) {
        let Some(b) = build(&c) else { return Ok(()) };
        let plan: Vec<(NodeId, Vec<u32>)> = b.graph.nodes()
            .map(|v| (v, b.pending.inviters_of(v).map(|f| f.0).collect()))
            .collect();
        let queries: Vec<Query> = plan.iter().map(|(s, a)| Query { source: *s, accepted: a }).collect();
        let want = run_on(2, &b, &queries, Degree(4));
        for order in [VertexOrder::Degree, VertexOrder::Bfs] {
            let (graph, new_id) = b.graph.renumbered(order);
            // A permutation, and every edge maps to an edge.
            let mut sorted = new_id.clone();
            sorted.sort_unstable();
            prop_assert!(sorted.iter().enumerate().all(|(i, &x)| x as usize == i));
            prop_assert_eq!(graph.edge_count(), b.graph.edge_count());
            for (u, v) in b.graph.edges() {
                prop_assert!(graph.has_edge(NodeId(new_id[u.index()]), NodeId(new_id[v.index()])));
            }
            let roles = b.roles.renumbered(&new_id);
            let accepted: Vec<Vec<u32>> = plan.iter()
                .map(|(_, a)| a.iter().map(|&v| new_id[v as usize]).collect())
                .collect();
            let queries: Vec<Query> = plan.iter().zip(&accepted)
                .map(|((s, _), a)| Query { source: NodeId(new_id[s.index()]), accepted: a })
                .collect();
            let got = Search::new(&graph, &roles, Degree(4)).run(&queries, &NoProgress);
            prop_assert_eq!(&got, &want, "{:?} order", order);
        }
    }
}

/// A random small graph with firms (ids 0..n, firm of v = v % firms, two
/// industries), roles, and a person with strangers to accept.
#[derive(Debug, Clone)]
struct LeadCase {
    n: u32,
    edges: Vec<(u32, u32)>,
    firms: u32,
    roles: Vec<u8>,
    accepted: Vec<u32>,
}

fn lead_case() -> impl Strategy2<Value = LeadCase> {
    (4u32..40).prop_flat_map(|n| {
        (
            prop::collection::vec((0..n, 0..n), 3..120),
            1..=n,
            prop::collection::vec(0u8..3, n as usize),
            prop::collection::vec(1..n, 0..6),
        )
            .prop_map(move |(edges, firms, roles, accepted)| LeadCase {
                n,
                edges,
                firms,
                roles,
                accepted,
            })
    })
}

mod leads_props {
    use super::*;
    use netreach::firms::Firms;
    use netreach::reach::leads::{LeadModel, LeadWorld, PersonQuestions};

    /// The graph on nodes 0..n (ids as generated), its roles and firms; the
    /// person is node 0. `None` when every edge is a self-loop.
    fn build(c: &LeadCase) -> Option<(ConnectionGraph, RoleMap, Firms)> {
        let g = netreach::generate::to_graph(c.n, &c.edges).ok()?;
        let id = |v: u32| NodeId(v);
        let roles = RoleMap::from_roles(
            g.node_count(),
            (0..c.n).filter_map(|v| match c.roles[v as usize] {
                1 => Some((id(v), Role::Recruiter)),
                2 => Some((id(v), Role::HiringManager)),
                _ => None,
            }),
        );
        let mut firm_of = vec![0u32; g.node_count()];
        for v in 0..c.n {
            firm_of[id(v).index()] = v % c.firms;
        }
        let industry = (0..c.firms).map(|f| f % 2).collect();
        Some((g, roles, Firms::from_parts(firm_of, industry).unwrap()))
    }

    fn model(p: f64) -> LeadModel {
        LeadModel {
            worlds: 128,
            pass_weak: p,
            pass_strong: (p * 2.0).min(1.0),
            ..LeadModel::default()
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(120))]

        /// Accepting more invitations never lowers expected leads, a tie's
        /// marginal value is never negative, and a fake account's tie adds
        /// nothing; on 1 thread and 2 the answers are the same.
        #[test]
        fn accepting_never_lowers_leads_and_fakes_add_nothing(c in lead_case(), p in 0.05f64..0.9, depth in 1u8..4) {
            let Some((g, roles, firms)) = build(&c) else { return Ok(()) };
            let id = NodeId;
            // The last node plays a fake account.
            let first_fake = id(c.n - 1).0.max(1);
            let world = LeadWorld::counting_on_demand(&g, &roles, &firms, first_fake, model(p), 7);
            let person = id(0);
            let ties: Vec<(u32, u32)> = c.accepted.iter().map(|&v| (id(v).0, 0)).collect();
            let sets: Vec<Vec<usize>> = (0..=ties.len()).map(|k| (0..k).collect()).collect();
            let marginals: Vec<(usize, usize)> = (0..ties.len()).map(|t| (ties.len(), t)).collect();
            let pq = PersonQuestions { source: person, replicate: 0, ties: &ties, sets: &sets, marginals: &marginals };
            let on = |threads: usize| {
                rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap()
                    .install(|| world.person(&pq, Degree(depth), &mut world.scratch()))
            };
            let got = on(1);
            prop_assert_eq!(&got, &on(2));
            for w in got.leads.windows(2) {
                prop_assert!(w[1].total() >= w[0].total() - 1e-9, "{} then {}", w[0].total(), w[1].total());
            }
            for (t, &v) in got.marginals.iter().enumerate() {
                prop_assert!(v >= -1e-12);
                if ties[t].0 >= first_fake {
                    prop_assert!(v.abs() < 1e-12, "a fake tie added {}", v);
                }
            }
        }

        /// With every probability 1, a tie adds exactly the openings of the
        /// firms it brings within reach that the others do not: nothing when
        /// every firm it reaches is reached already.
        #[test]
        fn a_tie_into_firms_already_reached_adds_nothing(c in lead_case(), depth in 1u8..4) {
            let Some((g, roles, firms)) = build(&c) else { return Ok(()) };
            let id = NodeId;
            let sure = LeadModel {
                worlds: 64, insider_knows: 1.0, relevance_same: 1.0, relevance_other: 1.0,
                pass_weak: 1.0, pass_strong: 1.0, forward_near: 1.0, forward_far: 1.0,
                ..LeadModel::default()
            };
            let world = LeadWorld::counting_on_demand(&g, &roles, &firms, u32::MAX, sure, 1);
            let person = id(0);
            // Firms within `depth` of the person through the base graph and
            // then through each accepted inviter, by plain searches.
            let within = |extra: &[u32]| -> std::collections::BTreeSet<u32> {
                let mut dist: HashMap<u32, u8> = HashMap::from([(person.0, 0)]);
                let mut frontier = vec![person.0];
                for k in 1..=depth {
                    let mut next = Vec::new();
                    for &v in &frontier {
                        let more: Vec<u32> = if v == person.0 { extra.to_vec() } else { Vec::new() };
                        for &u in g.neighbors(NodeId(v)).iter().chain(&more) {
                            if let std::collections::hash_map::Entry::Vacant(e) = dist.entry(u) {
                                e.insert(k);
                                next.push(u);
                            }
                        }
                    }
                    frontier = next;
                }
                let own = firms.firm_of(person.0);
                dist.keys().filter(|&&v| v != person.0).filter_map(|&v| firms.firm_of(v)).filter(|&f| Some(f) != own).collect()
            };
            let ties: Vec<(u32, u32)> = c.accepted.iter().map(|&v| (id(v).0, 0)).collect();
            let all: Vec<u32> = ties.iter().map(|t| t.0).collect();
            let sets = vec![(0..ties.len()).collect::<Vec<usize>>()];
            let marginals: Vec<(usize, usize)> = (0..ties.len()).map(|t| (0, t)).collect();
            let pq = PersonQuestions { source: person, replicate: 0, ties: &ties, sets: &sets, marginals: &marginals };
            let got = world.person(&pq, Degree(depth), &mut world.scratch());
            let rate = |fs: &std::collections::BTreeSet<u32>| -> f64 {
                fs.iter().map(|&f| f64::from(firms.size(f)) * sure.openings_per_employee).sum()
            };
            let with_all = within(&all);
            prop_assert!((got.leads[0].total() - rate(&with_all)).abs() < 1e-9);
            for (t, &v) in got.marginals.iter().enumerate() {
                // Without tie t (another copy of the same inviter still counts).
                let others: Vec<u32> = all.iter().enumerate().filter(|&(i, _)| i != t).map(|(_, &x)| x).collect();
                let want = rate(&with_all) - rate(&within(&others));
                prop_assert!((v - want).abs() < 1e-9, "tie {}: {} against {}", t, v, want);
            }
        }
    }
}
