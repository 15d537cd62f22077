//! Simulation benchmark: the built-in quick experiment (20,000-node Holme–Kim
//! network, 300 people × 6 strategies × 12 weeks × 3 replicates), simulation only
//! (set-up done once). The full-size figure is `benches/experiments/simulate-200k.toml`.
//!
//! Run with `cargo bench --bench simulate`; `cargo test --all-targets` runs it once.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use netreach::config::Experiment;
use netreach::progress::NoProgress;
use netreach::simulation::{Setup, simulate};

fn bench_simulate(c: &mut Criterion) {
    let exp = Experiment::quick();
    let setup = Setup::new(&exp).expect("the built-in experiment sets up");
    let mut group = c.benchmark_group("simulate_quick");
    group.sample_size(10);
    group.bench_function("64800_observations", |b| {
        b.iter(|| simulate(black_box(&exp), &setup, &NoProgress));
    });
    group.finish();
}

criterion_group!(benches, bench_simulate);
criterion_main!(benches);
