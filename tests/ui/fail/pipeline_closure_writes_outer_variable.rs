use par_for::par_for;

#[par_for]
fn main() {
    let v = vec![1, 2, 3];
    let mut seen = 0;
    #[par_for]
    let doubled: Vec<i32> = v
        .iter()
        .map(|x| {
            seen += 1;
            x * 2
        })
        .collect();
    println!("{doubled:?} {seen}");
}
