use par_for::par_for;

#[par_for]
fn main() {
    let total = 0;
    #[par_for(reduce(total: +))]
    for i in 0..10u64 {
        total += i;
    }
    println!("{total}");
}
