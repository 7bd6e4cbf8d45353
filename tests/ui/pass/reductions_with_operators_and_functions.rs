use std::collections::HashMap;

use par_for::par_for;

fn merge(mut a: HashMap<char, usize>, b: HashMap<char, usize>) -> HashMap<char, usize> {
    for (k, n) in b {
        *a.entry(k).or_default() += n;
    }
    a
}

#[par_for]
fn main() {
    let text = "hello world";
    let mut total = 0u64;
    let mut best = 0u64;
    let mut letters: HashMap<char, usize> = HashMap::new();
    #[par_for(reduce(total: +, best: max, letters: merge))]
    for (i, c) in text.chars().enumerate() {
        total += i as u64;
        best = best.max(i as u64);
        *letters.entry(c).or_default() += 1;
    }
    assert_eq!(total, 55);
    assert_eq!(best, 10);
    assert_eq!(letters[&'l'], 3);
}
