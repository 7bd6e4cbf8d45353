//! `#[cfg_attr(feature = "parallel", par_for(..))]` makes a loop parallel only in
//! builds with the feature: where the condition holds the statement is marked, and
//! elsewhere it is the plain statement (which may then do what a marked one may not).

use par_for::par_for;

#[par_for]
fn sums(v: &[u64]) -> (u64, u64, Vec<u64>, u64) {
    let mut total = 0;
    #[cfg_attr(all(), par_for(reduce(total: +)))]
    for x in v {
        total += x;
    }
    // The condition is false: the plain loop, whose running count is its own business.
    let mut running = 0;
    let mut seen = 0;
    #[cfg_attr(any(), par_for)]
    for x in v {
        running += x;
        seen = running;
    }
    #[cfg_attr(all(), allow(unused_mut), par_for)]
    let mut doubled: Vec<u64> = v.iter().map(|x| x * 2).collect();
    #[cfg_attr(any(), par_for)]
    let evens = v.iter().filter(|x| *x % 2 == 0).count() as u64;
    (total, seen, doubled, evens)
}

fn main() {
    let v: Vec<u64> = (1..=100).collect();
    let doubled: Vec<u64> = v.iter().map(|x| x * 2).collect();
    assert_eq!(sums(&v), (5050, 5050, doubled, 50));
}
