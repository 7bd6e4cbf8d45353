use std::sync::atomic::{AtomicU64, Ordering};

use par_for::par_for;

#[par_for]
fn main() {
    let total = AtomicU64::new(0);
    #[par_for]
    for i in 0..1000u64 {
        total.fetch_add(i, Ordering::Relaxed);
    }
    assert_eq!(total.into_inner(), 499_500);
}
