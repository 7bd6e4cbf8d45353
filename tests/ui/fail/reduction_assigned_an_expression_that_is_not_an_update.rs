use par_for::par_for;

#[par_for]
fn main() {
    let data: Vec<i64> = (1..=10).collect();
    let mut total = 0;
    #[par_for(reduce(total: +))]
    for x in &data {
        total = total + x * 2 - 1;
    }
    let mut best = 0;
    #[par_for(reduce(best: max))]
    for x in &data {
        best = if *x > best { *x } else { best };
    }
    println!("{total} {best}");
}
