//! Generator benchmark: every model at 100,000 nodes and mean degree 20 (about 1M
//! edges), generation plus CSR build; the 10M-edge comparison with networkit is
//! `benches/peers/generate.py`.
//!
//! Run with `cargo bench --bench generate`; `cargo test --all-targets` runs each once.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use netreach::generate::linkedin::LinkedInParams;
use netreach::generate::{DegreeDistribution, GraphModel};

fn bench_generate(c: &mut Criterion) {
    let nodes = 100_000;
    let models = [
        ("ba", GraphModel::BarabasiAlbert { nodes, m: 10 }),
        (
            "holme-kim",
            GraphModel::HolmeKim {
                nodes,
                m: 10,
                triad_prob: 0.5,
            },
        ),
        (
            "watts-strogatz",
            GraphModel::WattsStrogatz {
                nodes,
                k: 20,
                rewire_prob: 0.1,
            },
        ),
        (
            "sbm",
            GraphModel::Sbm {
                nodes,
                communities: 10,
                avg_degree: 20.0,
                mixing: 0.2,
            },
        ),
        (
            "chung-lu",
            GraphModel::ChungLu {
                nodes,
                avg_degree: 20.0,
                distribution: DegreeDistribution::PowerLaw { exponent: 2.5 },
                cap: 30_000,
            },
        ),
        (
            "linkedin",
            GraphModel::LinkedIn(LinkedInParams {
                nodes,
                avg_degree: 20.0,
                ..LinkedInParams::default()
            }),
        ),
    ];
    let mut group = c.benchmark_group("generate_100k_nodes_mean_degree_20");
    group.sample_size(10);
    for (name, model) in &models {
        group.bench_function(*name, |b| {
            b.iter(|| {
                let net = model.generate(black_box(1)).expect("valid model");
                net.to_graph().expect("valid graph")
            });
        });
    }
    group.finish();
}

criterion_group!(benches, bench_generate);
criterion_main!(benches);
