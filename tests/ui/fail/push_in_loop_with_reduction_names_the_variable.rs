use par_for::par_for;

#[par_for]
fn main() {
    let xs = vec![1u64, 2, 3];
    let mut total = 0;
    let mut odd = Vec::new();
    #[par_for(reduce(total: +))]
    for &x in &xs {
        total += x;
        if x % 2 == 1 {
            odd.push(x);
        }
    }
    println!("{total} {odd:?}");
}
