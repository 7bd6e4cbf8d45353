//! A `while` loop goes on as long as its condition holds, and the condition depends on
//! what the iterations before did: there is nothing to split.

use par_for::par_for;

#[par_for]
fn main() {
    let mut lines = ["a", "b"].into_iter();
    #[par_for]
    while let Some(line) = lines.next() {
        println!("{line}");
    }
}
