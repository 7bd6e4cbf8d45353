/* The small-loop workload of issue 9 (`bench/src/small.rs`) as OpenMP C, for
 * comparison: `mix(i, rounds) >> 24` summed over `0..n` with OpenMP's static schedule.
 * Compiled by `bench/build.rs` with `-fopenmp -O2`. */
#include <omp.h>
#include <stdint.h>

/* An xorshift chain of `rounds` steps from `i`, as `par_for_bench::small::mix`. */
static __attribute__((noinline)) uint64_t mix(uint64_t i, uint32_t rounds) {
    uint64_t x = i ^ 0x9E3779B97F4A7C15ULL;
    for (uint32_t r = 0; r < rounds; r++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
    }
    return x;
}

uint64_t par_for_bench_omp_small(uint64_t n, uint32_t rounds) {
    uint64_t total = 0;
#pragma omp parallel for schedule(static) reduction(+ : total)
    for (uint64_t i = 0; i < n; i++) {
        total += mix(i, rounds) >> 24;
    }
    return total;
}

void par_for_bench_omp_threads(int32_t threads) {
    omp_set_num_threads(threads);
}
