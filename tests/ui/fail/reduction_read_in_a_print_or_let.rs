use par_for::par_for;

#[par_for]
fn main() {
    let mut total = 0u64;
    #[par_for(reduce(total: +))]
    for x in 0..100u64 {
        total += x;
        println!("running total {}", total);
        println!("running total {total}");
        let t = total;
        let copies = vec![total; 3];
        let _ = (t, copies);
    }
    println!("{total}");
}
