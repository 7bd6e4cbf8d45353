use std::cell::RefCell;

use par_for::par_for;

#[par_for]
fn main() {
    let data = vec![1, 2, 3];
    let log = RefCell::new(Vec::new());
    #[par_for]
    for x in data.iter().map(|x| {
        log.borrow_mut().push(*x);
        x * 2
    }) {
        println!("{x}");
    }
}
