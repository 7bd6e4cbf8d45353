use par_for::par_for;

#[par_for]
fn main() {
    let xs = vec![1, 2, 3];
    let mut seen = Vec::new();
    #[par_for]
    let doubled: Vec<i32> = xs
        .iter()
        .map(|&x| {
            seen.push(x);
            x * 2
        })
        .collect();
    println!("{doubled:?} {seen:?}");
}
