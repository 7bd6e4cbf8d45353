//! Word count (the map-reduce hello world): how often each word occurs in a text.
//!
//! Change beyond the attribute: the serial loop updates one `HashMap` from every line
//! (`*counts.entry(w).or_insert(0) += 1`); marked as is, that is a write to an outer
//! variable (rejected: "closure is `FnMut` because it mutates the variable `counts`").
//! Declaring `reduce(counts: merge)` gives each worker its own map, and `merge` adds
//! the maps together; the body is unchanged.

use std::collections::HashMap;

use par_for::par_for;

use super::SplitMix;

fn merge(mut a: HashMap<String, u32>, b: HashMap<String, u32>) -> HashMap<String, u32> {
    for (word, n) in b {
        *a.entry(word).or_insert(0) += n;
    }
    a
}

#[par_for]
fn word_count(text: &str) -> HashMap<String, u32> {
    let mut counts: HashMap<String, u32> = HashMap::new();
    #[par_for(reduce(counts: merge))]
    for line in text.lines() {
        for w in line.split_whitespace() {
            *counts.entry(w.to_lowercase()).or_insert(0) += 1;
        }
    }
    counts
}

fn word_count_serial(text: &str) -> HashMap<String, u32> {
    let mut counts: HashMap<String, u32> = HashMap::new();
    for line in text.lines() {
        for w in line.split_whitespace() {
            *counts.entry(w.to_lowercase()).or_insert(0) += 1;
        }
    }
    counts
}

#[test]
fn word_count_matches_serial() {
    let words = ["the", "The", "par", "for", "loop", "rust", "Loop", "a"];
    let mut rng = SplitMix::new(5);
    let mut text = String::new();
    for line in 0..400 {
        for _ in 0..(line % 9) {
            text.push_str(words[rng.below(words.len() as u64) as usize]);
            text.push(' ');
        }
        text.push('\n');
    }
    let counts = word_count(&text);
    assert_eq!(counts, word_count_serial(&text));
    assert!(counts["the"] > 0);
}
