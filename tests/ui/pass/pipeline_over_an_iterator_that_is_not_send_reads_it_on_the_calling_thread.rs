// A pipeline over an iterator that cannot be sent to the pool's threads (the lines of a
// generic `BufRead`, which may be `stdin().lock()`; an `impl Iterator` without
// `+ Send`): the calling thread reads its batches while the pool runs them.
use par_for::par_for;
use std::io::BufRead;

#[par_for]
fn numbers(input: impl BufRead) -> Result<Vec<u64>, std::num::ParseIntError> {
    #[par_for]
    let numbers: Result<Vec<u64>, _> = input
        .lines()
        .map(|line| line.unwrap().trim().parse::<u64>())
        .collect();
    numbers
}

#[par_for]
fn first_long(words: impl Iterator<Item = String>) -> Option<(usize, String)> {
    #[par_for]
    let found = words.enumerate().find(|(_, w)| w.len() > 4);
    found
}

fn main() {
    let text = std::io::Cursor::new("1\n2\n3\n");
    assert_eq!(numbers(text).unwrap(), [1, 2, 3]);
    let words = ["a", "bb", "ccccc", "dddddd"].into_iter().map(String::from);
    assert_eq!(first_long(words), Some((2, "ccccc".to_string())));
}
