//! Criterion benchmarks: serial vs hand-written rayon vs `#[par_for]`, in the same run,
//! on the default pool (`PAR_FOR_THREADS` sizes it). Smaller sizes than
//! `bench/src/bin/bench.rs`, which prints the full table per thread count.
//!
//! ```text
//! cargo bench --bench loops
//! ```

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use par_for_bench::*;

fn uniform_and_uneven(c: &mut Criterion) {
    let rounds = calibrate_rounds_per_microsecond();
    let input: Vec<u64> = (0..100_000).collect();
    let mut out = vec![0; input.len()];
    let uniform = move |_: u64| rounds;
    let uneven = move |x: u64| uneven_cost(x) * rounds;
    for (name, cost) in [
        ("uniform_1us", &uniform as &(dyn Fn(u64) -> u32 + Sync)),
        ("uneven_1us", &uneven),
    ] {
        let mut group = c.benchmark_group(name);
        group.sample_size(10);
        group.bench_function("serial", |b| b.iter(|| loop_serial(&input, &mut out, cost)));
        group.bench_function("rayon", |b| b.iter(|| loop_rayon(&input, &mut out, cost)));
        group.bench_function("par_for", |b| {
            b.iter(|| loop_par_for(&input, &mut out, cost))
        });
        group.finish();
    }
}

fn collect_and_tiny(c: &mut Criterion) {
    let rounds = calibrate_rounds_per_microsecond();
    let input: Vec<u64> = (0..100_000).collect();
    let mut group = c.benchmark_group("collect_1us");
    group.sample_size(10);
    group.bench_function("serial", |b| b.iter(|| collect_serial(&input, rounds)));
    group.bench_function("rayon", |b| b.iter(|| collect_rayon(&input, rounds)));
    group.bench_function("par_for", |b| b.iter(|| collect_par_for(&input, rounds)));
    group.finish();
    let tiny_input: Vec<u64> = (0..2_000_000).collect();
    let mut group = c.benchmark_group("tiny_collect");
    group.sample_size(10);
    group.bench_function("serial", |b| b.iter(|| tiny_serial(&tiny_input)));
    group.bench_function("rayon", |b| b.iter(|| tiny_rayon(&tiny_input)));
    group.bench_function("par_for", |b| b.iter(|| tiny_par_for(&tiny_input)));
    group.finish();
}

fn sum_and_small(c: &mut Criterion) {
    let mut group = c.benchmark_group("sum_trivial");
    group.sample_size(10);
    let n = 10_000_000;
    group.bench_with_input(BenchmarkId::new("serial", n), &n, |b, &n| {
        b.iter(|| sum_serial(n))
    });
    group.bench_with_input(BenchmarkId::new("rayon", n), &n, |b, &n| {
        b.iter(|| sum_rayon(n))
    });
    group.bench_with_input(BenchmarkId::new("par_for", n), &n, |b, &n| {
        b.iter(|| sum_par_for(n))
    });
    group.finish();
    let rounds = (calibrate_rounds_per_microsecond() / 20).max(1);
    let input: Vec<u64> = (0..1000).collect();
    let mut group = c.benchmark_group("small_1000x50ns");
    group.bench_function("serial", |b| b.iter(|| small_serial(&input, rounds)));
    group.bench_function("rayon", |b| b.iter(|| small_rayon(&input, rounds)));
    group.bench_function("par_for", |b| b.iter(|| small_par_for(&input, rounds)));
    group.finish();
    let rounds = rounds * 5;
    let mut group = c.benchmark_group("medium_1000x250ns");
    group.bench_function("serial", |b| b.iter(|| small_serial(&input, rounds)));
    group.bench_function("rayon", |b| b.iter(|| small_rayon(&input, rounds)));
    group.bench_function("par_for", |b| b.iter(|| medium_par_for(&input, rounds)));
    group.finish();
}

criterion_group!(benches, uniform_and_uneven, collect_and_tiny, sum_and_small);
criterion_main!(benches);
