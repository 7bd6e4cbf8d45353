use par_for::par_for;

#[par_for]
fn main() {
    let mut total = 0;
    #[par_for(reduce(total))]
    for x in 0..10 {
        total += x;
    }
    println!("{total}");
}
