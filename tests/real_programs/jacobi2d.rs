//! PolyBench jacobi-2d: 5-point stencil, ping-pong between two grids (flat, row-major).
use super::SplitMix;
use par_for::par_for;

#[par_for]
fn jacobi(n: usize, steps: usize, a: &mut Vec<f64>) {
    let mut b = a.clone();
    for _t in 0..steps {
        #[par_for]
        for (i, brow) in b.chunks_mut(n).enumerate() {
            if i == 0 || i == n - 1 {
                continue;
            }
            for j in 1..n - 1 {
                brow[j] = 0.2
                    * (a[i * n + j]
                        + a[i * n + j - 1]
                        + a[i * n + j + 1]
                        + a[(i + 1) * n + j]
                        + a[(i - 1) * n + j]);
            }
        }
        #[par_for]
        for (i, arow) in a.chunks_mut(n).enumerate().skip(1).take(n - 2) {
            for j in 1..n - 1 {
                arow[j] = 0.2
                    * (b[i * n + j]
                        + b[i * n + j - 1]
                        + b[i * n + j + 1]
                        + b[(i + 1) * n + j]
                        + b[(i - 1) * n + j]);
            }
        }
    }
}

fn jacobi_serial(n: usize, steps: usize, a: &mut Vec<f64>) {
    let mut b = a.clone();
    for _t in 0..steps {
        for (i, brow) in b.chunks_mut(n).enumerate() {
            if i == 0 || i == n - 1 {
                continue;
            }
            for j in 1..n - 1 {
                brow[j] = 0.2
                    * (a[i * n + j]
                        + a[i * n + j - 1]
                        + a[i * n + j + 1]
                        + a[(i + 1) * n + j]
                        + a[(i - 1) * n + j]);
            }
        }
        for (i, arow) in a.chunks_mut(n).enumerate().skip(1).take(n - 2) {
            for j in 1..n - 1 {
                arow[j] = 0.2
                    * (b[i * n + j]
                        + b[i * n + j - 1]
                        + b[i * n + j + 1]
                        + b[(i + 1) * n + j]
                        + b[(i - 1) * n + j]);
            }
        }
    }
}

/// Seidel-2d is genuinely sequential (in-place); only the per-row max residual check is parallel.
#[par_for]
fn max_residual(n: usize, a: &[f64]) -> f64 {
    let mut worst = 0.0f64;
    #[par_for(reduce(worst: max))]
    for i in 1..n - 1 {
        for j in 1..n - 1 {
            let r = (a[i * n + j]
                - 0.25
                    * (a[(i - 1) * n + j]
                        + a[(i + 1) * n + j]
                        + a[i * n + j - 1]
                        + a[i * n + j + 1]))
                .abs();
            worst = worst.max(r);
        }
    }
    worst
}

fn max_residual_serial(n: usize, a: &[f64]) -> f64 {
    let mut worst = 0.0f64;
    for i in 1..n - 1 {
        for j in 1..n - 1 {
            let r = (a[i * n + j]
                - 0.25
                    * (a[(i - 1) * n + j]
                        + a[(i + 1) * n + j]
                        + a[i * n + j - 1]
                        + a[i * n + j + 1]))
                .abs();
            worst = worst.max(r);
        }
    }
    worst
}

#[test]
fn jacobi_matches_serial() {
    let n = 64;
    let mut r = SplitMix::new(3);
    let mut a: Vec<f64> = (0..n * n).map(|_| r.next_f64()).collect();
    let mut a2 = a.clone();
    jacobi(n, 20, &mut a);
    jacobi_serial(n, 20, &mut a2);
    assert_eq!(a, a2);
    assert_eq!(max_residual(n, &a), max_residual_serial(n, &a2));
}
