use std::sync::Mutex;

use par_for::par_for;

struct Job {
    base: u64,
    exponent: u32,
}

#[par_for]
fn main() {
    let out = Mutex::new(Vec::new());
    let triples = vec![(1u64, 2u64, 3u64), (4, 5, 6)];
    #[par_for]
    for (a, b, c) in triples {
        out.lock().unwrap().push(a * b * c);
    }
    let jobs = vec![Job { base: 2, exponent: 10 }, Job { base: 3, exponent: 2 }];
    #[par_for]
    for Job { base, exponent } in &jobs {
        out.lock().unwrap().push(base.pow(*exponent));
    }
    let mut out = out.into_inner().unwrap();
    out.sort();
    assert_eq!(out, vec![6, 9, 120, 1024]);
}
