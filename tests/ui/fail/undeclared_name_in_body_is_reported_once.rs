use std::sync::Mutex;

use par_for::par_for;

// A typo in the body: the compiler's own "cannot find value", once.
#[par_for]
fn scaled(v: &[u64]) -> Vec<u64> {
    let log = Mutex::new(Vec::new());
    #[par_for]
    for x in v {
        log.lock().unwrap().push(x * scale);
    }
    log.into_inner().unwrap()
}

fn main() {
    println!("{:?}", scaled(&[1]));
}
