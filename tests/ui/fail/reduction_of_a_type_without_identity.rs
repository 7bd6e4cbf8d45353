use par_for::par_for;

// A vector type as math crates have it: `Add`, but no `Default`.
#[derive(Clone, Copy, Debug)]
struct Vec3 {
    x: f64,
    y: f64,
    z: f64,
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

#[par_for]
fn main() {
    let points = vec![Vec3 { x: 1.0, y: 2.0, z: 3.0 }; 100];
    let mut centre = Vec3 { x: 0.0, y: 0.0, z: 0.0 };
    #[par_for(reduce(centre: +))]
    for &p in &points {
        centre += p;
    }
    println!("{centre:?}");
}
