use std::sync::atomic::{AtomicU32, Ordering};

use par_for::par_for;

#[par_for]
fn main() {
    let cells = AtomicU32::new(0);
    #[par_for]
    for row in 0..20u32 {
        #[par_for]
        for col in 0..20u32 {
            cells.fetch_add(row * 0 + col * 0 + 1, Ordering::Relaxed);
        }
    }
    assert_eq!(cells.into_inner(), 400);
}
