//! `partition` takes any target std's takes (`Default + Extend`), a collection of
//! one's own included; `unzip` any that rayon can extend from several threads.
use par_for::par_for;

#[derive(Debug, Default, PartialEq)]
struct Tally {
    items: usize,
    total: u64,
}

impl Extend<u64> for Tally {
    fn extend<I: IntoIterator<Item = u64>>(&mut self, items: I) {
        for x in items {
            self.items += 1;
            self.total += x;
        }
    }
}

#[par_for]
fn main() {
    let nums: Vec<u64> = (1..=10).collect();
    #[par_for]
    let (odd, even): (Tally, Tally) = nums.iter().copied().partition(|x| x % 2 == 1);
    #[par_for]
    let (squares, cubes): (Vec<u64>, std::collections::VecDeque<u64>) =
        nums.iter().map(|x| (x * x, x * x * x)).unzip();
    let mut tally = Tally::default();
    tally.extend(cubes);
    assert_eq!((odd.total, even.total, squares.len(), tally.total), (25, 30, 10, 3025));
}
