#![allow(clippy::cast_possible_truncation, clippy::float_cmp)] // small test graphs; exact zeros

use super::*;
use crate::reach::Degree;
use crate::roles::Role;

fn node(g: &ConnectionGraph, id: u64) -> u32 {
    g.ids().lookup(&id.to_string()).expect("id in graph").0
}

/// The openings a week reached in one world given explicitly: which ties pass,
/// who forwards (by distance from the person: 1 is the person's own
/// connection) and who knows of their firm's openings, by a plain
/// breadth-first search over live ties. A firm counts once, at the hop where
/// its first knower is met. Cumulative per hop.
#[allow(clippy::too_many_arguments)]
fn reached_rate(
    g: &ConnectionGraph,
    firm_rate: &dyn Fn(u32) -> f64,
    firm_of: &[u32],
    s: u32,
    max: usize,
    live: impl Fn(u32, u32) -> bool,
    forwards: impl Fn(u32, usize) -> bool,
    knows: impl Fn(u32) -> bool,
) -> Vec<f64> {
    let n = g.node_count();
    let mut dist = vec![usize::MAX; n];
    dist[s as usize] = 0;
    let mut frontier = vec![s];
    let mut out = vec![0.0; max];
    let mut firms_reached = std::collections::HashSet::new();
    for level in 1..=max {
        let mut next = Vec::new();
        for &v in &frontier {
            if v != s && !forwards(v, level - 1) {
                continue;
            }
            for &u in g.neighbors(NodeId(v)) {
                if dist[u as usize] == usize::MAX && live(v, u) {
                    dist[u as usize] = level;
                    next.push(u);
                }
            }
        }
        for &u in &next {
            let f = firm_of[u as usize];
            if f != NO_FIRM && knows(u) && firms_reached.insert(f) {
                out[level - 1] += firm_rate(f);
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
#[allow(clippy::many_single_char_names, clippy::too_many_lines)]
fn monte_carlo_agrees_with_enumerating_every_world() {
    // 0 is the person (firm 0); 3 a recruiter and 4 an insider of one firm (3),
    // 1 and 2 of firms 1 and 2; 1-3-4 a triangle.
    let g = ConnectionGraph::from_edges([(0, 1), (0, 2), (1, 3), (2, 3), (3, 4), (1, 4)]).unwrap();
    let mutual = g.mutual_counts();
    let roles = RoleMap::from_roles(g.node_count(), [(NodeId(node(&g, 3)), Role::Recruiter)]);
    let mut firm_of = vec![0u32; 5];
    for (id, f) in [(0, 0), (1, 1), (2, 2), (3, 3), (4, 3)] {
        firm_of[node(&g, id) as usize] = f;
    }
    // Industries: the person's and firms 1 and 3 in industry 0, firm 2 in 1.
    let firms = Firms::from_parts(firm_of.clone(), vec![0, 0, 1, 0]).unwrap();
    // Dyadic probabilities, so the 12-bit rounding is exact.
    let model = LeadModel {
        worlds: 64 * 400,
        openings_per_employee: 0.5,
        insider_knows: 0.5,
        relevance_same: 1.0,
        relevance_other: 0.5,
        pass_weak: 0.5,
        pass_strong: 0.75,
        half_mutual: 1.0,
        forward_near: 0.75,
        forward_far: 0.75,
        fake_pass: 0.0,
    };
    let world = LeadWorld::new(&g, &mutual, &roles, &firms, 5, model, 7);
    let s = node(&g, 0);
    let q = LeadQuery {
        source: NodeId(s),
        accepted: &[],
        replicate: 0,
    };
    let max = Degree(3);
    let who = world.seeker(s);
    let firm_rate = |f: u32| world.firm_rate(who, f);
    // Firm 3 has two people: 1.0 a week, relevant; firm 2 half as relevant.
    assert_eq!((firm_rate(3), firm_rate(2), firm_rate(0)), (1.0, 0.25, 0.0));
    // Every world: 6 ties, 4 intermediaries' forwarding, 3 insiders' knowing.
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
    let insiders: Vec<u32> = others
        .iter()
        .copied()
        .filter(|&v| roles.role_of(NodeId(v)).is_none())
        .collect();
    let (mut mean, mut none) = (vec![0.0; 3], vec![0.0; 3]);
    let (t, o) = (ties.len(), others.len());
    for bits in 0u32..1 << (t + o + insiders.len()) {
        let mut p = 1.0;
        for (i, tie) in ties.iter().enumerate() {
            p *= if bits >> i & 1 == 1 {
                tie.2
            } else {
                1.0 - tie.2
            };
        }
        for i in 0..o {
            p *= if bits >> (t + i) & 1 == 1 { 0.75 } else { 0.25 };
        }
        p *= 0.5f64.powi(i32::try_from(insiders.len()).unwrap()); // insider_knows, either way
        let live = |a: u32, b: u32| {
            let i = ties
                .iter()
                .position(|x| (x.0, x.1) == (a.min(b), a.max(b)))
                .unwrap();
            bits >> i & 1 == 1
        };
        let forwards = |v: u32, _: usize| {
            let i = others.iter().position(|&x| x == v).unwrap();
            bits >> (t + i) & 1 == 1
        };
        let knows = |v: u32| {
            insiders
                .iter()
                .position(|&x| x == v)
                .is_none_or(|i| bits >> (t + o + i) & 1 == 1)
        };
        let r = reached_rate(&g, &firm_rate, &firm_of, s, 3, live, forwards, knows);
        for k in 0..3 {
            mean[k] += p * r[k];
            none[k] += p * (-r[k]).exp();
        }
    }
    let per_world = world.world_rates(&q, max);
    let leads = world.leads(&q, max, &mut world.scratch());
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
    assert!(mean[0] > 0.0 && mean[2] > mean[1] && mean[1] > mean[0]);
}

/// A clustered random graph of 3,000 people: each newcomer links to 4 earlier
/// people, every other link closing a triangle (Holme–Kim's idea, written
/// here so the kernel's tests need no generator). Every seventh person has a
/// role; firms are runs of ten consecutive people, in three industries.
fn test_graph() -> (ConnectionGraph, RoleMap, Firms) {
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
    let n = g.node_count() as u32;
    let roles = RoleMap::from_roles(
        g.node_count(),
        (0..n).filter(|v| v % 7 == 0).map(|v| {
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
    let firm_of: Vec<u32> = (0..n).map(|v| v / 10).collect();
    let industry: Vec<u32> = (0..n.div_ceil(10)).map(|f| f % 3).collect();
    let firms = Firms::from_parts(firm_of, industry).unwrap();
    (g, roles, firms)
}

#[test]
fn the_word_parallel_search_matches_a_search_per_world() {
    let (g, roles, firms) = test_graph();
    let mutual = g.mutual_counts();
    let model = LeadModel {
        worlds: 128,
        forward_near: 0.8,
        forward_far: 0.4,
        insider_knows: 0.3,
        pass_weak: 0.3,
        pass_strong: 0.9,
        ..LeadModel::default()
    };
    let world = LeadWorld::new(&g, &mutual, &roles, &firms, u32::MAX, model, 11);
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
        let who = world.seeker(s);
        let firm_rate = |f: u32| world.firm_rate(who, f);
        let per_world = world.world_rates(&q, Degree(3));
        for (i, got) in per_world.iter().enumerate() {
            let (w, lane) = (i as u32 / LANES, i as u32 % LANES);
            let ws = world.word_seed(1, w);
            let live = |a: u32, b: u32| {
                world.tie_word(ws, a, b, u32::from(mutual[index(a, b)])) >> lane & 1 == 1
            };
            let forwards =
                |v: u32, dist: usize| world.forward_word(ws, v, dist == 1) >> lane & 1 == 1;
            let knows = |v: u32| world.knows_word(ws, v) >> lane & 1 == 1;
            let want = reached_rate(
                &g,
                &firm_rate,
                firms.firms_of_nodes(),
                s,
                3,
                live,
                forwards,
                knows,
            );
            for k in 0..3 {
                assert!((got[k] - want[k]).abs() < 1e-6, "person {s} world {i}");
            }
        }
    }
}

#[test]
fn with_every_probability_one_leads_are_the_openings_of_the_firms_within_reach() {
    let (g, roles, firms) = test_graph();
    let mutual = g.mutual_counts();
    let model = LeadModel {
        worlds: 64,
        insider_knows: 1.0,
        relevance_same: 1.0,
        relevance_other: 1.0,
        pass_weak: 1.0,
        pass_strong: 1.0,
        forward_near: 1.0,
        forward_far: 1.0,
        ..LeadModel::default()
    };
    let world = LeadWorld::new(&g, &mutual, &roles, &firms, u32::MAX, model, 3);
    let mut scratch = world.scratch();
    for (s, depth) in [(5u32, 1u8), (5, 2), (1234, 2), (2999, 3)] {
        // The firms of everyone within `depth`, by a plain search.
        let mut dist = vec![u8::MAX; g.node_count()];
        dist[s as usize] = 0;
        let mut frontier = vec![s];
        let mut within = std::collections::BTreeSet::new();
        for k in 1..=depth {
            let mut next = Vec::new();
            for &v in &frontier {
                for &u in g.neighbors(NodeId(v)) {
                    if dist[u as usize] == u8::MAX {
                        dist[u as usize] = k;
                        next.push(u);
                        within.insert(firms.firm_of(u).unwrap());
                    }
                }
            }
            frontier = next;
        }
        within.remove(&firms.firm_of(s).unwrap());
        let want: f64 = within
            .iter()
            .map(|&f| f64::from(firms.size(f)) * model.openings_per_employee)
            .sum();
        let q = LeadQuery {
            source: NodeId(s),
            accepted: &[],
            replicate: 0,
        };
        let got = world.leads(&q, Degree(depth), &mut scratch);
        assert!(
            (got.total() - want).abs() < 1e-9,
            "person {s} within {depth}: {} against {want}",
            got.total()
        );
        // And the same through the person-at-once path.
        let pq = PersonQuestions {
            source: NodeId(s),
            replicate: 0,
            ties: &[],
            sets: &[vec![]],
            marginals: &[],
        };
        let once = world.person(&pq, Degree(depth), &mut scratch);
        assert!((once.leads[0].total() - want).abs() < 1e-9);
    }
}

#[test]
fn a_tie_into_a_firm_every_world_reaches_adds_nothing() {
    // 0 knows 1 (firm 1, with 2 and 3); 3 (firm 1) asks to connect; 3 has no
    // other tie, so all it could bring is firm 1, which 1 already brings.
    let g = ConnectionGraph::from_edges([(0, 1), (1, 2), (3, 3), (4, 5)]).unwrap();
    let mutual = g.mutual_counts();
    let roles = RoleMap::none(g.node_count());
    let mut firm_of = vec![0u32; g.node_count()];
    for (id, f) in [(0, 0), (1, 1), (2, 1), (3, 1), (4, 2), (5, 2)] {
        firm_of[node(&g, id) as usize] = f;
    }
    let firms = Firms::from_parts(firm_of, vec![0, 0, 0]).unwrap();
    let sure = LeadModel {
        worlds: 64,
        insider_knows: 1.0,
        pass_weak: 1.0,
        pass_strong: 1.0,
        forward_near: 1.0,
        forward_far: 1.0,
        ..LeadModel::default()
    };
    let (s, three, four) = (node(&g, 0), node(&g, 3), node(&g, 4));
    let ties = [(three, 0u32), (four, 0)];
    let sets = vec![vec![], vec![0], vec![1]];
    let marginals = [(1, 0), (2, 1)];
    let pq = PersonQuestions {
        source: NodeId(s),
        replicate: 0,
        ties: &ties,
        sets: &sets,
        marginals: &marginals,
    };
    let world = LeadWorld::new(&g, &mutual, &roles, &firms, u32::MAX, sure, 1);
    let got = world.person(&pq, Degree(3), &mut world.scratch());
    assert_eq!(got.marginals[0], 0.0, "firm 1 is reached already");
    assert_eq!(got.leads[1], got.leads[0]);
    // A tie into a new firm (2, two people) adds its openings.
    assert!(
        (got.marginals[1] - 2.0 * sure.relevance_same * sure.openings_per_employee).abs() < 1e-12
    );
    // When the path through 1 can fail, the same tie is worth something.
    let unsure = LeadModel {
        pass_weak: 0.5,
        pass_strong: 0.5,
        ..sure
    };
    let world = LeadWorld::new(&g, &mutual, &roles, &firms, u32::MAX, unsure, 1);
    let got = world.person(&pq, Degree(3), &mut world.scratch());
    assert!(got.marginals[0] > 0.0);
}

#[test]
fn accepting_never_lowers_leads_in_any_world() {
    let (g, roles, firms) = test_graph();
    let mutual = g.mutual_counts();
    let world = LeadWorld::new(
        &g,
        &mutual,
        &roles,
        &firms,
        u32::MAX,
        LeadModel::default(),
        5,
    );
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
    let ask = |accepted: &[(u32, u32)]| {
        let q = LeadQuery {
            source: s,
            accepted,
            replicate: 0,
        };
        world.leads(&q, Degree(3), &mut world.scratch())
    };
    let (none, all) = (ask(&[]), ask(&strangers));
    assert!(all.total() > none.total());
    assert!(all.p_any_up_to[2] >= none.p_any_up_to[2]);
}

#[test]
fn results_ignore_the_thread_count() {
    let (g, roles, firms) = test_graph();
    let mutual = g.mutual_counts();
    let world = LeadWorld::new(
        &g,
        &mutual,
        &roles,
        &firms,
        u32::MAX,
        LeadModel::default(),
        9,
    );
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
                        || world.scratch(),
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
fn a_ties_draw_passes_with_p_of_its_mutual_connections_and_ignores_the_worlds_asked() {
    let (g, roles, firms) = test_graph();
    let mutual = g.mutual_counts();
    let world = LeadWorld::new(
        &g,
        &mutual,
        &roles,
        &firms,
        u32::MAX,
        LeadModel::default(),
        5,
    );
    for m in [0u32, 3, 30, 2000] {
        let mut ones = 0u32;
        let mut asked = 0u32;
        for i in 0..4000u32 {
            let ws = splitmix(u64::from(i));
            let full = world.tie_word(ws, i, i + 1, m);
            ones += full.count_ones();
            // Asking about some worlds gives those worlds of the full word,
            // and counts mutual connections only when the ceiling passes.
            let carry = splitmix(u64::from(i) ^ 7) & splitmix(u64::from(i) ^ 9);
            let mut counted = false;
            let live = world.tie_live(ws, i, i + 1, carry, || {
                counted = true;
                m
            });
            assert_eq!(live, full & carry);
            asked += u32::from(counted);
        }
        let p = f64::from(ones) / (4000.0 * 64.0);
        let want = LeadModel::default().pass(m);
        assert!((p - want).abs() < 0.004, "m {m}: {p} against {want}");
        assert!(asked < 4000, "m {m}: counted every time");
    }
}

#[test]
fn a_dead_fake_tie_carries_nothing() {
    let (g, roles, firms) = test_graph();
    let mutual = g.mutual_counts();
    // Pretend nodes from 2000 on are fake: accepting one adds nothing.
    let world = LeadWorld::new(&g, &mutual, &roles, &firms, 2000, LeadModel::default(), 1);
    let mut scratch = world.scratch();
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
fn the_connected_share_weighs_firms_by_rate_and_relevance() {
    let (g, roles, firms) = test_graph();
    let mutual = g.mutual_counts();
    let world = LeadWorld::new(
        &g,
        &mutual,
        &roles,
        &firms,
        u32::MAX,
        LeadModel::default(),
        1,
    );
    let s = NodeId(55); // firm 5, industry 2
    let who = world.seeker(55);
    let total: f64 = (0..firms.firm_count())
        .map(|f| world.firm_rate(who, f))
        .sum();
    // Connections at the person's own firm (50, 51) and at firm 2 (20, 21).
    let share = world
        .connected_share(s, [50u32, 51, 20, 21].into_iter())
        .unwrap();
    assert!((share - world.firm_rate(who, 2) / total).abs() < 1e-12);
    assert_eq!(world.connected_share(s, [50u32].into_iter()), Some(0.0));
}

#[test]
fn one_persons_questions_at_once_agree_with_one_search_each() {
    let (g, roles, firms) = test_graph();
    let mutual = g.mutual_counts();
    let firms = firms.clone();
    let world = LeadWorld::new(&g, &mutual, &roles, &firms, 2900, LeadModel::default(), 21);
    let mut scratch = world.scratch();
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
        // The words in parallel give the same answers, bit for bit, with one
        // thread or two.
        assert!(world.model().words() > 1);
        for threads in [1, 2] {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            assert_eq!(
                pool.install(|| world.person_parallel(&pq, Degree(depth))),
                got
            );
        }
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
