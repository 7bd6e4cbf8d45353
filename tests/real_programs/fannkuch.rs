//! Benchmarks Game fannkuch-redux, split by permutation index (factoradic decoding).
use par_for::par_for;

fn perm_of(mut idx: usize, n: usize) -> Vec<usize> {
    let mut fact = vec![1usize; n + 1];
    for i in 1..=n {
        fact[i] = fact[i - 1] * i;
    }
    let mut pool: Vec<usize> = (0..n).collect();
    let mut p = Vec::with_capacity(n);
    for i in (0..n).rev() {
        let d = idx / fact[i];
        idx %= fact[i];
        p.push(pool.remove(d));
    }
    p
}

fn flips(mut p: Vec<usize>) -> i32 {
    let mut count = 0;
    while p[0] != 0 {
        let k = p[0];
        p[..=k].reverse();
        count += 1;
    }
    count
}

#[par_for]
fn fannkuch(n: usize) -> (i32, i32) {
    let total: usize = (1..=n).product();
    let mut checksum = 0;
    let mut max_flips = 0;
    #[par_for(reduce(checksum: +, max_flips: max))]
    for idx in 0..total {
        let f = flips(perm_of(idx, n));
        if idx % 2 == 0 {
            checksum += f;
        } else {
            checksum -= f;
        }
        if f > max_flips {
            max_flips = f;
        }
    }
    (checksum, max_flips)
}

fn fannkuch_serial(n: usize) -> (i32, i32) {
    let total: usize = (1..=n).product();
    let mut checksum = 0;
    let mut max_flips = 0;
    for idx in 0..total {
        let f = flips(perm_of(idx, n));
        if idx % 2 == 0 {
            checksum += f;
        } else {
            checksum -= f;
        }
        if f > max_flips {
            max_flips = f;
        }
    }
    (checksum, max_flips)
}

#[test]
fn fannkuch_matches_serial() {
    for n in 3..=7 {
        assert_eq!(fannkuch(n), fannkuch_serial(n), "n = {n}");
    }
}
