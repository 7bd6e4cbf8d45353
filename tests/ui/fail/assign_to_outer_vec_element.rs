use par_for::par_for;

#[par_for]
fn main() {
    let mut squares = vec![0u64; 100];
    #[par_for]
    for i in 0..100 {
        squares[i] = (i * i) as u64;
    }
    println!("{squares:?}");
}
