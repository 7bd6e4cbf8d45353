use par_for::par_for;

#[par_for]
fn sieve(n: usize) -> Vec<bool> {
    let mut is_prime = vec![true; n + 1];
    #[par_for]
    for p in 2..=n {
        if p * p <= n && is_prime[p] {
            for m in (p * p..=n).step_by(p) {
                is_prime[m] = false;
            }
        }
    }
    is_prime
}

fn main() {
    println!("{:?}", sieve(30));
}
