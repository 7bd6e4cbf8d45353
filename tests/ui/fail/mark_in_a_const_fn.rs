use par_for::par_for;

#[par_for]
const fn triangle(n: u64) -> u64 {
    let mut total = 0;
    #[par_for(reduce(total: +))]
    for i in 0..n {
        total += i;
    }
    total
}

fn main() {
    println!("{}", triangle(10));
}
