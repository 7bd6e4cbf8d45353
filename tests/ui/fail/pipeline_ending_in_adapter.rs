use par_for::par_for;

#[par_for]
fn main() {
    let v = vec![1, 2, 3];
    #[par_for]
    let doubled = v.iter().map(|x| x * 2);
    println!("{:?}", doubled.count());
}
