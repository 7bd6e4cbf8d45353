use par_for::par_for;

#[par_for]
fn main() {
    let v: Vec<u64> = (0..10).collect();
    let n = 1 + #[par_for] v.iter().map(|x| x * 2).sum::<u64>();
    println!("{n}");
}
