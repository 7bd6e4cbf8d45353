use par_for::par_for;

#[par_for]
fn main() {
    #[par_for(stream, distribute)]
    for square in (0..10u64).map(|i| i * i) {
        println!("{square}");
    }
}
