//! `#[cfg(..)]` and lint attributes beside the mark apply to the marked statement, as
//! they do without the mark: a loop configured out does not run, and `#[allow(..)]`
//! covers its body.
#![deny(warnings)]

use std::sync::atomic::{AtomicU64, Ordering};

use par_for::par_for;

#[par_for]
fn configured(v: &[u64]) -> (u64, u64, u64, u64, usize) {
    let hits = AtomicU64::new(0);
    #[cfg(any())]
    #[par_for]
    for x in v {
        hits.fetch_add(*x, Ordering::Relaxed);
    }
    #[allow(unused_mut)] // as serially: the loop that updates it is configured out
    let mut t = 0;
    #[par_for(reduce(t: +))]
    #[cfg(any())]
    for x in v {
        t += x;
    }
    #[allow(unused_mut)]
    let mut s = 0;
    #[cfg(any())]
    #[par_for(stream)]
    for r in v.iter().map(|x| x * 2) {
        s += r;
    }
    let mut u = 0;
    #[cfg(all())]
    #[par_for(reduce(u: +))]
    for x in v {
        u += x;
    }
    #[cfg(all())]
    #[par_for]
    let n = v.iter().filter(|x| *x % 2 == 0).count();
    (hits.into_inner(), t, s, u, n)
}

#[par_for]
fn allowed(v: &[u64]) -> u64 {
    let total = AtomicU64::new(0);
    #[allow(unused_variables)]
    #[par_for]
    for x in v {
        let unused = 3;
        total.fetch_add(*x, Ordering::Relaxed);
    }
    total.into_inner()
}

fn main() {
    let v: Vec<u64> = (1..=100).collect();
    assert_eq!(configured(&v), (0, 0, 0, 5050, 50));
    assert_eq!(allowed(&v), 5050);
}
