use par_for::par_for;

#[par_for]
fn main() {
    #[par_for(verbose)]
    for i in 0..10 {
        println!("{i}");
    }
}
