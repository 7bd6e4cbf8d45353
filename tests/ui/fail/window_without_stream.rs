use par_for::par_for;

#[par_for]
fn main() {
    #[par_for(window = 8)]
    for i in 0..10 {
        println!("{i}");
    }
}
