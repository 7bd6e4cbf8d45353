use std::rc::Rc;

use par_for::par_for;

#[par_for]
fn main() {
    let config = Rc::new(String::from("fast"));
    #[par_for]
    for i in 0..10 {
        println!("{i} {}", config.len());
    }
}
