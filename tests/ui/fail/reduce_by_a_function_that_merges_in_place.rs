use par_for::par_for;
use std::collections::HashMap;

/// Merges in place, as Rust code often does: not the `fn(T, T) -> T` a reduction takes.
fn merge(into: &mut HashMap<String, u32>, other: HashMap<String, u32>) {
    for (word, n) in other {
        *into.entry(word).or_default() += n;
    }
}

#[par_for]
fn word_counts(text: &str) -> HashMap<String, u32> {
    let mut counts: HashMap<String, u32> = HashMap::new();
    #[par_for(reduce(counts: merge))]
    for word in text.split_whitespace() {
        *counts.entry(word.to_string()).or_default() += 1;
    }
    counts
}

fn main() {
    println!("{:?}", word_counts("a b a"));
}
