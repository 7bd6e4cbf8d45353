use std::cell::Cell;

use par_for::par_for;

#[par_for]
fn main() {
    let count = Cell::new(0);
    #[par_for]
    for _ in 0..10 {
        count.set(count.get() + 1);
    }
    println!("{}", count.get());
}
