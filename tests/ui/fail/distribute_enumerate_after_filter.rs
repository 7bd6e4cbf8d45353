use par_for::par_for;

#[par_for]
fn main() {
    let data = vec![1u64, 2, 3, 4];
    #[par_for(distribute)]
    let odd: Vec<(usize, u64)> = data.iter().copied().filter(|x| x % 2 == 1).enumerate().collect();
    println!("{odd:?}");
}
