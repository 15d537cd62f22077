//! Property tests: exact reach against naive oracles (a plain BFS over a
//! `HashMap` adjacency, and petgraph's Dijkstra) on random small graphs, with and
//! without accepted invitations, on 1 and 2 threads; and the invariants of
//! DESIGN.md (adding edges never shrinks cumulative reach); renumbering the
//! nodes for locality changes no count.
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
