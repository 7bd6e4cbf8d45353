use std::sync::atomic::{AtomicU64, Ordering};

use par_for::par_for;

#[par_for]
fn main() {
    let total = AtomicU64::new(0);
    let big = true;
    let workers = 3;
    #[par_for(progress = "summing", threads = workers, min_len = 16, if = big)]
    for i in 0..1000u64 {
        total.fetch_add(i, Ordering::Relaxed);
    }
    #[par_for(progress)]
    for i in vec![1u64, 2, 3] {
        total.fetch_add(i, Ordering::Relaxed);
    }
    let mut sum = 0u64;
    #[par_for(reduce(sum: +), progress = "reducing")]
    for i in 0..100u64 {
        sum += i;
    }
    assert_eq!(total.into_inner(), 499_500 + 6);
    assert_eq!(sum, 4950);
}
