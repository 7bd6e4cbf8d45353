use par_for::par_for;

#[par_for]
fn main() {
    let v: Vec<u64> = (0..10).collect();
    let mut total = 0;
    #[par_for]
    #[par_for(reduce(total: +))]
    for x in &v {
        total += x;
    }
    println!("{total}");
}
