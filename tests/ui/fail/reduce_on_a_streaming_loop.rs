use par_for::par_for;

#[par_for]
fn main() {
    let mut total = 0;
    #[par_for(stream, reduce(total: +))]
    for r in (0..10).map(|x| x * 2) {
        total += r;
    }
    println!("{total}");
}
