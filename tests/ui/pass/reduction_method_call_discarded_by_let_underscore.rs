//! `let _ = v.m(..);` throws the value of the call away, as `v.m(..);` does: it is an
//! update of the reduction variable `v`, not a read.
use std::collections::BTreeSet;

use par_for::par_for;

#[par_for]
fn main() {
    let mut seen = BTreeSet::new();
    #[par_for(reduce(seen: union))]
    for i in 0..100u32 {
        let _ = seen.insert(i % 7);
    }
    assert_eq!(seen, (0..7).collect());
}

fn union(mut a: BTreeSet<u32>, b: BTreeSet<u32>) -> BTreeSet<u32> {
    a.extend(b);
    a
}
