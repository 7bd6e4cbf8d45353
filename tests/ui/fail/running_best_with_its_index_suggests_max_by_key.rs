use par_for::par_for;

#[par_for]
fn longest(lengths: &[u64]) -> (u64, usize) {
    let mut best_len = 0;
    let mut best_at = 0;
    #[par_for]
    for (i, x) in lengths.iter().enumerate() {
        if *x > best_len {
            best_len = *x;
            best_at = i;
        }
    }
    (best_len, best_at)
}

fn main() {
    println!("{:?}", longest(&[1, 2]));
}
