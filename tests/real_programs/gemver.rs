//! PolyBench gemver: A' = A + u1 v1^T + u2 v2^T; x = beta A'^T y + z; w = alpha A' x.
use super::SplitMix;
use par_for::par_for;

#[par_for]
fn gemver(
    n: usize,
    alpha: f64,
    beta: f64,
    a: &mut Vec<Vec<f64>>,
    u1: &[f64],
    v1: &[f64],
    u2: &[f64],
    v2: &[f64],
    y: &[f64],
    z: &[f64],
) -> (Vec<f64>, Vec<f64>) {
    #[par_for]
    for (i, row) in a.iter_mut().enumerate() {
        for j in 0..n {
            row[j] += u1[i] * v1[j] + u2[i] * v2[j];
        }
    }
    let mut x = vec![0.0; n];
    let a_ro: &Vec<Vec<f64>> = a;
    #[par_for]
    for (i, xi) in x.iter_mut().enumerate() {
        for j in 0..n {
            *xi += beta * a_ro[j][i] * y[j];
        }
    }
    #[par_for]
    for (xi, zi) in x.iter_mut().zip(z) {
        *xi += zi;
    }
    let mut w = vec![0.0; n];
    #[par_for]
    for (wi, row) in w.iter_mut().zip(a_ro.iter()) {
        for j in 0..n {
            *wi += alpha * row[j] * x[j];
        }
    }
    (x, w)
}

fn gemver_serial(
    n: usize,
    alpha: f64,
    beta: f64,
    a: &mut Vec<Vec<f64>>,
    u1: &[f64],
    v1: &[f64],
    u2: &[f64],
    v2: &[f64],
    y: &[f64],
    z: &[f64],
) -> (Vec<f64>, Vec<f64>) {
    for (i, row) in a.iter_mut().enumerate() {
        for j in 0..n {
            row[j] += u1[i] * v1[j] + u2[i] * v2[j];
        }
    }
    let mut x = vec![0.0; n];
    let a_ro: &Vec<Vec<f64>> = a;
    for (i, xi) in x.iter_mut().enumerate() {
        for j in 0..n {
            *xi += beta * a_ro[j][i] * y[j];
        }
    }
    for (xi, zi) in x.iter_mut().zip(z) {
        *xi += zi;
    }
    let mut w = vec![0.0; n];
    for (wi, row) in w.iter_mut().zip(a_ro.iter()) {
        for j in 0..n {
            *wi += alpha * row[j] * x[j];
        }
    }
    (x, w)
}

#[test]
fn gemver_matches_serial() {
    let n = 120;
    let mut r = SplitMix::new(7);
    let mut a: Vec<Vec<f64>> = (0..n)
        .map(|_| (0..n).map(|_| r.next_f64()).collect())
        .collect();
    let vs: Vec<Vec<f64>> = (0..6)
        .map(|_| (0..n).map(|_| r.next_f64()).collect())
        .collect();
    let mut a2 = a.clone();
    let p = gemver(
        n, 1.5, 1.2, &mut a, &vs[0], &vs[1], &vs[2], &vs[3], &vs[4], &vs[5],
    );
    let s = gemver_serial(
        n, 1.5, 1.2, &mut a2, &vs[0], &vs[1], &vs[2], &vs[3], &vs[4], &vs[5],
    );
    assert_eq!(a, a2);
    assert_eq!(p, s);
}
