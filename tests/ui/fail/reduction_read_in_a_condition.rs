use par_for::par_for;

// Serially `over` counts the items seen once the running total passed 1000; in
// parallel each worker would test its own partial total.
#[par_for]
fn main() {
    let xs: Vec<u64> = (0..1000).collect();
    let mut total = 0u64;
    let mut over = 0u64;
    #[par_for(reduce(total: +, over: +))]
    for &x in &xs {
        total += x;
        if total > 1000 {
            over += 1;
        }
    }
    println!("{total} {over}");
}
