use std::cell::RefCell;

use par_for::par_for;

#[par_for]
fn main() {
    let log = RefCell::new(Vec::new());
    #[par_for]
    for i in 0..10 {
        log.borrow_mut().push(i);
    }
    println!("{:?}", log.into_inner());
}
