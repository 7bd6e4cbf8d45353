use std::collections::HashSet;

use par_for::par_for;

fn union(mut a: HashSet<u64>, b: HashSet<u64>) -> HashSet<u64> {
    a.extend(b);
    a
}

fn show(n: usize) -> usize {
    n
}

#[par_for]
fn main() {
    let table = [1u64; 100];
    let mut n = 0usize;
    let mut seen: HashSet<u64> = HashSet::new();
    let mut dups = 0u64;
    #[par_for(reduce(n: +, seen: union, dups: +))]
    for x in 0..100u64 {
        n += table[n] as usize;
        n += show(n);
        if !seen.insert(x % 10) {
            dups += 1;
        }
        let len = seen.len();
        dups += len as u64;
    }
    println!("{n} {} {dups}", seen.len());
}
