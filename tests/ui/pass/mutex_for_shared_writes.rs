use std::sync::Mutex;

use par_for::par_for;

#[par_for]
fn main() {
    let evens = Mutex::new(Vec::new());
    #[par_for]
    for i in 0..100 {
        if i % 2 == 0 {
            evens.lock().unwrap().push(i);
        }
    }
    let mut evens = evens.into_inner().unwrap();
    evens.sort();
    assert_eq!(evens, (0..100).step_by(2).collect::<Vec<_>>());
}
