//! A pattern that does not fit the items is the compiler's E0308 at the pattern, with
//! a label under the source, as serially; the serial copy of the loop, kept for
//! `PAR_FOR_THREADS=1`, reports it a second time (one label at the function's
//! `#[par_for]` before).
use par_for::par_for;

#[par_for]
fn total(v: Vec<[i64; 2]>) -> i64 {
    let mut t = 0;
    #[par_for(reduce(t: +))]
    for &[a, b] in v {
        t += a + b;
    }
    t
}

#[par_for]
fn count(v: Vec<[i64; 2]>) -> usize {
    let n = std::sync::atomic::AtomicUsize::new(0);
    #[par_for]
    for &[a, _] in v {
        if a > 0 {
            n.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
    }
    n.into_inner()
}

#[par_for]
fn sum(pairs: &[(i64, i64)]) -> i64 {
    let mut t = 0;
    #[par_for(distribute, reduce(t: +))]
    for &(a, b) in pairs.iter().copied() {
        t += a + b;
    }
    t
}

fn main() {
    println!("{} {} {}", total(vec![[1, 2]]), count(vec![[1, 2]]), sum(&[(1, 2)]));
}
