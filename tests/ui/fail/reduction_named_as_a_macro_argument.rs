use par_for::par_for;

#[par_for]
fn main() {
    let mut total = 0u64;
    #[par_for(reduce(total: +))]
    for x in 0..100u64 {
        total += x;
        // Serially this names an argument `total`: it prints, it does not update.
        println!("{:?}", total = total + 1);
    }
    println!("{total}");
}
