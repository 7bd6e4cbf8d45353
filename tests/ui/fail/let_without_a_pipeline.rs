use par_for::par_for;

#[par_for]
fn main() {
    #[par_for]
    let answer = 42;
    println!("{answer}");
}
