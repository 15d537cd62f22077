#![allow(
    clippy::cast_possible_truncation,
    clippy::too_many_arguments,
    clippy::items_after_statements
)] // small test graphs; an enumeration's walk

use super::*;
use crate::firms::Firms;
use crate::graph::ConnectionGraph;
use crate::roles::{Role, RoleMap};

/// A random graph of `n` people with about `per` ties each, firms of 4 in 3
/// industries, every sixth person a recruiter.
fn small(n: u64, per: u64, seed: u64) -> (ConnectionGraph, RoleMap, Firms) {
    let mut state = seed;
    let mut next = |m: u64| {
        state = splitmix(state);
        state % m
    };
    let mut edges: Vec<(u64, u64)> = (1..n).map(|v| (next(v), v)).collect();
    for _ in 0..n * (per - 1) / 2 {
        let (a, b) = (next(n), next(n));
        if a != b {
            edges.push((a.min(b), a.max(b)));
        }
    }
    edges.sort_unstable();
    edges.dedup();
    let g = ConnectionGraph::from_edges(edges).unwrap();
    let m = g.node_count() as u32;
    let roles = RoleMap::from_roles(
        g.node_count(),
        (0..m)
            .filter(|v| v % 6 == 0)
            .map(|v| (NodeId(v), Role::Recruiter)),
    );
    let firm_of: Vec<u32> = (0..m).map(|v| v / 4).collect();
    let industry: Vec<u32> = (0..m.div_ceil(4)).map(|f| f % 3).collect();
    (g, roles, Firms::from_parts(firm_of, industry).unwrap())
}

/// Each person's one question in the base network: no tie accepted.
fn base_questions<'a>(people: &[u32], sets: &'a [Vec<usize>]) -> Vec<PersonQuestions<'a>> {
    people
        .iter()
        .map(|&s| PersonQuestions {
            source: NodeId(s),
            replicate: 0,
            ties: &[],
            sets,
            marginals: &[],
        })
        .collect()
}

fn model() -> LeadModel {
    LeadModel {
        worlds: 128,
        openings_per_employee: 0.25,
        insider_knows: 0.4,
        relevance_same: 0.7,
        relevance_other: 0.3,
        pass_weak: 0.35,
        pass_strong: 0.8,
        half_mutual: 1.0,
        forward_near: 0.9,
        forward_far: 0.5,
        fake_pass: 0.0,
    }
}

/// E[1 / (1 + X)] for X a sum of independent Bernoulli(`p`) (one at a time).
fn poisson_binomial_share(p: &[f64]) -> f64 {
    let mut pmf = vec![1.0];
    for &q in p {
        let mut next = vec![0.0; pmf.len() + 1];
        for (k, &x) in pmf.iter().enumerate() {
            next[k] += x * (1.0 - q);
            next[k + 1] += x * q;
        }
        pmf = next;
    }
    pmf.iter()
        .enumerate()
        .map(|(k, &x)| x / (k as f64 + 1.0))
        .sum()
}

/// The firms whose news reaches seeker `j` in one world, by enumerating
/// every simple path of at most `d` ties from `j`: every tie live, the
/// first intermediary forwarding near and the others far, ending at a
/// knower of a firm other than `j`'s.
fn firms_reaching(
    g: &ConnectionGraph,
    firms: &Firms,
    j: u32,
    d: usize,
    world: &dyn Fn(u32, u32) -> bool,
    near: &dyn Fn(u32) -> bool,
    far: &dyn Fn(u32) -> bool,
    knows: &dyn Fn(u32) -> bool,
) -> std::collections::BTreeSet<u32> {
    let mut out = std::collections::BTreeSet::new();
    let mut path = vec![j];
    fn walk(
        g: &ConnectionGraph,
        firms: &Firms,
        d: usize,
        path: &mut Vec<u32>,
        out: &mut std::collections::BTreeSet<u32>,
        world: &dyn Fn(u32, u32) -> bool,
        near: &dyn Fn(u32) -> bool,
        far: &dyn Fn(u32) -> bool,
        knows: &dyn Fn(u32) -> bool,
    ) {
        let v = *path.last().unwrap();
        let hops = path.len() - 1;
        if hops >= 1 {
            let own = firms.firm_of(path[0]);
            if let Some(f) = firms.firm_of(v)
                && Some(f) != own
                && knows(v)
            {
                out.insert(f);
            }
            let forwards = if hops == 1 { near(v) } else { far(v) };
            if hops == d || !forwards {
                return;
            }
        }
        for &u in g.neighbors(NodeId(v)) {
            if !path.contains(&u) && world(v, u) {
                path.push(u);
                walk(g, firms, d, path, out, world, near, far, knows);
                path.pop();
            }
        }
    }
    walk(g, firms, d, &mut path, &mut out, world, near, far, knows);
    out
}

#[test]
fn offers_agree_with_enumerating_paths_and_are_conserved() {
    let (g, roles, firms) = small(48, 4, 7);
    let mutual = g.mutual_counts();
    let m = model();
    let world = LeadWorld::new(&g, &mutual, &roles, &firms, u32::MAX, m, 11);
    let market = Market::new(&world, 0.35, 1 << 20, 5, []);
    let seekers: Vec<u32> = (0..g.node_count() as u32)
        .filter(|&v| market.is_seeker(v))
        .collect();
    assert!(seekers.len() >= 8, "{} seekers", seekers.len());
    let sets = [vec![]];
    let pqs = base_questions(&seekers, &sets);
    for d in [2u8, 3] {
        let got = world.in_market(&pqs, &market, Degree(d), &|_| {});
        let dd = usize::from(d);
        let relevance = |j: u32, f: u32| -> f64 {
            if firms.industry_of(j) == Some(firms.industry(f)) {
                m.relevance_same
            } else {
                m.relevance_other
            }
        };
        let mut want = vec![0.0; seekers.len()];
        let mut hired = 0.0;
        for w in 0..m.words() {
            let ws = world.word_seed(0, w);
            for lane in 0..64 {
                let bit = |x: u64| x >> lane & 1 == 1;
                let live = |a: u32, b: u32| {
                    let k = g.mutual_count(NodeId(a), NodeId(b)) as u32;
                    bit(world.tie_word(ws, a, b, k))
                };
                let near = |v: u32| bit(world.forward_word(ws, v, true));
                let far = |v: u32| bit(world.forward_word(ws, v, false));
                let knows = |v: u32| bit(world.knows_word(ws, v));
                let reached: Vec<_> = seekers
                    .iter()
                    .map(|&j| firms_reaching(&g, &firms, j, dd, &live, &near, &far, &knows))
                    .collect();
                for f in 0..firms.firm_count() {
                    let open = f64::from(firms.size(f)) * m.openings_per_employee;
                    let rels: Vec<(usize, f64)> = seekers
                        .iter()
                        .enumerate()
                        .filter(|&(i, _)| reached[i].contains(&f))
                        .map(|(i, &j)| (i, relevance(j, f)))
                        .collect();
                    for (k, &(i, r)) in rels.iter().enumerate() {
                        let others: Vec<f64> = rels
                            .iter()
                            .enumerate()
                            .filter(|&(l, _)| l != k)
                            .map(|(_, &(_, q))| q)
                            .collect();
                        want[i] += open * r * poisson_binomial_share(&others);
                    }
                    hired += open * (1.0 - rels.iter().map(|&(_, r)| 1.0 - r).product::<f64>());
                }
            }
        }
        let n = f64::from(m.worlds);
        let mut sum = 0.0;
        for (i, pl) in got.iter().enumerate() {
            let offers = pl.leads[0].offers_up_to(dd).unwrap();
            assert!(
                (offers - want[i] / n).abs() < 1e-9,
                "seeker {} within {d}: {offers} against {}",
                seekers[i],
                want[i] / n
            );
            assert!(offers <= pl.leads[0].total() + 1e-12, "an offer is a lead");
            sum += offers;
        }
        // Conservation: every opening reaching a seeker it is relevant to is
        // offered to exactly one; the others to none.
        assert!(
            (sum - hired / n).abs() < 1e-9,
            "{sum} against {}",
            hired / n
        );
        let openings = f64::from(g.node_count() as u32) * m.openings_per_employee;
        assert!(sum < openings);
        assert!(sum > 0.0);
        // The leads are those of the plain path.
        let plain = world.person(&pqs[0], Degree(d), &mut world.scratch());
        assert_eq!(plain.leads[0].at_hops, got[0].leads[0].at_hops);
    }
}

#[test]
fn with_every_probability_one_offers_sum_to_the_openings_of_firms_reaching_a_seeker() {
    let (g, roles, firms) = small(400, 3, 3);
    let mutual = g.mutual_counts();
    let m = LeadModel {
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
    let world = LeadWorld::new(&g, &mutual, &roles, &firms, u32::MAX, m, 2);
    let market = Market::new(&world, 0.1, 1 << 20, 9, []);
    let seekers: Vec<u32> = (0..g.node_count() as u32)
        .filter(|&v| market.is_seeker(v))
        .collect();
    let sets = [vec![]];
    let pqs = base_questions(&seekers, &sets);
    let got = world.in_market(&pqs, &market, Degree(2), &|_| {});
    let sum: f64 = got
        .iter()
        .map(|p| p.leads[0].offers_up_to(2).unwrap())
        .sum();
    // Firms with a seeker outside them within 2 ties of an employee.
    let mut want = 0.0;
    for f in 0..firms.firm_count() {
        let members: Vec<u32> = (0..g.node_count() as u32)
            .filter(|&v| firms.firm_of(v) == Some(f))
            .collect();
        let reaches = members.iter().any(|&u| {
            g.neighbors(NodeId(u)).iter().any(|&x| {
                let near = |y: u32| market.is_seeker(y) && firms.firm_of(y) != Some(f);
                near(x) || g.neighbors(NodeId(x)).iter().any(|&y| y != u && near(y))
            })
        });
        if reaches {
            want += f64::from(firms.size(f)) * m.openings_per_employee;
        }
    }
    assert!((sum - want).abs() < 1e-9, "{sum} against {want}");
}

#[test]
fn a_ties_marginal_offers_are_the_offers_with_it_less_those_without_and_ignore_threads() {
    let (g, roles, firms) = small(300, 4, 21);
    let mutual = g.mutual_counts();
    let world = LeadWorld::new(&g, &mutual, &roles, &firms, u32::MAX, model(), 4);
    let people = [3u32, 77, 150];
    let market = Market::new(&world, 0.2, 1 << 20, 1, people.iter().map(|&p| NodeId(p)));
    // Inviters not yet connected to the person.
    let ties: Vec<Vec<(u32, u32)>> = people
        .iter()
        .map(|&p| {
            (0..g.node_count() as u32)
                .filter(|&u| u != p && !g.neighbors(NodeId(p)).contains(&u))
                .step_by(37)
                .take(3)
                .map(|u| (u, g.mutual_count(NodeId(p), NodeId(u)) as u32))
                .collect()
        })
        .collect();
    let sets = [vec![0, 1, 2], vec![1, 2], vec![], vec![0]];
    let marginals = [(0, 0), (2, 0)];
    let pqs: Vec<PersonQuestions<'_>> = people
        .iter()
        .zip(&ties)
        .map(|(&p, t)| PersonQuestions {
            source: NodeId(p),
            replicate: 1,
            ties: t,
            sets: &sets,
            marginals: &marginals,
        })
        .collect();
    let run = |threads: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| world.in_market(&pqs, &market, Degree(3), &|_| {}))
    };
    let one = run(1);
    assert_eq!(one, run(2), "identical for any thread count");
    let mut some = 0.0;
    for pl in &one {
        let total = |q: usize| pl.leads[q].offers_up_to(3).unwrap();
        assert!((pl.marginal_offers[0] - (total(0) - total(1))).abs() < 1e-12);
        assert!((pl.marginal_offers[1] - (total(3) - total(2))).abs() < 1e-12);
        assert!(pl.marginal_offers[0] <= pl.marginal_offers[1] + 1e-12);
        assert!(
            pl.marginal_offers[0] <= pl.marginals[0] + 1e-12,
            "offers ≤ leads"
        );
        some += pl.marginal_offers[1];
    }
    assert!(some > 0.0, "the ties reach something");
}

#[test]
fn the_contest_share_matches_enumerating_who_finds_it_relevant() {
    let mut c = Contest {
        same: 0.6,
        other: 0.15,
        memo: HashMap::new(),
    };
    for (a, b) in [(0u16, 0u16), (1, 0), (0, 3), (2, 2), (4, 5)] {
        let p: Vec<f64> = std::iter::repeat_n(0.6, usize::from(a))
            .chain(std::iter::repeat_n(0.15, usize::from(b)))
            .collect();
        let mut want = 0.0;
        for mask in 0u32..1 << p.len() {
            let prob: f64 = p
                .iter()
                .enumerate()
                .map(|(i, &q)| if mask >> i & 1 == 1 { q } else { 1.0 - q })
                .product();
            want += prob / f64::from(1 + mask.count_ones());
        }
        assert!((c.share(a, b) - want).abs() < 1e-12, "({a}, {b})");
    }
}

#[test]
fn the_contest_share_keeps_its_precision_against_thousands_of_rivals() {
    let mut c = Contest {
        same: 0.5,
        other: 0.05,
        memo: HashMap::new(),
    };
    for (a, b) in [(150u16, 900u16), (0, 4000), (2500, 3)] {
        let p: Vec<f64> = std::iter::repeat_n(0.5, usize::from(a))
            .chain(std::iter::repeat_n(0.05, usize::from(b)))
            .collect();
        let want = poisson_binomial_share(&p);
        let got = c.share(a, b);
        assert!(
            (got - want).abs() < 1e-12 * want.max(1e-300) + 1e-15,
            "({a}, {b}): {got} against {want}"
        );
    }
}
