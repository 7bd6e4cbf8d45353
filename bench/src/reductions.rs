//! Reduction workloads (`reduce(..)` over large accumulators and over a scalar), each as
//! the serial loop, hand-written rayon (by-value `fold`, and chunked in place where it
//! applies) and `#[par_for]`.

use par_for::par_for;
use rayon::prelude::*;

// ---- histogram: one `h.c[b] += 1` per byte into 256 counters ----

/// A byte histogram: 2 KB of counters.
#[derive(Clone)]
pub struct Hist {
    /// The count of each byte value.
    pub c: [u64; 256],
}

impl Default for Hist {
    fn default() -> Self {
        Hist { c: [0; 256] }
    }
}

/// Adds `b`'s counts to `a`'s: the merge of `reduce(h: merge_hist)`.
pub fn merge_hist(mut a: Hist, b: Hist) -> Hist {
    for (x, y) in a.c.iter_mut().zip(b.c.iter()) {
        *x += y;
    }
    a
}

/// The histogram of `data`, the serial loop.
pub fn hist_serial(data: &[u8]) -> Hist {
    let mut h = Hist::default();
    for &b in data {
        h.c[b as usize] += 1;
    }
    h
}

/// [`hist_serial`] with rayon's by-value `fold`, then `reduce`.
pub fn hist_rayon_fold(data: &[u8]) -> Hist {
    data.par_iter()
        .fold(Hist::default, |mut h, &b| {
            h.c[b as usize] += 1;
            h
        })
        .reduce(Hist::default, merge_hist)
}

/// [`hist_serial`] by hand with rayon: one serial histogram per 64 KiB chunk, merged.
pub fn hist_rayon_chunks(data: &[u8]) -> Hist {
    data.par_chunks(1 << 16)
        .map(hist_serial)
        .reduce(Hist::default, merge_hist)
}

/// [`hist_serial`] as written, with `reduce(h: merge_hist)`.
#[par_for]
pub fn hist_par_for(data: &[u8]) -> Hist {
    let mut h = Hist::default();
    #[par_for(reduce(h: merge_hist))]
    for &b in data {
        h.c[b as usize] += 1;
    }
    h
}

/// Pseudo-random bytes, the same on every run.
pub fn bytes(n: usize) -> Vec<u8> {
    let mut x = 0x9E37_79B9_7F4A_7C15u64;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect()
}

// ---- k-means: the update step, nearest of 8 centroids then per-cluster sums ----

/// The number of clusters.
pub const K: usize = 8;

/// A point of the plane, `(x, y)`.
pub type Point = (f64, f64);

/// Per cluster: sum of x, sum of y, number of points.
pub type Sums = [(f64, f64, u64); K];

/// Adds `b`'s per-cluster sums to `a`'s: the merge of `reduce(sums: merge_sums)`.
pub fn merge_sums(mut a: Sums, b: Sums) -> Sums {
    for (x, y) in a.iter_mut().zip(b.iter()) {
        x.0 += y.0;
        x.1 += y.1;
        x.2 += y.2;
    }
    a
}

/// The index of the centroid nearest to `p` (the first of equals).
pub fn nearest(p: (f64, f64), centroids: &[(f64, f64); K]) -> usize {
    let mut best = 0;
    let mut best_d = f64::INFINITY;
    for (c, q) in centroids.iter().enumerate() {
        let d = (p.0 - q.0) * (p.0 - q.0) + (p.1 - q.1) * (p.1 - q.1);
        if d < best_d {
            best_d = d;
            best = c;
        }
    }
    best
}

/// One k-means update step: per cluster, the sums of its points; the serial loop.
pub fn kmeans_serial(points: &[(f64, f64)], centroids: &[(f64, f64); K]) -> Sums {
    let mut sums = [(0.0, 0.0, 0); K];
    for &p in points {
        let c = nearest(p, centroids);
        sums[c].0 += p.0;
        sums[c].1 += p.1;
        sums[c].2 += 1;
    }
    sums
}

/// [`kmeans_serial`] with rayon's by-value `fold`, then `reduce`.
pub fn kmeans_rayon_fold(points: &[(f64, f64)], centroids: &[(f64, f64); K]) -> Sums {
    points
        .par_iter()
        .fold(
            || [(0.0, 0.0, 0); K],
            |mut sums, &p| {
                let c = nearest(p, centroids);
                sums[c].0 += p.0;
                sums[c].1 += p.1;
                sums[c].2 += 1;
                sums
            },
        )
        .reduce(|| [(0.0, 0.0, 0); K], merge_sums)
}

/// [`kmeans_serial`] by hand with rayon: one serial step per chunk of 4096 points, merged.
pub fn kmeans_rayon_chunks(points: &[(f64, f64)], centroids: &[(f64, f64); K]) -> Sums {
    points
        .par_chunks(1 << 12)
        .map(|chunk| kmeans_serial(chunk, centroids))
        .reduce(|| [(0.0, 0.0, 0); K], merge_sums)
}

/// [`kmeans_serial`] as written, with `reduce(sums: merge_sums)`.
#[par_for]
pub fn kmeans_par_for(points: &[(f64, f64)], centroids: &[(f64, f64); K]) -> Sums {
    let mut sums: Sums = [(0.0, 0.0, 0); K];
    #[par_for(reduce(sums: merge_sums))]
    for &p in points {
        let c = nearest(p, centroids);
        sums[c].0 += p.0;
        sums[c].1 += p.1;
        sums[c].2 += 1;
    }
    sums
}

/// Points on a grid of integers (so that float sums are exact in any order) and the
/// first `K` of them as centroids.
pub fn points(n: usize) -> (Vec<Point>, [Point; K]) {
    let points: Vec<(f64, f64)> = (0..n)
        .map(|i| (((i * 7919) % 1000) as f64, ((i * 104_729) % 1000) as f64))
        .collect();
    let mut centroids = [(0.0, 0.0); K];
    for (c, p) in centroids.iter_mut().zip(points.iter().step_by(97)) {
        *c = *p;
    }
    (points, centroids)
}

// ---- scalar: `reduce(total: +)` over a range ----

/// The scalar workload, serially: the sum of `i ^ (i >> 3)` over `0..n`.
pub fn total_serial(n: u64) -> u64 {
    let mut total = 0u64;
    for i in 0..n {
        total += i ^ (i >> 3);
    }
    total
}

/// [`total_serial`] with rayon: `into_par_iter().map(..).sum()`.
pub fn total_rayon(n: u64) -> u64 {
    (0..n).into_par_iter().map(|i| i ^ (i >> 3)).sum()
}

/// [`total_serial`] as written, with `reduce(total: +)`.
#[par_for]
pub fn total_par_for(n: u64) -> u64 {
    let mut total = 0u64;
    #[par_for(reduce(total: +))]
    for i in 0..n {
        total += i ^ (i >> 3);
    }
    total
}
