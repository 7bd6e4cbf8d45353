//! A one-line body with no `;` after its last expression is ordinary Rust: no lint may
//! fire on it (the generated code once made it a block's tail, and `unused_braces`
//! suggested removing the braces of the loop's own body). Nor may one on a reduction
//! the body never updates, which the serial loop has no warning for; nor `unused_parens`
//! on the operand of a `?` that needs them (`(*x)?`).
#![deny(warnings)]

use std::sync::Mutex;

use par_for::par_for;

#[par_for]
fn plain(v: &[u64]) -> Vec<u64> {
    let m = Mutex::new(Vec::new());
    #[par_for]
    for x in v { m.lock().unwrap().push(*x) }
    let mut out = m.into_inner().unwrap();
    out.sort();
    out
}

#[par_for]
fn reduce(v: &[u64]) -> (u64, u64) {
    let mut s = 0;
    #[par_for(reduce(s: +))]
    for r in v { s += r }
    let mut upto = 0;
    #[par_for(reduce(upto: +))]
    for r in v { if *r > 2 { break } else { upto += r } }
    (s, upto)
}

/// `(*x)?` needs its parentheses; the expansion must not make them look unneeded.
#[par_for]
fn question_mark_on_a_parenthesized_operand(v: &[Option<u64>]) -> Option<u64> {
    let mut total = 0;
    #[par_for(reduce(total: +))]
    for x in v {
        let y = (*x)?;
        total += y;
    }
    Some(total)
}

#[par_for]
fn with_break(v: &[u64]) -> usize {
    let m = Mutex::new(Vec::new());
    #[par_for]
    for x in v { if *x > 2 { break } m.lock().unwrap().push(*x) }
    #[par_for]
    for x in v { if *x > 2 { break } }
    let seen = m.into_inner().unwrap();
    seen.len()
}

#[par_for]
fn first_above(v: &[u64], limit: u64) -> Option<u64> {
    #[par_for]
    for x in v { if *x > limit { return Some(*x) } }
    None
}

#[par_for]
fn stream(v: &[u64]) -> Vec<u64> {
    let mut out = Vec::new();
    #[par_for(stream)]
    for r in v.iter().map(|x| x + 1) { out.push(r) }
    #[par_for(stream)]
    for r in v.iter().map(|x| { x * 10 }) { out.push(r) }
    #[par_for(stream)]
    for r in v.iter().map(|x| x + 1) { if r > 2 { break } }
    out
}

#[par_for]
fn stream_return(v: &[u64]) -> Option<u64> {
    #[par_for(stream)]
    for r in v.iter().map(|x| x * 2) { if r > 2 { return Some(r) } }
    None
}

#[par_for]
fn one_reduction_unused(v: &[u64]) -> (u64, u64) {
    let mut unused = 0;
    let mut total = 0;
    #[par_for(reduce(unused: +, total: +))]
    for x in v { total += x }
    (unused, total)
}

fn main() {
    let v = [1u64, 2, 3];
    assert_eq!(one_reduction_unused(&v), (0, 6));
    assert_eq!(plain(&v), [1, 2, 3]);
    assert_eq!(reduce(&v), (6, 3));
    assert!(with_break(&v) >= 2);
    assert_eq!(first_above(&v, 1), Some(2));
    assert_eq!(stream(&v), [2, 3, 4, 10, 20, 30]);
    assert_eq!(stream_return(&v), Some(4));
    assert_eq!(question_mark_on_a_parenthesized_operand(&[Some(1), Some(2)]), Some(3));
    assert_eq!(question_mark_on_a_parenthesized_operand(&[Some(1), None]), None);
}
