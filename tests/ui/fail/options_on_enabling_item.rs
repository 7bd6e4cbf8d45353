use par_for::par_for;

#[par_for(threads = 4)]
fn main() {
    #[par_for]
    for i in 0..10 {
        println!("{i}");
    }
}
