//! `reduce(v: OP = IDENTITY)` names the value each worker's copy starts from, for a
//! type without `Default` or without the operator's identity.
use par_for::par_for;

#[derive(Clone, Copy, Debug, PartialEq)]
struct Vec3 {
    x: f64,
    y: f64,
    z: f64,
}

impl Vec3 {
    const ZERO: Vec3 = Vec3 { x: 0.0, y: 0.0, z: 0.0 };
}

impl std::ops::Add for Vec3 {
    type Output = Vec3;
    fn add(self, o: Vec3) -> Vec3 {
        Vec3 { x: self.x + o.x, y: self.y + o.y, z: self.z + o.z }
    }
}

impl std::ops::AddAssign for Vec3 {
    fn add_assign(&mut self, o: Vec3) {
        *self = *self + o;
    }
}

#[derive(Clone, Copy, Debug, PartialEq, PartialOrd)]
struct Score(f64);

fn better(a: Score, b: Score) -> Score {
    if b < a { b } else { a }
}

#[par_for]
fn main() {
    let points: Vec<Vec3> = (0..100).map(|i| Vec3 { x: i as f64, y: 1.0, z: 2.0 }).collect();
    let mut centre = Vec3::ZERO;
    let mut spread = Vec3::ZERO;
    let mut best = Score(f64::INFINITY);
    #[par_for(reduce(centre: + = Vec3::ZERO, spread: += Vec3::ZERO, best: better = Score(f64::INFINITY)))]
    for &p in &points {
        centre += p;
        spread = spread + Vec3 { x: p.x * p.x, y: 0.0, z: 0.0 };
        best = better(best, Score(p.x));
    }
    assert_eq!(centre, Vec3 { x: 4950.0, y: 100.0, z: 200.0 });
    assert_eq!(spread.x, (0..100).map(|i| (i * i) as f64).sum::<f64>());
    assert_eq!(best, Score(0.0));
}
