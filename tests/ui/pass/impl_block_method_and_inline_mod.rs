use std::sync::atomic::{AtomicU64, Ordering};

use par_for::par_for;

struct Image {
    pixels: Vec<u64>,
}

#[par_for]
impl Image {
    fn total(&self) -> u64 {
        let sum = AtomicU64::new(0);
        #[par_for]
        for p in self.pixels.iter() {
            sum.fetch_add(*p, Ordering::Relaxed);
        }
        sum.into_inner()
    }

    fn double(&mut self) {
        #[par_for]
        for p in self.pixels.iter_mut() {
            *p *= 2;
        }
    }
}

struct Other(Vec<u64>);

impl Other {
    #[par_for]
    fn clear(&mut self) {
        #[par_for]
        for x in &mut self.0 {
            *x = 0;
        }
    }
}

#[par_for]
mod work {
    use std::sync::atomic::{AtomicU64, Ordering};

    pub fn count(n: u64) -> u64 {
        let hits = AtomicU64::new(0);
        #[par_for]
        for _ in 0..n {
            hits.fetch_add(1, Ordering::Relaxed);
        }
        hits.into_inner()
    }
}

fn main() {
    let mut image = Image { pixels: vec![1, 2, 3] };
    image.double();
    assert_eq!(image.total(), 12);
    let mut other = Other(vec![5; 3]);
    other.clear();
    assert_eq!(other.0, vec![0; 3]);
    assert_eq!(work::count(50), 50);
}
