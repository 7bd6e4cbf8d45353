use std::collections::HashMap;

use par_for::par_for;

#[par_for]
fn main() {
    let words = ["a", "bb", "ccc"];
    let mut lengths = HashMap::new();
    #[par_for]
    for w in words {
        lengths.insert(w, w.len());
    }
    println!("{lengths:?}");
}
