//! On a `trait`, `#[par_for]` enables the marked loops and pipelines of its default
//! methods; every type that takes the default gets the parallel loop.

use par_for::par_for;

#[par_for]
trait Scores {
    fn scores(&self) -> &[u64];

    fn total(&self) -> u64 {
        let mut total = 0;
        #[par_for(reduce(total: +))]
        for s in self.scores() {
            total += s;
        }
        total
    }

    fn doubled(&self) -> Vec<u64> {
        #[par_for]
        let doubled: Vec<u64> = self.scores().iter().map(|s| 2 * s).collect();
        doubled
    }
}

struct Team(Vec<u64>);

impl Scores for Team {
    fn scores(&self) -> &[u64] {
        &self.0
    }
}

fn main() {
    let team = Team((1..=100).collect());
    assert_eq!(team.total(), 5050);
    assert_eq!(team.doubled()[99], 200);
}
