// A pipeline may be the value of a `let .. else`, as serially.
#![deny(warnings)]
use par_for::par_for;

#[par_for]
fn smallest(xs: &[u32]) -> u32 {
    #[par_for]
    let Some(m) = xs.iter().copied().min() else {
        return 0;
    };
    m
}

#[par_for]
fn first_even(xs: &[u32]) -> Result<usize, String> {
    #[par_for]
    let Some(i) = xs.iter().position(|x| x % 2 == 0) else {
        return Err("no even item".to_string());
    };
    Ok(i)
}

fn main() {
    assert_eq!(smallest(&[3, 1, 2]), 1);
    assert_eq!(smallest(&[]), 0);
    assert_eq!(first_even(&[3, 5, 8, 2]), Ok(2));
    assert!(first_even(&[3]).is_err());
}
