// A loop over an iterator that cannot be sent to the pool's threads (a generic
// `impl Iterator` without `+ Send`, the lines of a generic `BufRead`, which may be
// `stdin().lock()`, `rx.iter()`): the calling thread pulls it and the pool runs the
// iterations, adapters included.
use par_for::par_for;
use std::io::BufRead;
use std::sync::mpsc;

#[par_for]
fn sum(items: impl Iterator<Item = u64>) -> u64 {
    let mut total = 0;
    #[par_for(reduce(total: +))]
    for x in items {
        total += x;
    }
    total
}

#[par_for]
fn longest_line(input: impl BufRead) -> std::io::Result<(usize, usize)> {
    let mut longest = (0, 0);
    #[par_for(reduce(longest: max))]
    for (number, line) in input.lines().enumerate() {
        longest = longest.max((line?.len(), number));
    }
    Ok(longest)
}

#[par_for]
fn doubled(rx: &mpsc::Receiver<u64>) -> u64 {
    let mut total = 0;
    #[par_for(reduce(total: +))]
    for x in rx.iter().map(|x| x * 2) {
        total += x;
    }
    total
}

fn main() {
    assert_eq!(sum(1..=4), 10);
    let text = std::io::Cursor::new("one\nthree\nfour\n");
    assert_eq!(longest_line(text).unwrap(), (5, 1));
    let (tx, rx) = mpsc::channel();
    (1..=3).for_each(|x| tx.send(x).unwrap());
    drop(tx);
    assert_eq!(doubled(&rx), 12);
}
