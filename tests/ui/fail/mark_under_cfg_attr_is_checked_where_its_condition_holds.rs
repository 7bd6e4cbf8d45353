//! A loop marked under a condition is checked as a marked loop where the condition
//! holds (`all()`, as a build with the feature), and is the plain loop elsewhere
//! (`any()`): only the first is an error.

use par_for::par_for;

#[par_for]
fn counts(v: &[u64]) -> (u64, u64) {
    let mut with_feature = 0;
    #[cfg_attr(all(), par_for)]
    for x in v {
        with_feature += x;
    }
    let mut without = 0;
    #[cfg_attr(any(), par_for)]
    for x in v {
        without += x;
    }
    (with_feature, without)
}

/// With an error elsewhere in the function, it is compiled as written, its conditional
/// marks taken out with the others: no error but the one.
#[par_for]
fn beside_an_error(v: &[u64]) -> u64 {
    let mut total = 0;
    #[par_for]
    for x in v {
        total += x;
    }
    let mut squares = 0;
    #[cfg_attr(all(), par_for(reduce(squares: +)))]
    for x in v {
        squares += x * x;
    }
    total + squares
}

fn main() {
    let _ = counts(&[1, 2, 3]);
    let _ = beside_an_error(&[1, 2, 3]);
}
