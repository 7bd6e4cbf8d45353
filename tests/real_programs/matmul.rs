//! Dense matrix multiply, `C = A * B`, row-major, the triple loop.
//!
//! Change beyond the attribute: `c[i * n + j] = sum` in the serial loop is a write to an
//! outer Vec from every iteration (rejected); the outer loop runs over
//! `c.chunks_mut(n).enumerate()`, one row of C per iteration. Each element's sum runs
//! over `k` in the serial order, so the floats are identical.

use par_for::par_for;

use super::SplitMix;

#[par_for]
fn matmul(a: &[f64], b: &[f64], n: usize) -> Vec<f64> {
    let mut c = vec![0.0; n * n];
    #[par_for]
    for (i, row) in c.chunks_mut(n).enumerate() {
        for j in 0..n {
            let mut sum = 0.0;
            for k in 0..n {
                sum += a[i * n + k] * b[k * n + j];
            }
            row[j] = sum;
        }
    }
    c
}

fn matmul_serial(a: &[f64], b: &[f64], n: usize) -> Vec<f64> {
    let mut c = vec![0.0; n * n];
    for i in 0..n {
        for j in 0..n {
            let mut sum = 0.0;
            for k in 0..n {
                sum += a[i * n + k] * b[k * n + j];
            }
            c[i * n + j] = sum;
        }
    }
    c
}

#[test]
fn matmul_matches_serial() {
    let n = 48;
    let mut rng = SplitMix::new(3);
    let a: Vec<f64> = (0..n * n).map(|_| rng.next_f64() - 0.5).collect();
    let b: Vec<f64> = (0..n * n).map(|_| rng.next_f64() - 0.5).collect();
    assert_eq!(matmul(&a, &b, n), matmul_serial(&a, &b, n));
}
