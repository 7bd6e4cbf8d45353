//! The other side of a `zip` or `chain` may be endless, borrowed or not `Send`, in a loop
//! and in a pipeline: each reads it as far as serially.
use std::rc::Rc;

use par_for::par_for;

#[par_for]
fn main() {
    let data: Vec<u64> = (0..10).collect();
    let mut ids = 100..1_000u64;
    #[par_for]
    let numbered: u64 = data.iter().zip(1u64..).map(|(x, i)| x * i).sum();
    #[par_for]
    let tagged: Vec<(u64, u64)> = data.iter().copied().zip(ids.by_ref()).collect();
    let mut total = 0;
    #[par_for(reduce(total: +))]
    for (x, id) in data.iter().zip(ids.by_ref()) {
        total += x * id;
    }
    // Iterators holding an `Rc` cannot be sent to the pool: read on the calling thread.
    let threes = Steps::new(3, 30);
    let fives = Steps::new(5, 50);
    #[par_for]
    let both: Vec<u64> = threes.zip(fives).map(|(a, b)| a * b).collect();
    assert_eq!(ids.next(), Some(120));
    println!("{numbered} {} {total} {}", tagged.len(), both.len());
}

/// Multiples of `step` below `end`.
struct Steps {
    step: Rc<u64>,
    at: u64,
    end: u64,
}

impl Steps {
    fn new(step: u64, end: u64) -> Self {
        Steps {
            step: Rc::new(step),
            at: 0,
            end,
        }
    }
}

impl Iterator for Steps {
    type Item = u64;
    fn next(&mut self) -> Option<u64> {
        self.at += *self.step;
        (self.at < self.end).then_some(self.at)
    }
}
