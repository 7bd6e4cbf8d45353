//! A function or a constructor named as a value (`map(drop)`, `map(Some)`, a generic
//! function of one's own) is an item, not a variable the task captures.
use par_for::par_for;

fn half<T: Into<u64>>(x: T) -> Option<u64> {
    let x: u64 = x.into();
    (x % 2 == 0).then_some(x / 2)
}

#[par_for]
fn check(words: &[&str]) -> Result<usize, std::num::ParseIntError> {
    #[par_for]
    words.iter().map(|w| w.parse::<u32>().map(drop)).collect::<Result<(), _>>()?;
    Ok(words.len())
}

#[par_for]
fn main() {
    let nums: Vec<u32> = (0..10).collect();
    #[par_for]
    let wrapped: Vec<Option<u32>> = nums.iter().copied().map(Some).collect();
    #[par_for]
    let halves: Vec<u64> = nums.iter().copied().filter_map(half).collect();
    let mut total = 0;
    #[par_for(reduce(total: +))]
    for n in &nums {
        total += Some(*n).map(u64::from).into_iter().filter_map(half).sum::<u64>();
    }
    assert_eq!((wrapped.len(), halves.len(), total), (10, 5, 10));
    assert_eq!(check(&["1", "2"]), Ok(2));
    assert!(check(&["1", "x"]).is_err());
}
