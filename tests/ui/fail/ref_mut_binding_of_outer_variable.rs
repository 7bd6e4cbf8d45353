use par_for::par_for;

#[par_for]
fn main() {
    let mut best = (0u32, 0u32);
    #[par_for]
    for x in 0..10u32 {
        let (ref mut value, _) = best;
        *value = x;
    }
    println!("{best:?}");
}
