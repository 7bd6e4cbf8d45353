//! A `loop` has no items, only a `break` that depends on the iterations before it.

use par_for::par_for;

#[par_for]
fn main() {
    let mut n = 0;
    #[par_for]
    loop {
        n += 1;
        if n == 3 {
            break;
        }
    }
}
