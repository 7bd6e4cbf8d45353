use par_for::par_for;

#[par_for]
fn main() {
    #[par_for(min_len = 0)]
    for i in 0..10 {
        println!("{i}");
    }
}
