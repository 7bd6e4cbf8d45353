use par_for::par_for;

#[par_for]
fn main() {
    let v = vec![1, 2, 3];
    #[par_for(stream, unordered)]
    let doubled: Vec<i32> = v.iter().map(|x| x * 2).collect();
    println!("{doubled:?}");
}
