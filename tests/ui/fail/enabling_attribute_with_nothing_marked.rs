use par_for::par_for;

#[par_for]
fn main() {
    for i in 0..10 {
        println!("{i}");
    }
}
