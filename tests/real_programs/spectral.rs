//! Benchmarks Game spectral-norm.
use super::close;
use par_for::par_for;

fn a(i: usize, j: usize) -> f64 {
    1.0 / (((i + j) * (i + j + 1) / 2 + i + 1) as f64)
}

#[par_for]
fn mul_av(v: &[f64], out: &mut [f64]) {
    #[par_for]
    for (i, o) in out.iter_mut().enumerate() {
        let mut s = 0.0;
        for (j, vj) in v.iter().enumerate() {
            s += a(i, j) * vj;
        }
        *o = s;
    }
}

#[par_for]
fn mul_atv(v: &[f64], out: &mut [f64]) {
    #[par_for]
    for (i, o) in out.iter_mut().enumerate() {
        *o = v.iter().enumerate().map(|(j, vj)| a(j, i) * vj).sum();
    }
}

fn mul_av_s(v: &[f64], out: &mut [f64]) {
    for (i, o) in out.iter_mut().enumerate() {
        let mut s = 0.0;
        for (j, vj) in v.iter().enumerate() {
            s += a(i, j) * vj;
        }
        *o = s;
    }
}

fn mul_atv_s(v: &[f64], out: &mut [f64]) {
    for (i, o) in out.iter_mut().enumerate() {
        *o = v.iter().enumerate().map(|(j, vj)| a(j, i) * vj).sum();
    }
}

#[par_for]
fn spectral_norm(n: usize) -> (Vec<f64>, f64) {
    let mut u = vec![1.0; n];
    let mut v = vec![0.0; n];
    let mut tmp = vec![0.0; n];
    for _ in 0..10 {
        mul_av(&u, &mut tmp);
        mul_atv(&tmp, &mut v);
        mul_av(&v, &mut tmp);
        mul_atv(&tmp, &mut u);
    }
    let mut vbv = 0.0;
    let mut vv = 0.0;
    #[par_for(reduce(vbv: +, vv: +))]
    for (ui, vi) in u.iter().zip(&v) {
        vbv += ui * vi;
        vv += vi * vi;
    }
    (u, (vbv / vv).sqrt())
}

fn spectral_norm_serial(n: usize) -> (Vec<f64>, f64) {
    let mut u = vec![1.0; n];
    let mut v = vec![0.0; n];
    let mut tmp = vec![0.0; n];
    for _ in 0..10 {
        mul_av_s(&u, &mut tmp);
        mul_atv_s(&tmp, &mut v);
        mul_av_s(&v, &mut tmp);
        mul_atv_s(&tmp, &mut u);
    }
    let mut vbv = 0.0;
    let mut vv = 0.0;
    for (ui, vi) in u.iter().zip(&v) {
        vbv += ui * vi;
        vv += vi * vi;
    }
    (u, (vbv / vv).sqrt())
}

#[test]
fn spectral_norm_matches_serial() {
    let (up, np) = spectral_norm(100);
    let (us, ns) = spectral_norm_serial(100);
    assert_eq!(up, us); // each element computed by one iteration: bit-identical
    assert!(close(np, ns), "{np} vs {ns}"); // float reduction: documented last-bits difference
    assert_eq!(format!("{np:.9}"), "1.274219991");
}
