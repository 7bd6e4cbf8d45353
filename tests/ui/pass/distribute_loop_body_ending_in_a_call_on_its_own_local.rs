//! A `distribute` loop body may end in a method call on a variable it declares itself:
//! the effect stays in the iteration, as in the serial loop.
use par_for::par_for;

#[par_for]
fn main() {
    let mut total = 0u64;
    #[par_for(distribute, reduce(total: +))]
    for i in 0..10u64 {
        let mut scratch = Vec::new();
        total += i;
        scratch.push(i)
    }
    assert_eq!(total, 45);
}
