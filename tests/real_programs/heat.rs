//! Explicit heat equation in one dimension (a Jacobi stencil): each step computes every
//! inner point from its neighbours in the previous step; the ends are held fixed.
//!
//! Change beyond the attribute: the serial step writes `next[i] = ..` for `i` in
//! `1..n - 1`, a write to an outer Vec (rejected). The loop runs over
//! `next[1..n - 1].iter_mut()` zipped with `cur.windows(3)` instead, each iteration
//! owning its output point and reading its three neighbours; both sides split natively.
//! `diffuse_enumerated` is the other way to write it, with indices. The arithmetic is
//! the serial one, so the floats are identical.

use par_for::par_for;

#[par_for]
fn diffuse(initial: &[f64], alpha: f64, steps: usize) -> Vec<f64> {
    let n = initial.len();
    let mut cur = initial.to_vec();
    let mut next = cur.clone();
    for _ in 0..steps {
        #[par_for]
        for (out, w) in next[1..n - 1].iter_mut().zip(cur.windows(3)) {
            *out = w[1] + alpha * (w[0] - 2.0 * w[1] + w[2]);
        }
        std::mem::swap(&mut cur, &mut next);
    }
    cur
}

#[par_for]
fn diffuse_enumerated(initial: &[f64], alpha: f64, steps: usize) -> Vec<f64> {
    let n = initial.len();
    let mut cur = initial.to_vec();
    let mut next = cur.clone();
    for _ in 0..steps {
        #[par_for]
        for (i, out) in next[1..n - 1].iter_mut().enumerate() {
            *out = cur[i + 1] + alpha * (cur[i] - 2.0 * cur[i + 1] + cur[i + 2]);
        }
        std::mem::swap(&mut cur, &mut next);
    }
    cur
}

fn diffuse_serial(initial: &[f64], alpha: f64, steps: usize) -> Vec<f64> {
    let n = initial.len();
    let mut cur = initial.to_vec();
    let mut next = cur.clone();
    for _ in 0..steps {
        for i in 1..n - 1 {
            next[i] = cur[i] + alpha * (cur[i - 1] - 2.0 * cur[i] + cur[i + 1]);
        }
        std::mem::swap(&mut cur, &mut next);
    }
    cur
}

#[test]
fn heat_matches_serial() {
    let mut initial = vec![0.0; 500];
    initial[0] = 100.0;
    initial[250] = 40.0;
    let serial = diffuse_serial(&initial, 0.25, 60);
    assert_eq!(diffuse(&initial, 0.25, 60), serial);
    assert_eq!(diffuse_enumerated(&initial, 0.25, 60), serial);
}
