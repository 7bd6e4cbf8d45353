use par_for::par_for;
#[par_for]
fn main() {
    #[par_for(reduce(count: +))]
    for x in 0..10u64 {
        count += x;
    }
}
