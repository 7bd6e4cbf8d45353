//! Inside a marked loop, a closure or a nested `fn` is a function of its own: its
//! `return` and `?` leave it, not the loop, and the macro leaves them alone. So do
//! `let ... else`, `while let` and `async` blocks.

use std::sync::atomic::{AtomicI64, Ordering};

use par_for::par_for;

#[par_for]
fn total(words: &[&str]) -> Result<i64, std::num::ParseIntError> {
    let sum = AtomicI64::new(0);
    #[par_for]
    for word in words {
        fn sign(x: i64) -> i64 {
            if x < 0 {
                return -1;
            }
            1
        }
        let clamp = |x: i64| -> i64 {
            if x > 100 {
                return 100;
            }
            x
        };
        let parse =
            |s: &str| -> Result<i64, std::num::ParseIntError> { Ok(s.trim().parse::<i64>()?) };
        let Ok(value) = parse(word) else {
            continue;
        };
        let mut digits = word.chars();
        let mut count = 0;
        while let Some(c) = digits.next() {
            if c == '-' {
                continue;
            }
            count += 1;
        }
        let later = async move { count };
        drop(later);
        sum.fetch_add(sign(value) * clamp(value.abs()), Ordering::Relaxed);
    }
    #[par_for]
    for word in words {
        // `?` of the loop itself: the earliest bad word in order.
        let _checked: i64 = word.trim().parse()?;
    }
    Ok(sum.into_inner())
}

fn main() {
    assert_eq!(total(&["5", "-7", "250"]), Ok(98));
    assert!(total(&["5", "x", "2"]).is_err());
}
