//! Pipelines over sources rayon cannot split (an endless range, `split`, `lines()`, a
//! user's iterator, `cycle()`) and over slice methods (`windows`, `chunks`,
//! `chunks_exact`), with the adapters that count positions.
use par_for::par_for;

struct Evens(u64);

impl Iterator for Evens {
    type Item = u64;
    fn next(&mut self) -> Option<u64> {
        self.0 += 2;
        Some(self.0)
    }
}

#[par_for]
fn main() {
    let text = "the quick brown fox\njumps over\nthe lazy dog";
    let v: Vec<i32> = (0..20).collect();
    #[par_for]
    let at = (1u64..).map(|x| x * x).position(|v| v > 300);
    #[par_for]
    let first: Vec<u64> = Evens(0).filter(|x| x % 3 == 0).take(5).collect();
    #[par_for]
    let words: Vec<(usize, &str)> = text.split(' ').enumerate().skip(1).step_by(2).collect();
    #[par_for]
    let zipped: Vec<(&str, u64)> = text.lines().zip(1u64..).collect();
    #[par_for]
    let longest = text.lines().map(str::len).max();
    #[par_for]
    let backwards: Vec<&str> = text.split(' ').chain(["!"]).rev().collect();
    #[par_for]
    let cycled: i32 = v.iter().cycle().take(45).sum();
    #[par_for]
    let pairs: Vec<i32> = v.windows(2).map(|w| w[0] * w[1]).collect();
    #[par_for]
    let sums: Vec<i32> = v.chunks(3).map(|c| c.iter().sum()).collect();
    #[par_for]
    let exact: Vec<i32> = v.chunks_exact(3).map(|c| c[0]).rev().collect();
    #[par_for]
    let letters: String = text.lines().flat_map(|l| l.chars().take(1)).collect();
    assert_eq!(at, Some(17));
    assert_eq!(first, vec![6, 12, 18, 24, 30]);
    assert_eq!(words, vec![(1, "quick"), (3, "fox\njumps"), (5, "lazy")]);
    assert_eq!(zipped.len(), 3);
    assert_eq!(longest, Some(19));
    assert_eq!(backwards[0], "!");
    assert_eq!(cycled, v.iter().cycle().take(45).sum::<i32>());
    assert_eq!(pairs.len(), 19);
    assert_eq!(sums.len(), 7);
    assert_eq!(exact, vec![15, 12, 9, 6, 3, 0]);
    assert_eq!(letters, "tjt");
}
