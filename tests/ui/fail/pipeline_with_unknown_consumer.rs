//! `eq` compares two iterators item by item; it is not a consumer par-for runs in parallel.
use par_for::par_for;

#[par_for]
fn main() {
    let v = vec![1, 2, 3];
    let w = vec![2, 4, 6];
    #[par_for]
    let same = v.iter().map(|x| x * 2).eq(w.iter().copied());
    println!("{same}");
}
