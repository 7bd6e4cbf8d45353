//! A local that shadows an outer name hides it only until its block ends: the write
//! after the block is to the outer `total` again.

use par_for::par_for;

#[par_for]
fn main() {
    let mut total = 0;
    #[par_for]
    for i in 0..10 {
        {
            let total = i;
            let _ = total;
        }
        total += i;
    }
    let _ = total;
}
