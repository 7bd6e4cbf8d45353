//! A marked loop inside a marked loop, both `reduce(total: +)`: the inner loop adds into
//! the outer loop's running value, as the serial loops do.

use par_for::par_for;

#[par_for]
fn main() {
    let rows: Vec<Vec<u64>> = vec![(0..1000).collect(), (0..1000).collect()];
    let mut total = 0u64;
    #[par_for(reduce(total: +))]
    for row in &rows {
        #[par_for(reduce(total: +))]
        for &x in row {
            total += x;
        }
    }
    assert_eq!(total, 999_000);
}
