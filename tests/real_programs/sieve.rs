//! The sieve of Eratosthenes, segmented: the primes up to `sqrt(n)` by the classic
//! serial sieve, then every segment of the rest crossed off by those primes.
//!
//! Change beyond the attribute: the classic loop `for p in 2..=r { if is_prime[p] {
//! for m in (p * p..=n).step_by(p) { is_prime[m] = false } } }` cannot run in parallel
//! as written: iteration `p` reads the flag that earlier iterations write, and marked it
//! is rejected (`is_prime[m] = false` writes an outer Vec). The parallel program is the
//! segmented sieve: the base primes first (serially, they are few), then one iteration
//! per segment, over `is_prime.chunks_mut(SEGMENT).enumerate()`, each owning its flags.

use par_for::par_for;

const SEGMENT: usize = 1000;

fn small_primes(r: usize) -> Vec<usize> {
    let mut is_prime = vec![true; r + 1];
    let mut primes = Vec::new();
    for p in 2..=r {
        if is_prime[p] {
            primes.push(p);
            let mut m = p * p;
            while m <= r {
                is_prime[m] = false;
                m += p;
            }
        }
    }
    primes
}

fn isqrt(n: usize) -> usize {
    let mut r = (n as f64).sqrt() as usize;
    while r * r > n {
        r -= 1;
    }
    while (r + 1) * (r + 1) <= n {
        r += 1;
    }
    r
}

#[par_for]
fn primes_below(n: usize) -> Vec<usize> {
    let base = small_primes(isqrt(n));
    let mut is_prime = vec![true; n];
    #[par_for]
    for (s, flags) in is_prime.chunks_mut(SEGMENT).enumerate() {
        let start = s * SEGMENT;
        for &p in &base {
            let first = (p * p).max(start.div_ceil(p) * p);
            let mut m = first;
            while m < start + flags.len() {
                flags[m - start] = false;
                m += p;
            }
        }
    }
    #[par_for]
    let primes: Vec<usize> = (2..n).filter(|&k| is_prime[k]).collect();
    primes
}

fn primes_below_serial(n: usize) -> Vec<usize> {
    let mut is_prime = vec![true; n];
    let mut p = 2;
    while p * p < n {
        if is_prime[p] {
            for m in (p * p..n).step_by(p) {
                is_prime[m] = false;
            }
        }
        p += 1;
    }
    (2..n).filter(|&k| is_prime[k]).collect()
}

#[test]
fn sieve_matches_serial() {
    for n in [2, 3, 10, 1000, 1001, 25_000] {
        assert_eq!(primes_below(n), primes_below_serial(n), "n = {n}");
    }
    assert_eq!(primes_below(25_000).len(), 2762);
}
