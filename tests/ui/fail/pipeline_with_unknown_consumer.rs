use par_for::par_for;

#[par_for]
fn main() {
    let v = vec![1, 2, 3];
    #[par_for]
    let n = v.iter().map(|x| x * 2).collect::<Vec<_>>().len();
    println!("{n}");
}
