use par_for::par_for;

#[par_for]
fn main() {
    let data = vec![1u64, 2, 3];
    #[par_for(distribute)]
    data.iter().map(|x| x * 2).for_each(|x| println!("{x}"));
}
