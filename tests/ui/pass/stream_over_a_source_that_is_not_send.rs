// A source that is not `Send` (an `Rc` in its iterator, a borrowed `Receiver`, a closure
// capturing a `Cell`) stays on the calling thread; a `Send` one, even in a generic
// function, is pulled by the pool.
use std::cell::Cell;
use std::rc::Rc;
use std::sync::mpsc;

use par_for::par_for;

#[par_for]
fn sum_of<I: Iterator<Item = u64> + Send>(source: I) -> u64 {
    let mut sum = 0;
    #[par_for(stream)]
    for y in source.map(|x| x * 2) {
        sum += y;
    }
    sum
}

#[par_for]
fn main() {
    let offset = Rc::new(1);
    let mut seen = Vec::new();
    #[par_for(stream)]
    for y in (0..10u64).map(move |x| x + *offset).map(|x| x * x) {
        seen.push(y);
    }
    assert_eq!(seen, (1..11u64).map(|x| x * x).collect::<Vec<_>>());

    let (tx, rx) = mpsc::channel();
    for i in 0..10u64 {
        tx.send(i).unwrap();
    }
    drop(tx);
    let mut total = 0;
    #[par_for(stream, unordered)]
    for y in rx.iter().map(|x| x + 1) {
        total += y;
    }
    assert_eq!(total, 55);

    assert_eq!(sum_of(0..10), 90);
    let mut count = 0;
    #[par_for(stream)]
    for _ in (0..).map(|x| x * 3) {
        count += 1;
        if count == 100 {
            break;
        }
    }
    assert_eq!(count, 100);

    let pulled = Cell::new(0);
    let step = 3;
    let mut last = 0;
    #[par_for(stream, window = 8)]
    for y in (0..100u64)
        .inspect(|_| pulled.set(pulled.get() + 1))
        .map(move |x| x * step)
        .map(|x| x + 1)
    {
        last = y;
    }
    assert_eq!((pulled.get(), last), (100, 298));
}
