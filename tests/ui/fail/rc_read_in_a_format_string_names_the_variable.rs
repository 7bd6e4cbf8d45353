// A variable a format string names inline (`"{tag}-{i}"`) is read by the body like any
// other argument: one that is not `Sync` is named, at the format string.
use std::rc::Rc;

use par_for::par_for;

#[par_for]
fn main() {
    let tag = Rc::new(String::from("item"));
    #[par_for]
    for i in 0..4 {
        println!("{tag}-{i}");
    }
}
