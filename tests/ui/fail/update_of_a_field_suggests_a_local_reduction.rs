//! `reduce(..)` takes a variable, not a field (`reduce(self.count: +)` does not parse,
//! and `reduce(stats: +)` would need `+` on the whole struct): the help accumulates in
//! a local reduction and updates the field once, after the loop.
use par_for::par_for;

struct Stats {
    count: u64,
    best: u64,
}

#[par_for]
impl Stats {
    fn add_all(&mut self, xs: &[u64]) {
        #[par_for]
        for x in xs {
            self.count += x;
        }
    }

    fn keep_best(&mut self, xs: &[u64]) {
        #[par_for]
        for x in xs {
            self.best = self.best.max(*x);
        }
    }
}

#[par_for]
fn product(stats: &mut Stats, xs: &[u64]) {
    #[par_for]
    for x in xs {
        stats.count *= x;
    }
}

fn main() {
    let mut stats = Stats { count: 0, best: 0 };
    stats.add_all(&[1, 2]);
    stats.keep_best(&[1, 2]);
    product(&mut stats, &[1, 2]);
}
