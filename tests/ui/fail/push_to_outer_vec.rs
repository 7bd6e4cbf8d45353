use par_for::par_for;

#[par_for]
fn main() {
    let mut evens = Vec::new();
    #[par_for]
    for i in 0..100 {
        if i % 2 == 0 {
            evens.push(i);
        }
    }
    println!("{evens:?}");
}
