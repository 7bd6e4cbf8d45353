use par_for::par_for;

#[par_for]
fn main() {
    #[par_for]
    println!("hello");
}
