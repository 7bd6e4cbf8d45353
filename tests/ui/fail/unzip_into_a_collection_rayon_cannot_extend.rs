use par_for::par_for;

/// Counts items: a collection of one's own with only `Default + Extend`.
#[derive(Default)]
struct Tally(usize);

impl Extend<u64> for Tally {
    fn extend<I: IntoIterator<Item = u64>>(&mut self, items: I) {
        self.0 += items.into_iter().count();
    }
}

#[par_for]
fn main() {
    let nums: Vec<u64> = (1..=10).collect();
    #[par_for]
    let (squares, tally): (Vec<u64>, Tally) = nums.iter().map(|x| (x * x, *x)).unzip();
    println!("{} {}", squares.len(), tally.0);
}
