use par_for::par_for;

// The inner loop's `max` would combine into the outer loop's partial sums.
#[par_for]
fn main() {
    let rows: Vec<Vec<u64>> = vec![vec![1, 2], vec![3, 4]];
    let mut total = 0;
    #[par_for(reduce(total: +))]
    for row in &rows {
        #[par_for(reduce(total: max))]
        for &x in row {
            total = total.max(x);
        }
    }
    println!("{total}");
}
