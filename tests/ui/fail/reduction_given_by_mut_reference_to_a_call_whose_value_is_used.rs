use std::collections::HashSet;

use par_for::par_for;

fn first_time(seen: &mut HashSet<u64>, x: u64) -> bool {
    seen.insert(x)
}

fn union(mut a: HashSet<u64>, b: HashSet<u64>) -> HashSet<u64> {
    a.extend(b);
    a
}

// What `first_time` returns comes from one worker's copy of `seen`: serially 1000 new
// items, in parallel each worker's copy counts its own (16000 were seen).
#[par_for]
fn main() {
    let v: Vec<u64> = (0..16_000).map(|i| i % 1000).collect();
    let mut seen = HashSet::new();
    let mut new_count = 0;
    #[par_for(reduce(seen: union, new_count: +))]
    for x in &v {
        if first_time(&mut seen, *x) {
            new_count += 1;
        }
    }
    println!("{} {new_count}", seen.len());
}
