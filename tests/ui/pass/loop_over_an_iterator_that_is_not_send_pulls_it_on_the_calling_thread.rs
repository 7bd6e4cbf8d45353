// A loop's serial source must be sent to the pool's threads to be shared out: an
// iterator that is not `Send` is reported at the source, with what to write instead.
use par_for::par_for;

#[par_for]
fn sum(items: impl Iterator<Item = u64>) -> u64 {
    let mut total = 0;
    #[par_for(reduce(total: +))]
    for x in items {
        total += x;
    }
    total
}

fn main() {
    println!("{}", sum(0..4));
}
