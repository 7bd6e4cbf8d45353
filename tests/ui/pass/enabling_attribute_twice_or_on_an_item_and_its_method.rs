//! The enabling attribute written twice, on an `impl` and on a method of it, or only on
//! a function nested in the one enabled: each marked statement is expanded once, and
//! no attribute says that nothing is marked.

use par_for::par_for;

#[par_for]
#[par_for]
fn twice(v: &[u64]) -> u64 {
    let mut total = 0;
    #[par_for(reduce(total: +))]
    for x in v {
        total += x;
    }
    total
}

struct Squares(Vec<u64>);

#[par_for]
impl Squares {
    #[par_for]
    fn sum(&self) -> u64 {
        let mut total = 0;
        #[par_for(reduce(total: +))]
        for x in &self.0 {
            total += x * x;
        }
        total
    }
}

#[par_for]
fn outer(v: &[u64]) -> u64 {
    #[par_for]
    fn inner(v: &[u64]) -> u64 {
        #[par_for]
        let total: u64 = v.iter().map(|x| x * 3).sum();
        total
    }
    inner(v)
}

fn main() {
    let v: Vec<u64> = (1..=100).collect();
    assert_eq!(twice(&v), 5050);
    assert_eq!(Squares(v.clone()).sum(), v.iter().map(|x| x * x).sum());
    assert_eq!(outer(&v), 3 * 5050);
}
