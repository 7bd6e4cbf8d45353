use std::sync::atomic::{AtomicU64, Ordering};

use par_for::par_for;

#[par_for]
fn main() {
    let hits = AtomicU64::new(0);
    #[par_for(distribute)]
    for i in 0..100u64 {
        if i % 3 == 0 {
            hits.fetch_add(1, Ordering::Relaxed);
        }
    }
    println!("{}", hits.into_inner());
}
