//! scratch: a borrowed `Send` iterator (`it.by_ref()`) against the same iterator owned,
//! bodies of ~1 µs, items that allocate (Strings).
use par_for::par_for;
use std::time::Instant;

fn work(s: &str) -> u64 {
    let mut h = s.len() as u64;
    for _ in 0..200 {
        h = h
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
    }
    h >> 60
}

fn items(n: usize) -> impl Iterator<Item = String> + Send {
    (0..n).map(|i| format!("item {i}"))
}

#[par_for]
fn owned(n: usize) -> u64 {
    let mut t = 0;
    #[par_for(reduce(t: +))]
    for s in items(n) {
        t += work(&s);
    }
    t
}

#[par_for]
fn borrowed(n: usize) -> u64 {
    let mut it = items(n);
    let mut t = 0;
    #[par_for(reduce(t: +))]
    for s in it.by_ref() {
        t += work(&s);
    }
    t
}

fn serial(n: usize) -> u64 {
    items(n).map(|s| work(&s)).sum()
}

fn main() {
    let n = 200_000;
    for round in 0..5 {
        let t0 = Instant::now();
        let a = serial(n);
        let t1 = Instant::now();
        let b = owned(n);
        let t2 = Instant::now();
        let c = borrowed(n);
        let t3 = Instant::now();
        assert_eq!((a, a), (b, c));
        println!(
            "round {round}: serial {:.1} ms, owned {:.1} ms, borrowed {:.1} ms",
            (t1 - t0).as_secs_f64() * 1e3,
            (t2 - t1).as_secs_f64() * 1e3,
            (t3 - t2).as_secs_f64() * 1e3
        );
    }
}
