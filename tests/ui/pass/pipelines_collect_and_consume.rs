use std::collections::{BTreeSet, HashMap};

use par_for::par_for;

#[par_for]
fn main() {
    let words = vec!["apple", "bob", "kayak", "pear"];
    #[par_for]
    let lengths: Vec<usize> = words.iter().map(|w| w.len()).collect();
    #[par_for]
    let palindromes: BTreeSet<&str> = words.iter().copied().filter(|w| w.chars().rev().eq(w.chars())).collect();
    #[par_for]
    let index: HashMap<&str, usize> = words.iter().enumerate().map(|(i, w)| (*w, i)).collect();
    #[par_for]
    let longest = words.iter().max_by_key(|w| w.len());
    #[par_for]
    let first_k = words.iter().position(|w| w.starts_with('k'));
    let mut total: usize;
    #[par_for]
    total = lengths.iter().sum();
    total += 0;
    #[par_for]
    words.iter().for_each(|w| println!("{w}"));
    assert_eq!(lengths, vec![5, 3, 5, 4]);
    assert_eq!(palindromes.len(), 2);
    assert_eq!(index["kayak"], 2);
    assert_eq!(longest, Some(&"kayak"));
    assert_eq!(first_k, Some(2));
    assert_eq!(total, 17);
}
