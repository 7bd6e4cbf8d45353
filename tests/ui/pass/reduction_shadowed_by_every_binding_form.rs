//! A binding of the body that shadows a reduction variable (closure parameter, match
//! arm, `if let`, `while let`, `let .. else`, inner `for`) makes it a local there: it
//! may be read, and the reduction itself still equals serial.
use par_for::par_for;

#[par_for]
fn main() {
    let mut total = 0u64;
    #[par_for(reduce(total: +))]
    for x in 0..100u64 {
        total += x;
        let double = |total: u64| total * 2;
        let shown = match Some(x) {
            Some(total) if total % 2 == 0 => double(total),
            other => other.unwrap_or(0),
        };
        if let Some(total) = Some(shown) {
            assert!(total <= 198);
        }
        let mut left = vec![x];
        while let Some(total) = left.pop() {
            assert_eq!(total, x);
        }
        for total in 0..2u64 {
            assert!(total < 2);
        }
        let Some(total) = Some(x + 1) else {
            continue;
        };
        assert_eq!(total, x + 1);
    }
    assert_eq!(total, (0..100u64).sum::<u64>());
}
