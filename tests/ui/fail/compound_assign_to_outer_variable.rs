use par_for::par_for;

#[par_for]
fn main() {
    let mut total = 0u64;
    #[par_for]
    for i in 0..100u64 {
        total += i * i;
    }
    println!("{total}");
}
