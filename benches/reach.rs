//! Exact reach benchmark (issue 2's workload W1): a seeded Barabási–Albert graph
//! with 100,000 nodes and 10 links per new node (about 1M edges), 1,000 sources,
//! max degree 3, refuse-all and accept-all with about 10 pending invitations per
//! source. Also the graph build from an edge list held in memory, and the
//! machine's memory read bandwidth, to compare the kernel's arcs per second with.
//!
//! Run with `cargo bench --bench reach`; `cargo test --all-targets` runs each once.

use std::hint::black_box;
use std::path::Path;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use netreach::generate::{ba::barabasi_albert, to_graph};
use netreach::graph::{ConnectionGraph, NodeId};
use netreach::invitations::{Invitation, PendingInvitations};
use netreach::progress::NoProgress;
use netreach::reach::Degree;
use netreach::reach::exact::{Query, Search};
use netreach::roles::{Role, RoleMap};
use netreach::strategy::Strategy;
use rand::rngs::Xoshiro256PlusPlus;
use rand::{RngExt, SeedableRng};

const NODES: u32 = 100_000;
const SOURCES: u32 = 1_000;

struct Fixture {
    graph: ConnectionGraph,
    roles: RoleMap,
    invitations: PendingInvitations,
    sources: Vec<NodeId>,
    edges: Vec<(u64, u64)>,
}

fn fixture() -> Fixture {
    let edges = barabasi_albert(NODES, 10, 1);
    let graph = to_graph(NODES, &edges).expect("generated graph is valid");
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(2);
    let mut roles = RoleMap::none(graph.node_count());
    for v in graph.nodes() {
        let x: f64 = rng.random();
        roles.set(
            v,
            if x < 0.03 {
                Some(Role::Recruiter)
            } else if x < 0.10 {
                Some(Role::HiringManager)
            } else {
                None
            },
        );
    }
    let sources: Vec<NodeId> = (0..SOURCES)
        .map(|i| NodeId(i * (NODES / SOURCES)))
        .collect();
    let invs = sources.iter().flat_map(|&s| {
        (0..10).map(move |k| Invitation {
            to: s,
            from: NodeId((s.0 * 7919 + k * 104_729 + 13) % NODES),
        })
    });
    let (invitations, _) = PendingInvitations::new(&graph, invs.collect::<Vec<_>>());
    let edges = edges
        .iter()
        .map(|&(u, v)| (u64::from(u), u64::from(v)))
        .collect();
    Fixture {
        graph,
        roles,
        invitations,
        sources,
        edges,
    }
}

fn bench_reach(c: &mut Criterion) {
    let f = fixture();
    let mut group = c.benchmark_group("reach_w1_ba100k_1000src_depth3");
    group.sample_size(10);
    for strategy in [Strategy::RefuseAll, Strategy::AcceptAll] {
        let accepted: Vec<Vec<u32>> = f
            .sources
            .iter()
            .map(|&s| strategy.accepted(&f.graph, &f.roles, s, f.invitations.inviters_of(s), 0))
            .collect();
        let queries: Vec<Query> = f
            .sources
            .iter()
            .zip(&accepted)
            .map(|(&source, a)| Query {
                source,
                accepted: a,
            })
            .collect();
        for threads in [1, 2] {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .expect("pool");
            group.bench_with_input(
                BenchmarkId::new(strategy.to_string(), format!("{threads}-threads")),
                &queries,
                |b, q| {
                    b.iter(|| {
                        pool.install(|| {
                            Search::new(&f.graph, &f.roles, Degree(3))
                                .run(black_box(q), &NoProgress)
                        });
                    });
                },
            );
        }
    }
    group.finish();
    let mut group = c.benchmark_group("build_w1_ba100k");
    group.sample_size(10);
    group.bench_function("from_u64_edges", |b| {
        b.iter(|| {
            ConnectionGraph::from_u64_edges(black_box(&f.edges), Path::new("bench")).expect("valid")
        });
    });
    group.finish();
}

/// The machine's memory limits, to set arcs scanned per second against: read
/// bandwidth (a sum over 1 GiB of `u32`, the type of a neighbour list) and random
/// 8-byte reads per second (a traversal's per-arc lookups), on 1 and 2 threads.
fn bench_memory_bandwidth(c: &mut Criterion) {
    use rayon::prelude::*;
    let words: Vec<u32> = (0..(1u32 << 28)).collect();
    let mut group = c.benchmark_group("memory_read_1GiB_u32");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(4 << 28));
    on_1_and_2_threads(&mut group, || {
        black_box(&words)
            .par_chunks(1 << 20)
            .map(|c| c.iter().fold(0u32, |a, &x| a.wrapping_add(x)))
            .reduce(|| 0, u32::wrapping_add)
    });
    group.finish();
    // Random 8-byte reads, as a traversal's lookups of `seen`/`visit` words: 2^24
    // reads at random positions of a 256 MiB table (larger than any cache).
    let table: Vec<u64> = (0..(1u64 << 25)).collect();
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(3);
    let picks: Vec<u32> = (0..(1u32 << 24))
        .map(|_| rng.random_range(0..(1u32 << 25)))
        .collect();
    let mut group = c.benchmark_group("memory_random_8B_reads_256MiB");
    group.sample_size(10);
    group.throughput(Throughput::Elements(1 << 24));
    on_1_and_2_threads(&mut group, || {
        black_box(&picks)
            .par_chunks(1 << 16)
            .map(|c| c.iter().fold(0u64, |a, &i| a ^ table[i as usize]))
            .reduce(|| 0, |a, b| a ^ b)
    });
    group.finish();
}

/// Benchmarks `work` in a pool of 1 and of 2 threads.
fn on_1_and_2_threads<R: Send>(
    group: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    work: impl Fn() -> R + Sync,
) {
    for threads in [1, 2] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("pool");
        group.bench_function(format!("{threads}-threads"), |b| {
            b.iter(|| pool.install(|| black_box(work())));
        });
    }
}

criterion_group!(benches, bench_reach, bench_memory_bandwidth);
criterion_main!(benches);
