//! `chain(-5..0)` after a range of `i64`: the literals take the items' type, as serially
//! (the chained range was taken for rayon's own before its type was known).
use par_for::par_for;

#[par_for]
fn f(n: i64) -> Vec<i64> {
    #[par_for]
    let c: Vec<i64> = (0..n).chain(-5..0).collect();
    c
}

#[par_for]
fn g(n: i64) -> i64 {
    let mut t = 0;
    #[par_for(reduce(t: +))]
    for i in (0..n).chain(-5..0) {
        t += i;
    }
    t
}

#[par_for]
fn h(n: u32) -> Vec<u32> {
    #[par_for]
    let c: Vec<u32> = (0..n).map(|x| x * 2).chain(7..9).collect();
    c
}

#[par_for]
fn wide(n: u128) -> Vec<u128> {
    #[par_for]
    let c: Vec<u128> = (0..n).chain(7..9).collect();
    c
}

fn main() {
    assert_eq!(wide(3), vec![0, 1, 2, 7, 8]);
    for _ in 0..3 {
        assert_eq!(f(3), vec![0, 1, 2, -5, -4, -3, -2, -1]);
        assert_eq!(g(3), 3 - 15);
        assert_eq!(h(2), vec![0, 2, 7, 8]);
    }
    println!("ok");
}
