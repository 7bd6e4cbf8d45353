use par_for::par_for;

#[par_for]
fn main() {
    let mut hits = 0;
    #[par_for]
    for _ in 0..10 {
        let mut hit = || hits += 1;
        hit();
    }
    println!("{hits}");
}
