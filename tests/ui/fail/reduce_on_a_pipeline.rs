use par_for::par_for;

#[par_for]
fn main() {
    let v = vec![1, 2, 3];
    let total = 0;
    #[par_for(reduce(total: +))]
    let sum: i32 = v.iter().sum();
    println!("{sum} {total}");
}
