use par_for::par_for;

#[par_for]
fn main() {
    let v = vec![1, 2, 3];
    #[par_for]
    let total = v.iter().map(|x| x * 2).fold(0, |a, b| a + b);
    println!("{total}");
}
