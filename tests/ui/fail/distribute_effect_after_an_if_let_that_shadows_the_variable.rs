use std::sync::atomic::{AtomicU64, Ordering};

use par_for::par_for;

#[par_for]
fn main() {
    let counter = AtomicU64::new(0);
    let spare = AtomicU64::new(0);
    let maybe = Some(&spare);
    #[par_for(distribute)]
    for i in 0..10u64 {
        // This `counter` lives in the `if let` only: the call below acts on the outer one.
        if let Some(counter) = maybe {
            let _ = counter.load(Ordering::Relaxed);
        }
        counter.fetch_add(i, Ordering::Relaxed);
    }
    println!("{}", counter.into_inner());
}
