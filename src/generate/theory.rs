//! The models checked against theory, with fixed seeds and tolerances derived from
//! the statistics (standard errors quoted beside each bound).

#![allow(clippy::cast_possible_truncation)]

use std::collections::VecDeque;

use super::*;
use crate::graph::{ConnectionGraph, NodeId};
use crate::roles::{Placement, Role, RoleMap, RolePlan, place_roles};

fn all(g: &ConnectionGraph) -> Vec<NodeId> {
    g.nodes().collect()
}

/// Clauset–Shalizi–Newman MLE of the degree exponent for degrees ≥ `dmin`, and the
/// number of tail nodes.
fn tail_exponent(g: &ConnectionGraph, dmin: usize) -> (f64, usize) {
    let tail: Vec<f64> = g
        .nodes()
        .map(|v| g.neighbor_count(v))
        .filter(|&d| d >= dmin)
        .map(|d| d as f64)
        .collect();
    let s: f64 = tail.iter().map(|d| (d / (dmin as f64 - 0.5)).ln()).sum();
    (1.0 + tail.len() as f64 / s, tail.len())
}

/// Mean shortest-path length from `sources` by plain BFS.
fn mean_distance(g: &ConnectionGraph, sources: &[NodeId]) -> f64 {
    let (mut total, mut pairs) = (0u64, 0u64);
    let mut dist = vec![u32::MAX; g.node_count()];
    for &s in sources {
        dist.fill(u32::MAX);
        dist[s.index()] = 0;
        let mut q = VecDeque::from([s.0]);
        while let Some(v) = q.pop_front() {
            for &w in g.neighbors(NodeId(v)) {
                if dist[w as usize] == u32::MAX {
                    dist[w as usize] = dist[v as usize] + 1;
                    total += u64::from(dist[w as usize]);
                    pairs += 1;
                    q.push_back(w);
                }
            }
        }
    }
    total as f64 / pairs as f64
}

#[test]
fn barabasi_albert_has_m_links_per_node_and_a_tail_exponent_near_3() {
    let g = GraphModel::BarabasiAlbert {
        nodes: 50_000,
        m: 3,
    }
    .generate(11)
    .unwrap()
    .to_graph()
    .unwrap();
    assert_eq!(g.edge_count(), 6 + (50_000 - 4) * 3);
    let (gamma, tail) = tail_exponent(&g, 12);
    // Standard error (γ-1)/√tail ≈ 0.04 here; finite-size bias of BA is a few tenths
    // at most at this size.
    assert!(tail > 1_000, "{tail}");
    assert!((2.6..=3.4).contains(&gamma), "γ = {gamma}");
}

#[test]
fn holme_kim_clusters_far_more_than_barabasi_albert() {
    let ba = GraphModel::BarabasiAlbert {
        nodes: 20_000,
        m: 4,
    }
    .generate(5)
    .unwrap()
    .to_graph()
    .unwrap();
    let hk = GraphModel::HolmeKim {
        nodes: 20_000,
        m: 4,
        triad_prob: 0.8,
    }
    .generate(5)
    .unwrap()
    .to_graph()
    .unwrap();
    assert_eq!(ba.edge_count(), hk.edge_count());
    let (c_ba, c_hk) = (
        ba.average_clustering(&all(&ba)),
        hk.average_clustering(&all(&hk)),
    );
    // Holme and Kim report C ≈ 0.5 at m = 3 and triad probability 0.8 versus ≈ 0.005
    // for BA at this size.
    assert!(c_hk > 0.3 && c_hk > 10.0 * c_ba, "HK {c_hk}, BA {c_ba}");
    let (gamma, _) = tail_exponent(&hk, 15);
    assert!(
        (2.4..=3.6).contains(&gamma),
        "HK keeps a power-law tail: γ = {gamma}"
    );
}

#[test]
fn watts_strogatz_clustering_and_path_length_fall_with_rewiring() {
    let nodes = 4_000;
    let mut last = (f64::INFINITY, f64::INFINITY);
    for (beta, want_c) in [
        (0.0, 0.6),
        (0.05, 0.6 * 0.95f64.powi(3)),
        (0.2, 0.6 * 0.8f64.powi(3)),
    ] {
        let g = GraphModel::WattsStrogatz {
            nodes,
            k: 6,
            rewire_prob: beta,
        }
        .generate(2)
        .unwrap()
        .to_graph()
        .unwrap();
        let c = g.average_clustering(&all(&g));
        // C(β) ≈ C(0)(1-β)³ with C(0) = 3(k-2)/(4(k-1)) = 0.6 (Barrat and Weigt 2000).
        assert!(
            (c - want_c).abs() < 0.03,
            "β = {beta}: C = {c}, expected ≈ {want_c}"
        );
        let l = mean_distance(&g, &[NodeId(0), NodeId(1000), NodeId(2000), NodeId(3000)]);
        assert!(
            c < last.0 + 1e-9 && l < last.1,
            "β = {beta}: C {c}, L {l}, before {last:?}"
        );
        last = (c, l);
    }
    // The ring alone: L ≈ n/(2k) = 333; a fifth rewired: L ≈ ln n / ln k ≈ 5-7.
    assert!(last.1 < 12.0, "{}", last.1);
}

#[test]
fn sbm_block_densities_match_p_in_and_p_out() {
    let (nodes, c, d, mu) = (20_000u32, 10u32, 20.0, 0.25);
    let net = GraphModel::Sbm {
        nodes,
        communities: c,
        avg_degree: d,
        mixing: mu,
    }
    .generate(3)
    .unwrap();
    let block = net.communities.clone().unwrap();
    let g = net.to_graph().unwrap();
    let (mut inside, mut between) = (0f64, 0f64);
    for (u, v) in g.edges() {
        if block[u.index()] == block[v.index()] {
            inside += 1.0;
        } else {
            between += 1.0;
        }
    }
    let s = f64::from(nodes / c);
    let want_in = f64::from(c) * (1.0 - mu) * d / (s - 1.0) * s * (s - 1.0) / 2.0;
    let want_between =
        mu * d / (f64::from(nodes) - s) * (f64::from(nodes) * (f64::from(nodes) - s) / 2.0);
    // Edge counts are binomial: sd ≈ √mean (≈ 275 and ≈ 160); allow 5 sd.
    assert!(
        (inside - want_in).abs() < 5.0 * want_in.sqrt(),
        "inside {inside} vs {want_in}"
    );
    assert!(
        (between - want_between).abs() < 5.0 * want_between.sqrt(),
        "between {between} vs {want_between}"
    );
}

#[test]
fn chung_lu_realised_degrees_track_the_expected_ones() {
    let (nodes, d) = (30_000u32, 20.0);
    let dist = DegreeDistribution::LogNormal { sigma: 0.8 };
    let w = chung_lu::expected_degrees(nodes, d, dist, 2_000, 8);
    let g = GraphModel::ChungLu {
        nodes,
        avg_degree: d,
        distribution: dist,
        cap: 2_000,
    }
    .generate(8)
    .unwrap()
    .to_graph()
    .unwrap();
    // Bins of expected degree: the realised mean should be within a few percent
    // (sampling error of a bin mean with hundreds of nodes is about 1-2%; merged
    // repeats take at most w²/Σw, well under 1% below w = 50).
    for (lo, hi) in [(5.0, 10.0), (10.0, 20.0), (20.0, 50.0)] {
        let bin: Vec<usize> = (0..nodes as usize)
            .filter(|&i| w[i] >= lo && w[i] < hi)
            .collect();
        let want: f64 = bin.iter().map(|&i| w[i]).sum::<f64>() / bin.len() as f64;
        let got: f64 = bin
            .iter()
            .map(|&i| g.neighbor_count(NodeId(i as u32)) as f64)
            .sum::<f64>()
            / bin.len() as f64;
        assert!(bin.len() > 500, "{}", bin.len());
        assert!(
            (got / want - 1.0).abs() < 0.05,
            "bin {lo}-{hi}: realised {got}, expected {want}"
        );
    }
}

#[test]
fn role_fractions_are_exact_and_degree_bias_favours_hubs() {
    let g = GraphModel::BarabasiAlbert {
        nodes: 20_000,
        m: 5,
    }
    .generate(4)
    .unwrap()
    .to_graph()
    .unwrap();
    let mean = |m: &RoleMap, r: Role| {
        let v: Vec<usize> = g
            .nodes()
            .filter(|&v| m.role_of(v) == Some(r))
            .map(|v| g.neighbor_count(v))
            .collect();
        v.iter().sum::<usize>() as f64 / v.len() as f64
    };
    let overall = 2.0 * g.edge_count() as f64 / g.node_count() as f64;
    for placement in [Placement::Uniform, Placement::DegreeBiased] {
        let plan = RolePlan {
            placement,
            ..RolePlan::default()
        };
        let m = place_roles(&g, None, &plan, 9).unwrap();
        assert_eq!(m.count(Role::Recruiter), 600);
        assert_eq!(m.count(Role::HiringManager), 1400);
        let ratio = mean(&m, Role::Recruiter) / overall;
        match placement {
            // E[d²]/E[d] for BA at m = 5 is several times the mean.
            Placement::DegreeBiased => assert!(ratio > 2.0, "{ratio}"),
            // The mean of 600 uniform picks: sd of the ratio ≈ 0.07.
            _ => assert!((ratio - 1.0).abs() < 0.3, "{ratio}"),
        }
    }
    assert!(
        place_roles(
            &g,
            None,
            &RolePlan {
                placement: Placement::Community,
                ..RolePlan::default()
            },
            1
        )
        .is_err()
    );
}

#[test]
fn community_placement_spreads_hiring_managers_over_every_industry() {
    let net = GraphModel::Sbm {
        nodes: 10_000,
        communities: 10,
        avg_degree: 12.0,
        mixing: 0.3,
    }
    .generate(6)
    .unwrap();
    let c = net.communities.clone().unwrap();
    let g = net.to_graph().unwrap();
    let plan = RolePlan {
        placement: Placement::Community,
        ..RolePlan::default()
    };
    let m = place_roles(&g, Some(&c), &plan, 3).unwrap();
    for b in 0..10 {
        let hm = g
            .nodes()
            .filter(|&v| c[v.index()] == b && m.role_of(v) == Some(Role::HiringManager))
            .count();
        assert_eq!(hm, 70, "community {b}");
    }
    assert_eq!(m.count(Role::Recruiter), 300);
}

#[test]
fn linkedin_preset_is_heavy_tailed_clustered_and_capped() {
    let p = linkedin::LinkedInParams {
        nodes: 20_000,
        avg_degree: 40.0,
        cap: 1_000,
        ..Default::default()
    };
    let net = GraphModel::LinkedIn(p).generate(1).unwrap();
    let g = net.to_graph().unwrap();
    let mean = 2.0 * g.edge_count() as f64 / g.node_count() as f64;
    // Merged repeats and dropped loops cost a few percent of the links.
    assert!((mean / 40.0 - 1.0).abs() < 0.1, "mean degree {mean}");
    let s = g.stats();
    assert!(
        s.max_neighbors as f64 > 10.0 * s.median_neighbors as f64,
        "heavy tail: {s:?}"
    );
    let sample: Vec<NodeId> = g.nodes().step_by(20).collect();
    let c = g.average_clustering(&sample);
    let cl = GraphModel::ChungLu {
        nodes: 20_000,
        avg_degree: 40.0,
        distribution: DegreeDistribution::LogNormal { sigma: 1.0 },
        cap: 1_000,
    }
    .generate(1)
    .unwrap()
    .to_graph()
    .unwrap();
    assert!(
        c > 5.0 * cl.average_clustering(&sample),
        "triadic closure clusters: {c}"
    );
}

#[test]
fn same_seed_same_network_whatever_the_threads() {
    let models = [
        GraphModel::Sbm {
            nodes: 5_000,
            communities: 5,
            avg_degree: 10.0,
            mixing: 0.2,
        },
        GraphModel::ChungLu {
            nodes: 5_000,
            avg_degree: 10.0,
            distribution: DegreeDistribution::PowerLaw { exponent: 2.5 },
            cap: 500,
        },
        GraphModel::LinkedIn(linkedin::LinkedInParams {
            nodes: 3_000,
            avg_degree: 10.0,
            ..Default::default()
        }),
    ];
    for model in models {
        let runs: Vec<Generated> = [1, 2, 3]
            .iter()
            .map(|&t| {
                rayon::ThreadPoolBuilder::new()
                    .num_threads(t)
                    .build()
                    .unwrap()
                    .install(|| model.generate(42).unwrap())
            })
            .collect();
        assert_eq!(runs[0], runs[1]);
        assert_eq!(runs[0], runs[2]);
        assert_ne!(runs[0], model.generate(43).unwrap());
    }
}
