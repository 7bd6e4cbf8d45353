use par_for::par_for;

#[derive(Clone, Copy, Debug, PartialEq, PartialOrd)]
struct Score(f64);

#[par_for]
fn main() {
    let mut best = Score(f64::INFINITY);
    #[par_for(reduce(best: min))]
    for i in 0..100u32 {
        best = best.min(Score(f64::from(i)));
    }
    println!("{best:?}");
}

trait MinExt {
    fn min(self, other: Self) -> Self;
}

impl MinExt for Score {
    fn min(self, other: Score) -> Score {
        if other < self { other } else { self }
    }
}
