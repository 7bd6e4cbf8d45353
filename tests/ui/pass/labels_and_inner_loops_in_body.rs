use std::sync::atomic::{AtomicU32, Ordering};

use par_for::par_for;

#[par_for]
fn main() {
    let found = AtomicU32::new(0);
    #[par_for]
    'outer: for i in 0..10u32 {
        if i == 3 {
            continue 'outer;
        }
        'search: for j in 0..10 {
            for k in 0..10 {
                if j * k > 20 {
                    continue 'search;
                }
                if k == 9 {
                    break 'search;
                }
            }
        }
        let v = loop {
            break 7;
        };
        let w = 'block: {
            if i > 5 {
                break 'block 1;
            }
            0
        };
        found.fetch_add(v * 0 + w, Ordering::Relaxed);
    }
    assert_eq!(found.into_inner(), 4);
}
