use par_for::par_for;

#[par_for]
fn add_all(v: &[u64], total: &mut u64) {
    #[par_for(reduce(total: +))]
    for x in v {
        *total += x;
    }
}

fn main() {
    let mut total = 0;
    add_all(&[1, 2, 3], &mut total);
    println!("{total}");
}
