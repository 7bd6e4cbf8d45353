//! What follows a pipeline's consumer is serial code on its result: `.is_some()`,
//! `.unwrap_or(..)`, `.len()`, `Option::map`, `?` (also ending a marked expression
//! statement), a comparison.
use std::ops::Mul;

use par_for::par_for;

#[par_for]
fn parse_all(text: &str) -> Result<usize, std::num::ParseIntError> {
    #[par_for]
    let numbers = text.split(',').map(|w| w.parse::<i32>()).collect::<Result<Vec<_>, _>>()?;
    Ok(numbers.len())
}

#[par_for]
fn check_all(text: &str) -> Result<(), std::num::ParseIntError> {
    #[par_for]
    text.split(',').map(|w| w.parse::<i32>().map(drop)).collect::<Result<(), _>>()?;
    Ok(())
}

#[par_for]
fn main() {
    let xs = vec![3u64, 1, 4, 1, 5, 9, 2, 6];
    #[par_for]
    let found = xs.iter().find(|x| **x > 4).is_some();
    #[par_for]
    let product = xs.iter().copied().reduce(Mul::mul).unwrap();
    #[par_for]
    let max = xs.iter().copied().max().unwrap_or(0);
    #[par_for]
    let n = xs.iter().map(|x| x * 2).collect::<Vec<_>>().len();
    #[par_for]
    let many = xs.iter().filter(|x| **x % 2 == 1).count() > 3;
    #[par_for]
    let doubled = xs.iter().find(|x| **x > 4).map(|x| x * 2);
    assert!(found && many);
    assert_eq!((product, max, n, doubled), (6480, 9, 8, Some(10)));
    assert_eq!(parse_all("1,2,3"), Ok(3));
    assert!(parse_all("1,x").is_err());
    assert!(check_all("1,2").is_ok() && check_all("1,x").is_err());
}
