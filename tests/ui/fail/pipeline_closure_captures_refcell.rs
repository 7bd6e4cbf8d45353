use std::cell::RefCell;

use par_for::par_for;

#[par_for]
fn main() {
    let v = vec![1, 2, 3];
    let log = RefCell::new(Vec::new());
    #[par_for]
    let doubled: Vec<i32> = v.iter().inspect(|x| log.borrow_mut().push(**x)).map(|x| x * 2).collect();
    println!("{doubled:?}");
}
