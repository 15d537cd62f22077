#![allow(clippy::cast_possible_truncation, clippy::float_cmp)] // small test graphs; exact zeros

use super::*;

fn node(g: &ConnectionGraph, id: u64) -> u32 {
    g.ids().lookup(&id.to_string()).expect("id in graph").0
}

/// The openings reached in one world given explicitly: which ties pass and who
/// forwards, by a plain breadth-first search over live ties.
fn reached_rate(
    g: &ConnectionGraph,
    openings: &[f64],
    s: u32,
    max: usize,
    live: impl Fn(u32, u32) -> bool,
    forwards: impl Fn(u32) -> bool,
) -> Vec<f64> {
    let n = g.node_count();
    let mut dist = vec![usize::MAX; n];
    dist[s as usize] = 0;
    let mut frontier = vec![s];
    let mut out = vec![0.0; max];
    for level in 1..=max {
        let mut next = Vec::new();
        for &v in &frontier {
            if v != s && !forwards(v) {
                continue;
            }
            for &u in g.neighbors(NodeId(v)) {
                if dist[u as usize] == usize::MAX && live(v, u) {
                    dist[u as usize] = level;
                    next.push(u);
                    out[level - 1] += openings[u as usize];
                }
            }
        }
        frontier = next;
    }
    let mut acc = 0.0;
    out.iter()
        .map(|x| {
            acc += x;
            acc
        })
        .collect()
}

#[test]
#[allow(clippy::many_single_char_names)]
fn monte_carlo_agrees_with_enumerating_every_world() {
    // 0 is the person; 3 a recruiter, 4 a hiring manager; 1-3-4 a triangle.
    let g = ConnectionGraph::from_edges([(0, 1), (0, 2), (1, 3), (2, 3), (3, 4), (1, 4)]).unwrap();
    let mutual = g.mutual_counts();
    let roles = RoleMap::from_roles(
        g.node_count(),
        [
            (NodeId(node(&g, 3)), Role::Recruiter),
            (NodeId(node(&g, 4)), Role::HiringManager),
        ],
    );
    // Dyadic probabilities, so the 12-bit rounding is exact.
    let model = LeadModel {
        worlds: 64 * 400,
        recruiter_openings: 1.0,
        hiring_manager_openings: 0.5,
        pass_weak: 0.5,
        pass_strong: 0.75,
        half_mutual: 1.0,
        forward: 0.75,
        fake_pass: 0.0,
    };
    let world = LeadWorld::new(&g, &mutual, &roles, 5, model, 7);
    let s = node(&g, 0);
    let q = LeadQuery {
        source: NodeId(s),
        accepted: &[],
        replicate: 0,
    };
    let max = Degree(3);
    let openings: Vec<f64> = (0..5)
        .map(|v| model.openings(roles.role_of(NodeId(v))))
        .collect();
    // Every world: 6 ties and 4 intermediaries.
    let mut ties: Vec<(u32, u32, f64)> = Vec::new();
    for v in 0..5u32 {
        for &u in g.neighbors(NodeId(v)) {
            if v < u {
                let m = g.mutual_count(NodeId(v), NodeId(u));
                ties.push((v, u, model.pass(u32::try_from(m).unwrap())));
            }
        }
    }
    let others: Vec<u32> = (0..5).filter(|&v| v != s).collect();
    let (mut mean, mut none) = (vec![0.0; 3], vec![0.0; 3]);
    for bits in 0u32..1 << (ties.len() + others.len()) {
        let mut p = 1.0;
        for (i, t) in ties.iter().enumerate() {
            p *= if bits >> i & 1 == 1 { t.2 } else { 1.0 - t.2 };
        }
        for i in 0..others.len() {
            let on = bits >> (ties.len() + i) & 1 == 1;
            p *= if on {
                model.forward
            } else {
                1.0 - model.forward
            };
        }
        let live = |a: u32, b: u32| {
            let i = ties
                .iter()
                .position(|t| (t.0, t.1) == (a.min(b), a.max(b)))
                .unwrap();
            bits >> i & 1 == 1
        };
        let forwards = |v: u32| {
            let i = others.iter().position(|&o| o == v).unwrap();
            bits >> (ties.len() + i) & 1 == 1
        };
        let r = reached_rate(&g, &openings, s, 3, live, forwards);
        for k in 0..3 {
            mean[k] += p * r[k];
            none[k] += p * (-r[k]).exp();
        }
    }
    let per_world = world.world_rates(&q, max);
    let leads = world.leads(&q, max, &mut Scratch::new(5));
    let n = per_world.len() as f64;
    for k in 0..3 {
        let xs: Vec<f64> = per_world.iter().map(|w| w[k]).collect();
        let m = xs.iter().sum::<f64>() / n;
        let se = (xs.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (n - 1.0) / n).sqrt();
        assert!((leads.up_to(k + 1) - m).abs() < 1e-9);
        assert!(
            (m - mean[k]).abs() <= 4.0 * se + 1e-12,
            "within {}: Monte Carlo {m:.4} ± {se:.4}, exact {:.4}",
            k + 1,
            mean[k]
        );
        let p_exact = 1.0 - none[k];
        assert!(
            (leads.p_any_up_to[k] - p_exact).abs() < 0.02,
            "P(any) within {}: {} against {p_exact}",
            k + 1,
            leads.p_any_up_to[k]
        );
    }
    assert!(mean[0] == 0.0 && mean[2] > mean[1] && mean[1] > 0.0);
}

/// A clustered random graph of 3,000 people: each newcomer links to 4 earlier
/// people, every other link closing a triangle (Holme–Kim's idea, written
/// here so the kernel's tests need no generator).
fn test_graph() -> (ConnectionGraph, RoleMap) {
    let mut state = 99u64;
    let mut next = |m: u64| {
        state = splitmix(state);
        state % m
    };
    let mut lists: Vec<Vec<u64>> = vec![vec![1, 2, 3, 4], vec![0], vec![0], vec![0], vec![0]];
    let mut edges: Vec<(u64, u64)> = (1..5).map(|v| (0, v)).collect();
    for v in 5..3000u64 {
        let mut mine = Vec::new();
        let mut last = next(v);
        for i in 0..4 {
            let near = &lists[last as usize];
            let u = if i % 2 == 1 && !near.is_empty() {
                near[next(near.len() as u64) as usize]
            } else {
                next(v)
            };
            mine.push(u);
            last = u;
        }
        for &u in &mine {
            edges.push((u, v));
            lists[u as usize].push(v);
        }
        lists.push(mine);
    }
    let g = ConnectionGraph::from_edges(edges).unwrap();
    let roles = RoleMap::from_roles(
        g.node_count(),
        (0..g.node_count() as u32).filter(|v| v % 7 == 0).map(|v| {
            (
                NodeId(v),
                if v % 2 == 0 {
                    Role::Recruiter
                } else {
                    Role::HiringManager
                },
            )
        }),
    );
    (g, roles)
}

#[test]
fn the_word_parallel_search_matches_a_search_per_world() {
    let (g, roles) = test_graph();
    let mutual = g.mutual_counts();
    let model = LeadModel {
        worlds: 128,
        forward: 0.6,
        pass_weak: 0.3,
        pass_strong: 0.9,
        ..LeadModel::default()
    };
    let world = LeadWorld::new(&g, &mutual, &roles, u32::MAX, model, 11);
    let openings: Vec<f64> = (0..g.node_count() as u32)
        .map(|v| model.openings(roles.role_of(NodeId(v))))
        .collect();
    let index = |a: u32, b: u32| {
        let (lo, _) = g.csr();
        lo[a as usize] as usize + g.neighbors(NodeId(a)).binary_search(&b).unwrap()
    };
    // Several people in a row: the sparse reset must leave clean scratch.
    for s in [0u32, 17, 2999, 500] {
        let q = LeadQuery {
            source: NodeId(s),
            accepted: &[],
            replicate: 1,
        };
        let per_world = world.world_rates(&q, Degree(3));
        for (i, got) in per_world.iter().enumerate() {
            let (w, lane) = (i as u32 / LANES, i as u32 % LANES);
            let ws = world.word_seed(1, w);
            let live = |a: u32, b: u32| {
                world.tie_word(ws, a, b, u32::from(mutual[index(a, b)])) >> lane & 1 == 1
            };
            let forwards = |v: u32| world.forward_word(ws, v) >> lane & 1 == 1;
            let want = reached_rate(&g, &openings, s, 3, live, forwards);
            for k in 0..3 {
                assert!((got[k] - want[k]).abs() < 1e-6, "person {s} world {i}");
            }
        }
    }
}

#[test]
fn accepting_never_lowers_leads_in_any_world() {
    let (g, roles) = test_graph();
    let mutual = g.mutual_counts();
    let world = LeadWorld::new(&g, &mutual, &roles, u32::MAX, LeadModel::default(), 5);
    let s = NodeId(42);
    let strangers: Vec<(u32, u32)> = (1000..1012u32)
        .filter(|&u| g.neighbors(s).binary_search(&u).is_err())
        .map(|u| (u, u % 4))
        .collect();
    let mut last: Option<Vec<Vec<f64>>> = None;
    for k in 0..=strangers.len() {
        let q = LeadQuery {
            source: s,
            accepted: &strangers[..k],
            replicate: 0,
        };
        let now = world.world_rates(&q, Degree(3));
        if let Some(before) = &last {
            for (a, b) in before.iter().zip(&now) {
                for d in 0..3 {
                    assert!(b[d] >= a[d] - 1e-9, "accepting {k} lowered a world's leads");
                }
            }
        }
        last = Some(now);
    }
    let none = world.leads(
        &LeadQuery {
            source: s,
            accepted: &[],
            replicate: 0,
        },
        Degree(3),
        &mut Scratch::new(g.node_count()),
    );
    let all = world.leads(
        &LeadQuery {
            source: s,
            accepted: &strangers,
            replicate: 0,
        },
        Degree(3),
        &mut Scratch::new(g.node_count()),
    );
    assert!(all.total() > none.total());
    assert!(all.p_any_up_to[2] >= none.p_any_up_to[2]);
}

#[test]
fn results_ignore_the_thread_count() {
    let (g, roles) = test_graph();
    let mutual = g.mutual_counts();
    let world = LeadWorld::new(&g, &mutual, &roles, u32::MAX, LeadModel::default(), 9);
    let ties = [(2500u32, 1u32), (2600, 0)];
    let sets = vec![vec![], vec![0], vec![0, 1]];
    let marginals = [(2, 0), (2, 1), (0, 1)];
    let asks: Vec<PersonQuestions<'_>> = (0..40u32)
        .map(|i| PersonQuestions {
            source: NodeId(i * 71),
            replicate: i % 3,
            ties: &ties,
            sets: &sets,
            marginals: &marginals,
        })
        .collect();
    let on = |threads: usize| {
        use rayon::prelude::*;
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| {
                asks.par_iter()
                    .map_init(
                        || Scratch::new(g.node_count()),
                        |scratch, pq| world.person(pq, Degree(3), scratch),
                    )
                    .collect::<Vec<_>>()
            })
    };
    assert_eq!(on(1), on(4));
}

#[test]
fn bernoulli_words_have_the_asked_probability() {
    for q in [0u32, 1, 1000, 2048, 4095, 4096] {
        let ones: u32 = (0..4000u64)
            .map(|i| bernoulli_word(q, splitmix(i)).count_ones())
            .sum();
        let p = f64::from(ones) / (4000.0 * 64.0);
        let want = f64::from(q) / f64::from(ONE);
        assert!((p - want).abs() < 0.005, "q {q}: {p} against {want}");
    }
}

#[test]
fn a_dead_fake_tie_carries_nothing() {
    let (g, roles) = test_graph();
    let mutual = g.mutual_counts();
    // Pretend nodes from 2000 on are fake: accepting one adds nothing.
    let world = LeadWorld::new(&g, &mutual, &roles, 2000, LeadModel::default(), 1);
    let mut scratch = Scratch::new(g.node_count());
    let base = LeadQuery {
        source: NodeId(3),
        accepted: &[],
        replicate: 0,
    };
    let with_fake = LeadQuery {
        accepted: &[(2100, 0)],
        ..base
    };
    assert_eq!(
        world.leads(&base, Degree(3), &mut scratch),
        world.leads(&with_fake, Degree(3), &mut scratch)
    );
}

#[test]
fn one_persons_questions_at_once_agree_with_one_search_each() {
    let (g, roles) = test_graph();
    let mutual = g.mutual_counts();
    let world = LeadWorld::new(&g, &mutual, &roles, 2900, LeadModel::default(), 21);
    let mut scratch = Scratch::new(g.node_count());
    // Strangers, a recruiter (node 14 % 7 == 0) and a fake account (2950).
    let ties = [(1500u32, 0u32), (14, 2), (2950, 0), (800, 6), (2100, 1)];
    let sets: Vec<Vec<usize>> = vec![vec![], vec![1], vec![0, 1, 2, 3, 4], vec![3, 4]];
    let mut marginals: Vec<(usize, usize)> = (0..5).map(|t| (2, t)).collect();
    marginals.push((3, 1)); // a tie outside the question: what adding it gains
    for (s, depth) in [(9u32, 3u8), (100, 2), (2000, 4)] {
        let pq = PersonQuestions {
            source: NodeId(s),
            replicate: 2,
            ties: &ties,
            sets: &sets,
            marginals: &marginals,
        };
        let got = world.person(&pq, Degree(depth), &mut scratch);
        let one = |set: &[usize], scratch: &mut Scratch| {
            let accepted: Vec<(u32, u32)> = set.iter().map(|&t| ties[t]).collect();
            let q = LeadQuery {
                source: NodeId(s),
                accepted: &accepted,
                replicate: 2,
            };
            world.leads(&q, Degree(depth), scratch)
        };
        for (set, leads) in sets.iter().zip(&got.leads) {
            let want = one(set, &mut scratch);
            for k in 0..usize::from(depth) {
                assert!(
                    (leads.at_hops[k] - want.at_hops[k]).abs() < 1e-9,
                    "{s} {set:?}"
                );
                assert!((leads.p_any_up_to[k] - want.p_any_up_to[k]).abs() < 1e-9);
            }
        }
        let mut any = false;
        for (&(q, t), &value) in marginals.iter().zip(&got.marginals) {
            let with: Vec<usize> = sets[q]
                .iter()
                .copied()
                .chain([t])
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .collect();
            let without: Vec<usize> = sets[q].iter().copied().filter(|&x| x != t).collect();
            let want = one(&with, &mut scratch).total() - one(&without, &mut scratch).total();
            assert!(
                (value - want).abs() < 1e-9,
                "{s}: tie {t} of {q}: {value} against {want}"
            );
            assert!(value >= 0.0);
            any |= value > 0.0;
        }
        assert!(any);
        // The fake tie passes nothing.
        assert_eq!(got.marginals[2], 0.0);
    }
}
