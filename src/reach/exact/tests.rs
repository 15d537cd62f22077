//! Unit tests of the bit-parallel kernel.

use super::*;
use crate::progress::NoProgress;
use crate::roles::Role;

fn path_graph(n: u64) -> ConnectionGraph {
    ConnectionGraph::from_edges((0..n - 1).map(|i| (i, i + 1))).unwrap()
}

#[test]
fn path_counts_one_node_per_degree() {
    let g = path_graph(10);
    let roles = RoleMap::from_roles(
        10,
        [
            (NodeId(2), Role::Recruiter),
            (NodeId(3), Role::HiringManager),
        ],
    );
    let r = Search::new(&g, &roles, Degree(3))
        .kernel(Kernel::BitParallel)
        .one(NodeId(0));
    for k in 1..=3u8 {
        assert_eq!(r.at_degree(Degree(k)).nodes, 1);
    }
    assert_eq!(r.at_degree(Degree(2)).recruiters, 1);
    assert_eq!(r.at_degree(Degree(3)).hiring_managers, 1);
    assert_eq!(r.up_to_degree(Degree(3)).nodes, 3);
}

#[test]
fn arcs_scanned_count_the_neighbour_lists_read() {
    // Long enough that every step is top-down (small frontiers).
    let g = path_graph(100);
    let roles = RoleMap::none(100);
    // From node 0 to depth 3: N(0) = 1 arc, then N(1) and N(2), 2 arcs each.
    let (_, arcs) =
        Search::new(&g, &roles, Degree(3)).run_counted(&[Query::base(NodeId(0))], &NoProgress);
    assert_eq!(arcs, 5);
    // Level 1 reads each source's own list: 1 + 2 arcs.
    let qs = [Query::base(NodeId(0)), Query::base(NodeId(2))];
    let (_, arcs) = Search::new(&g, &roles, Degree(1)).run_counted(&qs, &NoProgress);
    assert_eq!(arcs, 3);
}

#[test]
fn accepted_inviters_are_first_degree_for_their_person_only() {
    let g = path_graph(10);
    let roles = RoleMap::none(10);
    let extra = [9u32];
    let qs = [
        Query {
            source: NodeId(0),
            accepted: &extra,
        },
        Query::base(NodeId(1)),
    ];
    let mut s = Scratch::new(10, 1);
    let r = reach_batch(&g, &roles, &qs, Degree(2), &mut s);
    assert_eq!(r[0].at_degree(Degree(1)).nodes, 2); // 1 and 9
    assert_eq!(r[0].at_degree(Degree(2)).nodes, 2); // 2 and 8
    assert_eq!(r[1].at_degree(Degree(1)).nodes, 2); // 0 and 2, not 9
    assert_eq!(r[1].at_degree(Degree(2)).nodes, 1); // 3 only
    // The scratch is clean for the next batch.
    assert!(s.is_clean());
}

#[test]
fn many_sources_match_one_at_a_time_and_bottom_up_is_used() {
    // A star of stars: the hub's frontier is large enough to go bottom-up.
    let mut edges = Vec::new();
    for i in 1..200u64 {
        edges.push((0, i));
        edges.push((i, 1000 + i));
    }
    let g = ConnectionGraph::from_edges(edges).unwrap();
    let roles = RoleMap::none(g.node_count());
    let qs: Vec<Query> = g.nodes().step_by(3).map(Query::base).collect();
    let batch = Search::new(&g, &roles, Degree(4)).run(&qs, &NoProgress);
    for (q, got) in qs.iter().zip(&batch) {
        assert_eq!(
            got,
            &Search::new(&g, &roles, Degree(4))
                .kernel(Kernel::BitParallel)
                .one(q.source)
        );
    }
    // Star of stars from the hub: 199 at degree 1, 199 at degree 2.
    let hub = Search::new(&g, &roles, Degree(3))
        .kernel(Kernel::BitParallel)
        .one(g.ids().lookup("0").unwrap());
    assert_eq!(
        (
            hub.at_degree(Degree(1)).nodes,
            hub.at_degree(Degree(2)).nodes
        ),
        (199, 199)
    );
}

#[test]
#[allow(clippy::cast_possible_truncation)] // ids below 3000
fn every_lane_width_gives_the_same_counts() {
    // A random graph with a hub, so both step directions run, and 200 queries
    // with accepted inviters: 4 batches of 64, 2 of 128, 1 of 192 + 8, 1 of 256.
    let mut edges = Vec::new();
    let mut x = 12_345u64;
    let mut rnd = |m: u64| {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x % m
    };
    for i in 1..3000u64 {
        edges.push((i, rnd(i)));
        edges.push((i, rnd(i)));
        if i % 3 == 0 {
            edges.push((0, i));
        }
    }
    let g = ConnectionGraph::from_edges(edges).unwrap();
    let n = g.node_count() as u64;
    let roles = RoleMap::from_roles(
        g.node_count(),
        (0..n as u32)
            .step_by(7)
            .map(|v| (NodeId(v), Role::Recruiter)),
    );
    let extra: Vec<Vec<u32>> = (0..200)
        .map(|_| (0..3).map(|_| rnd(n) as u32).collect())
        .collect();
    let qs: Vec<Query> = (0..200)
        .map(|i| Query {
            source: NodeId(rnd(n) as u32),
            accepted: &extra[i],
        })
        .collect();
    let run = |words: usize| {
        let mut s = Scratch::new(g.node_count(), words);
        let out: Vec<ReachCounts> = qs
            .chunks(s.lanes())
            .flat_map(|c| reach_batch(&g, &roles, c, Degree(4), &mut s))
            .collect();
        assert!(s.is_clean());
        out
    };
    let narrow = run(1);
    assert!(
        narrow
            .iter()
            .any(|r| r.up_to_degree(Degree(4)).nodes > 1000)
    );
    for words in 2..=MAX_WORDS {
        assert_eq!(run(words), narrow, "{words} lane words");
    }
    // Against a plain BFS per query, at every depth: each depth's last level
    // is counted by whichever step its frontier picks.
    let oracle = |q: &Query, max: usize| {
        let mut dist = vec![usize::MAX; g.node_count()];
        dist[q.source.index()] = 0;
        let mut layer: Vec<u32> = graph_first_layer(&g, q);
        let mut by = Vec::new();
        for d in 1..=max {
            layer.retain(|&v| dist[v as usize] == usize::MAX);
            layer.sort_unstable();
            layer.dedup();
            for &v in &layer {
                dist[v as usize] = d;
            }
            by.push(layer.len() as u64);
            layer = layer
                .iter()
                .flat_map(|&v| g.neighbors(NodeId(v)).iter().copied())
                .collect();
        }
        by
    };
    for max in 1..=4u8 {
        let got = Search::new(&g, &roles, Degree(max)).run(&qs, &NoProgress);
        for (q, r) in qs.iter().zip(&got) {
            let want = oracle(q, usize::from(max));
            let have: Vec<u64> = (1..=max).map(|k| r.at_degree(Degree(k)).nodes).collect();
            assert_eq!(have, want);
        }
    }
    assert_eq!(words_for(200, 100_000), 4);
    assert_eq!(words_for(100, 100_000), 2);
    assert_eq!(words_for(1000, 100_000), MAX_WORDS);
    assert_eq!(words_for(1000, 1_000_000), 1);
}

/// A query's 1st-degree candidates: its neighbours and accepted inviters.
fn graph_first_layer(g: &ConnectionGraph, q: &Query) -> Vec<u32> {
    g.neighbors(q.source)
        .iter()
        .chain(q.accepted)
        .copied()
        .filter(|&v| v != q.source.0)
        .collect()
}
