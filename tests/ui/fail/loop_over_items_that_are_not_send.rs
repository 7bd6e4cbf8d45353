// Each iteration gets its item on one of the pool's threads, so the items must be
// `Send`: an `Rc` by value, or a `Cell` borrowed from a slice, is reported at the
// source, with what to loop over instead.
use par_for::par_for;
use std::cell::Cell;
use std::rc::Rc;

#[par_for]
fn total(shared: Vec<Rc<u64>>, cells: &[Cell<u64>]) -> u64 {
    let mut total = 0;
    #[par_for(reduce(total: +))]
    for x in shared {
        total += *x;
    }
    #[par_for(reduce(total: +))]
    for c in cells.iter() {
        total += c.get();
    }
    total
}

fn main() {
    println!("{}", total(vec![Rc::new(1)], &[Cell::new(2)]));
}
