use std::cell::Cell;

use par_for::par_for;

struct Counter {
    hits: Cell<u32>,
}

#[par_for]
impl Counter {
    fn count(&self, n: u32) {
        #[par_for]
        for _ in 0..n {
            self.hits.set(self.hits.get() + 1);
        }
    }
}

fn main() {
    let c = Counter { hits: Cell::new(0) };
    c.count(3);
}
