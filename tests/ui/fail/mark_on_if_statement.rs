//! Only a `for` loop or a pipeline can be marked; an `if` is neither.

use par_for::par_for;

#[par_for]
fn main() {
    let items = vec![1, 2, 3];
    #[par_for]
    if !items.is_empty() {
        println!("{items:?}");
    }
}
