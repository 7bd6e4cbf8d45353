use par_for::par_for;

#[par_for]
fn main() {
    #[par_for(threads)]
    for i in 0..10 {
        println!("{i}");
    }
}
