use par_for::par_for;

#[par_for]
fn main() {
    #[par_for(unordered)]
    for i in 0..10 {
        println!("{i}");
    }
}
