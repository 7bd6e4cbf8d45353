// A stream pulls its source ahead of its body: a source that reads what the body
// changes (a work queue the body refills, a flag that stops it) would not see the
// change in time, unlike the serial loop. A variable both use must be `Sync`, which a
// `Cell` or `RefCell` is not; `window = 1` lifts the rule.
use std::cell::{Cell, RefCell};

use par_for::par_for;

#[par_for]
fn drain(n: u64) -> Vec<u64> {
    let queue = RefCell::new(vec![0u64]);
    let mut out = Vec::new();
    #[par_for(stream)]
    for x in std::iter::from_fn(|| queue.borrow_mut().pop()).map(|x| x + 1) {
        out.push(x);
        if x < n {
            queue.borrow_mut().push(x);
        }
    }
    out
}

#[par_for]
fn until_flag(n: u64) -> Vec<u64> {
    let stop = Cell::new(false);
    let mut next = 0;
    let mut out = Vec::new();
    #[par_for(stream)]
    for x in std::iter::from_fn(|| {
        next += 1;
        (!stop.get()).then_some(next)
    })
    .map(|x| x * 10)
    {
        out.push(x);
        if x >= n * 10 {
            stop.set(true);
        }
    }
    out
}

fn main() {
    println!("{:?} {:?}", drain(5), until_flag(5));
}
