use par_for::par_for;

// Serially each bucket keeps its own maximum; the workers' copies of `best` would be
// combined whole (`[5, 0]` against `[0, 5]` keeps one of them), so this is refused.
#[par_for]
fn bucket_max(v: &[u64]) -> [u64; 4] {
    let mut best = [0u64; 4];
    #[par_for(reduce(best: max = [0; 4]))]
    for &x in v {
        best[(x % 4) as usize] = best[(x % 4) as usize].max(x);
    }
    best
}

fn main() {
    println!("{:?}", bucket_max(&[1, 2, 3]));
}
