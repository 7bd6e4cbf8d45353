use par_for::par_for;

#[par_for]
fn main() {
    let mut total = 0u64;
    let mut best = 0u64;
    let mut product = 1u64;
    #[par_for(reduce(total: +, best: max, product: *))]
    for x in 0..100u64 {
        total *= 2;
        total = x;
        total = x + total;
        best = best.min(x);
        best += x;
        if x < best {
            best = x;
        }
        product = product + x;
    }
    println!("{total} {best} {product}");
}
