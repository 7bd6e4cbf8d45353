use std::collections::HashMap;

use par_for::par_for;

#[par_for]
fn word_count(text: &str) -> HashMap<String, u32> {
    let mut counts = HashMap::new();
    #[par_for]
    for line in text.lines() {
        for w in line.split_whitespace() {
            *counts.entry(w.to_lowercase()).or_insert(0) += 1;
        }
    }
    counts
}

fn main() {
    println!("{:?}", word_count("a b a"));
}
