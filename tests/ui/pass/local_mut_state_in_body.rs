use std::sync::atomic::{AtomicUsize, Ordering};

use par_for::par_for;

#[par_for]
fn main() {
    let primes = AtomicUsize::new(0);
    #[par_for]
    for n in 2..2000u32 {
        let mut divisor = 2;
        let mut is_prime = true;
        while divisor * divisor <= n {
            if n % divisor == 0 {
                is_prime = false;
                break;
            }
            divisor += 1;
        }
        let mut scratch = Vec::new();
        scratch.push(n);
        if is_prime {
            primes.fetch_add(scratch.len(), Ordering::Relaxed);
        }
    }
    assert_eq!(primes.into_inner(), 303);
}
