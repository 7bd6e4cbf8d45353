use std::sync::mpsc;

use par_for::par_for;

#[par_for]
fn main() {
    let (tx, rx) = mpsc::channel();
    #[par_for]
    for i in 0..10u32 {
        tx.send(i * i).unwrap();
    }
    drop(tx);
    let mut got: Vec<u32> = rx.iter().collect();
    got.sort();
    assert_eq!(got, (0..10).map(|i| i * i).collect::<Vec<_>>());
}
